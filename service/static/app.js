// clinic-redflags reviewer page. Vanilla JavaScript, no dependencies.
//
// Every piece of text that comes from the ad or from the API is put into the page as a DOM text
// node (textContent / append of a string), never through innerHTML, so an ad cannot inject markup
// or script. Offsets are requested as "utf16", which are JavaScript string indices.
"use strict";

(function () {
  const SEVERITY_RANK = { low: 1, medium: 2, high: 3 };
  const RANK_SEVERITY = { 1: "low", 2: "medium", 3: "high" };
  const MAX_FILE_BYTES = 8 * 1024 * 1024;
  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  const byId = (id) => document.getElementById(id);
  const form = byId("check-form");
  const textarea = byId("ad-text");
  const dropZone = byId("drop-zone");
  const fileInput = byId("ad-file");
  const checkButton = byId("check-button");
  const clearButton = byId("clear-button");
  const statusLine = byId("status");
  const results = byId("results");
  const badge = byId("risk-badge");
  const summary = byId("summary");
  const copyButton = byId("copy-button");
  const analysed = byId("analysed-text");
  const flagList = byId("flag-list");

  let lastResult = null;
  let activeFlag = null;

  // -- small DOM helpers ---------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined && child !== "") node.append(child);
    }
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

  function link(url, label) {
    const href = safeUrl(url);
    if (!href) return document.createTextNode(label);
    return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, label);
  }

  function humanize(identifier) {
    return String(identifier || "").replace(/[_.-]+/g, " ");
  }

  function setStatus(message, kind) {
    statusLine.textContent = message;
    statusLine.classList.toggle("error", kind === "error");
  }

  function severityOf(flag) {
    return SEVERITY_RANK[flag.severity] ? flag.severity : "low";
  }

  // -- the check itself ----------------------------------------------------------------------

  function currentFormat() {
    return form.elements.format.value === "html" ? "html" : "text";
  }

  function setFormat(format) {
    for (const radio of form.elements.format) radio.checked = radio.value === format;
  }

  function describeError(status, payload) {
    const error = payload && payload.error;
    if (!error) return `The server answered ${status} without an error body.`;
    let message = `${error.message} (${error.code}, HTTP ${status})`;
    const details = error.details || {};
    const parts = Object.entries(details).map(([field, messages]) => {
      const text = Array.isArray(messages) ? messages.join(" ") : JSON.stringify(messages);
      return `${field}: ${text}`;
    });
    if (parts.length) message += ` — ${parts.join("; ")}`;
    return message;
  }

  async function check() {
    const text = textarea.value;
    if (!text.trim()) {
      setStatus("Paste an advertisement (or open a file) first.", "error");
      textarea.focus();
      return;
    }
    const format = currentFormat();
    checkButton.disabled = true;
    form.setAttribute("aria-busy", "true");
    setStatus("Checking…");
    let response;
    let payload = null;
    try {
      response = await fetch("v1/check", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ text, format, offsets: "utf16" }),
      });
      payload = await response.json().catch(() => null);
    } catch (error) {
      setStatus(`Could not reach the server: ${error.message}`, "error");
      return;
    } finally {
      checkButton.disabled = false;
      form.removeAttribute("aria-busy");
    }
    if (!response.ok || !payload) {
      setStatus(describeError(response.status, payload), "error");
      return;
    }
    render(payload, format === "html" ? payload.extracted_text || "" : text);
  }

  // -- rendering -----------------------------------------------------------------------------

  function render(result, text) {
    lastResult = result;
    activeFlag = null;
    const flags = Array.isArray(result.flags) ? result.flags : [];
    const risk = (result.risk && result.risk.level) || "low";
    const score = result.risk && typeof result.risk.score === "number" ? result.risk.score : null;

    badge.className = `badge risk-${SEVERITY_RANK[risk] ? risk : "low"}`;
    badge.textContent = `Risk: ${risk}` + (score === null ? "" : ` (score ${score.toFixed(2)})`);

    const counts = { high: 0, medium: 0, low: 0 };
    for (const flag of flags) counts[severityOf(flag)] += 1;
    let line = flags.length === 1 ? "1 flag" : `${flags.length} flags`;
    if (flags.length) line += ` (${counts.high} high, ${counts.medium} medium, ${counts.low} low)`;
    const classifier = result.classifier;
    if (classifier && typeof classifier.probability === "number") {
      line += ` · classifier: ${classifier.label}, p = ${classifier.probability.toFixed(2)}`;
    }
    summary.textContent = line;

    renderText(text, flags);
    renderFlags(flags);
    results.hidden = false;
    setStatus(`Checked: risk ${risk}, ${line}.`);
  }

  // Split the text at every span boundary; each piece covered by one or more evidence spans
  // becomes one <mark>, coloured by the highest severity covering it, so overlapping spans
  // render as adjacent marks instead of nesting.
  function renderText(text, flags) {
    const spans = [];
    flags.forEach((flag, flagIndex) => {
      (flag.evidence || []).forEach((evidence, evidenceIndex) => {
        const start = Math.max(0, Math.min(text.length, Number(evidence.start)));
        const end = Math.max(0, Math.min(text.length, Number(evidence.end)));
        if (Number.isFinite(start) && Number.isFinite(end) && end > start) {
          spans.push({ start, end, flagIndex, evidenceIndex, rank: SEVERITY_RANK[severityOf(flag)] });
        }
      });
    });
    const cuts = new Set([0, text.length]);
    for (const span of spans) {
      cuts.add(span.start);
      cuts.add(span.end);
    }
    const points = [...cuts].sort((a, b) => a - b);
    const fragment = document.createDocumentFragment();
    for (let i = 0; i + 1 < points.length; i += 1) {
      const from = points[i];
      const to = points[i + 1];
      const piece = text.slice(from, to);
      const covering = spans.filter((span) => span.start <= from && span.end >= to);
      if (!covering.length) {
        fragment.append(document.createTextNode(piece));
        continue;
      }
      const flagIndexes = [...new Set(covering.map((span) => span.flagIndex))];
      const rank = Math.max(...covering.map((span) => span.rank));
      const mark = el("mark", {
        class: `sev-${RANK_SEVERITY[rank]}` + (flagIndexes.length > 1 ? " overlap" : ""),
        "data-flags": flagIndexes.join(" "),
        "data-spans": covering.map((span) => `${span.flagIndex}:${span.evidenceIndex}`).join(" "),
        title: flagIndexes.map((index) => flags[index].title).join("\n"),
      });
      mark.textContent = piece;
      fragment.append(mark);
    }
    analysed.replaceChildren(fragment);
    analysed.scrollTop = 0;
  }

  function renderFlags(flags) {
    flagList.replaceChildren();
    if (!flags.length) {
      flagList.append(el("li", { class: "no-flags" }, "No red flags found in this text."));
      return;
    }
    flags.forEach((flag, index) => flagList.append(flagCard(flag, index)));
  }

  function flagCard(flag, index) {
    const severity = severityOf(flag);
    const titleId = `flag-${index}-title`;
    const card = el("li", {
      class: `flag sev-${severity}`,
      id: `flag-${index}`,
      tabindex: 0,
      "data-flag": index,
      "aria-labelledby": titleId,
    });
    const meta = el(
      "p",
      { class: "flag-meta" },
      el("span", { class: `chip sev-${severity}` }, severity),
      " ",
      el("span", { class: "category" }, humanize(flag.category)),
      el(
        "span",
        { class: "source" },
        ` · ${flag.source || "rule"}` +
          (typeof flag.confidence === "number" ? ` · confidence ${flag.confidence.toFixed(2)}` : ""),
      ),
    );
    card.append(meta, el("h4", { id: titleId, class: "flag-title" }, flag.title || humanize(flag.rule_id)));
    if (flag.explanation) card.append(el("p", { class: "explanation" }, flag.explanation));

    const quotes = (flag.evidence || []).filter((evidence) => evidence.quote);
    if (quotes.length) {
      const quoteLine = el("p", { class: "quotes" }, "Evidence: ");
      quotes.forEach((evidence, position) => {
        if (position) quoteLine.append(" · ");
        quoteLine.append(el("q", {}, evidence.quote));
      });
      card.append(quoteLine);
    }
    card.append(el("p", { class: "rule-id" }, "Rule ", el("code", {}, flag.rule_id || "")));

    const context = flag.regulatory_context || [];
    if (context.length) {
      const list = el("ul", { class: "cards" });
      for (const item of context) {
        list.append(
          el(
            "li",
            { class: "card" },
            el("p", { class: "card-citation" }, link(item.url, item.citation || item.id)),
            item.title ? el("p", { class: "card-title" }, item.title) : null,
            item.relevance ? el("p", {}, item.relevance) : null,
            item.summary
              ? el("details", {}, el("summary", {}, "Summary"), el("p", {}, item.summary))
              : null,
          ),
        );
      }
      card.append(
        el("details", { class: "section", open: index === 0 },
          el("summary", {}, `Regulatory context (${context.length})`), list),
      );
    }

    const precedents = flag.precedents || [];
    if (precedents.length) {
      const list = el("ul", { class: "cards precedents" });
      for (const item of precedents) {
        list.append(
          el(
            "li",
            { class: "card" },
            el("p", { class: "card-kind" }, `${humanize(item.kind)}${item.date ? ` · ${item.date}` : ""}`),
            el("p", { class: "card-citation" }, link(item.url, item.recipient || item.reference || "source")),
            item.reference ? el("p", { class: "card-reference" }, item.reference) : null,
            item.summary
              ? el("details", {}, el("summary", {}, "Summary"), el("p", {}, item.summary))
              : null,
          ),
        );
      }
      card.append(
        el("details", { class: "section" },
          el("summary", {}, `Precedents (${precedents.length})`), list),
      );
    }
    return card;
  }

  // -- linking flags and highlighted spans -----------------------------------------------------

  function marksOf(index) {
    return [...analysed.querySelectorAll("mark[data-flags]")].filter((mark) =>
      mark.dataset.flags.split(" ").includes(String(index)),
    );
  }

  function activate(index) {
    if (activeFlag === index) return;
    deactivate();
    activeFlag = index;
    const card = byId(`flag-${index}`);
    if (card) card.classList.add("active");
    const marks = marksOf(index);
    for (const mark of marks) mark.classList.add("active");
    if (marks.length) scrollToMark(marks[0]);
  }

  function deactivate() {
    for (const node of document.querySelectorAll(".active")) node.classList.remove("active");
    activeFlag = null;
  }

  // Scroll the text panel (not the window) so the span shows, a third of the way down.
  function scrollToMark(mark) {
    const target = mark.offsetTop - analysed.clientHeight / 3;
    analysed.scrollTo({ top: Math.max(0, target), behavior: reduceMotion.matches ? "auto" : "smooth" });
  }

  function cardIndex(node) {
    const card = node && node.closest ? node.closest("li.flag") : null;
    return card ? Number(card.dataset.flag) : null;
  }

  flagList.addEventListener("mouseover", (event) => {
    const index = cardIndex(event.target);
    if (index !== null) activate(index);
  });
  flagList.addEventListener("mouseleave", () => {
    const focused = cardIndex(document.activeElement);
    if (focused !== null) activate(focused);
    else deactivate();
  });
  flagList.addEventListener("focusin", (event) => {
    const index = cardIndex(event.target);
    if (index !== null) activate(index);
  });
  flagList.addEventListener("focusout", (event) => {
    if (cardIndex(event.relatedTarget) === null) deactivate();
  });
  // Clicking a highlighted span brings its (first) flag into view.
  analysed.addEventListener("click", (event) => {
    const mark = event.target.closest ? event.target.closest("mark[data-flags]") : null;
    if (!mark) return;
    const card = byId(`flag-${mark.dataset.flags.split(" ")[0]}`);
    if (card) {
      card.focus({ preventScroll: true });
      card.scrollIntoView({ block: "nearest", behavior: reduceMotion.matches ? "auto" : "smooth" });
    }
  });

  // -- copy JSON -------------------------------------------------------------------------------

  async function copyJson() {
    if (!lastResult) return;
    const json = JSON.stringify(lastResult, null, 2);
    try {
      await navigator.clipboard.writeText(json);
    } catch (error) {
      // Older browsers, or a page served over plain http from another host.
      const scratch = el("textarea", { class: "visually-hidden", "aria-hidden": "true" });
      scratch.value = json;
      document.body.append(scratch);
      scratch.select();
      const copied = document.execCommand && document.execCommand("copy");
      scratch.remove();
      copyButton.focus();
      if (!copied) {
        setStatus("The browser blocked copying; use the API directly to get the JSON.", "error");
        return;
      }
    }
    setStatus("Copied the JSON result to the clipboard.");
  }

  // -- files ------------------------------------------------------------------------------------

  async function loadFile(file) {
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      setStatus(`${file.name} is larger than 8 MiB; the server would refuse it.`, "error");
      return;
    }
    const isHtml = /\.html?$/i.test(file.name) || file.type === "text/html";
    textarea.value = await file.text();
    setFormat(isHtml ? "html" : "text");
    setStatus(`Loaded ${file.name} as ${isHtml ? "HTML" : "plain text"}. Press Check.`);
    textarea.focus();
  }

  function carriesFiles(event) {
    return event.dataTransfer && [...event.dataTransfer.types].includes("Files");
  }

  dropZone.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    dropZone.classList.add("dragging");
  });
  dropZone.addEventListener("dragleave", () => dropZone.classList.remove("dragging"));
  dropZone.addEventListener("drop", (event) => {
    dropZone.classList.remove("dragging");
    if (!carriesFiles(event)) return;
    event.preventDefault();
    loadFile(event.dataTransfer.files[0]);
  });
  fileInput.addEventListener("change", () => {
    loadFile(fileInput.files[0]);
    fileInput.value = "";
  });

  // -- form wiring -----------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    check();
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      check();
    }
  });
  clearButton.addEventListener("click", () => {
    textarea.value = "";
    lastResult = null;
    results.hidden = true;
    analysed.replaceChildren();
    flagList.replaceChildren();
    setStatus("Cleared.");
    textarea.focus();
  });
  copyButton.addEventListener("click", copyJson);
})();
