"""Segmentation: sentences, headings and list items, grouped into sections.

Folding for matching lives in `model.normalise`; its names are re-exported here for callers that
import them from `model.text`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from model.characters import BIDI_CONTROLS, PDF, RLO
from model.normalise import FoldedText, fold_term, fold_text

__all__ = ["FoldedText", "Section", "Sentence", "fold_term", "fold_text", "segment"]

# What starts a list item, after leading whitespace: a bullet mark, or a number of one or two
# digits with "." or ")" and a space ("1. ", "12) ").
_BULLETS = "-*\u2022\u25cf\u25aa\u2023\u2043\u2713\u2714\u2705>"
# Closing quotes and brackets that stay with the sentence they end (with the full-width forms).
_CLOSERS = "\"'\u201d\u2019)\\]\u300d\u300f\u3011\uff09\uff3d\uff63"
_CLOSER_CHARS = _CLOSERS.replace("\\", "")  # the closers themselves, unescaped
# Full-width end marks (Chinese, Japanese): a sentence ends there, with or without a space.
_WIDE_ENDS = "\u3002\uff01\uff1f\uff61"
# Where a sentence ends: an end mark, the closers after it, and the whitespace after them. After
# `.`, `!`, `?` (and Devanagari, Arabic) the whitespace must be there and be followed by more
# text; after a full-width mark it may be absent, but what follows is no mark, closer or space.
# Found by `_sentence_ends` with string searches, not a regular expression (no lookaround, and
# each character is read at most twice).
_SPACED_ENDS = ".!?\u0964\u061f"
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


def _is_list_item(line: str) -> bool:
    """The line starts, after whitespace, with a bullet or with "1. " / "12) "."""
    item = line.lstrip()
    if item[:1] and item[:1] in _BULLETS:
        return True
    for digits in (1, 2):
        if (
            item[:digits].isdecimal()
            and len(item) > digits + 1
            and item[digits] in ".)"
            and item[digits + 1].isspace()
        ):
            return True
    return False


_END_MARKS = _SPACED_ENDS + _WIDE_ENDS


def _sentence_ends(
    text: str, start: int, end: int, end_marks: str = _END_MARKS
) -> list[tuple[int, int]]:
    """Where sentences end in text[start:end]: for each, [start, end) of the closers and
    whitespace after its end mark (empty after a full-width mark followed by text). Read as if
    the text ended at `end`; a mark just before `start` counts. `end_marks`: the end marks
    looked for, those of `_END_MARKS` the text holds (`segment` leaves out the others)."""
    first = max(start - 1, 0)
    marks: list[int] = []
    for mark_character in end_marks:
        found = text.find(mark_character, first, end)
        while found >= 0:
            marks.append(found)
            found = text.find(mark_character, found + 1, end)
    marks.sort()
    ends: list[tuple[int, int]] = []
    for mark in marks:
        closed = mark + 1
        while closed < end and text[closed] in _CLOSER_CHARS:
            closed += 1
        spaced = closed
        while spaced < end and text[spaced].isspace():
            spaced += 1
        if text[mark] in _SPACED_ENDS:
            ends_here = closed < spaced < end
        else:
            ends_here = spaced < end and text[spaced] not in _WIDE_ENDS + _CLOSER_CHARS
        if ends_here:
            ends.append((mark + 1, spaced))
    return ends


def _display_width(line: str) -> int:
    """Columns the line takes: Chinese and Japanese characters are two wide, so a line of 45 of
    them is as long as 90 Latin letters."""
    if line.isascii():
        return len(line)
    return len(line) + sum(unicodedata.east_asian_width(c) in "WF" for c in line)


def _seen_from_the_end(line: str) -> str:
    """The line stripped, as its end is seen: text stored backwards under a right-to-left
    override that runs to the line's end (`model.normalise`, `_reverse_overrides`) is drawn from
    its last stored character to its first, so "\u202e.sllec mets ruO\u202c" ends with ".".
    Right-to-left letters under an override are drawn as stored, and the line is left so."""
    stripped = line.strip()
    if RLO not in stripped:
        return stripped
    start = stripped.rfind(RLO)
    run = stripped[start + 1 :].rstrip(BIDI_CONTROLS + " \t")
    if PDF in run or any(unicodedata.bidirectional(char) in ("R", "AL") for char in run):
        return stripped
    return stripped[:start] + run[::-1]


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    stripped = _seen_from_the_end(line)
    # A line is at least as wide as it is long: a long paragraph is no heading, and its width
    # (a look-up per character when it is not ASCII) is not read.
    if not stripped or len(stripped) > 90:
        return False
    width = _display_width(stripped)
    if width > 90 or _is_list_item(line):
        return False
    if stripped[-1] in _HEADING_ENDS:
        return stripped.endswith(_QUESTION_MARKS) and width < 70 and next_line is not None
    words = stripped.split()
    return len(words) <= 12


# A line that ends with one of these ends its sentence: the next line starts a new one.
_LINE_ENDS = _SPACED_ENDS + _WIDE_ENDS + ":;\u2026"


# A line that starts with a figure continues the line before only after this many words of
# running text ending in a lower-case word: "... cure type" / "2 diabetes"; a short heading
# ("Prices" / "3 sessions for $9,000") keeps its own line.
_WRAPPED_BEFORE_FIGURE = 6


def _continues(previous: str, line: str) -> bool:
    """Whether `line` reads as the rest of the sentence `previous` (which does not end it)."""
    first = line.lstrip()[:1]
    if first.islower():
        return True
    return (
        first.isdigit()
        and previous[-1:].islower()
        and len(previous.split(None, _WRAPPED_BEFORE_FIGURE - 1)) == _WRAPPED_BEFORE_FIGURE
    )


def _join_wrapped(lines: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Lines joined where one sentence was wrapped over them: a line that starts with a
    lower-case letter, after a line that does not end its sentence ("... for multiple" /
    "sclerosis reverses ..."; "regen-" / "erates", the folding reads that word whole), or with
    a figure after running text (`_WRAPPED_BEFORE_FIGURE`). Text pasted from e-mails, PDFs and
    printed pages is wrapped so; a list item is never joined to the line before it."""
    joined: list[tuple[int, int]] = []
    for start, end in lines:
        if joined:
            previous = _seen_from_the_end(text[joined[-1][0] : joined[-1][1]])
            line = text[start:end]
            if (
                previous
                and previous[-1] not in _LINE_ENDS
                and _continues(previous, line)
                and not _is_list_item(line)
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
    nonblank = _join_wrapped([(s, e) for s, e in lines if text[s:e].strip()], text)
    # Each line is searched for each end mark: only for those the text holds (three of nine on
    # most pages).
    end_marks = "".join(mark for mark in _END_MARKS if mark in text)
    section_index = 0
    section_start = 0
    current_heading: Sentence | None = None
    for i, (line_start, line_end) in enumerate(nonblank):
        line = text[line_start:line_end]
        next_line = text[nonblank[i + 1][0] : nonblank[i + 1][1]] if i + 1 < len(nonblank) else None
        content_start = line_start + (len(line) - len(line.lstrip()))
        content_end = line_start + len(line.rstrip())
        is_list = _is_list_item(line)
        if len(nonblank) > 1 and _looks_like_heading(line, next_line):
            if sentences:
                sections.append(Section(section_index, section_start, line_start, current_heading))
                section_index += 1
            section_start = line_start
            current_heading = Sentence(content_start, content_end, section_index, is_heading=True)
            sentences.append(current_heading)
            continue
        piece_start = content_start
        for end_start, end_end in _sentence_ends(text, content_start, content_end, end_marks):
            sentences.append(Sentence(piece_start, end_start, section_index, is_list_item=is_list))
            piece_start = end_end
        if piece_start < content_end:
            sentences.append(
                Sentence(piece_start, content_end, section_index, is_list_item=is_list)
            )
    sections.append(Section(section_index, section_start, len(text), current_heading))
    return sentences, sections
