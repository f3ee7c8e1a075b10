/*
 * The kiosk's own texts in Vietnamese and English (question texts come from the questionnaire).
 * Kept here rather than in the Babel catalogue so the kiosk switches language offline, at once.
 */
(function (root) {
  'use strict';

  root.HailongKioskStrings = {
    vi: {
      loading: 'Đang tải…', pair_title: 'Ghép nối kiosk',
      pair_help: 'Nhập mã ghép nối cán bộ quản trị vừa tạo (hoặc quét mã QR bằng máy ảnh của máy tính bảng).',
      pair_code: 'Mã ghép nối', pair_submit: 'Ghép nối', blocked_title: 'Kiosk đang tạm ngừng',
      blocked_help: 'Xin vui lòng báo cho cán bộ tại quầy. Các đánh giá đã ghi nhận trên máy vẫn được giữ lại.',
      pair_again: 'Ghép nối lại', welcome_title: 'Xin mời Ông/Bà đánh giá',
      welcome_lead: 'Chỉ mất vài giây. Ý kiến của Ông/Bà giúp chúng tôi phục vụ tốt hơn.',
      start: 'Bắt đầu đánh giá', service_title: 'Ông/Bà vừa làm thủ tục gì?',
      service_skip: 'Không nhớ / bỏ qua', next: 'Tiếp tục', yes: 'Có', no: 'Không', send: 'Gửi đánh giá',
      phone_skip: 'Thôi, không cần gọi lại', thanks_title: 'Xin cảm ơn Ông/Bà!',
      thanks_lead: 'Đánh giá của Ông/Bà đã được ghi nhận.', overlay_title: 'Dành cho cán bộ',
      pin_label: 'Mã PIN của cán bộ', pin_submit: 'Mở khoá', pin_wrong: 'Mã PIN không đúng.',
      staff_resume: 'Tiếp tục (toàn màn hình)', staff_sync: 'Đồng bộ ngay',
      staff_unpair: 'Huỷ ghép nối thiết bị', transaction: 'Hồ sơ: ', queue: 'Chờ gửi: ',
      last_sync: 'Đồng bộ lần cuối: ', never: 'chưa', dead: 'Không gửi được: ',
      credential_revoked: 'Thiết bị này đã bị thu hồi.', invalid_credential: 'Thiết bị này chưa được ghép nối.',
      offline_unpaired: 'Chưa kết nối được máy chủ để tải phiếu đánh giá.',
      no_questionnaire: 'Chưa có phiếu đánh giá được ban hành.',
      phone_required: 'Xin nhập số điện thoại, hoặc chọn “Thôi, không cần gọi lại”.',
      phone_invalid: 'Số điện thoại chưa đúng.', network: 'Không kết nối được máy chủ, xin thử lại.'
    },
    en: {
      loading: 'Loading…', pair_title: 'Pair this kiosk',
      pair_help: 'Enter the pairing code an administrator has just created (or scan its QR code with the tablet\'s camera).',
      pair_code: 'Pairing code', pair_submit: 'Pair', blocked_title: 'This kiosk is out of service',
      blocked_help: 'Please tell the staff at the counter. Ratings already recorded on this device are kept.',
      pair_again: 'Pair again', welcome_title: 'Please rate our service',
      welcome_lead: 'It takes a few seconds. Your opinion helps us serve you better.',
      start: 'Start rating', service_title: 'Which procedure did you come for?',
      service_skip: 'Not sure / skip', next: 'Continue', yes: 'Yes', no: 'No', send: 'Send rating',
      phone_skip: 'No call-back, thanks', thanks_title: 'Thank you!',
      thanks_lead: 'Your rating has been recorded.', overlay_title: 'Staff only',
      pin_label: 'Staff PIN', pin_submit: 'Unlock', pin_wrong: 'Wrong PIN.',
      staff_resume: 'Resume (full screen)', staff_sync: 'Sync now', staff_unpair: 'Unpair this device',
      transaction: 'Dossier: ', queue: 'Waiting to send: ', last_sync: 'Last sync: ', never: 'never',
      dead: 'Could not be sent: ', credential_revoked: 'This device has been revoked.',
      invalid_credential: 'This device is not paired.',
      offline_unpaired: 'The server could not be reached to load the questionnaire.',
      no_questionnaire: 'No kiosk questionnaire has been published.',
      phone_required: 'Please enter a phone number, or choose “No call-back, thanks”.',
      phone_invalid: 'The phone number is not right.', network: 'The server cannot be reached, please try again.'
    }
  };
}(typeof self !== 'undefined' ? self : this));
