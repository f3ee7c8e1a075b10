/*
 * The enumerator's offline interview app, plain ES2017.
 *
 * Enrol once with a one-time code (-> enumerator device token), download the assignment package
 * (villages, respondent lists with replacements, back-checks, send-backs, questionnaires) and keep it
 * in IndexedDB; interview section by section with skip logic and constraints evaluated by the shared
 * HailongExpressions; every change is saved as a draft, so a reload or a closed tab resumes where it
 * stopped. A finished interview goes into the shared HailongQueue outbox (POST /api/v1/responses,
 * exactly once thanks to the client UUID); its visit outcome (or back-check / revision link) is
 * reported afterwards to /interview/api/outcomes, idempotently.
 */
(function () {
  'use strict';

  var DB_NAME = 'hailong-interview';
  var TEXT = {
    enrol_title: ['Đăng ký máy tính bảng', 'Enrol this tablet'],
    enrol_help: ['Nhập mã đăng ký giám sát viên đưa cho bạn.', 'Type the enrolment code your supervisor gave you.'],
    enrol_code: ['Mã đăng ký', 'Enrolment code'],
    enrol: ['Đăng ký', 'Enrol'],
    enrol_failed: ['Mã không đúng hoặc đã hết hạn.', 'The code is wrong or expired.'],
    offline_first: ['Cần kết nối mạng để tải phân công lần đầu.', 'A connection is needed to download the first assignments.'],
    online: ['Trực tuyến', 'Online'], offline: ['Ngoại tuyến', 'Offline'],
    queued: ['phiếu chờ gửi', 'waiting to be sent'], synced: ['Đã đồng bộ', 'Synced'],
    villages: ['Địa bàn được giao', 'Assigned villages'],
    main: ['chính', 'main'], replacement: ['dự phòng', 'replacement'],
    start: ['Phỏng vấn', 'Interview'], resume: ['Tiếp tục', 'Resume'],
    not_done: ['Không phỏng vấn được', 'Could not interview'],
    status_pending: ['chưa làm', 'to do'], status_completed: ['hoàn thành', 'completed'],
    status_refused: ['từ chối', 'refused'], status_noncontact: ['không gặp', 'no contact'],
    status_ineligible: ['không đủ điều kiện', 'ineligible'], status_draft: ['đang làm dở', 'draft'],
    reason: ['Lý do', 'Reason'], save_outcome: ['Ghi kết quả', 'Record outcome'], cancel: ['Huỷ', 'Cancel'],
    backchecks: ['Phúc tra', 'Back-checks'], sendbacks: ['Phiếu bị trả lại', 'Interviews sent back'],
    revise: ['Sửa phiếu', 'Revise'], section: ['Phần', 'Section'],
    back: ['Quay lại', 'Back'], next: ['Tiếp', 'Next'], finish: ['Hoàn thành phỏng vấn', 'Finish the interview'],
    save_exit: ['Lưu nháp và thoát', 'Save draft and exit'],
    required: ['Câu này bắt buộc.', 'This question is required.'],
    invalid: ['Câu trả lời không hợp lệ.', 'The answer is not valid.'],
    min: ['Giá trị nhỏ nhất: ', 'Smallest value: '], max: ['Giá trị lớn nhất: ', 'Largest value: '],
    whole: ['Nhập số nguyên.', 'Type a whole number.'],
    yes: ['Có', 'Yes'], no: ['Không', 'No'],
    location: ['Cho phép ghi vị trí khi phỏng vấn', 'Allow recording the location during interviews'],
    refresh: ['Tải lại phân công', 'Refresh assignments'], dead: ['phiếu bị từ chối', 'refused by the server'],
    nothing: ['Chưa có địa bàn nào được giao.', 'No village assigned yet.']
  };
  var OUTCOMES = ['refused', 'noncontact', 'ineligible'];

  var lang = localStorage.getItem('hailong-interview-lang') || 'vi';
  var db = null;
  var queue = null;
  var state = {token: null, pkg: null, local: {}, drafts: {}, pendingOutcomes: 0};
  var app = document.getElementById('app');

  function t(key) { return TEXT[key][lang === 'en' ? 1 : 0]; }
  function label(labels) { return labels ? (labels[lang] || labels.vi || labels.en || '') : ''; }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'onclick') node.addEventListener('click', attrs[key]);
      else if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  /* IndexedDB: meta (token, package, settings), drafts, outcomes to report, local visit statuses. */

  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function openDb() {
    var opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = function () {
      var d = opening.result;
      d.createObjectStore('meta', {keyPath: 'key'});
      d.createObjectStore('drafts', {keyPath: 'id'});
      d.createObjectStore('outcomes', {keyPath: 'client_uuid'});
      d.createObjectStore('local', {keyPath: 'id'});
    };
    return req(opening);
  }

  function put(store, value) {
    var tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value);
    return new Promise(function (resolve, reject) { tx.oncomplete = resolve; tx.onerror = function () { reject(tx.error); }; });
  }

  function del(store, key) {
    var tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).delete(key);
    return new Promise(function (resolve, reject) { tx.oncomplete = resolve; tx.onerror = function () { reject(tx.error); }; });
  }

  function all(store) { return req(db.transaction(store).objectStore(store).getAll()); }
  function getMeta(key) { return req(db.transaction('meta').objectStore('meta').get(key)).then(function (r) { return r && r.value; }); }
  function setMeta(key, value) { return put('meta', {key: key, value: value}); }

  function uuid4() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function isoNow() {
    var d = new Date();
    var offset = -d.getTimezoneOffset();
    var sign = offset >= 0 ? '+' : '-';
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var local = new Date(d.getTime() + offset * 60000).toISOString().slice(0, 19);
    return local + sign + pad(Math.floor(Math.abs(offset) / 60)) + ':' + pad(Math.abs(offset) % 60);
  }

  /* Network. */

  function api(method, path, body) {
    var headers = {'Content-Type': 'application/json'};
    if (state.token) headers.Authorization = 'Bearer ' + state.token;
    return fetch(path, {method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store'})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          return {status: response.status, body: json};
        });
      });
  }

  function download() {
    return api('GET', '/interview/api/assignments').then(function (reply) {
      if (reply.status !== 200) throw new Error('download ' + reply.status);
      state.pkg = reply.body;
      return setMeta('package', reply.body);
    });
  }

  /* Report the outcomes whose responses the outbox has delivered; keep the others for later. */
  function reportOutcomes() {
    return all('outcomes').then(function (rows) {
      rows.sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
      return rows.reduce(function (previous, row) {
        return previous.then(function () {
          return api('POST', '/interview/api/outcomes', row.report).then(function (reply) {
            if (reply.status === 200 || (reply.status >= 400 && reply.status < 500 && reply.status !== 409 && reply.status !== 429)) {
              return del('outcomes', row.client_uuid);
            }
          });
        });
      }, Promise.resolve());
    });
  }

  function sync() {
    if (!navigator.onLine) return refreshStatus();
    return queue.sync().catch(function () { return null; })
      .then(reportOutcomes).catch(function () { return null; })
      .then(function () { return download().catch(function () { return null; }); })
      .then(function () { return refreshStatus(); })
      .then(function () {
        if (state.form) return;
        if (state.pkg) renderHome();
        else app.replaceChildren(el('p', {'class': 'error', text: t('offline_first')}));
      });
  }

  function refreshStatus() {
    return Promise.all([queue.count(), queue.deadCount(), all('outcomes')]).then(function (counts) {
      var line = (navigator.onLine ? t('online') : t('offline')) + ' · ' + counts[0] + ' ' + t('queued');
      if (counts[1]) line += ' · ' + counts[1] + ' ' + t('dead');
      document.getElementById('status').textContent = line;
      document.body.setAttribute('data-queued', String(counts[0] + counts[2].length));
      document.getElementById('sync-now').hidden = !state.token;
    });
  }

  /* Screens. */

  function renderEnrol(message) {
    var input = el('input', {id: 'enrol-code', autocomplete: 'off', autocapitalize: 'characters', maxlength: '12'});
    var error = el('p', {id: 'enrol-error', 'class': 'error', role: 'alert', text: message || ''});
    var form = el('form', {id: 'enrol-form'}, [
      el('label', {'for': 'enrol-code', text: t('enrol_code')}), input,
      el('div', {'class': 'actions'}, [el('button', {type: 'submit', text: t('enrol')})]), error]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/interview/api/enrol', {code: input.value}).then(function (reply) {
        if (reply.status !== 201) { error.textContent = t('enrol_failed'); return null; }
        state.token = reply.body.token;
        return setMeta('token', state.token).then(download).then(function () {
          if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
          refreshStatus();
          renderHome();
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

  function renderHome() {
    state.form = null;
    var pkg = state.pkg;
    var children = [el('h1', {text: t('villages') + ' · ' + pkg.enumerator.name})];
    var allow = el('input', {type: 'checkbox', id: 'allow-location'});
    getMeta('allow_location').then(function (value) { allow.checked = !!value; });
    allow.addEventListener('change', function () { setMeta('allow_location', allow.checked); });
    children.push(el('label', {'class': 'muted'}, [allow, document.createTextNode(' ' + t('location'))]));
    if (!pkg.villages.length && !pkg.backchecks.length) children.push(el('p', {text: t('nothing')}));
    pkg.villages.forEach(function (village) {
      children.push(el('h2', {text: village.village_name + ' (' + village.village_code + ')'}));
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
  }

  function personCard(village, person) {
    var status = statusOf(person);
    var card = el('div', {'class': 'card person', 'data-draw': person.draw_id, 'data-status': status}, [
      el('div', {'class': 'who'}, [
        el('strong', {text: person.order + '. ' + (person.name || '#' + person.listing_position)}),
        el('span', {'class': 'tag', text: t(person.role === 'main' ? 'main' : 'replacement')}),
        el('span', {'class': 'tag ' + status, text: t('status_' + status)}),
        el('div', {'class': 'address', text: person.address || ''})])]);
    if (status === 'pending' || status === 'draft') {
      card.appendChild(el('button', {type: 'button', 'class': 'start', text: t(status === 'draft' ? 'resume' : 'start'),
        onclick: function () { startVisit(village, person); }}));
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
      el('button', {type: 'button', 'class': 'secondary', text: t('cancel'), onclick: renderHome})]);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var report = {kind: 'visit', draw_id: person.draw_id, status: select.value, reason: reason.value, client_uuid: uuid4()};
      recordOutcome(report, 'draw-' + person.draw_id, select.value, reason.value).then(renderHome).then(sync);
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
        el('button', {type: 'button', 'class': 'start', text: t('revise'), onclick: function () { startRevision(task); }})]);
  }

  function backcheckCard(task) {
    var done = state.local['backcheck-' + task.backcheck_id];
    return el('div', {'class': 'card person backcheck', 'data-backcheck': task.backcheck_id}, [
      el('div', {'class': 'who'}, [el('strong', {text: task.name || task.response_uuid.slice(0, 8)}),
        el('div', {'class': 'address', text: (task.address || '') + ' · ' + task.village_name})]),
      done ? el('span', {'class': 'tag completed', text: t('status_completed')}) :
        el('button', {type: 'button', 'class': 'start', text: t(state.drafts['backcheck-' + task.backcheck_id] ? 'resume' : 'start'),
          onclick: function () { startBackcheck(task); }})]);
  }

  function recordOutcome(report, localKey, status, reason) {
    state.local[localKey] = {id: localKey, status: status, reason: reason || null};
    return Promise.all([put('local', state.local[localKey]),
      put('outcomes', {client_uuid: report.client_uuid || uuid4(), report: report, queued_at: new Date().toISOString()})]);
  }

  /* Interviews: drafts keyed by task, one section at a time. */

  function replacementsUsed(village) {
    return village.respondents.filter(function (p) {
      var local = state.local['draw-' + p.draw_id];
      return p.role === 'main' && local && local.status !== 'completed';
    }).map(function (p) {
      var local = state.local['draw-' + p.draw_id];
      return {order: p.order, status: local.status, reason: local.reason};
    });
  }

  function openForm(key, formCode, unit, task, prefill) {
    var existing = state.drafts[key];
    var draft = existing || {id: key, uuid: uuid4(), answers: prefill || {}, section: 0, started_at: isoNow(),
                             section_seconds: {}, task: task};
    state.form = {draft: draft, pkg: state.pkg.forms[formCode], unit: unit, entered: Date.now()};
    var start = existing ? Promise.resolve() : locate(draft);
    return start.then(function () { return saveDraft(); }).then(renderSection);
  }

  function locate(draft) {
    return getMeta('allow_location').then(function (allowed) {
      if (!allowed || !navigator.geolocation) return null;
      return new Promise(function (resolve) {
        navigator.geolocation.getCurrentPosition(function (p) {
          draft.location = {lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: p.coords.accuracy};
          resolve();
        }, function () { resolve(); }, {timeout: 10000, maximumAge: 600000});
      });
    });
  }

  function startVisit(village, person) {
    var task = {kind: 'visit', draw_id: person.draw_id, role: person.role, order: person.order,
                replacements: person.role === 'replacement' ? replacementsUsed(village) : []};
    return openForm('draw-' + person.draw_id, village.questionnaire, village.unit, task);
  }

  function startBackcheck(task) {
    return openForm('backcheck-' + task.backcheck_id, 'backcheck', task.unit,
                    {kind: 'backcheck', backcheck_id: task.backcheck_id});
  }

  function startRevision(task) {
    var village = state.pkg.villages.filter(function (v) {
      return v.respondents.some(function (p) { return p.draw_id === task.draw_id; });
    })[0];
    return openForm('sendback-' + task.sendback_id, village.questionnaire, village.unit,
                    {kind: 'revision', sendback_id: task.sendback_id, supersedes: task.response_uuid, draw_id: task.draw_id},
                    JSON.parse(JSON.stringify(task.answers)));
  }

  function saveDraft() {
    var draft = state.form.draft;
    state.drafts[draft.id] = draft;
    return put('drafts', draft);
  }

  function definition() { return state.form.pkg.document.definition; }
  function compiled(code) { return state.form.pkg.document.compiled[code] || {}; }

  function relevant(item, answers) {
    var tree = compiled(item.code).relevant;
    if (!tree) return true;
    try { return HailongExpressions.truthy(HailongExpressions.evaluate(tree, answers)); } catch (e) { return false; }
  }

  /* Return the answers without those of items that are not relevant (in document order). */
  function liveAnswers(answers) {
    var kept = {};
    definition().sections.forEach(function (section) {
      section.items.forEach(function (item) {
        if (Object.prototype.hasOwnProperty.call(answers, item.code) && relevant(item, kept)) kept[item.code] = answers[item.code];
      });
    });
    Object.keys(kept).forEach(function (code) { if (kept[code] === null || kept[code] === '') delete kept[code]; });
    return kept;
  }

  function problem(item, answers) {
    var value = answers[item.code];
    var empty = value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length);
    if (empty) return item.required ? t('required') : null;
    if (item.type === 'integer' && !Number.isInteger(value)) return t('whole');
    var tree = compiled(item.code).constraint;
    if (tree) {
      var ok = false;
      try { ok = HailongExpressions.truthy(HailongExpressions.evaluate(tree, answers, value)); } catch (e) { ok = false; }
      if (!ok) return label(item.constraint_message) || t('invalid');
    }
    if (typeof value === 'number' && item.min !== undefined && value < item.min) return t('min') + item.min;
    if (typeof value === 'number' && item.max !== undefined && value > item.max) return t('max') + item.max;
    return null;
  }

  function choicesOf(item) {
    if (item.type === 'yes_no') return [{value: 'yes', label: {vi: TEXT.yes[0], en: TEXT.yes[1]}}, {value: 'no', label: {vi: TEXT.no[0], en: TEXT.no[1]}}];
    return definition().choice_lists[item.choices] || [];
  }

  function inputFor(item, answers, onChange) {
    var value = answers[item.code];
    if (item.type === 'choice' || item.type === 'likert5' || item.type === 'yes_no' || item.type === 'multi_choice') {
      var multi = item.type === 'multi_choice';
      return el('div', {'class': 'choices'}, choicesOf(item).map(function (choice) {
        var checked = multi ? Array.isArray(value) && value.indexOf(choice.value) >= 0 : value === choice.value;
        var input = el('input', {type: multi ? 'checkbox' : 'radio', name: item.code, value: String(choice.value), checked: checked ? 'checked' : null});
        input.addEventListener('change', function () {
          if (!multi) { onChange(choice.value); return; }
          var list = Array.isArray(answers[item.code]) ? answers[item.code].slice() : [];
          var at = list.indexOf(choice.value);
          if (input.checked && at < 0) list.push(choice.value);
          if (!input.checked && at >= 0) list.splice(at, 1);
          onChange(list);
        });
        return el('label', {}, [input, document.createTextNode(' ' + label(choice.label))]);
      }));
    }
    var type = item.type === 'integer' || item.type === 'decimal' ? 'number' : (item.type === 'date' ? 'date' : 'text');
    var field = el(item.type === 'text' ? 'textarea' : 'input', {type: item.type === 'text' ? null : type, name: item.code,
      id: 'item-' + item.code, inputmode: item.type === 'integer' ? 'numeric' : null,
      step: item.type === 'decimal' ? 'any' : null});
    if (value !== undefined && value !== null) field.value = String(value);
    field.addEventListener('input', function () {
      var raw = field.value.trim();
      if (type !== 'number') { onChange(raw); return; }
      onChange(raw === '' ? null : Number(raw));
    });
    return field;
  }

  function renderSection() {
    var form = state.form;
    var draft = form.draft;
    var sections = definition().sections;
    var section = sections[draft.section];
    var box = el('form', {id: 'interview', 'data-section': section.code, novalidate: 'novalidate'});
    var messages = {};
    var items = {};
    function redraw() {
      section.items.forEach(function (item) {
        items[item.code].hidden = !relevant(item, draft.answers);
      });
    }
    section.items.forEach(function (item) {
      var message = el('p', {'class': 'error', role: 'alert', 'data-error': item.code});
      messages[item.code] = message;
      var input = inputFor(item, draft.answers, function (value) {
        if (value === null || value === '' || (Array.isArray(value) && !value.length)) delete draft.answers[item.code];
        else draft.answers[item.code] = value;
        message.textContent = '';
        redraw();
        saveDraft();
      });
      items[item.code] = el('fieldset', {'data-item': item.code}, [
        el('legend', {text: label(item.label) + (item.required ? ' *' : '')}),
        item.hint ? el('p', {'class': 'hint', text: label(item.hint)}) : null, input, message]);
      box.appendChild(items[item.code]);
    });
    redraw();
    var last = draft.section === sections.length - 1;
    var actions = el('div', {'class': 'actions'}, [
      draft.section > 0 ? el('button', {type: 'button', 'class': 'secondary', id: 'back', text: t('back'),
        onclick: function () { move(-1); }}) : null,
      el('button', {type: 'submit', id: last ? 'finish' : 'next', text: t(last ? 'finish' : 'next')}),
      el('button', {type: 'button', 'class': 'secondary', id: 'save-exit', text: t('save_exit'),
        onclick: function () { leaveSection(); saveDraft().then(renderHome); }})]);
    box.appendChild(actions);
    box.addEventListener('submit', function (event) {
      event.preventDefault();
      var answers = liveAnswers(draft.answers);
      var first = null;
      section.items.forEach(function (item) {
        var text = relevant(item, answers) ? problem(item, answers) : null;
        messages[item.code].textContent = text || '';
        if (text && !first) first = items[item.code];
      });
      if (first) { first.scrollIntoView(); return; }
      if (last) finish(); else move(1);
    });
    var heading = el('h1', {text: label(definition().title)});
    var sub = el('p', {'class': 'muted', text: t('section') + ' ' + (draft.section + 1) + '/' + sections.length + ' · ' + label(section.label)});
    var children = [heading, sub];
    if (draft.task.kind === 'revision') {
      var task = state.pkg.sendbacks.filter(function (s) { return s.sendback_id === draft.task.sendback_id; })[0];
      if (task) children.push(el('p', {'class': 'comment', text: task.comment}));
    }
    children.push(box);
    app.replaceChildren.apply(app, children);
    form.entered = Date.now();
    window.scrollTo(0, 0);
  }

  function leaveSection() {
    var form = state.form;
    var code = definition().sections[form.draft.section].code;
    var seconds = (Date.now() - form.entered) / 1000;
    form.draft.section_seconds[code] = Math.round(((form.draft.section_seconds[code] || 0) + seconds) * 10) / 10;
    form.entered = Date.now();
  }

  function move(step) {
    leaveSection();
    state.form.draft.section += step;
    saveDraft().then(renderSection);
  }

  function finish() {
    leaveSection();
    var form = state.form;
    var draft = form.draft;
    var task = draft.task;
    var paradata = {app: 'hailong-interview', section_seconds: draft.section_seconds,
                    started_at: draft.started_at, resumed: !!draft.resumed};
    if (task.kind === 'visit') {
      paradata.respondent = {draw_id: task.draw_id, role: task.role, order: task.order};
      if (task.role === 'replacement') paradata.replacements_used = task.replacements;
    }
    if (draft.location) paradata.location = draft.location;
    var payload = {uuid: draft.uuid, questionnaire: {code: form.pkg.code, version: form.pkg.version},
                   channel: 'interview', unit: form.unit, started_at: draft.started_at, submitted_at: isoNow(),
                   answers: liveAnswers(draft.answers), paradata: paradata};
    var report;
    var localKey = draft.id;
    if (task.kind === 'visit') {
      report = {kind: 'visit', draw_id: task.draw_id, status: 'completed', response_uuid: draft.uuid, client_uuid: draft.uuid};
    } else if (task.kind === 'backcheck') {
      report = {kind: 'backcheck', backcheck_id: task.backcheck_id, response_uuid: draft.uuid, client_uuid: draft.uuid};
    } else {
      payload.supersedes = task.supersedes;
      report = {kind: 'revision', sendback_id: task.sendback_id, response_uuid: draft.uuid, client_uuid: draft.uuid};
    }
    return queue.add(payload, state.token)
      .then(function () { return recordOutcome(report, localKey, 'completed'); })
      .then(function () { delete state.drafts[draft.id]; return del('drafts', draft.id); })
      .then(function () { state.form = null; renderHome(); return sync(); });
  }

  /* Start. */

  function load() {
    return Promise.all([getMeta('token'), getMeta('package'), all('local'), all('drafts')]).then(function (r) {
      state.token = r[0] || null;
      state.pkg = r[1] || null;
      r[2].forEach(function (row) { state.local[row.id] = row; });
      r[3].forEach(function (row) { row.resumed = true; state.drafts[row.id] = row; });
    });
  }

  function start() {
    document.documentElement.lang = lang;
    var toggle = document.getElementById('lang');
    toggle.textContent = lang === 'vi' ? 'English' : 'Tiếng Việt';
    toggle.addEventListener('click', function () {
      lang = lang === 'vi' ? 'en' : 'vi';
      localStorage.setItem('hailong-interview-lang', lang);
      location.reload();
    });
    document.getElementById('sync-now').addEventListener('click', function () { sync(); });
    Promise.all([openDb(), HailongQueue.open('hailong-interview-outbox')]).then(function (opened) {
      db = opened[0];
      queue = opened[1];
      return load();
    }).then(function () {
      window.addEventListener('online', function () { sync(); });
      window.addEventListener('offline', refreshStatus);
      refreshStatus();
      if (!state.token) { renderEnrol(); return null; }
      if (state.pkg) renderHome();
      return sync();
    }).then(function () {
      if ('serviceWorker' in navigator) navigator.serviceWorker.register(document.body.getAttribute('data-sw'), {scope: '/interview/'});
      document.body.setAttribute('data-ready', '1');
    });
  }

  start();
}());
