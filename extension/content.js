// clinic-redflags extension: injected into a tab only when the person asks for a screen.
//
// collect(): builds the page's visible text from its text nodes and remembers which string
//   range each node occupies, so the API's `utf16` offsets (JavaScript string indices into that
//   same string) map straight back to DOM text nodes.
// highlight(flags): wraps each flagged span in <mark class="crf-mark">, splitting text nodes at
//   span boundaries; overlapping spans become adjacent marks coloured by the worst severity.
// clear(): removes the marks and restores the original text nodes.
// Text from the page or the API is only ever handled as text nodes, never as HTML.
"use strict";

(function () {
  if (globalThis.__clinicRedflags) return; // already injected into this page

  const SKIPPED = new Set([
    "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA", "SELECT", "OPTION", "IFRAME",
    "OBJECT", "EMBED", "CANVAS", "HEAD", "TITLE", "META", "LINK",
  ]);
  const INLINE_DISPLAYS = new Set(["inline", "inline-block", "inline-flex", "inline-grid", "contents", "ruby", "ruby-text"]);
  const SEVERITY_RANK = { low: 1, medium: 2, high: 3 };
  const RANK_SEVERITY = { 1: "low", 2: "medium", 3: "high" };

  let segments = []; // [{node, start, end, data}] in text order
  let lastFlags = [];

  function isVisible(element, cache) {
    if (cache.has(element)) return cache.get(element);
    let visible;
    if (SKIPPED.has(element.tagName) || element.hidden) {
      visible = false;
    } else {
      const style = getComputedStyle(element);
      if (style.display === "contents") {
        visible = !element.parentElement || isVisible(element.parentElement, cache);
      } else if (typeof element.checkVisibility === "function") {
        visible = element.checkVisibility({ visibilityProperty: true, checkVisibilityCSS: true });
      } else {
        visible = style.display !== "none" && style.visibility !== "hidden" && element.getClientRects().length > 0;
      }
    }
    cache.set(element, visible);
    return visible;
  }

  function blockOf(element, cache) {
    let node = element;
    while (node && node !== document.body) {
      if (!cache.has(node)) cache.set(node, !INLINE_DISPLAYS.has(getComputedStyle(node).display));
      if (cache.get(node)) return node;
      node = node.parentElement;
    }
    return document.body;
  }

  function collect(limit) {
    clear();
    const visibility = new Map();
    const blocks = new Map();
    const parts = [];
    let length = 0;
    let lastBlock = null;
    let truncated = false;
    segments = [];

    const append = (text) => {
      parts.push(text);
      length += text.length;
    };
    const separate = (separator) => {
      const tail = parts.length ? parts[parts.length - 1] : "";
      if (tail && !/\s$/.test(tail)) append(separator);
    };

    const root = document.body || document.documentElement;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType === Node.ELEMENT_NODE) {
          if (node.tagName === "BR") return NodeFilter.FILTER_ACCEPT;
          return isVisible(node, visibility) ? NodeFilter.FILTER_SKIP : NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.ELEMENT_NODE) {
        separate("\n"); // <br>
        continue;
      }
      const data = node.data;
      if (!data) continue;
      const parent = node.parentElement;
      if (!parent || !isVisible(parent, visibility)) continue;
      const block = blockOf(parent, blocks);
      if (lastBlock !== null && block !== lastBlock) separate("\n");
      lastBlock = block;
      if (!data.trim()) {
        separate(" ");
        continue;
      }
      let taken = data;
      if (length + taken.length > limit) {
        taken = data.slice(0, Math.max(0, limit - length));
        // Never cut a surrogate pair in half.
        if (/[\uD800-\uDBFF]$/.test(taken)) taken = taken.slice(0, -1);
        truncated = true;
      }
      if (taken) {
        segments.push({ node, start: length, end: length + taken.length, data });
        append(taken);
      }
      if (truncated) break;
    }
    return { text: parts.join(""), truncated };
  }

  function spansOf(flags) {
    const spans = [];
    flags.forEach((flag, flagIndex) => {
      const rank = SEVERITY_RANK[flag.severity] || 1;
      (flag.evidence || []).forEach((evidence, evidenceIndex) => {
        if (Number.isInteger(evidence.start) && Number.isInteger(evidence.end) && evidence.end > evidence.start) {
          spans.push({ start: evidence.start, end: evidence.end, flagIndex, evidenceIndex, rank });
        }
      });
    });
    return spans;
  }

  function highlight(flags) {
    clearMarks();
    lastFlags = flags;
    const spans = spansOf(flags);
    const cuts = new Set();
    for (const span of spans) {
      cuts.add(span.start);
      cuts.add(span.end);
    }
    const sortedCuts = [...cuts].sort((a, b) => a - b);
    const marked = new Set();
    let marks = 0;
    for (const segment of segments) {
      const { node, start, end } = segment;
      // The page may have changed since collect(): leave such nodes alone.
      if (!node.isConnected || node.data !== segment.data) continue;
      if (!spans.some((span) => span.start < end && span.end > start)) continue;
      const inner = sortedCuts.filter((cut) => cut > start && cut < end);
      const pieces = [];
      let current = node;
      let from = start;
      for (const cut of inner) {
        const rest = current.splitText(cut - from);
        pieces.push({ node: current, from, to: cut });
        current = rest;
        from = cut;
      }
      pieces.push({ node: current, from, to: end });
      segment.pieces = pieces;
      for (const piece of pieces) {
        const covering = spans.filter((span) => span.start <= piece.from && span.end >= piece.to);
        if (!covering.length) continue;
        const flagIndexes = [...new Set(covering.map((span) => span.flagIndex))];
        const rank = Math.max(...covering.map((span) => span.rank));
        const mark = document.createElement("mark");
        mark.className = `crf-mark crf-${RANK_SEVERITY[rank]}` + (flagIndexes.length > 1 ? " crf-overlap" : "");
        mark.dataset.crfFlags = flagIndexes.join(" ");
        mark.dataset.crfSpans = covering.map((span) => `${span.flagIndex}:${span.evidenceIndex}`).join(" ");
        mark.title = flagIndexes.map((index) => `clinic-redflags: ${flags[index].title}`).join("\n");
        piece.node.parentNode.insertBefore(mark, piece.node);
        mark.appendChild(piece.node);
        marks += 1;
        for (const span of covering) marked.add(`${span.flagIndex}:${span.evidenceIndex}`);
      }
    }
    const first = document.querySelector("mark.crf-mark.crf-high") || document.querySelector("mark.crf-mark");
    if (first) first.scrollIntoView({ block: "center" });
    return { spans: spans.length, highlighted: marked.size, marks };
  }

  function show(flagIndex) {
    for (const mark of document.querySelectorAll("mark.crf-active")) mark.classList.remove("crf-active");
    const marks = [...document.querySelectorAll("mark.crf-mark")].filter((mark) =>
      mark.dataset.crfFlags.split(" ").includes(String(flagIndex)),
    );
    for (const mark of marks) mark.classList.add("crf-active");
    if (marks.length) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
    return marks.length;
  }

  function clearMarks() {
    const parents = new Set();
    for (const mark of document.querySelectorAll("mark.crf-mark")) {
      const parent = mark.parentNode;
      if (!parent) continue;
      while (mark.firstChild) parent.insertBefore(mark.firstChild, mark);
      mark.remove();
      parents.add(parent);
    }
    for (const parent of parents) parent.normalize();
  }

  function clear() {
    clearMarks();
    lastFlags = [];
    return true;
  }

  globalThis.__clinicRedflags = { collect, highlight, show, clear, flags: () => lastFlags };
})();
