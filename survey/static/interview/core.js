/*
 * The interview app's shared core, plain ES2017: texts in Vietnamese and English, the state, DOM
 * building, IndexedDB (meta: token, package, settings; drafts; outcomes to report; local visit
 * statuses) and the JSON API. The other scripts (form.js, listing.js, interview.js) add their parts
 * to the same window.HailongInterview namespace; interview.js starts the app.
 */
(function () {
  'use strict';

  var HI = window.HailongInterview = window.HailongInterview || {};
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
    replacement_waiting: ['Chỉ phỏng vấn người dự phòng này khi có người trước đó từ chối, không gặp hoặc không đủ điều kiện.',
                          'Interview this replacement only after someone before them refused, was not met or was ineligible.'],
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
    nothing: ['Chưa có địa bàn nào được giao.', 'No village assigned yet.'],
    listing_needed: ['Địa bàn cần lập danh sách hộ', 'This village needs a household listing'],
    listing_make: ['Lập danh sách hộ', 'List the households'],
    listing_households: ['hộ đã ghi', 'households listed'],
    listing_waiting: ['Danh sách chờ gửi: người trả lời sẽ được chọn khi có mạng.',
      'Listing waiting to be sent: respondents are drawn when online.'],
    listing_head: ['Họ tên chủ hộ', "Head of household's name"],
    listing_address: ['Địa chỉ hoặc mốc nhận biết', 'Address or landmark'],
    listing_size: ['Số nhân khẩu', 'Household size'],
    listing_phone: ['Số điện thoại (không bắt buộc)', 'Phone (optional)'],
    listing_add: ['Thêm hộ', 'Add the household'],
    listing_remove: ['Xoá', 'Remove'],
    listing_submit: ['Gửi danh sách', 'Send the listing'],
    listing_size_range: ['Số nhân khẩu từ 1 đến 99.', 'The household size is 1 to 99.'],
    listing_empty: ['Chưa có hộ nào.', 'No household yet.'],
    listings_queued: ['danh sách chờ gửi', 'listings waiting']
  };

  var lang = localStorage.getItem('hailong-interview-lang') || 'vi';
  var db = null;

  HI.lang = lang;
  HI.app = document.getElementById('app');
  HI.state = {token: null, pkg: null, local: {}, drafts: {}, queue: null, form: null};

  HI.t = function (key) { return TEXT[key][lang === 'en' ? 1 : 0]; };
  HI.text = function (key) { return {vi: TEXT[key][0], en: TEXT[key][1]}; };
  HI.label = function (labels) { return labels ? (labels[lang] || labels.vi || labels.en || '') : ''; };

  HI.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'onclick') node.addEventListener('click', attrs[key]);
      else if (attrs[key] !== null && attrs[key] !== undefined && attrs[key] !== false) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  };

  function req(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  HI.openDb = function () {
    var opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = function () {
      var d = opening.result;
      d.createObjectStore('meta', {keyPath: 'key'});
      d.createObjectStore('drafts', {keyPath: 'id'});
      d.createObjectStore('outcomes', {keyPath: 'client_uuid'});
      d.createObjectStore('local', {keyPath: 'id'});
    };
    return req(opening).then(function (opened) { db = opened; return opened; });
  };

  function done(tx) {
    return new Promise(function (resolve, reject) { tx.oncomplete = resolve; tx.onerror = function () { reject(tx.error); }; });
  }

  HI.put = function (store, value) {
    var tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).put(value);
    return done(tx);
  };

  HI.del = function (store, key) {
    var tx = db.transaction(store, 'readwrite');
    tx.objectStore(store).delete(key);
    return done(tx);
  };

  HI.all = function (store) { return req(db.transaction(store).objectStore(store).getAll()); };
  HI.getMeta = function (key) { return req(db.transaction('meta').objectStore('meta').get(key)).then(function (r) { return r && r.value; }); };
  HI.setMeta = function (key, value) { return HI.put('meta', {key: key, value: value}); };

  HI.uuid4 = function () {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  };

  HI.isoNow = function () {
    var d = new Date();
    var offset = -d.getTimezoneOffset();
    var sign = offset >= 0 ? '+' : '-';
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var local = new Date(d.getTime() + offset * 60000).toISOString().slice(0, 19);
    return local + sign + pad(Math.floor(Math.abs(offset) / 60)) + ':' + pad(Math.abs(offset) % 60);
  };

  HI.api = function (method, path, body) {
    var headers = {'Content-Type': 'application/json'};
    if (HI.state.token) headers.Authorization = 'Bearer ' + HI.state.token;
    return fetch(path, {method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, cache: 'no-store'})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (json) {
          return {status: response.status, body: json};
        });
      });
  };

  /* Keep a visit's local status and queue its outcome report (sent once its response is delivered). */
  HI.recordOutcome = function (report, localKey, status, reason) {
    var state = HI.state;
    state.local[localKey] = {id: localKey, status: status, reason: reason || null};
    return Promise.all([HI.put('local', state.local[localKey]),
      HI.put('outcomes', {client_uuid: report.client_uuid || HI.uuid4(), report: report, queued_at: new Date().toISOString()})]);
  };
}());
