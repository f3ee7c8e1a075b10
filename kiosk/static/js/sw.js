/*
 * The kiosk's service worker: keeps the app shell, scripts, styles and fonts so the kiosk starts and
 * works without a network, answering from the cache at once (sw-shell.js). The page keeps its
 * configuration (with the published questionnaire) and its outbox in IndexedDB; API calls always go
 * to the network.
 */
'use strict';

importScripts('static/js/sw-shell.js');

var SCOPE = new URL(self.registration.scope).pathname; // "/kiosk/"

HailongShell.serve({
  cache: 'hailong-kiosk-shell-3',
  prefix: 'hailong-kiosk-shell-',
  scope: SCOPE,
  strategy: 'cache-first',
  shell: [
    SCOPE,
    SCOPE + 'static/css/kiosk.css',
    SCOPE + 'static/js/expressions.js',
    SCOPE + 'static/js/queue.js',
    SCOPE + 'static/js/strings.js',
    SCOPE + 'static/js/lock.js',
    SCOPE + 'static/js/kiosk.js',
    SCOPE + 'static/fonts/NotoSans-Regular-vi.woff2',
    SCOPE + 'static/fonts/NotoSans-Bold-vi.woff2'
  ]
});
