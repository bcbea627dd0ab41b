"""Reduce an HTML page to the text a visitor sees (README, *What a visitor sees*).

Seen: the page's text, the `<title>`, `<noscript>` content, CSS `::before`/`::after` content in
place, and `alt`, `title` and `aria-label` attributes on lines of their own after the block they
sit in. Hidden: scripts, styles, templates, and what the page's own CSS hides (see
`model.visibility`). Undecided: text whose visibility depends on what cannot be known from the
page (a `:hover` rule, a media query, a class a script toggles, a `var()` value) follows the seen
text, each piece on lines of its own, so it may add claims but never sits inside a seen sentence.

Block elements start new lines, headings stand on their own line and list items get a bullet,
so the segmenter downstream sees the page's structure. Every walk is iterative: a page nested
20,000 levels deep cannot exhaust the Python stack.

Text drawn under a directional override (`<bdo dir=rtl>`, or `unicode-bidi: bidi-override` with
`direction: rtl`) is written between the override's characters, U+202E … U+202C, which Unicode
defines to draw the same way: the folding pass (`model.normalise`) then reads Latin letters
stored backwards in the order they are drawn, reports it, and quotes them as written here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

from model.characters import LRO, PDF, RLO, TranslationTable, is_word_character
from model.css import parse_stylesheet
from model.visibility import Inherited, PageStyles, Seen

DEFAULT_MAX_DEPTH = 2_000

# Elements whose content is never drawn in the page (or not modelled, like inline SVG).
_NOT_RENDERED = frozenset(
    {
        "script",
        "style",
        "template",
        "head",
        "title",  # read once, from the head, as the first line
        "meta",
        "link",
        "base",
        "svg",
        "canvas",
        "iframe",
        "object",
        "embed",
        "audio",
        "video",
        "noembed",
        "noframes",
        "select",
        "option",
        "datalist",
        "input",
        "textarea",
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
        "nav",
        "form",
        "menu",
        "search",
        "hgroup",
        "center",
        "dialog",
        "noscript",
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
_SPACED_TAGS = frozenset({"button"})
_LABEL_ATTRIBUTES = ("alt", "title", "aria-label")
_SCRIPT_TYPES = frozenset({"", "text/javascript", "module", "application/javascript"})


# Every character but `re`'s `\\w` and `-` as a space: the words a script could name an element by.
_SCRIPT_WORD_BREAKS = TranslationTable(
    lambda char: char if is_word_character(char) or char == "-" else " "
)


def _script_words(text: str) -> list[str]:
    """The words of `[\\w-]` in a script or an event handler."""
    return text.translate(_SCRIPT_WORD_BREAKS).split()


def _squash(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return " ".join(text.split())


def _collapse_whitespace(text: str) -> str:
    """Runs of whitespace as one space (kept at the ends, where it separates from neighbours)."""
    if text.isprintable() and "  " not in text:  # the space is the only printable whitespace
        return text
    words = text.split()
    if not words:
        return " " if text else ""
    leading = " " if text[0].isspace() else ""
    trailing = " " if text[-1].isspace() else ""
    return leading + " ".join(words) + trailing


class HtmlTooDeepError(ValueError):
    """The page nests elements deeper than the configured limit."""

    def __init__(self, depth: int, limit: int) -> None:
        super().__init__(f"html nests elements at least {depth} levels deep; the limit is {limit}")
        self.depth = depth
        self.limit = limit


@dataclass(frozen=True, slots=True)
class PageText:
    """The analysed text of a page: `text[:seen_length]` is the seen text alone; the rest, if
    any, is undecided text, one piece after another."""

    text: str
    seen_length: int


@dataclass(slots=True)
class _Element:
    """An element as selectors see it (see `model.css_selectors.ElementFacts`)."""

    tag: str
    id: str
    classes: frozenset[str]
    attributes: dict[str, str | None]
    parent: _Element | None


@dataclass(slots=True)
class _Survey:
    """What one pass over the whole tree finds before any text is read."""

    sheets: list[tuple[str, bool]] = field(default_factory=list)  # css, applies for sure
    script_words: set[str] = field(default_factory=set)
    title: str = ""


@dataclass(slots=True)
class _Context:
    """Where a node's text goes, and what its parent passes down."""

    parent: _Element | None
    inherited: Inherited
    text_seen: bool
    sink: list[str]
    labels: list[str]  # attribute texts, written after the enclosing block
    overrides: str = ""  # the override marks open on this line (an inline element's, or ours)


@dataclass(slots=True)
class _Close:
    sink: list[str]
    after: str
    newline: bool
    labels: list[str] | None  # written here when this element opened them
    pops: str = ""  # one PDF per override mark this element opened
    reopen: str = ""  # the enclosing line's override marks, after a block broke the line


def html_to_text(html: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> str:
    """Return what a visitor sees of `html`, one block per line (then undecided text).

    Raises `HtmlTooDeepError` when elements nest deeper than `max_depth`.
    """
    return html_to_page_text(html, max_depth=max_depth).text


def html_to_page_text(html: str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> PageText:
    """`html_to_text`, with where the seen text ends."""
    tree = LexborHTMLParser(html)
    survey = _survey(tree, max_depth)
    script_words = frozenset(survey.script_words)
    sheets = [(parse_stylesheet(css), certain) for css, certain in survey.sheets]
    styles = PageStyles.build(sheets, script_words)
    seen: list[str] = [survey.title, "\n"]
    undecided: list[list[str]] = []
    body = tree.body
    if body is not None:
        root = tree.root
        page_dir = (root.attributes.get("dir") or "") if root is not None else ""
        inherited = Inherited(right_to_left=page_dir.strip().lower() == "rtl")
        _read(body, styles, script_words, inherited, seen, undecided)
    seen_text = _lines(seen)
    pieces = [text for text in map(_lines, undecided) if text]
    return PageText("\n".join([seen_text, *pieces]).strip("\n"), len(seen_text))


def _survey(tree: LexborHTMLParser, limit: int) -> _Survey:
    """Check the nesting depth and gather style sheets, script words and the title.

    The depth is read from the parser's own tree (html, head and body not counted), so no
    markup trick can make it differ from what was built; the walk stops past the limit.
    """
    survey = _Survey()
    root = tree.root
    if root is None:
        return survey
    # (node, depth, inside <noscript>)
    # In document order (children pushed in reverse): the first title, sheets in cascade order.
    stack: list[tuple[LexborNode, int, bool]] = [(c, 0, False) for c in _children(root)[::-1]]
    while stack:
        node, depth, in_noscript = stack.pop()
        tag = node.tag
        if tag is None or tag.startswith(("-", "!")):
            continue
        if tag not in ("head", "body"):
            depth += 1
            if depth > limit:
                raise HtmlTooDeepError(depth, limit)
        attributes = node.attributes
        for name, value in attributes.items():
            if value and (name.startswith("on") or name == "aria-controls"):
                survey.script_words.update(_script_words(value))
        if tag == "style":
            survey.sheets.append((node.text(deep=True), not in_noscript))
        elif tag == "script":
            if (attributes.get("type") or "").strip().lower() in _SCRIPT_TYPES:
                survey.script_words.update(_script_words(node.text(deep=True)))
        elif tag == "title" and not survey.title and node.parent is not None:
            if node.parent.tag == "head":
                survey.title = _squash(node.text(deep=True))
        in_noscript = in_noscript or tag == "noscript"
        stack.extend((child, depth, in_noscript) for child in reversed(_children(node)))
    survey.script_words.discard("")
    return survey


def _read(
    body: LexborNode,
    styles: PageStyles,
    script_words: frozenset[str],
    inherited: Inherited,
    seen: list[str],
    undecided: list[list[str]],
) -> None:
    """Write the text of `body` into `seen`, and each undecided piece into `undecided`."""
    start = _Context(None, inherited, True, seen, [])
    stack: list[tuple[LexborNode, _Context] | _Close] = [(body, start)]
    while stack:
        item = stack.pop()
        if isinstance(item, _Close):
            _close(item)
            continue
        node, context = item
        tag = node.tag or ""
        if tag == "-text":
            if context.text_seen:
                context.sink.append(_collapse_whitespace(node.text_content or ""))
            continue
        if tag.startswith(("-", "!")) or tag in _NOT_RENDERED:
            continue
        if tag == "dialog" and "open" not in node.attributes:
            continue
        attributes = node.attributes
        element = _element(tag, attributes, context.parent)
        scripted = bool(script_words & {element.id, *element.classes})
        verdict = styles.verdict(
            element, context.inherited, attributes.get("style"), _hidden(attributes), scripted
        )
        if verdict.seen is Seen.HIDDEN:
            continue
        sink, labels, owns_labels = context.sink, context.labels, False
        overrides, reopen = context.overrides, ""
        if verdict.seen is Seen.UNDECIDED:
            sink, labels, owns_labels, overrides = [], [], True, ""
            undecided.append(sink)
        block = tag in _BLOCK_TAGS
        if block:
            sink.append("\n\u2022 " if tag == "li" else "\n")
            if not owns_labels:
                labels, owns_labels = [], True
                reopen, overrides = overrides, ""  # the line break ends the enclosing overrides
        elif tag in _SPACED_TAGS:
            sink.append(" ")
        mark = _override_mark(verdict.override, overrides)
        sink.append(mark)
        overrides += mark
        after = ""
        if verdict.text_seen:
            before, before_maybe = styles.pseudo_content(element, verdict.inherited, "before")
            after, after_maybe = styles.pseudo_content(element, verdict.inherited, "after")
            sink.append(before)
            undecided.extend([text] for text in (*before_maybe, *after_maybe))
            if any(name in attributes for name in _LABEL_ATTRIBUTES):
                labels.extend(_labels(node, attributes, labels))
        stack.append(
            _Close(
                sink,
                after,
                block or tag in _SPACED_TAGS,
                labels if owns_labels else None,
                PDF * len(mark),
                reopen,
            )
        )
        child_context = _Context(
            element, verdict.inherited, verdict.text_seen, sink, labels, overrides
        )
        stack.extend((child, child_context) for child in reversed(_children(node)))


def _close(item: _Close) -> None:
    item.sink.append(item.after)
    item.sink.append(item.pops)
    if item.newline:
        item.sink.append("\n" if item.labels is not None else " ")
    if item.labels:
        item.sink.extend(f"\n{label}\n" for label in item.labels)
    item.sink.append(item.reopen)


def _override_mark(override: str, open_marks: str) -> str:
    """The mark an element's override writes: right to left always; left to right only inside
    a right-to-left one (elsewhere it draws Latin text as it is stored)."""
    if override == "rtl":
        return RLO
    return LRO if override == "ltr" and open_marks else ""


def _element(tag: str, attributes: dict[str, str | None], parent: _Element | None) -> _Element:
    classes = frozenset((attributes.get("class") or "").split())
    return _Element(tag, attributes.get("id") or "", classes, attributes, parent)


def _hidden(attributes: dict[str, str | None]) -> str | None:
    if "hidden" not in attributes:
        return None
    return attributes["hidden"] or ""


def _labels(node: LexborNode, attributes: dict[str, str | None], known: list[str]) -> list[str]:
    """The element's `alt`, `title` and `aria-label` texts that say something new."""
    own_text = ""
    child = node.child
    if child is not None and child.next is None and child.tag == "-text":
        own_text = _squash(child.text_content or "").casefold()
    labels: list[str] = []
    for name in _LABEL_ATTRIBUTES:
        label = _squash(attributes.get(name) or "")
        folded = label.casefold()
        if label and folded != own_text and label not in labels and label not in known:
            labels.append(label)
    return labels


def _children(node: LexborNode) -> list[LexborNode]:
    children = []
    child = node.child
    while child is not None:
        children.append(child)
        child = child.next
    return children


def _lines(parts: list[str]) -> str:
    """The non-blank lines, stripped (a line holding only override marks is blank)."""
    text = "".join(parts)
    return "\n".join(line.strip() for line in text.split("\n") if _has_text(line))


def _has_text(line: str) -> bool:
    return bool(line.strip(_BLANK)) if RLO in line or LRO in line else bool(line.strip())


_BLANK = " \t\n\r\f\v" + RLO + LRO + PDF
