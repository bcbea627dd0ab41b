// clinic-redflags extension: injected into a tab only when the person asks for a screen.
//
// collect(): builds the text a visitor of this tab sees, by the README's visibility rules (the
//   same rules the server applies to `format: "html"`), read from the browser's computed
//   styles: the title first; text nodes whose element is not hidden by display:none,
//   visibility:hidden, a font smaller than 1px, opacity below 0.1, an offset 1,000px off the
//   page (left/top/text-indent/translate), clip to a pixel, clip-path inset(50%) or scale(0);
//   CSS ::before/::after content in place; <noscript> content on lines of its own; alt, title
//   and aria-label texts on lines after their block. aria-hidden hides nothing; nav and button
//   text is kept. It remembers which string range each text node occupies, so the API's
//   `utf16` offsets (JavaScript string indices into that same string) map straight back to
//   DOM text nodes; text that is not a DOM text node (title, labels, CSS content) has no range.
//   Text drawn under a directional override (<bdo dir=rtl>, unicode-bidi: bidi-override or
//   isolate-override with direction: rtl) is sent between U+202E and U+202C, as the server
//   writes it: the checker reads Latin letters stored backwards in the order they are drawn.
//   The marks have no range either, so the highlights still fall on the stored characters.
// highlight(flags): wraps each flagged span in <mark class="crf-mark">, splitting text nodes at
//   span boundaries; overlapping spans become adjacent marks coloured by the worst severity.
// clear(): removes the marks and restores the original text nodes.
// Text from the page or the API is only ever handled as text nodes, never as HTML.
"use strict";

(function () {
  if (globalThis.__clinicRedflags) return; // already injected into this page

  // As the server's model/html_text.py: elements whose content is not drawn in the page.
  const NOT_RENDERED = new Set([
    "SCRIPT", "STYLE", "TEMPLATE", "HEAD", "TITLE", "META", "LINK", "BASE", "CANVAS", "IFRAME", "OBJECT",
    "EMBED", "AUDIO", "VIDEO", "NOEMBED", "NOFRAMES", "SELECT", "OPTION", "DATALIST", "INPUT",
    "TEXTAREA",
  ]);
  const HTML_NS = "http://www.w3.org/1999/xhtml";
  const INLINE_DISPLAYS = new Set(["inline", "inline-block", "inline-flex", "inline-grid", "contents", "ruby", "ruby-text"]);
  const BLOCK_TAGS = new Set([
    "P", "DIV", "SECTION", "ARTICLE", "MAIN", "HEADER", "FOOTER", "ASIDE", "NAV", "FORM", "UL",
    "OL", "LI", "DL", "DT", "DD", "H1", "H2", "H3", "H4", "H5", "H6", "TABLE", "TR", "TD", "TH",
    "BLOCKQUOTE", "PRE", "FIGURE", "FIGCAPTION", "ADDRESS", "DETAILS", "SUMMARY", "BR", "HR",
  ]);
  const LABEL_ATTRIBUTES = ["alt", "title", "aria-label"];
  const OFF_SCREEN_PX = -1000;
  const SMALLEST_FONT_PX = 1;
  const FAINTEST_OPACITY = 0.1;
  const SEVERITY_RANK = { low: 1, medium: 2, high: 3 };
  const RANK_SEVERITY = { 1: "low", 2: "medium", 3: "high" };
  const RLO = "\u202e";
  const LRO = "\u202d";
  const PDF = "\u202c";
  const OVERRIDES = new Set(["bidi-override", "isolate-override"]);

  let segments = []; // [{node, start, end, data}] in text order
  let lastFlags = [];

  const px = (value) => {
    const number = parseFloat(value);
    return Number.isFinite(number) ? number : 0;
  };

  function clippedAway(clip) {
    const edges = /^rect\((.*)\)$/.exec(clip || "");
    if (!edges) return false;
    const [top, right, bottom, left] = edges[1].split(/[\s,]+/).map((edge) => (edge === "auto" ? null : px(edge)));
    return (right !== null && (left || 0) >= right - 1) || (bottom !== null && (top || 0) >= bottom - 1);
  }

  function clipPathEmpty(clipPath) {
    const shape = /^(inset|circle|ellipse)\(([^)]*)\)/.exec(clipPath || "");
    if (!shape) return false;
    const values = shape[2].split(" round ")[0].trim().split(/\s+/);
    if (shape[1] !== "inset") return values[0] === "0px" || values[0] === "0";
    const percents = values.slice(0, 4).map((value) => (value.endsWith("%") ? px(value) : 0));
    const [top, right = top, bottom = top, left = right] = percents;
    return top + bottom >= 100 || left + right >= 100;
  }

  function transformedAway(transform) {
    const matrix = /^matrix(3d)?\((.*)\)$/.exec(transform || "");
    if (!matrix) return false;
    const m = matrix[2].split(",").map(px);
    const [a, b, c, d, e, f] = matrix[1] ? [m[0], m[1], m[4], m[5], m[12], m[13]] : m;
    return a * d - b * c === 0 || e <= OFF_SCREEN_PX || f <= OFF_SCREEN_PX;
  }

  // Hidden with all it holds: nothing inside an element hidden this way is seen.
  function hidesSubtree(style) {
    if (style.display === "none" || style.contentVisibility === "hidden") return true;
    if (px(style.opacity) < FAINTEST_OPACITY) return true;
    const positioned = ["absolute", "fixed", "relative", "sticky"].includes(style.position);
    if (positioned && (px(style.left) <= OFF_SCREEN_PX || px(style.top) <= OFF_SCREEN_PX)) return true;
    if (px(style.textIndent) <= OFF_SCREEN_PX) return true;
    if ((style.position === "absolute" || style.position === "fixed") && clippedAway(style.clip)) return true;
    return clipPathEmpty(style.clipPath) || transformedAway(style.transform);
  }

  // The element's own text: visibility and font size are inherited, and may be undone inside.
  function textSeen(style) {
    return style.visibility !== "hidden" && style.visibility !== "collapse" && px(style.fontSize) >= SMALLEST_FONT_PX;
  }

  function contentText(value, element) {
    if (!value || value === "none" || value === "normal") return "";
    const pieces = [];
    const token = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|attr\(\s*([\w-]+)[^)]*\)/g;
    for (let match = token.exec(value); match; match = token.exec(value)) {
      if (match[3] !== undefined) pieces.push(element.getAttribute(match[3]) || "");
      else pieces.push((match[1] ?? match[2]).replace(/\\(.)/g, "$1"));
    }
    return pieces.join("");
  }

  function pseudoContent(element, which) {
    const style = getComputedStyle(element, which);
    if (hidesSubtree(style) || !textSeen(style)) return "";
    return contentText(style.content, element);
  }

  // The mark an element's override writes: right to left always; left to right only inside a
  // right-to-left one (elsewhere it draws Latin text as it is stored). As model/html_text.py.
  function overrideMark(style, openMarks) {
    if (!OVERRIDES.has(style.unicodeBidi)) return "";
    if (style.direction === "rtl") return RLO;
    return openMarks ? LRO : "";
  }

  function labelsOf(element) {
    const children = element.childNodes;
    const ownText = children.length === 1 && children[0].nodeType === Node.TEXT_NODE
      ? children[0].data.replace(/\s+/g, " ").trim().toLowerCase() : "";
    const labels = [];
    for (const name of LABEL_ATTRIBUTES) {
      const label = (element.getAttribute(name) || "").replace(/\s+/g, " ").trim();
      if (label && label.toLowerCase() !== ownText && !labels.includes(label)) labels.push(label);
    }
    return labels;
  }

  // <noscript> holds markup as text when scripts run: read it inertly, as the server does.
  function noscriptText(element) {
    const parsed = new DOMParser().parseFromString(element.textContent || "", "text/html");
    const lines = [];
    const walker = parsed.createTreeWalker(parsed.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    let line = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        if (!NOT_RENDERED.has(node.parentElement.tagName)) line += node.data.replace(/\s+/g, " ");
      } else if (BLOCK_TAGS.has(node.tagName)) {
        lines.push(line);
        line = "";
      }
    }
    lines.push(line);
    return lines.map((text) => text.trim()).filter(Boolean).join("\n");
  }

  function collect(limit) {
    clear();
    const parts = [];
    let length = 0;
    let truncated = false;
    segments = [];

    // Appends text (for a DOM text node, remembers its range); false once the limit is hit.
    const append = (text, node) => {
      if (truncated || !text) return !truncated;
      let taken = text;
      if (length + taken.length > limit) {
        taken = text.slice(0, Math.max(0, limit - length));
        // Never cut a surrogate pair in half.
        if (/[\uD800-\uDBFF]$/.test(taken)) taken = taken.slice(0, -1);
        truncated = true;
      }
      if (taken) {
        if (node) segments.push({ node, start: length, end: length + taken.length, data: node.data });
        parts.push(taken);
        length += taken.length;
      }
      return !truncated;
    };
    const separate = (separator) => {
      const tail = parts.length ? parts[parts.length - 1] : "";
      if (tail && !/\s$/.test(tail)) append(separator);
    };
    // Drops an override mark that nothing followed yet (no line of marks alone, as the server).
    const dropOpenMark = () => {
      const tail = parts.length ? parts[parts.length - 1] : "";
      const lastSegment = segments.length ? segments[segments.length - 1] : null;
      if ((tail === RLO || tail === LRO) && !(lastSegment && lastSegment.end > length - 1)) {
        parts.pop();
        length -= 1;
        return true;
      }
      return false;
    };
    const newline = () => {
      while (dropOpenMark());
      const tail = parts.length ? parts[parts.length - 1] : "";
      if (tail && !tail.endsWith("\n")) append("\n");
    };

    const title = document.title.replace(/\s+/g, " ").trim();
    if (title) append(title + "\n");
    const root = document.body || document.documentElement;
    // Items: [node, labels of the enclosing block, text seen?, override marks open on the
    // line] or a closing record.
    const stack = [[root, [], true, ""]];
    while (stack.length && !truncated) {
      const item = stack.pop();
      if (!Array.isArray(item)) {
        append(item.after);
        append(item.pops);
        if (item.block) {
          newline();
          for (const label of item.labels) append(label + "\n");
        }
        append(item.reopen); // a block broke the line: the enclosing overrides go on after it
        continue;
      }
      const [node, labels, seen, marks] = item;
      if (node.nodeType === Node.TEXT_NODE) {
        if (!seen || !node.data) continue;
        const pre = getComputedStyle(node.parentElement).whiteSpace.startsWith("pre");
        // Line breaks inside a paragraph are spaces on screen; same length keeps the ranges.
        if (!node.data.trim()) separate(" ");
        else append(pre ? node.data : node.data.replace(/\s/g, " "), node);
        continue;
      }
      if (node.nodeType !== Node.ELEMENT_NODE || node.namespaceURI !== HTML_NS) continue;
      const tag = node.tagName;
      if (NOT_RENDERED.has(tag)) continue;
      if (tag === "NOSCRIPT") {
        newline();
        append(noscriptText(node));
        newline();
        continue;
      }
      const style = getComputedStyle(node);
      if (hidesSubtree(style)) continue;
      const ownSeen = textSeen(style);
      const block = BLOCK_TAGS.has(tag) || (!INLINE_DISPLAYS.has(style.display) && tag !== "BUTTON");
      const blockLabels = block ? [] : labels;
      if (block) newline();
      if (style.display === "list-item") append("\u2022 ");
      if (tag === "BUTTON") separate(" ");
      const lineMarks = block ? "" : marks;
      const mark = overrideMark(style, lineMarks);
      append(mark);
      let after = "";
      if (ownSeen) {
        append(pseudoContent(node, "::before"));
        after = pseudoContent(node, "::after");
        for (const label of labelsOf(node)) if (!blockLabels.includes(label)) blockLabels.push(label);
      }
      stack.push({
        after: tag === "BUTTON" ? after + " " : after,
        block,
        labels: blockLabels,
        pops: PDF.repeat(mark.length),
        reopen: block ? marks : "",
      });
      for (let child = node.lastChild; child; child = child.previousSibling) {
        stack.push([child, blockLabels, ownSeen, lineMarks + mark]);
      }
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
