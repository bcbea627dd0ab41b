"""Reduce an HTML page to the text a visitor sees.

Scripts, styles, templates, hidden nodes (`hidden`, `aria-hidden`, `display:none`,
`visibility:hidden`) and navigation boilerplate are dropped. Block elements start new lines,
headings stand on their own line and list items get a bullet, so the segmenter downstream sees
the page's structure. The walk is iterative: a page nested 20,000 levels deep cannot exhaust the
Python stack.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_DROPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "svg",
        "canvas",
        "iframe",
        "object",
        "embed",
        "nav",
        "button",
        "select",
        "option",
        "input",
        "textarea",
        "dialog",
        "-comment",
        "!doctype",
    }
)
_BLOCK_TAGS = frozenset(
    {
        "label",
        "legend",
        "fieldset",
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "footer",
        "aside",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "address",
        "hr",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "td",
        "th",
        "body",
        "html",
        "details",
        "summary",
        "caption",
    }
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>")
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "td",
        "th",
        "tr",
        "option",
        "dt",
        "dd",
    }
)
DEFAULT_MAX_DEPTH = 2_000


class HtmlTooDeepError(ValueError):
    """The page nests elements deeper than the configured limit."""

    def __init__(self, depth: int, limit: int) -> None:
        super().__init__(f"html nests elements at least {depth} levels deep; the limit is {limit}")
        self.depth = depth
        self.limit = limit


def estimate_depth(html: str, stop_at: int) -> int:
    """Estimate the element nesting depth of `html` in one linear scan of its tags.

    Parsers build deep trees in super-linear time, so the depth is checked before parsing.
    Elements that are often left unclosed (p, li, td...) are not counted.
    """
    depth = deepest = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if self_closing or name.lower() in _VOID_TAGS:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > stop_at:
                break
    return deepest


_CSS_HIDING_RULE = re.compile(
    r"([^{}]{1,500})\{[^{}]{0,2000}?(?:display\s*:\s*none|visibility\s*:\s*hidden)[^{}]{0,2000}\}",
    re.IGNORECASE,
)
_SIMPLE_SELECTOR = re.compile(r"^\s*([.#])([A-Za-z0-9_-]{1,100})\s*$")


def _hidden_selectors(tree: LexborHTMLParser) -> tuple[frozenset[str], frozenset[str]]:
    """Classes and ids that the page's own style sheets hide (`.seo{display:none}`).

    Only simple `.class` and `#id` selectors are understood; that covers the usual way pages
    hide keyword spam from visitors while leaving it for crawlers.
    """
    classes: set[str] = set()
    ids: set[str] = set()
    for style in tree.css("style"):
        for match in _CSS_HIDING_RULE.finditer(style.text() or ""):
            for selector in match.group(1).split(","):
                simple = _SIMPLE_SELECTOR.match(selector)
                if simple:
                    (classes if simple.group(1) == "." else ids).add(simple.group(2))
    return frozenset(classes), frozenset(ids)


def _is_hidden(
    attributes: dict[str, str | None],
    hidden_classes: frozenset[str] = frozenset(),
    hidden_ids: frozenset[str] = frozenset(),
) -> bool:
    if "hidden" in attributes:
        return True
    if hidden_ids and (attributes.get("id") or "") in hidden_ids:
        return True
    if hidden_classes and hidden_classes.intersection((attributes.get("class") or "").split()):
        return True
    if (attributes.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = attributes.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def html_to_text(html: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> str:
    """Return the visible text of `html`, one block per line.

    Raises `HtmlTooDeepError` when elements nest deeper than `max_depth`.
    """
    depth = estimate_depth(html, stop_at=max_depth)
    if depth > max_depth:
        raise HtmlTooDeepError(depth, max_depth)
    tree = LexborHTMLParser(html)
    hidden_classes, hidden_ids = _hidden_selectors(tree)
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    parts: list[str] = []
    # Stack items: a node to visit, or a string to emit when a block element closes.
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        node = item
        tag = node.tag  # type: ignore[attr-defined]
        if tag == "-text":
            content = node.text_content or ""  # type: ignore[attr-defined]
            parts.append(_WHITESPACE.sub(" ", content))
            continue
        if tag in _DROPPED_TAGS:
            continue
        attributes = node.attributes  # type: ignore[attr-defined]
        if attributes and _is_hidden(attributes, hidden_classes, hidden_ids):
            continue
        if tag in _BLOCK_TAGS:
            parts.append("\n")
            if tag == "li":
                parts.append("\u2022 ")
            stack.append("\n")
        elif tag in ("td", "th"):
            parts.append(" ")
        children = []
        child = node.child  # type: ignore[attr-defined]
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend(reversed(children))
    text = "".join(parts)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())
