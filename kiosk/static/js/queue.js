/*
 * A persistent outbox for POST /api/v1/responses, plain ES2017 with IndexedDB.
 *
 * Each entry holds a response payload (with its client UUID) and the bearer token in force when it
 * was made. sync() sends entries in batches grouped by token; the server's idempotency on the UUID
 * makes a resend after a lost reply harmless. Stored responses (201, 200 replay) leave the queue;
 * refused ones (malformed, invalid, conflicting, from a revoked or unknown device) go to a
 * dead-letter list staff can see; network failures, 429 and 5xx keep them for a retry with
 * exponential back-off. Reused by the QR and interview clients: self.HailongQueue.open(name).
 */
(function (root) {
  'use strict';

  var BATCH_SIZE = 20;
  var MIN_DELAY = 2000;
  var MAX_DELAY = 300000;
  var DEVICE_ERRORS = ['credential_revoked', 'invalid_credential', 'missing_credential'];

  function request(idbRequest) {
    return new Promise(function (resolve, reject) {
      idbRequest.onsuccess = function () { resolve(idbRequest.result); };
      idbRequest.onerror = function () { reject(idbRequest.error); };
    });
  }

  function Queue(db, endpoint) {
    this.db = db;
    this.endpoint = endpoint;
    this.failures = 0;
    this.timer = null;
    this.running = null;
    this.listeners = [];
  }

  Queue.prototype.store = function (name, mode) {
    return this.db.transaction(name, mode || 'readonly').objectStore(name);
  };

  Queue.prototype.write = function (name, action) {
    var tx = this.db.transaction(name, 'readwrite');
    action(tx.objectStore(name));
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  };

  Queue.prototype.add = function (payload, token) {
    var entry = {uuid: payload.uuid, token: token, payload: payload, queued_at: new Date().toISOString()};
    return this.write('queue', function (store) { store.put(entry); });
  };

  Queue.prototype.entries = function () { return request(this.store('queue').getAll()); };
  Queue.prototype.dead = function () { return request(this.store('dead').getAll()); };
  Queue.prototype.count = function () { return request(this.store('queue').count()); };
  Queue.prototype.deadCount = function () { return request(this.store('dead').count()); };

  Queue.prototype.getMeta = function (key) {
    return request(this.store('meta').get(key)).then(function (row) { return row ? row.value : undefined; });
  };

  Queue.prototype.setMeta = function (key, value) {
    return this.write('meta', function (store) { store.put({key: key, value: value}); });
  };

  Queue.prototype.onChange = function (listener) { this.listeners.push(listener); };

  Queue.prototype.changed = function (event) {
    this.listeners.forEach(function (listener) { listener(event || {}); });
  };

  /* Settle one batch's answer: remove stored entries, move refused ones to the dead letters. */
  Queue.prototype.settle = function (batch, results) {
    var done = [];
    var dead = [];
    var device = null;
    results.forEach(function (result, index) {
      var entry = batch[index];
      if (result.http_status === 200 || result.http_status === 201) {
        done.push(entry.uuid);
      } else if (result.http_status === 429 || result.http_status >= 500) {
        return;
      } else {
        var code = result.error ? result.error.code : 'refused';
        if (DEVICE_ERRORS.indexOf(code) >= 0) device = code;
        dead.push({uuid: entry.uuid, token: entry.token, payload: entry.payload, error: result.error || null,
                   http_status: result.http_status, dead_at: new Date().toISOString()});
      }
    });
    var tx = this.db.transaction(['queue', 'dead'], 'readwrite');
    done.concat(dead.map(function (d) { return d.uuid; })).forEach(function (uuid) {
      tx.objectStore('queue').delete(uuid);
    });
    dead.forEach(function (d) { tx.objectStore('dead').put(d); });
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve({stored: done.length, dead: dead.length, device: device}); };
      tx.onerror = function () { reject(tx.error); };
    });
  };

  Queue.prototype.sendBatch = function (batch) {
    var self = this;
    return fetch(this.endpoint, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + batch[0].token},
      body: JSON.stringify({responses: batch.map(function (entry) { return entry.payload; })}),
      cache: 'no-store'
    }).then(function (response) {
      if (response.status === 429 || response.status >= 500) throw new Error('server ' + response.status);
      return response.json().then(function (body) {
        if (response.ok && body && Array.isArray(body.results)) return self.settle(batch, body.results);
        return self.settle(batch, batch.map(function () {
          return {http_status: response.status, error: body && body.error};
        }));
      });
    });
  };

  /* Send everything queued; resolves with a summary, rejects when the network or server failed. */
  Queue.prototype.sync = function () {
    var self = this;
    if (this.running) return this.running;
    this.running = this.entries().then(function (entries) {
      if (!entries.length) return null;
      var groups = {};
      entries.sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
      entries.forEach(function (entry) { (groups[entry.token] = groups[entry.token] || []).push(entry); });
      var batches = [];
      Object.keys(groups).forEach(function (token) {
        for (var i = 0; i < groups[token].length; i += BATCH_SIZE) batches.push(groups[token].slice(i, i + BATCH_SIZE));
      });
      var summary = {stored: 0, dead: 0, device: null};
      return batches.reduce(function (previous, batch) {
        return previous.then(function () {
          return self.sendBatch(batch).then(function (result) {
            summary.stored += result.stored;
            summary.dead += result.dead;
            summary.device = summary.device || result.device;
          });
        });
      }, Promise.resolve()).then(function () { return summary; });
    }).then(function (summary) {
      self.failures = 0;
      if (summary === null) return {stored: 0, dead: 0, device: null};
      return self.setMeta('last_sync', new Date().toISOString()).then(function () {
        self.changed({synced: summary});
        return summary;
      });
    }, function (error) {
      self.failures += 1;
      self.changed({failed: error});
      throw error;
    });
    var clear = function () { self.running = null; };
    this.running.then(clear, clear);
    return this.running;
  };

  /* Sync now and again after a back-off while anything stays queued (doubling up to 5 minutes). */
  Queue.prototype.schedule = function (soon) {
    var self = this;
    clearTimeout(this.timer);
    var delay = soon ? 0 : Math.min(MAX_DELAY, MIN_DELAY * Math.pow(2, this.failures));
    this.timer = setTimeout(function () {
      self.sync().then(function () {
        return self.count();
      }, function () { return 1; }).then(function (left) {
        if (left > 0) self.schedule(false);
      });
    }, delay * (soon ? 1 : 0.75 + Math.random() * 0.5));
  };

  function open(name, endpoint) {
    var opening = indexedDB.open(name, 1);
    opening.onupgradeneeded = function () {
      var db = opening.result;
      db.createObjectStore('queue', {keyPath: 'uuid'});
      db.createObjectStore('dead', {keyPath: 'uuid'});
      db.createObjectStore('meta', {keyPath: 'key'});
    };
    return request(opening).then(function (db) { return new Queue(db, endpoint || '/api/v1/responses'); });
  }

  root.HailongQueue = {open: open};
}(typeof self !== 'undefined' ? self : this));
