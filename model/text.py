"""Text pipeline: folding for matching (with an offset map back to the original) and segmentation.

The matcher never sees the original text. It sees a *folded* copy: lower case, diacritics
removed, curly quotes straightened and every run of whitespace, hyphens and slashes collapsed to
one space. `FoldedText.span_in_original` maps a span of the folded copy back to the exact
characters of the original, so evidence quotes are always true substrings of what was sent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

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


# --- segmentation -----------------------------------------------------------------------------

_BULLET = re.compile(
    r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u2713\u2714\u2705>]|\d{1,2}[.)]\s)\s*"
)
_SENTENCE_END = re.compile(r"(?<=[.!?\u3002])[\"'\u201d\u2019)\]]*\s+(?=\S)")


class Sentence(NamedTuple):
    """A sentence, heading or list item: [start, end) of the text. A named tuple rather than a
    frozen dataclass: as immutable, and a 100 KB page makes thousands, 4x cheaper each."""

    start: int
    end: int
    section: int  # index of the section (heading block) the sentence belongs to
    is_heading: bool = False
    is_list_item: bool = False


@dataclass(frozen=True)
class Section:
    index: int
    start: int
    end: int
    heading: Sentence | None


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 90 or _BULLET.match(line):
        return False
    if stripped[-1] in ".!?,;":
        return stripped.endswith("?") and len(stripped) < 70 and next_line is not None
    words = stripped.split()
    return len(words) <= 12


def segment(text: str) -> tuple[list[Sentence], list[Section]]:
    """Split text into sentences grouped under headings.

    A line is a heading when it is short and unpunctuated (or a short question); the lines
    after it, including list items, belong to its section until the next heading. Text with no
    headings is one section.
    """
    sentences: list[Sentence] = []
    sections: list[Section] = []
    lines: list[tuple[int, int]] = []
    position = 0
    for line in text.splitlines(keepends=True):
        lines.append((position, position + len(line)))
        position += len(line)
    nonblank = [(s, e) for s, e in lines if text[s:e].strip()]
    section_index = 0
    section_start = 0
    current_heading: Sentence | None = None
    for i, (line_start, line_end) in enumerate(nonblank):
        line = text[line_start:line_end]
        next_line = text[nonblank[i + 1][0] : nonblank[i + 1][1]] if i + 1 < len(nonblank) else None
        content_start = line_start + (len(line) - len(line.lstrip()))
        content_end = line_start + len(line.rstrip())
        is_list = bool(_BULLET.match(line))
        if len(nonblank) > 1 and _looks_like_heading(line, next_line):
            if sentences:
                sections.append(Section(section_index, section_start, line_start, current_heading))
                section_index += 1
            section_start = line_start
            current_heading = Sentence(content_start, content_end, section_index, is_heading=True)
            sentences.append(current_heading)
            continue
        piece_start = content_start
        for match in _SENTENCE_END.finditer(text, content_start, content_end):
            sentences.append(
                Sentence(piece_start, match.start(), section_index, is_list_item=is_list)
            )
            piece_start = match.end()
        if piece_start < content_end:
            sentences.append(
                Sentence(piece_start, content_end, section_index, is_list_item=is_list)
            )
    sections.append(Section(section_index, section_start, len(text), current_heading))
    return sentences, sections
