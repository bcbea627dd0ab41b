"""Regular expressions over text a client sends, run by RE2: matching time is linear in the text
whatever the pattern and whatever the input (issue 14).

Python's `re` backtracks, and a bound on repetition is no guarantee: `[a-z .-]{2,30}` is retried
from every start. RE2 never backtracks, but it reads some things differently from `re`, and a
pattern here keeps `re`'s meaning exactly:

* `\\s`, `\\d`, `\\w` are Unicode classes in `re` and ASCII in RE2: they are spelled out as
  Unicode classes (`python_classes_for_re2`). One difference is left: RE2's Unicode tables are
  newer than Python 3.11's, so a character assigned after Unicode 14 is a letter for RE2 and
  unassigned for `re`.
* `re.IGNORECASE` matches `i` with `İ` and `ı`; RE2's case folding does not, so an ignore-case
  pattern spells those out (`_dotted_and_dotless_i`).
* `\\b` is Unicode in `re` and ASCII in RE2. A pattern asks for `re`'s word boundary before a
  group by listing it in `word_start_groups` (checked in Python on each match, the search going
  on one character further when it fails); where the group starts with an ASCII letter, an RE2
  `\\b` in front of it is a cheap first filter, never stricter than `re`'s. After a word, a
  boundary is written as a consumed non-word character or the end (`NOT_WORD_OR_END`) outside
  the reported group, and the next search starts where the group ends.
* No lookbehind or lookahead: the few patterns that used them are an RE2 pattern plus a check
  of the characters around the match in their own module.

The google-re2 wrapper encodes a `str` to UTF-8 on every call and converts offsets back in
Python; a search from a position in a long text would encode all of it each time. Matching here
runs on bytes encoded once per text (an ASCII text is its own byte offsets), and turns only the
offsets it reports back into `str` indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import re2

from model.characters import is_word_character

# Python's `\s`, `\d` and `\w` match Unicode; RE2's only ASCII. Inside a character class these
# become the class's members; their negations (`\S`, `\D`, `\W`) only outside a class.
_UNICODE_CLASSES = {
    "s": r"\t-\r\x{1c}-\x{1f}\x{85}\p{Z}",
    "d": r"\p{Nd}",
    "w": r"\p{L}\p{N}_",
}
# `re`'s `\W`, and what follows a word where `re` would write `\b`.
NOT_WORD = r"[^\p{L}\p{N}_]"
NOT_WORD_OR_END = rf"(?:{NOT_WORD}|$)"
_SURROGATES_REPLACED = {code: "\ufffd" for code in range(0xD800, 0xE000)}


def python_classes_for_re2(pattern: str) -> str:
    """`pattern` with Python's Unicode meaning of `\\s`, `\\d`, `\\w` (and negations) kept.

    Raises `ValueError` for a negated class escape inside `[...]`, which RE2 cannot spell."""
    out: list[str] = []
    in_class = False
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\" and position + 1 < len(pattern):
            escaped = pattern[position + 1]
            members = _UNICODE_CLASSES.get(escaped.lower())
            if members is None:
                out.append(pattern[position : position + 2])
            elif in_class and escaped.isupper():
                raise ValueError(f"regex {pattern!r}: write \\{escaped} outside [...]")
            elif in_class:
                out.append(members)
            else:
                out.append(f"[{'^' if escaped.isupper() else ''}{members}]")
            position += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            # A `]` (or `^]`) right after the opening bracket is a member, not the end.
            for literal in ("^]", "]", "^"):
                if pattern.startswith(literal, position + 1):
                    out.append(literal)
                    position += len(literal)
                    break
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        position += 1
    return "".join(out)


def _dotted_and_dotless_i(pattern: str) -> str:
    """`i` and `I` outside classes and escapes as `[iİı]`: what `re.IGNORECASE` matches."""
    out: list[str] = []
    position = 0
    in_class = False
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            end = position + 2
            if pattern.startswith("{", end):  # \p{..}, \x{..}
                end = pattern.index("}", end) + 1
            out.append(pattern[position:end])
            position = end
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char in "iI" and in_class:
            raise ValueError(f"regex {pattern!r}: an ignore-case class with i is not supported")
        elif char in "iI":
            char = "[i\u0130\u0131]"
        out.append(char)
        position += 1
    return "".join(out)


class EncodedText:
    """A text and its UTF-8 bytes, which RE2 reads; byte offsets turned back into `str` indexes
    as they are needed, reading each byte once when the offsets asked for increase."""

    __slots__ = ("_last_byte", "_last_char", "ascii", "data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.ascii = text.isascii()
        if self.ascii:
            self.data = text.encode("ascii")
        else:
            try:
                self.data = text.encode("utf-8")
            except UnicodeEncodeError:  # lone surrogates: one character each, a non-word one
                self.data = text.translate(_SURROGATES_REPLACED).encode("utf-8")
        self._last_byte = 0
        self._last_char = 0

    def char_index(self, byte_offset: int) -> int:
        if self.ascii:
            return byte_offset
        if byte_offset < self._last_byte:
            self._last_byte = self._last_char = 0
        self._last_char += len(self.data[self._last_byte : byte_offset].decode("utf-8"))
        self._last_byte = byte_offset
        return self._last_char

    def byte_index(self, char_index: int) -> int:
        if self.ascii:
            return char_index
        return len(self.text[:char_index].encode("utf-8", "surrogatepass"))

    def char_at(self, byte_offset: int) -> str:
        """The character starting at `byte_offset` ("" at the end)."""
        if self.ascii:
            return self.text[byte_offset : byte_offset + 1]
        return self.data[byte_offset : self.after_char(byte_offset)].decode("utf-8")

    def char_before(self, byte_offset: int) -> str:
        """The character ending at `byte_offset` ("" at the start)."""
        if self.ascii:
            return self.text[byte_offset - 1 : byte_offset] if byte_offset else ""
        start = byte_offset - 1
        while start > 0 and 0x80 <= self.data[start] < 0xC0:  # continuation bytes
            start -= 1
        return self.data[max(start, 0) : byte_offset].decode("utf-8")

    def after_char(self, byte_offset: int) -> int:
        """The byte offset of the character after the one at `byte_offset`."""
        if byte_offset >= len(self.data):
            return byte_offset + 1
        lead = self.data[byte_offset]
        return byte_offset + (1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4)


def _python_word_boundary(text: EncodedText, byte_offset: int) -> bool:
    """`re`'s `\\b` at `byte_offset`: a word character on exactly one side."""
    before = text.char_before(byte_offset)
    after = text.char_at(byte_offset)
    return bool(before and is_word_character(before)) != bool(after and is_word_character(after))


class LinearPattern:
    """A regular expression in RE2 syntax, written with Python's `\\s`, `\\d`, `\\w`.

    What a match reports is group 0, or, when the pattern has groups, the first group that took
    part: the pattern may consume a character after it (the end of a word) that the next search
    reads again. Groups listed in `word_start_groups` must start at `re`'s word boundary.
    """

    def __init__(
        self,
        pattern: str,
        *,
        ignore_case: bool = False,
        multiline: bool = False,
        word_start_groups: frozenset[int] = frozenset(),
    ) -> None:
        self.pattern = pattern
        source = python_classes_for_re2(pattern)
        if ignore_case:
            source = "(?i)" + _dotted_and_dotless_i(source)
        if multiline:
            source = "(?m)" + source
        options = re2.Options()
        options.log_errors = False
        self.compiled: Any = re2.compile(source.encode("utf-8"), options)
        # The extension's own matcher, which the wrapper's `search` calls: the spans of every
        # group in one call, a third of the wrapper's cost (it builds a generator and a match
        # object per call, and asks RE2 for the number of groups on every `span`).
        self._match = self.compiled._regexp.Match
        self._groups: int = self.compiled.groups
        self._word_start_groups = word_start_groups

    def __repr__(self) -> str:
        return f"LinearPattern({self.pattern!r})"

    def finditer(
        self, text: str, pos: int = 0, endpos: int | None = None
    ) -> Iterator[tuple[int, int]]:
        """(start, end) of each match in text[pos:endpos], left to right, as `re`'s `finditer`
        with `pos` and `endpos` finds them (the character before `pos` counts for a word
        boundary; nothing after `endpos` is read)."""
        offset = pos - 1 if pos > 0 else 0
        window = text if offset == 0 and endpos is None else text[offset:endpos]
        encoded = EncodedText(window)
        data = encoded.data
        size = len(data)
        position = encoded.byte_index(pos - offset)
        while position <= size:
            spans = self._match(_UNANCHORED, data, position, size)
            if spans[0][0] < 0:
                return
            group = self._reported_group(spans)
            start, end = spans[group]
            if group in self._word_start_groups and not _python_word_boundary(encoded, start):
                position = encoded.after_char(start)
                continue
            yield offset + encoded.char_index(start), offset + encoded.char_index(end)
            position = end if end > start else encoded.after_char(end)

    def spans(self, text: str) -> list[tuple[int, int]]:
        return list(self.finditer(text))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> tuple[int, int] | None:
        """The first match in text[pos:endpos], as `finditer` finds it."""
        return next(self.finditer(text, pos, endpos), None)

    def _reported_group(self, spans: list[tuple[int, int]]) -> int:
        for group in range(1, self._groups + 1):
            if spans[group][0] >= 0:
                return group
        return 0


_UNANCHORED = re2._re2.RE2.Anchor.UNANCHORED


def compiled_spans(compiled: Any, text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each match of a `re2.compile`d pattern in `text`: the spans of
    `compiled.finditer(text)`, one for one.

    The wrapper's `finditer` decodes the offsets of every group of every match, builds a match
    object and asks RE2 for its number of groups: on a 5 KB page that took four times as long
    as RE2's own search. Here RE2's matcher is called directly, as `LinearPattern` does, and
    only the match's own offsets are turned into `str` indexes. As with the wrapper, a text
    UTF-8 cannot encode (a lone surrogate) raises `UnicodeEncodeError`; an empty match moves
    the next search on by one character."""
    data = text.encode("utf-8")
    size = len(data)
    ascii_only = size == len(text)
    match = compiled._regexp.Match
    position = 0
    last_byte = last_char = 0  # a byte offset read so far and its `str` index
    while True:
        start, end = match(_UNANCHORED, data, position, size)[0]
        if start < 0:
            return
        if ascii_only:
            yield start, end
        else:  # matches come in order: each offset is decoded from the one before
            last_char += len(data[last_byte:start].decode("utf-8"))
            start_char = last_char
            last_char += len(data[start:end].decode("utf-8"))
            last_byte = end
            yield start_char, last_char
        if position == size:
            return
        if position == end:  # an empty match here: on to the next character
            lead = data[position]
            position += 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        else:
            position = end


class PatternSet:
    """Which of many `re2.compile`d patterns match somewhere in a text, found in one pass (RE2's
    `Set`): most texts match none of a catalogue's patterns, and searching each one alone read
    the whole text once per pattern.

    RE2's `Set` gives no fallback when its automaton runs out of memory: it reports no match.
    So the set also holds a pattern that matches every text, and when that one is not reported
    the answer is unknown (None: search each pattern)."""

    def __init__(self, compiled: tuple[Any, ...]) -> None:
        options = re2.Options()
        options.log_errors = False
        self._set = re2.Set.SearchSet(options)
        for pattern in compiled:
            self._set.Add(pattern.pattern)
        self._always = self._set.Add(r"\A")
        self._set.Compile()

    def matching(self, text: str) -> frozenset[int] | None:
        """Indexes (in the order given) of the patterns with a match in `text`, or None when
        RE2 could not tell."""
        try:
            found = self._set.Match(text) or ()
        except UnicodeEncodeError:  # a lone surrogate: searched pattern by pattern, as before
            return None
        if self._always not in found:
            return None
        return frozenset(i for i in found if i != self._always)
