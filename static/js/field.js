/* Field work on a phone: registers the service worker (static/js/sw.js), keeps a field form sent
 * without a connection on the phone (IndexedDB) and sends it when the connection returns, once,
 * in order; fills the outbox page (casework:field_outbox).
 *
 * The contract with the server is casework/views/field_sync.py: a field form is
 * <form method="post" data-field-entry="<kind>"> with an empty hidden `entry_key`; a send posts
 * the same fields with `X-Field-Sync: 1` and reads 200 saved / 409 conflict / 422 refused;
 * anything else means "not sent yet".
 *
 * Strings come translated in the data- attributes of #field-strings (templates/base.html).
 */
(function () {
  "use strict";

  const body = document.body;
  const USER = body.dataset.fieldUser;
  if (!USER || !window.indexedDB) {
    return; // not logged in: nothing to keep
  }
  const PRECACHE = body.dataset.fieldPrecache;
  const OUTBOX = body.dataset.fieldOutbox;
  const strings = (document.getElementById("field-strings") || body).dataset;
  const KINDS = JSON.parse(strings.kinds || "{}");
  const RESYNC_MS = 60 * 1000; // a page load asks for precache.json at most once a minute
  const KEEP_SENT_MS = 7 * 24 * 3600 * 1000; // a sent entry's label stays a week

  /* ---- IndexedDB: one store of entries, keyed by their entry_key ---- */

  let database = null;

  function openDatabase() {
    if (database) {
      return Promise.resolve(database);
    }
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open("field", 1);
      opening.onupgradeneeded = () => {
        const store = opening.result.createObjectStore("entries", {keyPath: "key"});
        store.createIndex("user", "user");
      };
      opening.onsuccess = () => {
        database = opening.result;
        database.onversionchange = () => database.close(); // a logout clearing the storage
        resolve(database);
      };
      opening.onerror = () => reject(opening.error);
    });
  }

  function withStore(mode, work) {
    return openDatabase().then((db) => new Promise((resolve, reject) => {
      const transaction = db.transaction("entries", mode);
      const result = work(transaction.objectStore("entries"));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
    }));
  }

  function allEntries() {
    return withStore("readonly", (store) => store.getAll()).then((entries) =>
      entries.sort((a, b) => a.created - b.created));
  }

  function myEntries() {
    return allEntries().then((entries) => entries.filter((entry) => entry.user === USER));
  }

  function putEntry(entry) {
    return withStore("readwrite", (store) => store.put(entry));
  }

  function deleteEntry(key) {
    return withStore("readwrite", (store) => store.delete(key));
  }

  /* ---- Keeping a form that could not be sent ---- */

  function fieldsOf(form, submitter) {
    const fields = [];
    for (const [name, value] of new FormData(form, submitter)) {
      if (name === "csrfmiddlewaretoken") {
        continue; // a send takes a fresh token
      }
      if (value instanceof File && !value.name && !value.size) {
        continue; // a file input left empty
      }
      fields.push([name, value]);
    }
    return fields;
  }

  function labelOf(form) {
    const kind = KINDS[form.dataset.fieldEntry] || form.dataset.fieldEntry;
    const number = form.dataset.fieldCaseNumber || "";
    const when = new Date().toLocaleString(document.documentElement.lang || undefined,
      {month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit"});
    return [kind, number, when].filter(Boolean).join(" · ");
  }

  function keep(form, submitter) {
    const key = form.elements.entry_key.value;
    const entry = {
      key: key,
      user: USER,
      action: form.action,
      page: location.pathname,
      kind: form.dataset.fieldEntry,
      case: form.dataset.fieldCase || "",
      label: labelOf(form),
      fields: fieldsOf(form, submitter),
      status: "waiting",
      created: Date.now(),
    };
    return putEntry(entry).then(() => entry);
  }

  function csrfOf(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(action, formData, csrf) {
    return fetch(action, {
      method: "POST",
      body: formData,
      credentials: "same-origin",
      redirect: "manual",
      headers: {"X-Field-Sync": "1", "X-CSRFToken": csrf},
    });
  }

  async function answerOf(response) {
    if (![200, 409, 422].includes(response.status)) {
      return null;
    }
    try {
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  function onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.fieldEntry || form.dataset.fieldPlain) {
      return;
    }
    event.preventDefault();
    const submitter = event.submitter;
    const keyInput = form.elements.entry_key;
    if (keyInput && !keyInput.value) {
      keyInput.value = crypto.randomUUID();
    }
    const plain = () => {
      form.dataset.fieldPlain = "1"; // the server shows its own page (its errors, a login)
      HTMLFormElement.prototype.requestSubmit.call(form, submitter);
    };
    const keepAndShow = () => keep(form, submitter).then((entry) => {
      location.href = OUTBOX + "#" + encodeURIComponent(entry.key); // the kept page: no query
    });
    if (!navigator.onLine) {
      keepAndShow();
      return;
    }
    const formData = new FormData(form, submitter);
    post(form.action, formData, csrfOf(form)).then(async (response) => {
      const answer = await answerOf(response);
      if (answer && (answer.status === "saved" || answer.status === "conflict")) {
        await deleteEntry(keyInput.value); // an edit of a refused entry, now sent
        location.href = answer.url || location.href;
      } else {
        plain();
      }
    }, keepAndShow);
  }

  /* ---- Sending what waits, and keeping the pages ---- */

  let syncing = null;

  async function fetchPrecache() {
    const response = await fetch(PRECACHE, {credentials: "same-origin", redirect: "manual", cache: "no-store"});
    if (response.status !== 200) {
      return null;
    }
    try {
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  async function sendWaiting(csrf) {
    for (const entry of await myEntries()) {
      if (entry.status !== "waiting") {
        continue;
      }
      const formData = new FormData();
      for (const [name, value] of entry.fields) {
        formData.append(name, value);
      }
      formData.append("csrfmiddlewaretoken", csrf);
      let response;
      try {
        response = await post(entry.action, formData, csrf);
      } catch (error) {
        return false; // the connection went again: the rest waits, in order
      }
      const answer = await answerOf(response);
      if (!answer) {
        return false; // a login page, a 403, a 5xx: not sent yet
      }
      entry.sentAt = Date.now();
      entry.url = answer.url || "";
      entry.message = answer.message || "";
      if (answer.status === "saved") {
        entry.status = "sent";
        entry.fields = []; // on the server now: the phone keeps only the label
      } else if (answer.status === "conflict") {
        entry.status = "conflict";
        entry.fields = [];
      } else {
        entry.status = "refused";
        entry.errors = answer.errors || {};
      }
      await putEntry(entry);
    }
    return true;
  }

  /* Drop what the phone should no longer hold: others' entries (a shared phone), entries of cases
   * no longer the worker's once tried (the server's answer is the last word), old sent labels. */
  async function tidy(data) {
    const cases = new Set((data.cases || []).map(String));
    const pages = new Set(data.urls || []);
    for (const entry of await allEntries()) {
      const others = entry.user !== USER;
      // Its case, or else the page it was written on, is no longer among what the phone keeps.
      const held = entry.case ? cases.has(String(entry.case)) : pages.has(entry.page);
      const gone = !held && entry.status !== "waiting";
      const old = entry.status === "sent" && Date.now() - entry.sentAt > KEEP_SENT_MS;
      if (others || gone || old) {
        await deleteEntry(entry.key);
      }
    }
  }

  function toWorker(message, waitMs = 120 * 1000) {
    if (!navigator.serviceWorker) {
      return Promise.resolve(null);
    }
    const answered = navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      registration.active.postMessage(message, [channel.port2]);
    }));
    const late = new Promise((resolve) => setTimeout(() => resolve(null), waitMs));
    return Promise.race([answered, late]);
  }

  function sync(force) {
    if (syncing) {
      return syncing;
    }
    const last = Number(sessionStorage.getItem("field-synced") || 0);
    syncing = (async () => {
      if (!navigator.onLine) {
        return null;
      }
      const waiting = (await myEntries()).some((entry) => entry.status === "waiting");
      if (!force && !waiting && Date.now() - last < RESYNC_MS) {
        return null;
      }
      let data;
      try {
        data = await fetchPrecache();
      } catch (error) {
        return null;
      }
      if (!data || String(data.user) !== USER) {
        return null;
      }
      await sendWaiting(data.csrf);
      await tidy(data);
      const kept = await toWorker({type: "sync", data: data});
      sessionStorage.setItem("field-synced", String(Date.now()));
      body.dataset.fieldSynced = String(Date.now());
      return kept;
    })().finally(() => {
      syncing = null;
      showCount();
      showOutbox();
    });
    return syncing;
  }

  /* ---- What the person sees ---- */

  async function showCount() {
    const waiting = (await myEntries()).filter((entry) => entry.status === "waiting").length;
    for (const badge of document.querySelectorAll("[data-field-outbox-count]")) {
      badge.textContent = String(waiting);
      badge.hidden = waiting === 0;
    }
    for (const link of document.querySelectorAll("[data-field-outbox-link]")) {
      link.hidden = waiting === 0 && !link.dataset.fieldAlways;
    }
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function textOf(entry) {
    return entry.fields
      .filter(([name, value]) => typeof value === "string" && value && name !== "entry_key")
      .map(([, value]) => value)
      .join("\n");
  }

  function entryItem(entry) {
    const item = element("li", {"data-entry": entry.key, "data-status": entry.status});
    item.appendChild(element("strong", {}, entry.label));
    item.appendChild(element("span", {class: "status status-" + entry.status}, strings[entry.status]));
    if (entry.message) {
      item.appendChild(element("p", {class: "reason"}, entry.message));
    }
    for (const [field, texts] of Object.entries(entry.errors || {})) {
      for (const text of texts) {
        item.appendChild(element("p", {class: "errorlist"}, field === "__all__" ? text : field + ": " + text));
      }
    }
    const files = entry.fields.filter(([, value]) => value instanceof Blob).length;
    if (files) {
      item.appendChild(element("small", {}, strings.files.replace("{count}", String(files))));
    }
    const actions = element("div", {class: "actions"});
    if (entry.status === "refused") {
      const edit = element("a", {class: "button small", href: entry.page + "#field_entry=" + encodeURIComponent(entry.key)}, strings.edit);
      const copy = element("button", {type: "button", class: "small secondary"}, strings.copy);
      copy.addEventListener("click", () => copyText(textOf(entry), item));
      actions.append(edit, copy);
    }
    if (entry.status === "conflict" && entry.url) {
      actions.appendChild(element("a", {class: "button small", href: entry.url}, strings.choose));
    }
    if (entry.status === "sent" && entry.url) {
      actions.appendChild(element("a", {href: entry.url}, strings.open));
    }
    if (entry.status !== "sent") {
      const discard = element("button", {type: "button", class: "small link"}, strings.discard);
      discard.addEventListener("click", async () => {
        if (window.confirm(strings.discardConfirm)) {
          await deleteEntry(entry.key);
          showOutbox();
          showCount();
        }
      });
      actions.appendChild(discard);
    }
    item.appendChild(actions);
    return item;
  }

  function copyText(text, item) {
    const area = element("textarea", {readonly: "", rows: "4", class: "copy-text"});
    area.value = text;
    item.appendChild(area);
    area.select();
    if (navigator.clipboard) {
      navigator.clipboard.writeText(text).catch(() => undefined);
    }
  }

  async function showOutbox() {
    const outbox = document.getElementById("field-outbox");
    if (!outbox) {
      return;
    }
    const entries = await myEntries();
    for (const list of outbox.querySelectorAll("[data-field-list]")) {
      const status = list.dataset.fieldList;
      const items = entries.filter((entry) => entry.status === status);
      if (status === "sent") {
        items.reverse();
      }
      list.replaceChildren(...items.map(entryItem));
      const section = list.closest("section");
      if (section) {
        section.hidden = items.length === 0 && status !== "waiting";
      }
    }
    const empty = outbox.querySelector("[data-field-empty]");
    if (empty) {
      empty.hidden = entries.some((entry) => entry.status === "waiting");
    }
    const state = outbox.querySelector("[data-field-state]");
    if (state) {
      state.textContent = navigator.onLine ? strings.online : strings.offline;
    }
  }

  /* A refused entry opened again for editing: its form filled with what was kept. */
  async function refill() {
    const key = new URLSearchParams(location.hash.slice(1)).get("field_entry");
    if (!key) {
      return;
    }
    const entry = (await myEntries()).find((candidate) => candidate.key === key);
    const form = document.querySelector("form[data-field-entry]");
    if (!entry || !form) {
      return;
    }
    const files = {};
    for (const [name, value] of entry.fields) {
      const input = form.elements[name];
      if (!input) {
        continue;
      }
      if (value instanceof Blob) {
        (files[name] = files[name] || new DataTransfer()).items.add(value);
      } else if (input instanceof RadioNodeList || input.type === "checkbox" || input.type === "radio") {
        const boxes = input instanceof RadioNodeList ? [...input] : [input];
        for (const box of boxes) {
          if (box.value === value) {
            box.checked = true;
          }
        }
      } else if (input.type !== "file") {
        input.value = value;
      }
    }
    for (const [name, transfer] of Object.entries(files)) {
      form.elements[name].files = transfer.files;
    }
    form.elements.entry_key.value = entry.key;
  }

  /* Leaving with entries still on the phone: send them first, else ask. */
  function onLogout(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-field-logout") || form.dataset.fieldPlain) {
      return;
    }
    event.preventDefault();
    (async () => {
      if ((await myEntries()).some((entry) => entry.status === "waiting") && navigator.onLine) {
        // Send what waits first (no pages fetched: they are about to be deleted).
        const data = await fetchPrecache().catch(() => null);
        if (data && String(data.user) === USER) {
          await sendWaiting(data.csrf);
        }
      }
      const waiting = (await myEntries()).filter((entry) => entry.status === "waiting" || entry.status === "refused");
      if (waiting.length && !window.confirm(strings.logoutConfirm.replace("{count}", String(waiting.length)))) {
        location.href = OUTBOX;
        return;
      }
      await toWorker({type: "purge"}, 3000).catch(() => null);
      form.dataset.fieldPlain = "1";
      HTMLFormElement.prototype.requestSubmit.call(form);
    })();
  }

  document.addEventListener("submit", onLogout);
  document.addEventListener("submit", onSubmit);
  window.addEventListener("online", () => sync(true));
  window.addEventListener("offline", showOutbox);
  for (const button of document.querySelectorAll("[data-field-send]")) {
    button.addEventListener("click", () => sync(true));
  }

  if (navigator.serviceWorker) {
    navigator.serviceWorker.register(body.dataset.fieldWorker, {scope: "/"}).then(
      () => sync(false),
      () => sync(false)
    );
  } else {
    sync(false);
  }
  refill();
  showCount();
  showOutbox();
})();
