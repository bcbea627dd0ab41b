"""Letters of other scripts that pass for Latin ones (Cyrillic `е`, Greek `ο`), from Unicode
TR39's confusables data as the `confusable_homoglyphs` package ships it.

The table is built on first use (about 50 ms) and kept; `lookalike_words` finds, with arrays,
the words a look-alike letter could be disguising, and `written_in` tells a page written in a
script from one that borrows its letters.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterator
from importlib import resources

import numpy as np

from model.characters import BMP, TranslationTable, alphanumeric, code_points

# Every character but letters, digits and the apostrophe as a space (for `_words`).
_WORD_PIECES = TranslationTable(lambda char: char if char.isalnum() or char == "'" else " ")
# A page is written in a script when this many of its words use letters of that script that look
# like no Latin letter ("стволовые", "κύτταρα"); its all-look-alike words are then its own.
_GENUINE_WORDS_FOR_SCRIPT = 3


def script_of(char: str) -> str:
    """The script of a letter as the first word of its Unicode name ("LATIN", "CYRILLIC", "CJK")."""
    if char.isascii():
        return "LATIN"
    return _script_of(char)


@functools.cache
def _script_of(char: str) -> str:
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def _is_foreign_letter(char: str) -> bool:
    return (
        char.isalpha()
        and script_of(char) != "LATIN"
        and not unicodedata.normalize("NFKC", char).isascii()
    )


@functools.cache
def lookalike_table() -> dict[str, str]:
    """Letters of other scripts that look like one ASCII letter, mapped to it: the single-letter
    entries of Unicode TR39's confusables, from the data `confusable_homoglyphs` ships (its
    entries go both ways: a Cyrillic letter lists its Latin twin, a Latin letter its twins)."""
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    table: dict[str, str] = {}
    for char, entries in data.items():
        if len(char) == 1 and not char.isascii():
            latin = [e["c"] for e in entries if len(e["c"]) == 1 and e["c"].isascii()]
            latin = [c for c in latin if c.isalpha()]
            if latin and _is_foreign_letter(char):
                table[char] = latin[0]
    for char, entries in data.items():
        if len(char) == 1 and char.isascii() and char.isalpha():
            for entry in entries:
                twin = entry["c"]
                if len(twin) == 1 and _is_foreign_letter(twin):
                    table.setdefault(twin, char)
    return table


def latin_lookalike(char: str) -> str | None:
    """The ASCII letter `char` passes for, in `char`'s case; None when it looks like none.

    A capital is read through its small letter when that has a twin (Cyrillic `І` as `I`, not as
    TR39's prototype `l`), else through its own shape (`В` as `B`)."""
    table = lookalike_table()
    lower = char.lower()
    latin = table.get(lower) if lower != char else None
    if latin is None:
        latin = table.get(char)
    if latin is None:
        return None
    return latin.upper() if char.isupper() else latin.lower()


@functools.cache
def _twin_table() -> np.ndarray:
    """Whether each code point of the Basic Multilingual Plane is a look-alike letter."""
    table = np.zeros(BMP, dtype=bool)
    table[[ord(c) for c in lookalike_table() if ord(c) < BMP]] = True
    return table


def lookalike_words(cased: str) -> list[tuple[int, int]]:
    """Spans of the words that could pass for Latin: made of ASCII letters and digits and
    look-alike letters (with inner apostrophes, "parkinson'ѕ"), at least one of them."""
    codes = code_points(cased)
    twin = _twin_table()[np.minimum(codes, BMP - 1)]
    astral = np.flatnonzero(codes >= BMP)
    if astral.size:
        table = lookalike_table()
        twin[astral] = [chr(code) in table for code in codes[astral].tolist()]
    if not twin.any():
        return []
    apostrophe = codes == ord("'")
    in_word = alphanumeric(cased) | apostrophe
    lower = codes | 0x20
    ascii_alnum = ((lower >= ord("a")) & (lower <= ord("z"))) | ((codes >= 48) & (codes <= 57))
    other = in_word & ~(ascii_alnum | twin | apostrophe)
    edges = np.diff(np.concatenate(([0], in_word.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    twins_before = np.concatenate(([0], np.cumsum(twin)))
    others_before = np.concatenate(([0], np.cumsum(other)))
    has_twin = twins_before[ends] > twins_before[starts]
    keep = has_twin & (others_before[ends] == others_before[starts])
    spans: list[tuple[int, int]] = []
    for start, end in zip(starts[keep].tolist(), ends[keep].tolist(), strict=True):
        while cased[start] == "'":
            start += 1
        while cased[end - 1] == "'":
            end -= 1
        spans.append((start, end))
    return spans


def _words(text: str) -> Iterator[str]:
    """What `re` finds with `[^\\W_]+(?:'[^\\W_]+)*`: runs of letters and digits, joined by
    single apostrophes inside them ("parkinson's")."""
    for piece in text.translate(_WORD_PIECES).split():
        if "'" not in piece:
            yield piece
            continue
        parts: list[str] = []
        for part in piece.split("'"):
            if part:
                parts.append(part)
            elif parts:
                yield "'".join(parts)
                parts = []
        if parts:
            yield "'".join(parts)


def written_in(cased: str, script: str) -> bool:
    """Whether the text has words of `script` with letters that look like no Latin letter."""
    genuine = 0
    for word in _words(cased):
        if word.isascii():
            continue
        if any(c.isalpha() and script_of(c) == script and latin_lookalike(c) is None for c in word):
            genuine += 1
            if genuine >= _GENUINE_WORDS_FOR_SCRIPT:
                return True
    return False
