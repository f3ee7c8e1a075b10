/*
 * The interview app's service worker: keeps the app shell, its scripts (the shared expression
 * evaluator and outbox of the kiosk among them) and styles, so the app starts without a network;
 * fresh code from the network when there is one (sw-shell.js, shared with the kiosk). Assignments,
 * drafts and the outbox live in IndexedDB; API calls always go to the network.
 */
'use strict';

importScripts('/kiosk/static/js/sw-shell.js');

HailongShell.serve({
  cache: 'hailong-interview-shell-3',
  prefix: 'hailong-interview-shell-',
  scope: '/interview/',
  strategy: 'network-first',
  shell: [
    '/interview/',
    '/static/interview/interview.css',
    '/static/interview/core.js',
    '/static/interview/form.js',
    '/static/interview/listing.js',
    '/static/interview/interview.js',
    '/kiosk/static/js/expressions.js',
    '/kiosk/static/js/queue.js'
  ]
});
