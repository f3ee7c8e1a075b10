/*
 * The kiosk's service worker: keeps the app shell, scripts, styles and fonts so the kiosk starts and
 * works without a network. The page keeps its configuration (with the published questionnaire) and
 * its outbox in IndexedDB; API calls always go to the network.
 */
'use strict';

var CACHE = 'hailong-kiosk-shell-2';
var SCOPE = new URL(self.registration.scope).pathname; // "/kiosk/"
var SHELL = [
  SCOPE,
  SCOPE + 'static/css/kiosk.css',
  SCOPE + 'static/js/expressions.js',
  SCOPE + 'static/js/queue.js',
  SCOPE + 'static/js/strings.js',
  SCOPE + 'static/js/lock.js',
  SCOPE + 'static/js/kiosk.js',
  SCOPE + 'static/fonts/NotoSans-Regular-vi.woff2',
  SCOPE + 'static/fonts/NotoSans-Bold-vi.woff2'
];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf('hailong-kiosk-shell-') === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* Answer from the cache at once and refresh it in the background (stale-while-revalidate). */
function fromCache(request, key) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key).then(function (cached) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) cache.put(key, response.clone());
        return response;
      });
      if (cached) {
        fresh.catch(function () {});
        return cached;
      }
      return fresh;
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf(SCOPE + 'api/') === 0) return;
  if (request.mode === 'navigate' && url.pathname === SCOPE) {
    event.respondWith(fromCache(request, SCOPE));
  } else if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(fromCache(request, url.pathname));
  }
});
