// clinic-redflags extension options: the API URL (stored in chrome.storage.sync).
"use strict";

(async function () {
  const DEFAULT_API_URL = "http://127.0.0.1:8000";
  const ALWAYS_ALLOWED_HOSTS = new Set(["127.0.0.1", "localhost"]);
  const form = document.getElementById("options-form");
  const input = document.getElementById("api-url");
  const statusLine = document.getElementById("status");

  function setStatus(message, kind) {
    statusLine.textContent = message;
    statusLine.classList.toggle("error", kind === "error");
  }

  function normalise(raw) {
    let parsed;
    try {
      parsed = new URL(String(raw).trim());
    } catch (error) {
      return null;
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
    if (parsed.search || parsed.hash || parsed.username || parsed.password) return null;
    return (parsed.origin + parsed.pathname).replace(/\/+$/, "");
  }

  // Must run inside the click (a user gesture) for the browser to show its prompt.
  async function ensurePermission(url) {
    const { hostname, origin } = new URL(url);
    if (ALWAYS_ALLOWED_HOSTS.has(hostname)) return true;
    const origins = [`${origin}/*`];
    if (await chrome.permissions.contains({ origins })) return true;
    return chrome.permissions.request({ origins });
  }

  const { apiUrl } = await chrome.storage.sync.get({ apiUrl: DEFAULT_API_URL });
  input.value = apiUrl;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const url = normalise(input.value);
    if (!url) {
      setStatus("Enter an http:// or https:// address, e.g. http://127.0.0.1:8000.", "error");
      input.focus();
      return;
    }
    let granted = false;
    try {
      granted = await ensurePermission(url);
    } catch (error) {
      granted = false;
    }
    await chrome.storage.sync.set({ apiUrl: url });
    input.value = url;
    setStatus(
      granted
        ? `Saved: pages will be sent to ${url} when you ask.`
        : `Saved ${url}, but access to it was not granted; requests will work only if that server allows this extension by CORS (the default server configuration does).`,
      granted ? undefined : "error",
    );
  });

  document.getElementById("reset-button").addEventListener("click", async () => {
    await chrome.storage.sync.set({ apiUrl: DEFAULT_API_URL });
    input.value = DEFAULT_API_URL;
    setStatus(`Reset to ${DEFAULT_API_URL}.`);
  });

  document.getElementById("test-button").addEventListener("click", async () => {
    const url = normalise(input.value);
    if (!url) {
      setStatus("Enter an http:// or https:// address first.", "error");
      return;
    }
    setStatus(`Asking ${url}/v1/health…`);
    try {
      const response = await fetch(`${url}/v1/health`, { credentials: "omit", cache: "no-store" });
      const body = await response.json();
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const versions = body.versions || {};
      setStatus(`Connected: API ${versions.api || "?"}, rules ${versions.rules || "?"}, model ${versions.model || "?"}.`);
    } catch (error) {
      setStatus(`No answer from ${url}: ${error.message}`, "error");
    }
  });
})();
