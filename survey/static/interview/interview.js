/*
 * The enumerator's offline interview app, plain ES2017: enrolment, the home screen, sync, and start.
 *
 * Enrol once with a one-time code (-> enumerator device token), download the assignment package
 * (villages, respondent lists with replacements, back-checks, send-backs, questionnaires) and keep it
 * in IndexedDB (core.js). Villages without respondents are listed on the tablet (listing.js);
 * interviews are made section by section and saved as drafts (form.js). A finished interview goes
 * into the shared HailongQueue outbox; its visit outcome (or back-check / revision link) is reported
 * afterwards to /interview/api/outcomes, idempotently.
 */
(function () {
  'use strict';

  var HI = window.HailongInterview;
  var state = HI.state;
  var el = HI.el;
  var t = HI.t;
  var app = HI.app;
  var OUTCOMES = ['refused', 'noncontact', 'ineligible'];

  function download() {
    return HI.api('GET', '/interview/api/assignments').then(function (reply) {
      if (reply.status !== 200) throw new Error('download ' + reply.status);
      state.pkg = reply.body;
      return HI.setMeta('package', reply.body).then(function () { return HI.pruneListings(reply.body); });
    });
  }

  /* Report the outcomes whose responses the outbox has delivered, in the order they were made; stop at
   * the first one to keep for later, since a later outcome may depend on it (a refusal releases the
   * next replacement, survey/domain/replacements.py). */
  function reportOutcomes() {
    return HI.all('outcomes').then(function (rows) {
      rows.sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
      return rows.reduce(function (previous, row) {
        return previous.then(function () {
          return HI.api('POST', '/interview/api/outcomes', row.report).then(function (reply) {
            if (reply.status === 200 || (reply.status >= 400 && reply.status < 500 && reply.status !== 409 && reply.status !== 429)) {
              return HI.del('outcomes', row.client_uuid);
            }
            throw new Error('outcome kept for later: ' + reply.status);
          });
        });
      }, Promise.resolve());
    });
  }

  /* One sync at a time: a sync asked for while one runs follows it, so outcomes never race each other. */
  var running = null;
  var again = false;
  HI.sync = function () {
    if (running) { again = true; return running; }
    running = syncOnce().then(function () {
      running = null;
      if (again) { again = false; return HI.sync(); }
      return null;
    }, function () { running = null; });
    return running;
  };

  function syncOnce() {
    if (!navigator.onLine) return refreshStatus();
    return state.queue.sync().catch(function () { return null; })
      .then(reportOutcomes).catch(function () { return null; })
      .then(HI.sendListings).catch(function () { return null; })
      .then(function () { return download().catch(function () { return null; }); })
      .then(function () { return refreshStatus(); })
      .then(function () {
        if (state.form) return;
        if (state.pkg) HI.renderHome();
        else app.replaceChildren(el('p', {'class': 'error', text: t('offline_first')}));
      });
  }

  function refreshStatus() {
    return Promise.all([state.queue.count(), state.queue.deadCount(), HI.all('outcomes')]).then(function (counts) {
      var listings = HI.listingsWaiting();
      var line = (navigator.onLine ? t('online') : t('offline')) + ' · ' + counts[0] + ' ' + t('queued');
      if (listings) line += ' · ' + listings + ' ' + t('listings_queued');
      if (counts[1]) line += ' · ' + counts[1] + ' ' + t('dead');
      document.getElementById('status').textContent = line;
      document.body.setAttribute('data-queued', String(counts[0] + counts[2].length + listings));
      document.getElementById('sync-now').hidden = !state.token;
    });
  }

  function renderEnrol(message) {
    var input = el('input', {id: 'enrol-code', autocomplete: 'off', autocapitalize: 'characters', maxlength: '12'});
    var error = el('p', {id: 'enrol-error', 'class': 'error', role: 'alert', text: message || ''});
    var form = el('form', {id: 'enrol-form'}, [
      el('label', {'for': 'enrol-code', text: t('enrol_code')}), input,
      el('div', {'class': 'actions'}, [el('button', {type: 'submit', text: t('enrol')})]), error]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      HI.api('POST', '/interview/api/enrol', {code: input.value}).then(function (reply) {
        if (reply.status !== 201) { error.textContent = t('enrol_failed'); return null; }
        state.token = reply.body.token;
        return HI.setMeta('token', state.token).then(download).then(function () {
          if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
          refreshStatus();
          HI.renderHome();
        });
      }, function () { error.textContent = t('offline_first'); });
    });
    app.replaceChildren(el('h1', {text: t('enrol_title')}), el('p', {text: t('enrol_help')}), form);
  }

  function statusOf(person) {
    var key = 'draw-' + person.draw_id;
    if (state.drafts[key]) return 'draft';
    return (state.local[key] && state.local[key].status) || person.status;
  }

  HI.renderHome = function () {
    state.form = null;
    var pkg = state.pkg;
    var children = [el('h1', {text: t('villages') + ' · ' + pkg.enumerator.name})];
    var allow = el('input', {type: 'checkbox', id: 'allow-location'});
    HI.getMeta('allow_location').then(function (value) { allow.checked = !!value; });
    allow.addEventListener('change', function () { HI.setMeta('allow_location', allow.checked); });
    children.push(el('label', {'class': 'muted'}, [allow, document.createTextNode(' ' + t('location'))]));
    if (!pkg.villages.length && !pkg.backchecks.length) children.push(el('p', {text: t('nothing')}));
    pkg.villages.forEach(function (village) {
      children.push(el('h2', {text: village.village_name + ' (' + village.village_code + ')'}));
      if (village.listing_needed) children.push(HI.listingCard(village));
      village.respondents.forEach(function (person) { children.push(personCard(village, person)); });
    });
    if (pkg.sendbacks.length) {
      children.push(el('h2', {text: t('sendbacks')}));
      pkg.sendbacks.forEach(function (task) { children.push(sendbackCard(task)); });
    }
    if (pkg.backchecks.length) {
      children.push(el('h2', {text: t('backchecks')}));
      pkg.backchecks.forEach(function (task) { children.push(backcheckCard(task)); });
    }
    app.replaceChildren.apply(app, children);
  };

  // Each refusal, no contact or ineligible person releases the next replacement in draw order; only
  // released replacements may be visited (survey/domain/replacements.py, which the server checks).
  var NOT_INTERVIEWED = ['refused', 'noncontact', 'ineligible'];

  function releasedReplacements(village) {
    var failures = village.respondents.filter(function (p) { return NOT_INTERVIEWED.indexOf(statusOf(p)) >= 0; });
    return village.respondents.filter(function (p) { return p.role === 'replacement'; })
      .map(function (p) { return p.order; }).sort(function (a, b) { return a - b; }).slice(0, failures.length);
  }

  function personCard(village, person) {
    var status = statusOf(person);
    var waiting = person.role === 'replacement' && status === 'pending' &&
      releasedReplacements(village).indexOf(person.order) < 0;
    var card = el('div', {'class': 'card person', 'data-draw': person.draw_id, 'data-status': status,
                          'data-waiting': waiting ? 'yes' : 'no'}, [
      el('div', {'class': 'who'}, [
        el('strong', {text: person.order + '. ' + (person.name || '#' + person.listing_position)}),
        el('span', {'class': 'tag', text: t(person.role === 'main' ? 'main' : 'replacement')}),
        el('span', {'class': 'tag ' + status, text: t('status_' + status)}),
        el('div', {'class': 'address', text: person.address || ''})])]);
    if (waiting) {
      card.appendChild(el('p', {'class': 'muted waiting', text: t('replacement_waiting')}));
    } else if (status === 'pending' || status === 'draft') {
      card.appendChild(el('button', {type: 'button', 'class': 'start', text: t(status === 'draft' ? 'resume' : 'start'),
        onclick: function () { HI.startVisit(village, person); }}));
      if (status === 'pending') {
        card.appendChild(el('button', {type: 'button', 'class': 'secondary not-done', text: t('not_done'),
          onclick: function () { outcomeForm(card, village, person); }}));
      }
    }
    return card;
  }

  function outcomeForm(card, village, person) {
    var select = el('select', {name: 'status'}, OUTCOMES.map(function (s) { return el('option', {value: s, text: t('status_' + s)}); }));
    var reason = el('input', {type: 'text', name: 'reason', 'aria-label': t('reason'), placeholder: t('reason')});
    var form = el('form', {'class': 'outcome'}, [select, reason,
      el('button', {type: 'submit', text: t('save_outcome')}),
      el('button', {type: 'button', 'class': 'secondary', text: t('cancel'), onclick: HI.renderHome})]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var report = {kind: 'visit', draw_id: person.draw_id, status: select.value, reason: reason.value, client_uuid: HI.uuid4()};
      HI.recordOutcome(report, 'draw-' + person.draw_id, select.value, reason.value).then(HI.renderHome).then(HI.sync);
    });
    card.appendChild(form);
  }

  function personOf(drawId) {
    var found = null;
    state.pkg.villages.forEach(function (v) {
      v.respondents.forEach(function (p) { if (p.draw_id === drawId) found = p; });
    });
    return found;
  }

  function sendbackCard(task) {
    var person = personOf(task.draw_id);
    var title = person ? person.order + '. ' + (person.name || '#' + person.listing_position) : task.response_uuid.slice(0, 8);
    return el('div', {'class': 'card person sendback', 'data-sendback': task.sendback_id}, [
      el('div', {'class': 'who'}, [el('strong', {text: title}),
        el('p', {'class': 'comment', text: task.comment})]),
      state.local['sendback-' + task.sendback_id] ? el('span', {'class': 'tag completed', text: t('status_completed')}) :
        el('button', {type: 'button', 'class': 'start', text: t('revise'), onclick: function () { HI.startRevision(task); }})]);
  }

  function backcheckCard(task) {
    var done = state.local['backcheck-' + task.backcheck_id];
    return el('div', {'class': 'card person backcheck', 'data-backcheck': task.backcheck_id}, [
      el('div', {'class': 'who'}, [el('strong', {text: task.name || task.response_uuid.slice(0, 8)}),
        el('div', {'class': 'address', text: (task.address || '') + ' · ' + task.village_name})]),
      done ? el('span', {'class': 'tag completed', text: t('status_completed')}) :
        el('button', {type: 'button', 'class': 'start', text: t(state.drafts['backcheck-' + task.backcheck_id] ? 'resume' : 'start'),
          onclick: function () { HI.startBackcheck(task); }})]);
  }

  function load() {
    return Promise.all([HI.getMeta('token'), HI.getMeta('package'), HI.all('local'), HI.all('drafts')]).then(function (r) {
      state.token = r[0] || null;
      state.pkg = r[1] || null;
      r[2].forEach(function (row) { state.local[row.id] = row; });
      r[3].forEach(function (row) { row.resumed = true; state.drafts[row.id] = row; });
    });
  }

  function start() {
    document.documentElement.lang = HI.lang;
    var toggle = document.getElementById('lang');
    toggle.textContent = HI.lang === 'vi' ? 'English' : 'Tiếng Việt';
    toggle.addEventListener('click', function () {
      localStorage.setItem('hailong-interview-lang', HI.lang === 'vi' ? 'en' : 'vi');
      location.reload();
    });
    document.getElementById('sync-now').addEventListener('click', function () { HI.sync(); });
    Promise.all([HI.openDb(), HailongQueue.open('hailong-interview-outbox')]).then(function (opened) {
      state.queue = opened[1];
      return load();
    }).then(function () {
      window.addEventListener('online', function () { HI.sync(); });
      window.addEventListener('offline', refreshStatus);
      refreshStatus();
      if (!state.token) { renderEnrol(); return null; }
      if (state.pkg) HI.renderHome();
      return HI.sync();
    }).then(function () {
      if ('serviceWorker' in navigator) navigator.serviceWorker.register(document.body.getAttribute('data-sw'), {scope: '/interview/'});
      document.body.setAttribute('data-ready', '1');
    });
  }

  start();
}());
