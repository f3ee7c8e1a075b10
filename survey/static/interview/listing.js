/*
 * Household listing on the tablet, for an assigned village that has no respondents yet: the
 * enumerator enters the households (head's name, address or landmark, size, optional phone) offline;
 * the listing is kept as a draft in IndexedDB and, once sent, POSTed to /interview/api/listings with
 * its client UUID (a retry never doubles it). The server draws the respondents, and the next
 * download of the assignments carries them.
 */
(function () {
  'use strict';

  var HI = window.HailongInterview;
  var state = HI.state;
  var el = HI.el;
  var t = HI.t;

  function keyOf(village) { return 'listing-' + village.survey + '-' + village.village_code; }

  function draftOf(village) {
    return state.drafts[keyOf(village)] || {id: keyOf(village), kind: 'listing', client_uuid: HI.uuid4(),
      survey: village.survey, village_code: village.village_code, households: [], ready: false, error: null};
  }

  function save(draft) {
    state.drafts[draft.id] = draft;
    return HI.put('drafts', draft);
  }

  function listings() {
    return Object.keys(state.drafts).map(function (key) { return state.drafts[key]; })
      .filter(function (draft) { return draft.kind === 'listing'; });
  }

  HI.listingsWaiting = function () {
    return listings().filter(function (draft) { return draft.ready; }).length;
  };

  HI.listingCard = function (village) {
    var draft = draftOf(village);
    var card = el('div', {'class': 'card listing', 'data-village': village.village_code,
                          'data-listing': draft.ready || draft.sent ? 'waiting' : 'open'}, [
      el('div', {'class': 'who'}, [el('strong', {text: t('listing_needed')}),
        el('span', {'class': 'tag', text: draft.households.length + ' ' + t('listing_households')})])]);
    if (draft.error) card.appendChild(el('p', {'class': 'error', role: 'alert', text: draft.error}));
    if (draft.ready || draft.sent) card.appendChild(el('p', {'class': 'muted', text: t('listing_waiting')}));
    else card.appendChild(el('button', {type: 'button', 'class': 'start', text: t('listing_make'),
      onclick: function () { HI.openListing(village); }}));
    return card;
  };

  function field(id, key, attrs) {
    var input = el('input', Object.assign({id: id, name: id}, attrs || {}));
    return [el('label', {'for': id, text: t(key)}), input];
  }

  /* Forget the sent listings of villages whose respondents the downloaded package now carries. */
  HI.pruneListings = function (pkg) {
    var needed = {};
    pkg.villages.forEach(function (village) { if (village.listing_needed) needed[keyOf(village)] = true; });
    return Promise.all(listings().filter(function (draft) { return draft.sent && !needed[draft.id]; })
      .map(function (draft) { delete state.drafts[draft.id]; return HI.del('drafts', draft.id); }));
  };

  HI.openListing = function (village) {
    var draft = draftOf(village);
    state.form = {listing: draft.id};
    var head = field('listing-head', 'listing_head', {autocomplete: 'off', maxlength: '200'});
    var address = field('listing-address', 'listing_address', {autocomplete: 'off', maxlength: '500'});
    var size = field('listing-size', 'listing_size', {type: 'number', inputmode: 'numeric', min: '1', max: '99'});
    var phone = field('listing-phone', 'listing_phone', {type: 'tel', autocomplete: 'off', maxlength: '20'});
    var error = el('p', {'class': 'error', role: 'alert', id: 'listing-error'});
    var form = el('form', {id: 'listing-form', novalidate: 'novalidate'},
      head.concat(address, size, phone, [el('div', {'class': 'actions'}, [
        el('button', {type: 'submit', id: 'listing-add', text: t('listing_add')})]), error]));
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = head[1].value.trim();
      var members = Number(size[1].value);
      if (!name) { error.textContent = t('required'); return; }
      if (!Number.isInteger(members) || members < 1 || members > 99) { error.textContent = t('listing_size_range'); return; }
      draft.households.push({head_name: name, address: address[1].value.trim(), household_size: members,
                             phone: phone[1].value.trim()});
      draft.error = null;
      save(draft).then(function () { HI.openListing(village); });
    });
    var rows = draft.households.map(function (household, index) {
      return el('li', {'class': 'household'}, [
        el('span', {text: household.head_name + ' · ' + (household.address || '—') + ' · ' + household.household_size}),
        el('button', {type: 'button', 'class': 'secondary', text: t('listing_remove'), onclick: function () {
          draft.households.splice(index, 1);
          save(draft).then(function () { HI.openListing(village); });
        }})]);
    });
    var actions = el('div', {'class': 'actions'}, [
      el('button', {type: 'button', id: 'listing-submit', text: t('listing_submit'), disabled: rows.length ? null : 'disabled',
        onclick: function () {
          draft.ready = true;
          draft.error = null;
          save(draft).then(function () { state.form = null; HI.renderHome(); return HI.sync(); });
        }}),
      el('button', {type: 'button', 'class': 'secondary', id: 'listing-exit', text: t('save_exit'),
        onclick: function () { save(draft).then(HI.renderHome); }})]);
    HI.app.replaceChildren(el('h1', {text: t('listing_make') + ' · ' + village.village_name}),
      rows.length ? el('ol', {id: 'listing-households'}, rows) : el('p', {'class': 'muted', text: t('listing_empty')}),
      form, actions);
    head[1].focus();
  };

  /* Send the listings marked ready; keep them on a network error or a busy server. */
  HI.sendListings = function () {
    return listings().filter(function (draft) { return draft.ready; }).reduce(function (previous, draft) {
      return previous.then(function () {
        var body = {client_uuid: draft.client_uuid, survey: draft.survey, village_code: draft.village_code,
                    households: draft.households};
        return HI.api('POST', '/interview/api/listings', body).then(function (reply) {
          if (reply.status === 200) { draft.ready = false; draft.sent = true; return save(draft); }
          if (reply.status >= 400 && reply.status < 500 && reply.status !== 429) {
            var message = reply.body.error && reply.body.error.message;
            draft.ready = false;
            draft.error = message ? HI.label(message) : String(reply.status);
            return save(draft);
          }
          return null;
        });
      });
    }, Promise.resolve());
  };
}());
