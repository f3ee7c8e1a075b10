/*
 * The kiosk page: pairing, the rating flow of the published "kiosk" questionnaire, idle and automatic
 * reset, the staff-PIN overlay when full screen is left, and the offline outbox (queue.js).
 * Plain ES2017, no framework; relevance and constraints run through expressions.js.
 */
(function () {
  'use strict';

  var STRINGS = self.HailongKioskStrings;
  var RATING_SCREENS = ['service', 'faces', 'problems', 'callback', 'phone'];
  var E = self.HailongExpressions;
  var lock = self.HailongKioskLock.create({
    pin: function () { return state.config && state.config.pin; },
    wrongPin: function () { return t('pin_wrong'); },
    unlocked: function () { updateStatus(); }
  });
  var base = document.body.getAttribute('data-base');
  var state = {lang: 'vi', screen: null, token: null, config: null, queue: null, rating: null, push: null,
               lastActivity: Date.now(), pollTimer: null, thanksTimer: null};

  function $(id) { return document.getElementById(id); }
  function t(key) { return STRINGS[state.lang][key] || STRINGS.vi[key] || key; }
  function label(map) { return map ? (map[state.lang] || map.vi || '') : ''; }

  /* The questionnaire: items by code, choices, relevance and constraints. */

  function item(code) {
    var sections = state.config.questionnaire.document.definition.sections;
    for (var i = 0; i < sections.length; i += 1) {
      for (var j = 0; j < sections[i].items.length; j += 1) {
        if (sections[i].items[j].code === code) return sections[i].items[j];
      }
    }
    return null;
  }

  function choices(code) {
    return state.config.questionnaire.document.definition.choice_lists[item(code).choices] || [];
  }

  function relevant(code) {
    var tree = (state.config.questionnaire.trees[code] || {}).relevant;
    return item(code) !== null && (!tree || E.truthy(E.evaluate(tree, state.rating.answers)));
  }

  function acceptable(code, value) {
    var tree = (state.config.questionnaire.trees[code] || {}).constraint;
    return !tree || E.truthy(E.evaluate(tree, state.rating.answers, value));
  }

  /* Screens and language. */

  function show(name) {
    state.screen = name;
    if (name !== 'loading' && !performance.getEntriesByName('kiosk-interactive').length) {
      performance.mark('kiosk-interactive');
    }
    Array.prototype.forEach.call(document.querySelectorAll('.screen'), function (section) {
      section.hidden = section.getAttribute('data-screen') !== name;
    });
    $('languages').hidden = ['pair', 'blocked', 'loading'].indexOf(name) >= 0;
    render();
    var heading = document.querySelector('[data-screen="' + name + '"] h1');
    if (heading) heading.setAttribute('tabindex', '-1');
  }

  function setLanguage(lang) {
    state.lang = lang;
    document.documentElement.lang = lang;
    render();
    updateStatus();
  }

  function render() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-text]'), function (node) {
      node.textContent = t(node.getAttribute('data-text'));
    });
    Array.prototype.forEach.call(document.querySelectorAll('#languages button'), function (button) {
      button.setAttribute('aria-pressed', String(button.getAttribute('data-lang') === state.lang));
    });
    if (!state.config || !state.rating && state.screen !== 'welcome') return;
    $('unit-name').textContent = label(state.config.unit.name);
    var note = $('welcome-transaction');
    note.hidden = !state.push;
    if (state.push) note.textContent = t('transaction') + state.push.transaction_ref;
    renderQuestions();
  }

  function renderQuestions() {
    var rating = item('overall_rating');
    $('faces-label').textContent = label(rating.label);
    var words = choices('overall_rating');
    Array.prototype.forEach.call(document.querySelectorAll('.face'), function (button, index) {
      var word = label(words[index].label);
      button.querySelector('.face-word').textContent = word;
      button.setAttribute('aria-label', word);
    });
    var services = $('service-list');
    services.textContent = '';
    state.config.services.forEach(function (service) {
      services.appendChild(choiceButton(label(service.name), service.code, function () { chooseService(service.code); }));
    });
    if (item('problem_elements')) {
      $('problems-label').textContent = label(item('problem_elements').label);
      var list = $('problem-list');
      list.textContent = '';
      choices('problem_elements').forEach(function (choice) {
        var button = choiceButton(label(choice.label), choice.value, toggleProblem);
        var chosen = state.rating && (state.rating.problems || []).indexOf(choice.value) >= 0;
        button.setAttribute('aria-pressed', String(Boolean(chosen)));
        list.appendChild(button);
      });
    }
    if (item('comment')) {
      $('comment-label').textContent = label(item('comment').label);
      $('comment-hint').textContent = label(item('comment').hint);
    }
    if (item('callback_consent')) $('callback-label').textContent = label(item('callback_consent').label);
    if (item('phone')) {
      $('phone-label').textContent = label(item('phone').label);
      $('phone-hint').textContent = label(item('phone').hint);
    }
  }

  function choiceButton(text, value, onClick) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'choice';
    button.textContent = text;
    button.setAttribute('data-value', value);
    button.addEventListener('click', onClick);
    return button;
  }

  /* The rating flow. */

  function uuid4() {
    if (self.crypto.randomUUID) return self.crypto.randomUUID();
    var b = self.crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return [h.slice(0, 8), h.slice(8, 12), h.slice(12, 16), h.slice(16, 20), h.slice(20)].join('-');
  }

  function begin() {
    lock.enterFullscreen();
    Array.prototype.forEach.call(document.querySelectorAll('.face'), function (button) {
      button.setAttribute('aria-pressed', 'false');
    });
    var push = state.push;
    state.push = null;
    state.rating = {
      uuid: uuid4(), started_at: new Date().toISOString(), answers: {}, problems: [],
      service: push ? push.service : null, transaction_ref: push ? push.transaction_ref : null,
      unit: push && push.unit ? push.unit : state.config.unit.code
    };
    var ask = state.config.settings.ask_service && !state.rating.service && state.config.services.length > 0;
    show(ask ? 'service' : 'faces');
  }

  function chooseService(code) {
    state.rating.service = code;
    show('faces');
  }

  function rate(value) {
    state.rating.answers.overall_rating = value;
    Array.prototype.forEach.call(document.querySelectorAll('.face'), function (button) {
      button.setAttribute('aria-pressed', String(Number(button.getAttribute('data-value')) === value));
    });
    if (relevant('problem_elements') || relevant('comment')) {
      $('comment').value = '';
      state.rating.problems = [];
      show('problems');
    } else {
      afterProblems();
    }
  }

  function toggleProblem(event) {
    var value = event.currentTarget.getAttribute('data-value');
    var problems = state.rating.problems;
    var at = problems.indexOf(value);
    if (at >= 0) problems.splice(at, 1); else problems.push(value);
    event.currentTarget.setAttribute('aria-pressed', String(at < 0));
  }

  function keepProblems() {
    var answers = state.rating.answers;
    delete answers.problem_elements;
    delete answers.comment;
    if (relevant('problem_elements') && state.rating.problems.length) answers.problem_elements = state.rating.problems.slice();
    var comment = $('comment').value.trim();
    if (relevant('comment') && comment) answers.comment = comment;
  }

  function afterProblems() {
    if (state.screen === 'problems') keepProblems();
    if (relevant('callback_consent')) show('callback'); else finish(false);
  }

  function callback(consent) {
    state.rating.answers.callback_consent = consent;
    if (consent === 'yes' && relevant('phone')) {
      $('phone').value = '';
      $('phone-error').hidden = true;
      show('phone');
    } else {
      finish(false);
    }
  }

  function sendWithPhone() {
    var phone = $('phone').value.trim();
    var error = !phone ? t('phone_required') : acceptable('phone', phone) ? null
      : label(item('phone').constraint_message) || t('phone_invalid');
    $('phone-error').hidden = !error;
    $('phone-error').textContent = error || '';
    if (error) return;
    state.rating.answers.phone = phone;
    finish(false);
  }

  function skipPhone() {
    state.rating.answers.callback_consent = 'no';
    delete state.rating.answers.phone;
    finish(false);
  }

  function payload(rating, idle) {
    var body = {
      uuid: rating.uuid, channel: 'kiosk',
      questionnaire: {code: state.config.questionnaire.code, version: state.config.questionnaire.version},
      unit: rating.unit, started_at: rating.started_at, submitted_at: new Date().toISOString(),
      answers: rating.answers, paradata: {language: state.lang, idle_submit: idle, kiosk: state.config.kiosk.id}
    };
    if (rating.service) body.service = rating.service;
    if (rating.transaction_ref) body.transaction_ref = rating.transaction_ref;
    return body;
  }

  function finish(idle) {
    var rating = state.rating;
    state.rating = null;
    state.queue.add(payload(rating, idle), state.token).then(function () {
      updateStatus();
      state.queue.schedule(true);
    });
    if (idle) { reset(); return; }
    show('thanks');
    clearTimeout(state.thanksTimer);
    state.thanksTimer = setTimeout(reset, state.config.settings.thanks_seconds * 1000);
  }

  function reset() {
    clearTimeout(state.thanksTimer);
    state.rating = null;
    setLanguage('vi');
    show('welcome');
  }

  /* Idle: back to the welcome screen, discarding or submitting a rating already given. */

  function checkIdle() {
    if (RATING_SCREENS.indexOf(state.screen) < 0 || !state.config) return;
    if (Date.now() - state.lastActivity < state.config.settings.idle_seconds * 1000) return;
    var answers = state.rating.answers;
    if (state.config.settings.idle_action === 'submit' && answers.overall_rating !== undefined) {
      if (state.screen === 'problems') keepProblems();
      if (answers.callback_consent === 'yes' && answers.phone === undefined) delete answers.callback_consent;
      finish(true);
    } else {
      reset();
    }
  }

  function unpair() {
    Promise.all([state.queue.setMeta('token', null), state.queue.setMeta('config', null)]).then(function () {
      state.token = null;
      state.config = null;
      lock.close();
      show('pair');
    });
  }

  /* Server: pairing, configuration, pushed transactions, status. */

  function api(path, options) {
    options = options || {};
    options.headers = options.headers || {};
    if (state.token) options.headers.Authorization = 'Bearer ' + state.token;
    options.cache = 'no-store';
    return fetch(base + 'api/' + path, options);
  }

  function pair(event) {
    event.preventDefault();
    var error = $('pair-error');
    api('pair', {method: 'POST', headers: {'Content-Type': 'application/json'},
                 body: JSON.stringify({code: $('pair-code').value})})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(label(body.error && body.error.message) || t('network'));
          state.token = body.token;
          // Ask the browser not to evict the outbox under storage pressure (granted silently to
          // installed apps in Chrome; a no-op where unsupported).
          if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
          return state.queue.setMeta('token', body.token);
        });
      }).then(function () {
        error.hidden = true;
        $('pair-code').value = '';
        history.replaceState(null, '', base);
        return loadConfig();
      }).catch(function (failure) {
        error.hidden = false;
        error.textContent = failure instanceof TypeError ? t('network') : failure.message;
      });
  }

  function blocked(code) {
    $('blocked-reason').textContent = t(code);
    show('blocked');
  }

  /* Fetch the configuration (and so the newest published questionnaire); keep the last one offline. */
  function loadConfig() {
    var headers = state.config && state.config.etag ? {'If-None-Match': state.config.etag} : {};
    return api('config', {headers: headers}).then(function (response) {
      if (response.status === 304) return state.config;
      return response.json().then(function (body) {
        if (!response.ok) {
          var failure = new Error(body.error ? body.error.code : 'network');
          failure.code = failure.message;
          throw failure;
        }
        body.etag = response.headers.get('ETag');
        return body;
      });
    }).then(function (config) {
      state.config = config;
      return state.queue.setMeta('config', config).then(function () {
        if (['blocked', 'pair', 'loading'].indexOf(state.screen) >= 0) reset();
        else if (state.screen === 'welcome') render();
      });
    }, function (failure) {
      if (failure.code === 'credential_revoked' || failure.code === 'invalid_credential') {
        blocked(failure.code);
      } else if (failure.code === 'no_questionnaire' && !state.config) {
        blocked('no_questionnaire');
      } else if (!state.config) {
        blocked('offline_unpaired');
      }
    });
  }

  function poll() {
    clearTimeout(state.pollTimer);
    var again = function () { state.pollTimer = setTimeout(poll, state.config ? state.config.settings.poll_seconds * 1000 : 5000); };
    if (state.screen !== 'welcome' || !state.token || state.push) { again(); return; }
    api('next', {method: 'POST'}).then(function (response) {
      if (response.status === 401 || response.status === 403) loadConfig();
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (body && body.push && state.screen === 'welcome') {
        state.push = body.push;
        render();
      }
    }).catch(function () {}).then(again);
  }

  function updateStatus() {
    if (!state.queue) return;
    Promise.all([state.queue.count(), state.queue.deadCount(), state.queue.getMeta('last_sync')])
      .then(function (values) {
        var last = values[2] ? new Date(values[2]).toLocaleTimeString(state.lang === 'vi' ? 'vi-VN' : 'en-GB') : t('never');
        var text = t('queue') + values[0] + ' · ' + t('last_sync') + last + (values[1] ? ' · ' + t('dead') + values[1] : '');
        $('status').textContent = text;
        $('status').setAttribute('data-queue', String(values[0]));
        $('status').setAttribute('data-dead', String(values[1]));
        $('staff-status').textContent = text;
      });
  }

  function onQueueChange(event) {
    updateStatus();
    if (event.synced && event.synced.device) loadConfig();
    else if (event.synced && state.screen === 'welcome') loadConfig();
  }

  /* Start-up. */

  function wire() {
    $('pair-form').addEventListener('submit', pair);
    $('blocked-repair').addEventListener('click', function () { show('pair'); });
    $('start').addEventListener('click', begin);
    $('service-skip').addEventListener('click', function () { chooseService(null); });
    Array.prototype.forEach.call(document.querySelectorAll('.face'), function (button) {
      button.addEventListener('click', function () { rate(Number(button.getAttribute('data-value'))); });
    });
    $('problems-next').addEventListener('click', afterProblems);
    $('callback-yes').addEventListener('click', function () { callback('yes'); });
    $('callback-no').addEventListener('click', function () { callback('no'); });
    $('phone-send').addEventListener('click', sendWithPhone);
    $('phone-skip').addEventListener('click', skipPhone);
    Array.prototype.forEach.call(document.querySelectorAll('#languages button'), function (button) {
      button.addEventListener('click', function () {
        if (state.screen === 'problems') keepProblems();
        setLanguage(button.getAttribute('data-lang'));
      });
    });
    $('staff-sync').addEventListener('click', function () { state.queue.schedule(true); });
    $('staff-unpair').addEventListener('click', unpair);
    $('status').addEventListener('click', function () { lock.open(); });
    ['pointerdown', 'keydown', 'input'].forEach(function (type) {
      document.addEventListener(type, function () { state.lastActivity = Date.now(); }, true);
    });
    self.addEventListener('online', function () { state.queue.schedule(true); });
    setInterval(checkIdle, 1000);
  }

  /* Register the service worker once the first screen is up, so its precache does not delay it. */
  function registerServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    setTimeout(function () {
      navigator.serviceWorker.register(document.body.getAttribute('data-sw'), {scope: base}).catch(function () {});
    }, 0);
  }

  function startUp() {
    wire();
    self.HailongQueue.open('hailong-kiosk').then(function (queue) {
      state.queue = queue;
      queue.onChange(onQueueChange);
      return Promise.all([queue.getMeta('token'), queue.getMeta('config')]);
    }).then(function (stored) {
      state.token = stored[0] || null;
      state.config = stored[1] || null;
      var code = new URLSearchParams(location.search).get('pair');
      registerServiceWorker();
      updateStatus();
      poll();
      state.queue.schedule(true);
      if (!state.token) {
        if (code) $('pair-code').value = code;
        show('pair');
        return null;
      }
      if (state.config) reset();
      return loadConfig();
    });
  }

  startUp();
}());
