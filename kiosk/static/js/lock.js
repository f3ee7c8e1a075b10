/*
 * The kiosk's lock: full screen on the citizen's first tap, and a staff-PIN overlay whenever full
 * screen is left (a page cannot lock a tablet; docs/kiosk.md explains screen pinning). The PIN is
 * checked on the tablet against its PBKDF2-HMAC-SHA256 hash, so it works offline.
 */
(function (root) {
  'use strict';

  function $(id) { return document.getElementById(id); }

  function hexOf(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (x) {
      return (x + 256).toString(16).slice(1);
    }).join('');
  }

  /* Tell whether a typed PIN matches {salt, hash, iterations}. */
  function pinMatches(typed, pin) {
    var encoder = new TextEncoder();
    return root.crypto.subtle.importKey('raw', encoder.encode(typed), 'PBKDF2', false, ['deriveBits'])
      .then(function (key) {
        return root.crypto.subtle.deriveBits(
          {name: 'PBKDF2', hash: 'SHA-256', salt: encoder.encode(pin.salt), iterations: pin.iterations}, key, 256);
      }).then(function (bits) { return hexOf(bits) === pin.hash; });
  }

  /*
   * Wire the overlay (#overlay, #pin-form, #pin, #pin-error, #staff-panel, #staff-resume).
   * options.pin() returns the kiosk's PIN hash (or null), options.wrongPin() the error text,
   * options.unlocked() runs when the staff panel opens.
   */
  function create(options) {
    var wasFullscreen = false;

    /*
     * Arm the overlay when full screen is granted, not at its fullscreenchange event: that event
     * comes at the next frame, and on a busy tablet full screen may already be left by then, so it
     * would find no fullscreenElement and the exit would go unguarded.
     */
    function enterFullscreen() {
      var page = document.documentElement;
      if (document.fullscreenElement || !page.requestFullscreen) return;
      page.requestFullscreen().then(function () { wasFullscreen = true; }, function () {});
    }

    function open() {
      $('overlay').hidden = false;
      $('pin-form').hidden = false;
      $('staff-panel').hidden = true;
      $('pin').value = '';
      $('pin-error').hidden = true;
    }

    function close() { $('overlay').hidden = true; }

    $('pin-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var pin = options.pin();
      if (!pin) return;
      pinMatches($('pin').value, pin).then(function (good) {
        $('pin-error').hidden = good;
        $('pin-error').textContent = good ? '' : options.wrongPin();
        if (!good) return;
        $('pin-form').hidden = true;
        $('staff-panel').hidden = false;
        options.unlocked();
      });
    });
    $('staff-resume').addEventListener('click', function () {
      close();
      enterFullscreen();
    });
    document.addEventListener('fullscreenchange', function () {
      if (document.fullscreenElement) wasFullscreen = true;
      else if (wasFullscreen) open();
    });
    return {enterFullscreen: enterFullscreen, open: open, close: close};
  }

  root.HailongKioskLock = {create: create};
}(typeof self !== 'undefined' ? self : this));
