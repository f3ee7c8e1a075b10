/*
 * The interview form: drafts keyed by task, one section at a time, skip logic and constraints
 * evaluated by the shared HailongExpressions, paradata, and the finished interview handed to the
 * outbox (POST /api/v1/responses, exactly once thanks to the client UUID) with its outcome report.
 */
(function () {
  'use strict';

  var HI = window.HailongInterview;
  var state = HI.state;
  var el = HI.el;
  var t = HI.t;
  var label = HI.label;

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
    var draft = existing || {id: key, uuid: HI.uuid4(), answers: prefill || {}, section: 0, started_at: HI.isoNow(),
                             section_seconds: {}, task: task};
    state.form = {draft: draft, pkg: state.pkg.forms[formCode], unit: unit, entered: Date.now()};
    var start = existing ? Promise.resolve() : locate(draft);
    return start.then(function () { return saveDraft(); }).then(renderSection);
  }

  function locate(draft) {
    return HI.getMeta('allow_location').then(function (allowed) {
      if (!allowed || !navigator.geolocation) return null;
      return new Promise(function (resolve) {
        navigator.geolocation.getCurrentPosition(function (p) {
          draft.location = {lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: p.coords.accuracy};
          resolve();
        }, function () { resolve(); }, {timeout: 10000, maximumAge: 600000});
      });
    });
  }

  HI.startVisit = function (village, person) {
    var task = {kind: 'visit', draw_id: person.draw_id, role: person.role, order: person.order,
                replacements: person.role === 'replacement' ? replacementsUsed(village) : []};
    return openForm('draw-' + person.draw_id, village.questionnaire, village.unit, task);
  };

  HI.startBackcheck = function (task) {
    return openForm('backcheck-' + task.backcheck_id, 'backcheck', task.unit,
                    {kind: 'backcheck', backcheck_id: task.backcheck_id});
  };

  HI.startRevision = function (task) {
    var village = state.pkg.villages.filter(function (v) {
      return v.respondents.some(function (p) { return p.draw_id === task.draw_id; });
    })[0];
    return openForm('sendback-' + task.sendback_id, village.questionnaire, village.unit,
                    {kind: 'revision', sendback_id: task.sendback_id, supersedes: task.response_uuid, draw_id: task.draw_id},
                    JSON.parse(JSON.stringify(task.answers)));
  };

  function saveDraft() {
    var draft = state.form.draft;
    state.drafts[draft.id] = draft;
    return HI.put('drafts', draft);
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
    if (item.type === 'yes_no') return [{value: 'yes', label: HI.text('yes')}, {value: 'no', label: HI.text('no')}];
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
        onclick: function () { leaveSection(); saveDraft().then(HI.renderHome); }})]);
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
    HI.app.replaceChildren.apply(HI.app, children);
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
                   channel: 'interview', unit: form.unit, started_at: draft.started_at, submitted_at: HI.isoNow(),
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
    return state.queue.add(payload, state.token)
      .then(function () { return HI.recordOutcome(report, localKey, 'completed'); })
      .then(function () { delete state.drafts[draft.id]; return HI.del('drafts', draft.id); })
      .then(function () { state.form = null; HI.renderHome(); return HI.sync(); });
  }
}());
