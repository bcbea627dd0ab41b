"""Read CSS in one linear pass: style rules with their declarations, nothing more.

A page's `<style>` text and `style=""` attributes are hostile input, so nothing here uses a
regular expression: string searches find the next brace, semicolon, quote or comment, and
everything between is sliced out. Each character is looked at a bounded number of times,
whatever the nesting or the near-misses.

At-rules that hold style rules (`@media`, `@supports`, `@layer`, `@container`...) are read into
their rules, which keep the condition they sit under; other at-rules (`@font-face`, `@keyframes`,
`@page`) and their blocks are skipped. A rule nested inside a style rule (CSS nesting) keeps the
selectors of the rule it sits in, so a reader can tell it apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

# Where the plain text of a style sheet stops: a block, a statement end, a string, an escape or
# a comment.
_BREAKS = ("{", "}", ";", '"', "'", "\\", "/*")
_RULE_HOLDING_AT_RULES = frozenset(
    {"media", "supports", "layer", "container", "document", "scope", "starting-style"}
)


@dataclass(frozen=True, slots=True)
class Declaration:
    """`name: value [!important]`; the name lower-cased, the value with whitespace collapsed."""

    name: str
    value: str
    important: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Condition:
    """An at-rule that holds rules (`@media (max-width: 600px)`), inside `outer` if any.

    Linked rather than a tuple, so that deep nesting costs one object per level; compared and
    hashed by identity, so that a reader can memoise what each one means.
    """

    prelude: str
    outer: Condition | None = None

    def preludes(self) -> list[str]:
        """The preludes from the outermost at-rule in."""
        chain: list[str] = []
        condition: Condition | None = self
        while condition is not None:
            chain.append(condition.prelude)
            condition = condition.outer
        return chain[::-1]


@dataclass(frozen=True, slots=True)
class StyleRule:
    """A selector list, its declarations, and where it sits in the sheet."""

    selectors: str
    declarations: tuple[Declaration, ...]
    condition: Condition | None = None  # the innermost at-rule around it
    nested_in: str | None = None  # the selectors of the style rule this one is nested in
    order: int = 0


@dataclass(slots=True)
class _Block:
    kind: str  # "sheet", "group" (an at-rule holding rules), "style", or "skip"
    prelude: str
    condition: Condition | None
    nested_in: str | None = None
    declarations: list[Declaration] | None = None


def _squash(text: str) -> str:
    """Runs of whitespace as one space, none at the ends."""
    return " ".join(text.split()) if " " in text or not text.isprintable() else text


class _NextBreak:
    """The next of `_BREAKS` at or after a position that only moves forward: each kind's next
    place is kept until the position passes it, so each is searched for once per occurrence
    and the whole sheet is read a fixed number of times."""

    def __init__(self, css: str) -> None:
        self.css = css
        self.next_at = dict.fromkeys(_BREAKS, -2)  # -2: not searched yet; -1: none left

    def find(self, position: int) -> tuple[int, str] | None:
        best: tuple[int, str] | None = None
        for mark, at in self.next_at.items():
            if -1 < at < position or at == -2:
                at = self.next_at[mark] = self.css.find(mark, position)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, mark)
        return best


def _pieces(css: str) -> Iterator[tuple[str, str]]:
    """Split `css` into ("text", ...), ("{", ""), ("}", ""), (";", "") pieces.

    Comments become a space; strings and escapes stay in the text verbatim, so a brace inside a
    string or after a backslash is not structure.
    """
    text: list[str] = []
    position = 0
    length = len(css)
    breaks = _NextBreak(css)
    while position < length:
        found = breaks.find(position)
        if found is None:
            text.append(css[position:])
            break
        start, mark = found
        text.append(css[position:start])
        if mark == "/*":
            end = css.find("*/", start + 2)
            position = length if end < 0 else end + 2
            text.append(" ")
        elif mark == "\\":
            text.append(css[start : start + 2])
            position = start + 2
        elif mark in "\"'":
            position = _string_end(css, start)
            text.append(css[start:position])
        else:
            if text:
                yield ("text", "".join(text))
                text = []
            yield (mark, "")
            position = start + 1
    if text:
        yield ("text", "".join(text))


def _string_end(css: str, start: int) -> int:
    """Index just past the string that opens at `start` (an unclosed string ends at a newline)."""
    quote = css[start]
    position = start + 1
    length = len(css)
    while position < length:
        char = css[position]
        if char == quote or char == "\n":
            return position + 1
        position += 2 if char == "\\" else 1
    return length


def _declaration(text: str) -> Declaration | None:
    name, colon, value = text.partition(":")
    name = name.strip().lower()
    if not colon or not name:
        return None
    value = _squash(value)
    important = False
    if value.lower().endswith("important"):
        head = value[: -len("important")].rstrip()
        if head.endswith("!"):
            value, important = head[:-1].rstrip(), True
    return Declaration(name, value, important)


def parse_declarations(text: str) -> tuple[Declaration, ...]:
    """The declarations of a `style=""` attribute (or of a rule's body), in order."""
    declarations: list[Declaration] = []
    for kind, piece in _pieces(text):
        if kind == "text":
            for part in piece.split(";"):
                declaration = _declaration(part)
                if declaration is not None:
                    declarations.append(declaration)
    return tuple(declarations)


def parse_stylesheet(css: str) -> list[StyleRule]:
    """The style rules of a style sheet, in source order (an unclosed block ends at the end)."""
    rules: list[StyleRule] = []
    stack = [_Block("sheet", "", None)]
    buffer: list[str] = []

    def finish_declaration() -> None:
        block = stack[-1]
        if block.kind == "style" and block.declarations is not None:
            declaration = _declaration("".join(buffer))
            if declaration is not None:
                block.declarations.append(declaration)
        buffer.clear()

    def close_block() -> None:
        block = stack.pop()
        if block.kind == "style":
            rules.append(
                StyleRule(
                    block.prelude,
                    tuple(block.declarations or ()),
                    block.condition,
                    block.nested_in,
                    len(rules),
                )
            )

    for kind, piece in _pieces(css):
        if kind == "text":
            buffer.append(piece)
        elif kind == ";":
            finish_declaration()
        elif kind == "{":
            prelude = _squash("".join(buffer))
            buffer.clear()
            stack.append(_open_block(stack[-1], prelude))
        elif len(stack) > 1:  # "}"
            finish_declaration()
            close_block()
        else:
            buffer.clear()  # a stray "}" at the top level
    finish_declaration()
    while len(stack) > 1:
        close_block()
    return rules


def _open_block(parent: _Block, prelude: str) -> _Block:
    if parent.kind == "skip":
        return _Block("skip", prelude, parent.condition)
    if prelude.startswith("@"):
        name = prelude[1:].split(" ", 1)[0].split("(", 1)[0].lower()
        if name in _RULE_HOLDING_AT_RULES:
            condition = Condition(prelude, parent.condition)
            return _Block("group", prelude, condition, parent.nested_in)
        return _Block("skip", prelude, parent.condition)
    nested_in = parent.prelude if parent.kind == "style" else parent.nested_in
    return _Block("style", prelude, parent.condition, nested_in, [])
