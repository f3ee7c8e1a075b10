/*
 * The service-worker core shared by the kiosk and the interview app: cache the app shell on install,
 * drop older shell caches on activation, and answer the shell's GET requests, either from the cache
 * at once while refreshing it in the background ('cache-first', stale-while-revalidate) or from the
 * network with the cache as the fallback ('network-first'). API calls and other origins always go
 * to the network. Each app's sw.js loads this with importScripts and calls HailongShell.serve.
 */
'use strict';

self.HailongShell = (function () {
  function cacheFirst(cacheName, request, key) {
    return caches.open(cacheName).then(function (cache) {
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

  function networkFirst(cacheName, request, key) {
    return caches.open(cacheName).then(function (cache) {
      return fetch(request).then(function (response) {
        if (response.ok) cache.put(key, response.clone());
        return response;
      }, function () {
        return cache.match(key).then(function (cached) { return cached || Response.error(); });
      });
    });
  }

  /* options: cache (name with its version), prefix (of the older versions' names), scope, shell, strategy. */
  function serve(options) {
    var answer = options.strategy === 'network-first' ? networkFirst : cacheFirst;
    self.addEventListener('install', function (event) {
      event.waitUntil(caches.open(options.cache).then(function (cache) { return cache.addAll(options.shell); })
        .then(function () { return self.skipWaiting(); }));
    });
    self.addEventListener('activate', function (event) {
      event.waitUntil(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf(options.prefix) === 0 && name !== options.cache;
        }).map(function (name) { return caches.delete(name); }));
      }).then(function () { return self.clients.claim(); }));
    });
    self.addEventListener('fetch', function (event) {
      var request = event.request;
      if (request.method !== 'GET') return;
      var url = new URL(request.url);
      if (url.origin !== self.location.origin || url.pathname.indexOf(options.scope + 'api/') === 0) return;
      if (request.mode === 'navigate' && url.pathname === options.scope) {
        event.respondWith(answer(options.cache, request, options.scope));
      } else if (options.shell.indexOf(url.pathname) >= 0) {
        event.respondWith(answer(options.cache, request, url.pathname));
      }
    });
  }

  return {serve: serve};
}());
