"""Segmentation: sentences, headings and list items, grouped into sections.

Folding for matching lives in `model.normalise`; its names are re-exported here for callers that
import them from `model.text`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from model.normalise import FoldedText, fold_term, fold_text

__all__ = ["FoldedText", "Section", "Sentence", "fold_term", "fold_text", "segment"]

_BULLET = re.compile(
    r"^\s*(?:[-*\u2022\u25cf\u25aa\u2023\u2043\u2713\u2714\u2705>]|\d{1,2}[.)]\s)\s*"
)
# Closing quotes and brackets that stay with the sentence they end (with the full-width forms).
_CLOSERS = "\"'\u201d\u2019)\\]\u300d\u300f\u3011\uff09\uff3d\uff63"
# Full-width end marks (Chinese, Japanese): a sentence ends there, with or without a space.
_WIDE_ENDS = "\u3002\uff01\uff1f\uff61"
_SENTENCE_END = re.compile(
    rf"(?<=[.!?\u0964\u061f])[{_CLOSERS}]*\s+(?=\S)"  # . ! ? (and Devanagari, Arabic) + space
    rf"|(?<=[{_WIDE_ENDS}])[{_CLOSERS}]*\s*(?=[^\s{_WIDE_ENDS}{_CLOSERS}])"
)
_HEADING_ENDS = ".!?,;\u3002\uff01\uff1f\uff0c\uff1b\u3001"
_QUESTION_MARKS = ("?", "\uff1f")


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


def _display_width(line: str) -> int:
    """Columns the line takes: Chinese and Japanese characters are two wide, so a line of 45 of
    them is as long as 90 Latin letters."""
    if line.isascii():
        return len(line)
    return len(line) + sum(unicodedata.east_asian_width(c) in "WF" for c in line)


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    stripped = line.strip()
    width = _display_width(stripped)
    if not stripped or width > 90 or _BULLET.match(line):
        return False
    if stripped[-1] in _HEADING_ENDS:
        return stripped.endswith(_QUESTION_MARKS) and width < 70 and next_line is not None
    words = stripped.split()
    return len(words) <= 12


def _join_hyphenated(lines: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Lines joined where a word is hyphenated across the break ("regen-" / "erates"): one
    line of text, as the folding already reads the word whole."""
    joined: list[tuple[int, int]] = []
    for start, end in lines:
        if joined:
            previous = text[joined[-1][0] : joined[-1][1]].rstrip()
            first = text[start:end].lstrip()[:1]
            if (
                len(previous) >= 2
                and previous[-1] == "-"
                and previous[-2].isalpha()
                and (first.islower())
            ):
                joined[-1] = (joined[-1][0], end)
                continue
        joined.append((start, end))
    return joined


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
    nonblank = _join_hyphenated([(s, e) for s, e in lines if text[s:e].strip()], text)
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
