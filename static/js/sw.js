/* The field app's service worker: keeps the pages a social worker needs in the field, so that they
 * open without a connection, and nothing else.
 *
 * Served by socialwork.webapp.service_worker, which puts `self.FIELD` on the first line:
 * {version, shell: [static urls], offline, expired, precache}.
 *
 * Three caches:
 * - "shell-<version>": the static files and the offline pages; replaced by each deploy.
 * - "field-pages": exactly the pages of the last precache.json (field.js hands it over after each
 *   sync); a page not in the latest list is deleted (a case transferred, closed, reassigned).
 * - "field-meta": one record, who the pages belong to and when the server was last reached.
 * Pages are network-first: the cache answers only when the network does not, and then only if the
 * server was reached within the district's offline limit (offline_hours); past it the case pages
 * are deleted and the offline page says why.
 */
"use strict";

const CONFIG = self.FIELD;
const SHELL_CACHE = "shell-" + CONFIG.version;
const PAGES_CACHE = "field-pages";
const META_CACHE = "field-meta";
const META_KEY = new URL("/__field-meta__", self.location.origin).href; // never asked of the server
// A sync fetches the pages it lacks, and all of them again after this long (each fetch of a case
// page is audited as the worker opening it; a page opened online is refreshed anyway).
const REFRESH_AFTER_MS = 4 * 3600 * 1000;
let lastReachedWrite = 0;

function absolute(url) {
  return new URL(url, self.location.origin).href;
}

async function readMeta() {
  const cache = await caches.open(META_CACHE);
  const answer = await cache.match(META_KEY);
  return answer ? answer.json() : null;
}

async function writeMeta(meta) {
  const cache = await caches.open(META_CACHE);
  await cache.put(META_KEY, new Response(JSON.stringify(meta), {headers: {"Content-Type": "application/json"}}));
}

async function purgePages() {
  await caches.delete(PAGES_CACHE);
  const meta = await readMeta();
  if (meta) {
    meta.urls = [];
    meta.cases = [];
    await writeMeta(meta);
  }
}

async function noteReached() {
  const now = Date.now();
  if (now - lastReachedWrite < 60 * 1000) {
    return;
  }
  lastReachedWrite = now;
  const meta = await readMeta();
  if (meta) {
    meta.reachedAt = now;
    await writeMeta(meta);
  }
}

async function cacheOfflinePages() {
  const cache = await caches.open(SHELL_CACHE);
  for (const url of [CONFIG.offline, CONFIG.expired]) {
    const answer = await fetch(url, {credentials: "same-origin", cache: "no-store"});
    if (answer.ok) {
      await cache.put(absolute(url), answer);
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(CONFIG.shell);
    await cacheOfflinePages();
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("shell-") && name !== SHELL_CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

/* The pages answer with `Vary: Cookie, Accept-Language`; the cache holds one person's pages
 * (dropped when someone else logs in), so every match ignores Vary. */

/* Keep exactly the pages of `data` (precache.json's answer): all of them fetched now if missing
 * or older than REFRESH_AFTER_MS, every other page dropped; everything dropped first if the pages
 * belonged to someone else. */
async function sync(data) {
  let meta = await readMeta();
  if (meta && String(meta.user) !== String(data.user)) {
    await caches.delete(PAGES_CACHE);
    meta = null;
  }
  const cache = await caches.open(PAGES_CACHE);
  const wanted = new Set(data.urls.map(absolute));
  for (const request of await cache.keys()) {
    if (!wanted.has(request.url)) {
      await cache.delete(request);
    }
  }
  const fresh = meta && meta.refreshedAt && Date.now() - meta.refreshedAt < REFRESH_AFTER_MS;
  const todo = [];
  for (const url of wanted) {
    if (!fresh || !(await cache.match(url, {ignoreVary: true}))) {
      todo.push(url);
    }
  }
  let failed = 0;
  // A few at a time (precache.json's at_once: four on PostgreSQL, quick enough for 50 cases and
  // gentle with the server; one on SQLite, which writes one at a time).
  const atOnce = Math.max(1, Math.min(Number(data.at_once) || 4, 8));
  const workers = Array.from({length: atOnce}, async () => {
    while (todo.length) {
      const url = todo.shift();
      try {
        const answer = await fetch(url, {credentials: "same-origin", cache: "no-store", redirect: "manual"});
        if (answer.ok && answer.type === "basic") {
          await cache.put(url, answer);
        } else {
          failed += 1;
        }
      } catch (error) {
        failed += 1;
      }
    }
  });
  await Promise.all(workers);
  await cacheOfflinePages();
  const now = Date.now();
  await writeMeta({
    user: String(data.user),
    offlineHours: data.offline_hours,
    cases: data.cases.map(String),
    urls: [...wanted],
    checkedAt: data.checked_at,
    reachedAt: now,
    refreshedAt: fresh ? meta.refreshedAt : now,
  });
  lastReachedWrite = now;
  return {cached: wanted.size, failed: failed};
}

self.addEventListener("message", (event) => {
  const message = event.data || {};
  const reply = (answer) => event.ports[0] && event.ports[0].postMessage(answer);
  if (message.type === "sync") {
    event.waitUntil(sync(message.data).then(reply, (error) => reply({error: String(error)})));
  } else if (message.type === "purge") {
    event.waitUntil((async () => {
      await caches.delete(PAGES_CACHE);
      await caches.delete(META_CACHE);
      reply({purged: true});
    })());
  }
});

async function offlineAnswer(request) {
  const meta = await readMeta();
  const limit = meta && meta.offlineHours ? meta.offlineHours * 3600 * 1000 : null;
  if (limit && meta.reachedAt && Date.now() - meta.reachedAt > limit) {
    await purgePages();
    if (request.mode === "navigate") {
      return (await caches.match(absolute(CONFIG.expired), {ignoreVary: true})) || Response.error();
    }
    return Response.error();
  }
  const kept = await caches.match(request, {cacheName: PAGES_CACHE, ignoreVary: true});
  if (kept) {
    return kept;
  }
  if (request.mode === "navigate") {
    return (await caches.match(absolute(CONFIG.offline), {ignoreVary: true})) || Response.error();
  }
  return Response.error();
}

async function networkFirst(event) {
  const request = event.request;
  try {
    const answer = await fetch(request);
    event.waitUntil(noteReached());
    const cache = await caches.open(PAGES_CACHE);
    if (answer.ok && !answer.redirected && (await cache.match(request, {ignoreVary: true}))) {
      event.waitUntil(cache.put(request, answer.clone()));
    }
    return answer;
  } catch (error) {
    return offlineAnswer(request);
  }
}

async function shellFirst(request) {
  const kept = await caches.match(request, {cacheName: SHELL_CACHE, ignoreVary: true});
  if (kept) {
    return kept;
  }
  try {
    return await fetch(request);
  } catch (error) {
    return offlineAnswer(request);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return; // sends go to the network as they are; field.js keeps what fails
  }
  if (url.pathname === CONFIG.precache || url.pathname === "/sw.js") {
    return;
  }
  if (CONFIG.shell.includes(url.pathname)) {
    event.respondWith(shellFirst(request));
  } else {
    event.respondWith(networkFirst(event));
  }
});
