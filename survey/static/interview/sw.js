/*
 * The interview app's service worker: keeps the app shell, its scripts (the shared expression
 * evaluator and outbox of the kiosk among them) and styles, so the app starts without a network.
 * Assignments, drafts and the outbox live in IndexedDB; API calls always go to the network.
 */
'use strict';

var CACHE = 'hailong-interview-shell-2';
var SHELL = [
  '/interview/',
  '/static/interview/interview.css',
  '/static/interview/core.js',
  '/static/interview/form.js',
  '/static/interview/listing.js',
  '/static/interview/interview.js',
  '/kiosk/static/js/expressions.js',
  '/kiosk/static/js/queue.js'
];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf('hailong-interview-shell-') === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* Answer from the network when it is there (fresh code), from the cache when it is not. */
function networkFirst(request, key) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) cache.put(key, response.clone());
      return response;
    }, function () {
      return cache.match(key).then(function (cached) { return cached || Response.error(); });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && url.pathname === '/interview/') {
    event.respondWith(networkFirst(request, '/interview/'));
  } else if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(networkFirst(request, url.pathname));
  }
});
