// clinic-redflags extension popup. Sends nothing by itself: the page is screened only when the
// person presses "Screen this page". `popup.html?tab=ID` targets a given tab, which lets the
// popup be opened in a tab of its own (keyboard users, automated tests).
"use strict";

(async function () {
  const DEFAULT_API_URL = "http://127.0.0.1:8000";
  const SEVERITIES = new Set(["low", "medium", "high"]);
  const byId = (id) => document.getElementById(id);
  const screenButton = byId("screen-button");
  const clearButton = byId("clear-button");
  const statusLine = byId("status");
  const resultSection = byId("result");
  const badge = byId("risk-badge");
  const summary = byId("summary");
  const flagList = byId("flag-list");

  function setStatus(message, kind) {
    statusLine.textContent = message;
    statusLine.classList.toggle("error", kind === "error");
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(String(url));
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  async function targetTab() {
    const params = new URLSearchParams(location.search);
    if (params.has("tab")) return chrome.tabs.get(Number(params.get("tab")));
    const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
    return tab;
  }

  async function ask(message) {
    try {
      return (await chrome.runtime.sendMessage(message)) || { ok: false, error: "The extension did not answer." };
    } catch (error) {
      return { ok: false, error: String(error.message || error) };
    }
  }

  function link(url, text) {
    const href = safeUrl(url);
    return href ? el("a", { href, target: "_blank", rel: "noopener noreferrer" }, text) : text;
  }

  // The flag's law and precedents, with their full texts from the knowledge base (by id).
  function sourcesOf(flag, sources) {
    const context = flag.regulatory_context || [];
    const precedents = flag.precedents || [];
    if (!sources || !(context.length || precedents.length)) return null;
    const list = el("ul", {});
    for (const ref of context) {
      const full = sources.references[ref.id] || {};
      list.append(
        el("li", { class: "source", "data-id": ref.id },
          el("strong", {}, link(ref.url, ref.citation || ref.id)),
          full.title ? ` — ${full.title}` : null,
          el("p", { class: "relevance" }, ref.relevance || ""),
          full.summary ? el("p", { class: "source-summary" }, full.summary) : null),
      );
    }
    for (const precedent of precedents) {
      const full = sources.precedents[precedent.id] || {};
      const kind = String(precedent.kind || "").replace(/_/g, " ");
      list.append(
        el("li", { class: "source precedent", "data-id": precedent.id },
          el("strong", {}, link(precedent.url, `${precedent.recipient} (${precedent.date})`)),
          kind ? ` — ${kind}` : null,
          full.summary ? el("p", { class: "source-summary" }, full.summary) : null),
      );
    }
    return el("details", { class: "flag-sources" }, el("summary", {}, "Law and precedents"), list);
  }

  function render(record, tab) {
    const result = record.result || {};
    const flags = Array.isArray(result.flags) ? result.flags : [];
    const level = (result.risk && result.risk.level) || "low";
    badge.className = `badge risk-${SEVERITIES.has(level) ? level : "low"}`;
    badge.textContent = `Risk: ${level}`;
    const highlight = record.highlight || { highlighted: 0, spans: 0 };
    let line = `${flags.length} ${flags.length === 1 ? "flag" : "flags"}`;
    if (flags.length) line += `; ${highlight.highlighted} of ${highlight.spans} evidence spans highlighted in the page`;
    if (record.truncated) line += `; only the first ${record.characters} characters were screened`;
    summary.textContent = line + ".";

    flagList.replaceChildren();
    flags.forEach((flag, index) => {
      const severity = SEVERITIES.has(flag.severity) ? flag.severity : "low";
      const button = el(
        "button",
        { type: "button", class: `sev-${severity}`, "data-flag": index, title: "Show these words in the page" },
        el("span", { class: "flag-meta" }, `${severity} · ${String(flag.category || "").replace(/_/g, " ")}`),
        el("span", { class: "flag-title" }, flag.title || flag.rule_id || "flag"),
        el("span", { class: "flag-explanation" }, flag.explanation || ""),
      );
      button.addEventListener("click", async () => {
        const answer = await ask({ type: "show", tabId: tab.id, index });
        if (!answer.ok) setStatus(answer.error, "error");
        else if (!answer.value) setStatus("Those words are no longer in the page.", "error");
      });
      const item = el("li", {}, button);
      const links = (flag.regulatory_context || []).filter((ref) => safeUrl(ref.url)).slice(0, 3);
      if (links.length) {
        const line = el("p", { class: "flag-links" });
        links.forEach((ref, position) => {
          if (position) line.append(" · ");
          line.append(el("a", { href: safeUrl(ref.url), target: "_blank", rel: "noopener noreferrer" }, ref.citation || ref.id));
        });
        item.append(line);
      }
      const sources = sourcesOf(flag, record.sources);
      if (sources) item.append(sources);
      flagList.append(item);
    });
    if (!flags.length) flagList.append(el("li", {}, "No red flags found on this page."));
    resultSection.hidden = false;
    clearButton.hidden = false;
    const when = new Date(record.screenedAt).toLocaleTimeString();
    byId("privacy").textContent =
      `At ${when}, as you asked, this tab's visible text was sent to ${record.api}. ` +
      "Nothing else is sent unless you press the button again.";
  }

  const tab = await targetTab();
  const { apiUrl } = await chrome.storage.sync.get({ apiUrl: DEFAULT_API_URL });
  byId("api-url").textContent = apiUrl;

  if (!tab) {
    screenButton.disabled = true;
    setStatus("No tab to screen.", "error");
    return;
  }
  // Show the last result for this tab if the tab still shows the same page.
  const key = `tab:${tab.id}`;
  const stored = (await chrome.storage.session.get(key))[key];
  if (stored && stored.url === tab.url) {
    render(stored, tab);
    setStatus(`Screened at ${new Date(stored.screenedAt).toLocaleTimeString()}.`);
  }

  screenButton.addEventListener("click", async () => {
    screenButton.disabled = true;
    setStatus(`Screening: sending this page's visible text to ${apiUrl}…`);
    const answer = await ask({ type: "screen", tabId: tab.id });
    screenButton.disabled = false;
    if (!answer.ok) {
      setStatus(answer.error, "error");
      return;
    }
    render(answer.value, tab);
    const level = answer.value.result.risk.level;
    setStatus(`Done: risk ${level}.`);
  });

  clearButton.addEventListener("click", async () => {
    await ask({ type: "clear", tabId: tab.id });
    resultSection.hidden = true;
    clearButton.hidden = true;
    flagList.replaceChildren();
    setStatus("Highlights removed.");
  });
})();
