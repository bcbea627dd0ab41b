"""Folding for matching, with an offset map back to the original text.

The matcher never sees the original text. It sees a *folded* copy: lower case, diacritics
removed, curly quotes straightened and every run of whitespace, hyphens and slashes collapsed to
one space. `FoldedText.span_in_original` maps a span of the folded copy back to the exact
characters of the original, so evidence quotes are always true substrings of what was sent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

_SEPARATORS = " \t\n\r\f\v-/\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2028\u2029\u200b_"
_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201b": "'",
    "\u02bc": "'",
    "\u00b4": "'",
    "`": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
}


class _FoldTable(dict):
    """A `str.translate` table that folds each character to exactly one character, lazily.

    Keeping folding length-preserving (before space collapsing) makes the offset map trivial.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if char in _SEPARATORS or (char.isspace()):
            folded = " "
        elif char in _QUOTES:
            folded = _QUOTES[char]
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            lowered = base.lower() if base else char.lower()
            folded = (
                lowered if len(lowered) == 1 else (char.lower() if len(char.lower()) == 1 else char)
            )
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold_term(term: str) -> str:
    """Fold a lexicon term exactly as text is folded, so both meet in the same form."""
    return re.sub(" {2,}", " ", term.translate(_FOLD_TABLE)).strip()


@dataclass(frozen=True)
class FoldedText:
    """The folded copy of a text and, for every folded character, its index in the original."""

    original: str
    folded: str
    origin: np.ndarray = field(repr=False)

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span [start, end) to the original text's span."""
        return int(self.origin[start]), int(self.origin[end - 1]) + 1


def fold_text(text: str) -> FoldedText:
    translated = text.translate(_FOLD_TABLE)
    codes = np.frombuffer(translated.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    is_space = codes == 32
    repeated_space = is_space.copy()
    repeated_space[1:] &= is_space[:-1]
    repeated_space[:1] = False
    keep = ~repeated_space
    folded_codes = codes[keep]
    folded = folded_codes.tobytes().decode("utf-32-le", "surrogatepass")
    return FoldedText(original=text, folded=folded, origin=np.nonzero(keep)[0])
