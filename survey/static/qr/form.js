/*
 * The citizen's form behind a QR link: skip logic, checks and sending, on phones and slow links.
 *
 * The page is rendered on the server; this script shows and hides items with the shared expression
 * evaluator (kiosk/static/js/expressions.js, self.HailongExpressions), checks what the submission
 * service checks (required, relevant, constraint, in questionnaire order), and posts the response to
 * /api/v1/responses with the link's token as the bearer credential. Answers and an unsent response
 * are kept in localStorage, so a reload or a lost connection loses nothing, and a response is always
 * re-sent with the same uuid and content: the server answers a repeat with the original receipt.
 */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('qr-data').textContent);
  var expressions = self.HailongExpressions;
  var form = document.getElementById('qr-form');
  var status = document.getElementById('qr-status');
  var sendButton = document.getElementById('qr-send');
  var storageKey = 'hailong-qr:' + data.token;
  var TIMEOUT_MS = 30000;
  var RETRY_MIN_MS = 3000;
  var RETRY_MAX_MS = 60000;
  var retryDelay = RETRY_MIN_MS;
  var retryTimer = null;
  var sending = false;
  var state = load();

  function load() {
    try {
      return JSON.parse(localStorage.getItem(storageKey)) || {};
    } catch (error) {
      return {};
    }
  }

  function save() {
    try {
      localStorage.setItem(storageKey, JSON.stringify(state));
    } catch (error) { /* private mode or a full quota: the form still works, it just forgets */ }
  }

  function forget() {
    try {
      localStorage.removeItem(storageKey);
    } catch (error) { /* nothing to forget */ }
  }

  function uuid4() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function text(labels) {
    return labels ? (labels[data.lang] || labels.vi) : '';
  }

  /* The controls of an item as the user left them (to remember across reloads). */
  function rawValue(item) {
    var named = 'input[name="' + item.code + '"]';
    if (item.type === 'multi_choice') {
      return Array.prototype.filter.call(form.querySelectorAll(named), function (input) {
        return input.checked;
      }).map(function (input) { return input.value; });
    }
    var checked = form.querySelector(named + '[type=radio]:checked');
    if (checked) return checked.value;
    var entry = form.querySelector('[name="' + item.code + '"]:not([type=radio])');
    return entry ? entry.value : '';
  }

  function restore(item, raw) {
    if (raw === undefined || raw === null) return;
    var inputs = form.querySelectorAll('[name="' + item.code + '"]');
    Array.prototype.forEach.call(inputs, function (input) {
      if (input.type === 'radio') input.checked = input.value === raw;
      else if (input.type === 'checkbox') input.checked = raw.indexOf(input.value) >= 0;
      else input.value = raw;
    });
  }

  /* Read an answer as the value the server expects: undefined when unanswered, null when unreadable. */
  function answerOf(item, raw) {
    if (item.type === 'multi_choice') return raw.length ? raw : undefined;
    var value = typeof raw === 'string' ? raw.trim() : '';
    if (value === '') return undefined;
    if (item.type === 'likert5') return Number(value);
    if (item.type === 'integer') return /^-?[0-9]+$/.test(value) ? Number(value) : null;
    if (item.type === 'decimal') {
      value = value.replace(',', '.');
      return /^-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(value) ? Number(value) : null;
    }
    return value;
  }

  /* Evaluate relevance in questionnaire order as the server does, then required and constraints. */
  function check() {
    var values = {};
    var unreadable = {};
    data.items.forEach(function (item) {
      var value = answerOf(item, rawValue(item));
      if (value === null) unreadable[item.code] = true;
      else if (value !== undefined) values[item.code] = value;
    });
    var problems = {};
    var shown = {};
    data.items.forEach(function (item) {
      shown[item.code] = !item.relevant || expressions.truthy(expressions.evaluate(item.relevant, values));
      if (!shown[item.code]) delete values[item.code];
    });
    data.items.forEach(function (item) {
      if (!shown[item.code]) return;
      if (unreadable[item.code]) problems[item.code] = data.messages.number;
      else if (!(item.code in values)) {
        if (item.required) problems[item.code] = data.messages.required;
      } else if (item.constraint && !expressions.truthy(
        expressions.evaluate(item.constraint, values, values[item.code]))) {
        problems[item.code] = text(item.constraint_message) || data.messages.invalid;
      }
    });
    return {values: values, shown: shown, problems: problems};
  }

  function showItems(result) {
    data.items.forEach(function (item) {
      document.getElementById('item-' + item.code).hidden = !result.shown[item.code];
    });
  }

  function showProblems(problems) {
    var first = null;
    data.items.forEach(function (item) {
      var fieldset = document.getElementById('item-' + item.code);
      var message = fieldset.querySelector('.error');
      var problem = problems[item.code];
      message.hidden = !problem;
      message.textContent = problem || '';
      fieldset.classList.toggle('invalid', Boolean(problem));
      if (problem && !first) first = fieldset;
    });
    if (first) first.scrollIntoView({block: 'center'});
    return first === null;
  }

  function onChange() {
    if (!state.started_at) state.started_at = new Date().toISOString();
    state.raw = {};
    data.items.forEach(function (item) { state.raw[item.code] = rawValue(item); });
    save();
    var result = check();
    showItems(result);
    if (form.querySelector('fieldset.invalid')) showProblems(result.problems);
  }

  function buildPayload(values) {
    var payload = {uuid: uuid4()};
    Object.keys(data.payload).forEach(function (key) {
      if (data.payload[key] !== null) payload[key] = data.payload[key];
    });
    payload.started_at = state.started_at || new Date().toISOString();
    payload.submitted_at = new Date().toISOString();
    payload.answers = values;
    return payload;
  }

  function setStatus(message, kind) {
    status.textContent = message;
    status.className = 'status' + (kind ? ' status-' + kind : '');
  }

  function done() {
    forget();
    form.hidden = true;
    document.getElementById('qr-thanks').hidden = false;
    window.scrollTo(0, 0);
  }

  function refuse(body, httpStatus) {
    var error = (body && body.error) || {};
    state.pending = null;
    save();
    sending = false;
    sendButton.disabled = false;
    if (/^qr_link_(used|expired|tampered|unknown_key)$/.test(error.code || '')) {
      forget();
      window.location.replace(data.page);
      return;
    }
    if (httpStatus === 429) {
      setStatus(data.messages.rate_limited, 'error');
      return;
    }
    var problems = {};
    (error.errors || []).forEach(function (problem) {
      if (problem.item) problems[problem.item] = text(problem.message);
    });
    showProblems(problems);
    setStatus(data.messages.refused + ' ' + text(error.message), 'error');
  }

  function retryLater() {
    setStatus(data.messages.retrying, 'waiting');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, retryDelay);
    retryDelay = Math.min(retryDelay * 2, RETRY_MAX_MS);
  }

  function send() {
    clearTimeout(retryTimer);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    sending = true;
    sendButton.disabled = true;
    setStatus(data.messages.sending, 'waiting');
    fetch(data.api, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'Authorization': 'Bearer ' + data.token},
      body: JSON.stringify(state.pending),
      credentials: 'omit',
      signal: controller.signal
    }).then(function (response) {
      clearTimeout(timer);
      if (response.status === 200 || response.status === 201) return done();
      if (response.status >= 500) return retryLater();
      return response.json().then(function (body) { refuse(body, response.status); },
        function () { refuse(null, response.status); });
    }, function () {
      clearTimeout(timer);
      retryLater();
    });
  }

  form.addEventListener('change', onChange);
  form.addEventListener('input', onChange);
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (sending) return;
    var result = check();
    showItems(result);
    if (!showProblems(result.problems)) {
      setStatus(data.messages.fix, 'error');
      return;
    }
    state.pending = buildPayload(result.values);
    save();
    retryDelay = RETRY_MIN_MS;
    send();
  });
  window.addEventListener('online', function () {
    if (state.pending && sending) send();
  });

  data.items.forEach(function (item) { restore(item, (state.raw || {})[item.code]); });
  showItems(check());
  if (state.pending) send();
}());
