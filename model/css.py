"""Read CSS in one linear pass: style rules with their declarations, nothing more.

A page's `<style>` text and `style=""` attributes are hostile input, so nothing here uses a
regular expression that can backtrack: a single-character search finds the next brace,
semicolon, quote or comment, and everything between is sliced out. Each character is looked at
a bounded number of times, whatever the nesting or the near-misses.

At-rules that hold style rules (`@media`, `@supports`, `@layer`, `@container`...) are read into
their rules, which keep the condition they sit under; other at-rules (`@font-face`, `@keyframes`,
`@page`) and their blocks are skipped. A rule nested inside a style rule (CSS nesting) keeps the
selectors of the rule it sits in, so a reader can tell it apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Where the plain text of a style sheet stops: a block, a statement end, a string, an escape or
# a comment. A character class and one two-character literal: no backtracking.
_BREAK = re.compile(r"[{};\"'\\]|/\*")
_WHITESPACE = re.compile(r"\s+")
_RULE_HOLDING_AT_RULES = frozenset(
    {"media", "supports", "layer", "container", "document", "scope", "starting-style"}
)


@dataclass(frozen=True, slots=True)
class Declaration:
    """`name: value [!important]`; the name lower-cased, the value with whitespace collapsed."""

    name: str
    value: str
    important: bool = False


@dataclass(frozen=True, slots=True)
class StyleRule:
    """A selector list, its declarations, and where it sits in the sheet."""

    selectors: str
    declarations: tuple[Declaration, ...]
    conditions: tuple[str, ...] = ()  # enclosing at-rule preludes, outermost first
    nested_in: str | None = None  # the selectors of the style rule this one is nested in
    order: int = 0


@dataclass(slots=True)
class _Block:
    kind: str  # "sheet", "group" (an at-rule holding rules), "style", or "skip"
    prelude: str
    conditions: tuple[str, ...]
    nested_in: str | None = None
    declarations: list[Declaration] | None = None


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _pieces(css: str) -> list[tuple[str, str]]:
    """Split `css` into ("text", ...), ("{", ""), ("}", ""), (";", "") pieces.

    Comments become a space; strings and escapes stay in the text verbatim, so a brace inside a
    string or after a backslash is not structure.
    """
    pieces: list[tuple[str, str]] = []
    text: list[str] = []
    position = 0
    length = len(css)
    while position < length:
        found = _BREAK.search(css, position)
        if found is None:
            text.append(css[position:])
            break
        start = found.start()
        text.append(css[position:start])
        mark = found.group()
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
                pieces.append(("text", "".join(text)))
                text = []
            pieces.append((mark, ""))
            position = start + 1
    if text:
        pieces.append(("text", "".join(text)))
    return pieces


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
    stack = [_Block("sheet", "", ())]
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
                    block.conditions,
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
        return _Block("skip", prelude, parent.conditions)
    if prelude.startswith("@"):
        name = prelude[1:].split(" ", 1)[0].split("(", 1)[0].lower()
        if name in _RULE_HOLDING_AT_RULES:
            return _Block("group", prelude, (*parent.conditions, prelude), parent.nested_in)
        return _Block("skip", prelude, parent.conditions)
    nested_in = parent.prelude if parent.kind == "style" else parent.nested_in
    return _Block("style", prelude, parent.conditions, nested_in, [])
