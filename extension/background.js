// clinic-redflags extension: background service worker.
//
// It does nothing on its own: it never reads a page or calls the API on navigation or page
// load (its only tab listener forgets a closed tab's stored result). Only when the person presses "Screen this page" in the popup does it read the tab's visible text (through
// content.js), POST it to the configured API and ask content.js to highlight the flagged spans.
//
// It asks for the compact answer (`detail: "compact"`): each flag's regulatory context and
// precedents come as ids, citations, urls and relevance. The full texts (titles, summaries) are
// read from `GET /v1/regulations` once per server and knowledge-base version, kept in local
// storage, and matched by id. That request carries nothing of any page.
"use strict";

const DEFAULT_API_URL = "http://127.0.0.1:8000";
// The server's default `max_chars`; longer pages are screened up to this length.
const MAX_CHARS = 100000;
const REQUEST_TIMEOUT_MS = 30000;

async function apiUrl() {
  const { apiUrl: stored } = await chrome.storage.sync.get({ apiUrl: DEFAULT_API_URL });
  return String(stored || DEFAULT_API_URL).replace(/\/+$/, "");
}

function storageKey(tabId) {
  return `tab:${tabId}`;
}

async function inject(tabId) {
  await chrome.scripting.insertCSS({ target: { tabId }, files: ["content.css"] });
  await chrome.scripting.executeScript({ target: { tabId }, files: ["content.js"] });
}

async function inTab(tabId, func, ...args) {
  const [injection] = await chrome.scripting.executeScript({ target: { tabId }, func, args });
  return injection ? injection.result : undefined;
}

function describeError(status, payload) {
  const error = payload && payload.error;
  if (!error) return `The API answered HTTP ${status}.`;
  const details = Object.entries(error.details || {})
    .map(([field, messages]) => `${field}: ${[].concat(messages).join(" ")}`)
    .join("; ");
  return `${error.message} (${error.code})` + (details ? ` — ${details}` : "");
}

async function postCheck(base, text) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(`${base}/v1/check`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ text, format: "text", offsets: "utf16", detail: "compact" }),
      credentials: "omit",
      cache: "no-store",
      signal: controller.signal,
    });
  } catch (error) {
    throw new Error(
      `Could not reach the clinic-redflags API at ${base} (${error.name === "AbortError" ? "timed out" : error.message}). ` +
        "Is the server running? The address can be changed in the extension's options.",
    );
  } finally {
    clearTimeout(timer);
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok || !payload) throw new Error(describeError(response.status, payload));
  return payload;
}

function regulationsKey(base) {
  return `regulations:${base}`;
}

function byId(items) {
  return Object.fromEntries((Array.isArray(items) ? items : []).map((item) => [item.id, item]));
}

// The server's knowledge base, fetched only when it is not cached for this version.
async function knowledgeBase(base, version) {
  const key = regulationsKey(base);
  const cached = (await chrome.storage.local.get(key))[key];
  if (cached && cached.version === version) return cached;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(`${base}/v1/regulations`, {
      headers: { Accept: "application/json" },
      credentials: "omit",
      signal: controller.signal,
    });
    const payload = response.ok ? await response.json() : null;
    if (!payload) return null;
    const entry = {
      version: payload.version,
      references: byId(payload.references),
      precedents: byId(payload.precedents),
    };
    await chrome.storage.local.set({ [key]: entry });
    return entry;
  } catch (error) {
    return null; // the flags still show their citations and links, without the full texts
  } finally {
    clearTimeout(timer);
  }
}

// The full texts of the references and precedents this result cites, by id.
async function fullTexts(base, result) {
  const version = result.versions && result.versions.knowledge_base;
  const flags = Array.isArray(result.flags) ? result.flags : [];
  if (!flags.length) return { references: {}, precedents: {} };
  const known = await knowledgeBase(base, version);
  if (!known) return null;
  const references = {};
  const precedents = {};
  for (const flag of flags) {
    for (const item of flag.regulatory_context || []) {
      const reference = known.references[item.id];
      if (reference) references[item.id] = { title: reference.title, summary: reference.summary };
    }
    for (const item of flag.precedents || []) {
      const precedent = known.precedents[item.id];
      if (precedent) precedents[item.id] = { reference: precedent.reference, summary: precedent.summary };
    }
  }
  return { references, precedents };
}

async function screenTab(tabId) {
  const tab = await chrome.tabs.get(tabId);
  await inject(tabId);
  const page = await inTab(tabId, (limit) => globalThis.__clinicRedflags.collect(limit), MAX_CHARS);
  if (!page || !page.text.trim()) {
    throw new Error("This page has no visible text to screen.");
  }
  const base = await apiUrl();
  const result = await postCheck(base, page.text);
  const highlight = await inTab(
    tabId,
    (flags) => globalThis.__clinicRedflags.highlight(flags),
    result.flags || [],
  );
  const record = {
    url: tab.url,
    api: base,
    screenedAt: new Date().toISOString(),
    characters: page.text.length,
    truncated: page.truncated,
    highlight,
    result,
    sources: await fullTexts(base, result),
  };
  await chrome.storage.session.set({ [storageKey(tabId)]: record });
  return record;
}

async function clearTab(tabId) {
  await chrome.storage.session.remove(storageKey(tabId));
  try {
    await inTab(tabId, () => globalThis.__clinicRedflags && globalThis.__clinicRedflags.clear());
  } catch (error) {
    // The tab navigated away or cannot be scripted any more: nothing left to clear.
  }
  return { cleared: true };
}

async function showFlag(tabId, index) {
  return inTab(tabId, (flagIndex) => globalThis.__clinicRedflags && globalThis.__clinicRedflags.show(flagIndex), index);
}

const HANDLERS = {
  screen: (message) => screenTab(message.tabId),
  clear: (message) => clearTab(message.tabId),
  show: (message) => showFlag(message.tabId, message.index),
};

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only the extension's own pages (the popup) may ask; web pages and content scripts never do.
  const fromExtensionPage = sender.id === chrome.runtime.id && String(sender.url || "").startsWith(chrome.runtime.getURL(""));
  if (!fromExtensionPage || !message || !HANDLERS[message.type]) {
    return false;
  }
  HANDLERS[message.type](message).then(
    (value) => sendResponse({ ok: true, value }),
    (error) => sendResponse({ ok: false, error: String((error && error.message) || error) }),
  );
  return true; // the answer comes asynchronously
});

// A tab that navigates or closes loses its highlights; forget its stored result too.
chrome.tabs.onRemoved.addListener((tabId) => chrome.storage.session.remove(storageKey(tabId)));
