"""Reduce an HTML page to the text a visitor sees.

Scripts, styles, templates, hidden nodes (`hidden`, `aria-hidden`, `display:none`,
`visibility:hidden`) and navigation boilerplate are dropped. Block elements start new lines,
headings stand on their own line and list items get a bullet, so the segmenter downstream sees
the page's structure. The walk is iterative: a page nested 20,000 levels deep cannot exhaust the
Python stack.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from model.css import Declaration, parse_declarations, parse_stylesheet

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
_WHITESPACE = re.compile(r"\s+")
DEFAULT_MAX_DEPTH = 2_000


class HtmlTooDeepError(ValueError):
    """The page nests elements deeper than the configured limit."""

    def __init__(self, depth: int, limit: int) -> None:
        super().__init__(f"html nests elements at least {depth} levels deep; the limit is {limit}")
        self.depth = depth
        self.limit = limit


def check_nesting_depth(tree: LexborHTMLParser, limit: int) -> None:
    """Raise `HtmlTooDeepError` if the parsed page nests elements deeper than `limit`.

    The depth is read from the parser's own tree (html, head and body not counted), so no markup
    trick can make it differ from what was built. The walk is iterative and stops at the first
    element past the limit.
    """
    root = tree.root
    if root is None:
        return
    stack: list[tuple[LexborNode, int]] = [(child, 0) for child in _children(root)]
    while stack:
        node, depth = stack.pop()
        if node.tag is None or node.tag.startswith(("-", "!")):
            continue
        if node.tag not in ("head", "body"):
            depth += 1
            if depth > limit:
                raise HtmlTooDeepError(depth, limit)
        stack.extend((child, depth) for child in _children(node))


def _children(node: LexborNode) -> list[LexborNode]:
    children = []
    child = node.child
    while child is not None:
        children.append(child)
        child = child.next
    return children


def _hidden_selectors(tree: LexborHTMLParser) -> tuple[frozenset[str], frozenset[str]]:
    """Classes and ids that the page's own style sheets hide (`.seo{display:none}`).

    Only simple `.class` and `#id` selectors are understood; that covers the usual way pages
    hide keyword spam from visitors while leaving it for crawlers.
    """
    classes: set[str] = set()
    ids: set[str] = set()
    for style in tree.css("style"):
        for rule in parse_stylesheet(style.text() or ""):
            if not _hides(rule.declarations):
                continue
            for selector in rule.selectors.split(","):
                selector = selector.strip()
                if len(selector) > 1 and selector[0] in ".#" and _is_css_name(selector[1:]):
                    (classes if selector[0] == "." else ids).add(selector[1:])
    return frozenset(classes), frozenset(ids)


def _is_css_name(text: str) -> bool:
    return all(char.isascii() and (char.isalnum() or char in "_-") for char in text)


def _hides(declarations: tuple[Declaration, ...]) -> bool:
    for declaration in declarations:
        value = declaration.value.lower()
        if (declaration.name, value) in (("display", "none"), ("visibility", "hidden")):
            return True
    return False


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
    return bool(style and _hides(parse_declarations(style)))


def html_to_text(html: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> str:
    """Return the visible text of `html`, one block per line.

    Raises `HtmlTooDeepError` when elements nest deeper than `max_depth`.
    """
    tree = LexborHTMLParser(html)
    check_nesting_depth(tree, max_depth)
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
