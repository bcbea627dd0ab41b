"""Folding for matching, with an offset map back to the original text.

The matcher never sees the original text. It sees a *folded* copy that reads the way a person
reads the page: invisible characters gone (zero-width spaces and joiners, soft hyphens, bidi
controls, variation selectors), compatibility forms unfolded by NFKC (fullwidth `ＣＯＰＤ`, math
bold `𝐬𝐭𝐞𝐦`, the ligature `ﬁ`), small capitals read as their letters (`ꜱᴛᴇᴍ`), diacritics
removed, curly quotes straightened, emoji and other pictographs read as spaces, and every run
of whitespace, hyphens and slashes collapsed to one space; then words in disguise are read as the
words they pass for (`model.evasion`). Every folded character keeps the index of the original
character it came from, so `span_in_original` turns a match into exact characters of the
original and evidence quotes stay true substrings of what was sent.

`FoldedText.cased` is the same text with case kept (the case-sensitive abbreviations "MS", "COPD"
are matched there), `folded` its lower case; both share one origin map.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from model.characters import BMP
from model.evasion import Obfuscation, ObfuscationKind, Vocabulary, repair_words
from model.lookalikes import script_of

_SEPARATORS = " \t\n\r\f\v-/\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2028\u2029_"
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
# Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt): characters a
# renderer shows as nothing. Python's unicodedata does not carry it.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x061C, 0x061C),  # Arabic letter mark
    (0x115F, 0x1160),  # Hangul fillers
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),  # Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x206F),  # word joiner, invisible operators, bidi isolates
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFEFF, 0xFEFF),  # zero-width no-break space (byte order mark)
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),  # tags, variation selectors supplement
)
# Combining diacritics (as in a decomposed "é"), dropped like those of precomposed letters.
_COMBINING_DIACRITICS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF))
_EMOJI_MODIFIERS = (0x1F3FB, 0x1F3FF)  # skin tones: category Sk, read with the emoji as a space
_SOFT_HYPHEN = "\u00ad"
# Markers in the translated text: a character that folds to nothing, or to several characters.
# Both are noncharacters; the same code points in the input fold to spaces.
_DELETE = "\ufdd0"
_EXPAND = "\ufdd1"
# A character no folded text holds, for branches of the matcher's automaton that never match.
ABSENT_FROM_FOLDED = _DELETE
_EXPANSIONS: dict[str, str] = {}
# `fold_terms` joins lexicon terms with NUL (it folds to itself).
_TERM_SEPARATOR = "\x00"
# Scripts written with spaces between words, where an invisible character inside a word is a
# disguise (in Arabic, Persian or Indic words zero-width joiners shape the letters).
_SPACED_ALPHABETS = frozenset({"LATIN", "CYRILLIC", "GREEK", "DIGIT", "FULLWIDTH", "MATHEMATICAL"})


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def _fold_char(char: str) -> str:
    """How one character reads, case kept: "" (invisible), " ", or one or more characters."""
    code = ord(char)
    if char in _SEPARATORS or char.isspace():
        return " "
    if char in _QUOTES:
        return _QUOTES[char]
    if _in_ranges(code, _DEFAULT_IGNORABLE) or _in_ranges(code, _COMBINING_DIACRITICS):
        return ""
    if 0xFDD0 <= code <= 0xFDEF or _EMOJI_MODIFIERS[0] <= code <= _EMOJI_MODIFIERS[1]:
        return " "
    small_capital = _small_capital(char)
    if small_capital is not None:
        return small_capital
    compatible = unicodedata.normalize("NFKC", char)
    # Strip diacritics, then recompose (Hangul syllables decompose into jamo and must come back).
    stripped = unicodedata.normalize(
        "NFC",
        "".join(
            c for c in unicodedata.normalize("NFD", compatible) if not unicodedata.combining(c)
        ),
    )
    if unicodedata.category(char) == "So":  # emoji, pictographs; circled and squared letters
        return stripped if len(stripped) == 1 and stripped.isalnum() else " "
    if len(stripped) == 1 and len(stripped.lower()) == 1:
        return stripped
    if len(stripped) > 1 and " " not in stripped and any(c.isalnum() for c in stripped):
        return stripped  # ligatures, fractions, unit squares: "ﬁ" → "fi"
    return char if len(char.lower()) == 1 else char.lower()[0]


_SMALL_CAPITAL = "LATIN LETTER SMALL CAPITAL "


def _small_capital(char: str) -> str | None:
    """The capital a Latin small capital reads as ("\u1d04", LATIN LETTER SMALL CAPITAL C: "C"),
    by its Unicode name: NFKC leaves these letters of "fancy text" generators as they are, and
    TR39 lists only some of them as confusable with the letter they are a capital of. Read as
    capitals, "\u1d0d\ua731" is the abbreviation "MS"."""
    if char.isascii() or not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    if name.startswith(_SMALL_CAPITAL) and len(name) == len(_SMALL_CAPITAL) + 1:
        return name[-1]
    return None


class _FoldTable(dict[int, str]):
    """A `str.translate` table giving each character exactly one character, lazily: the folded
    character, or a marker for one that folds to nothing or to several (`_EXPANSIONS`).

    One character for one keeps the offset map a cheap array operation on the common path."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        if folded == "":
            folded = _DELETE
        elif len(folded) > 1:
            _EXPANSIONS[chr(code)] = folded
            folded = _EXPAND
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()
_UNKNOWN = 0xFFFFFFFF
# The same table as an array over the Basic Multilingual Plane, filled as characters are met:
# looking a text's code points up in it costs a tenth of `str.translate` on non-ASCII text.
_FOLDED_CODES = np.full(BMP, _UNKNOWN, dtype=np.uint32)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _folded_codes(codes: np.ndarray) -> np.ndarray:
    """Each code point of a text (`_code_points`) folded by `_FOLD_TABLE` (markers included)."""
    in_plane = np.minimum(codes, BMP - 1)
    folded = _FOLDED_CODES[in_plane]
    unknown = folded == _UNKNOWN
    if unknown.any():
        # The distinct unknown code points, ascending: a count, not a sort (start-up folds a
        # million characters of lexicon terms at once).
        for code in np.flatnonzero(np.bincount(in_plane[unknown], minlength=BMP)).tolist():
            _FOLDED_CODES[code] = ord(_FOLD_TABLE[code])
        folded = _FOLDED_CODES[in_plane]
    astral = np.flatnonzero(codes >= BMP)
    if astral.size:  # emoji, math alphanumerics: rare, looked up one by one
        folded[astral] = [ord(_FOLD_TABLE[code]) for code in codes[astral].tolist()]
    return folded


@dataclass(frozen=True)
class FoldedText:
    """The folded copy of a text and, for every folded character, its index in the original.

    `origin` is non-decreasing (characters of one ligature share an index); `identity` says it
    is the identity, so callers can skip mapping. `obfuscations` are the disguises undone, with
    their spans in the original, in order of start (a word disguised twice has two)."""

    original: str
    folded: str
    origin: np.ndarray = field(repr=False)
    cased: str = field(repr=False)
    identity: bool = False
    obfuscations: tuple[Obfuscation, ...] = ()

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span [start, end) to the original text's span."""
        return int(self.origin[start]), int(self.origin[end - 1]) + 1

    def readable(self, start: int, end: int) -> str:
        """The original text of [start, end) with each disguised word inside it written as it
        reads ("ѕtеm с е l l ѕ" → "stem cells"): what a model trained on plain text should see.
        Case, punctuation and everything else are as sent."""
        if not self.obfuscations:
            return self.original[start:end]
        pieces: list[str] = []
        position = start
        records = self.obfuscations
        for index in range(bisect.bisect_left(records, start, key=_start_of), len(records)):
            record = records[index]
            if record.start >= end:
                break
            if record.start >= position and record.end <= end:
                pieces += [self.original[position : record.start], record.reads_as]
                position = record.end
        pieces.append(self.original[position:end])
        return "".join(pieces)


def _start_of(record: Obfuscation) -> int:
    return record.start


def fold_term(term: str, *, keep_case: bool = False) -> str:
    """Fold a lexicon term exactly as text is folded (characters only: terms are not in disguise),
    so both meet in the same form."""
    translated = term.translate(_FOLD_TABLE)
    if _DELETE in translated or _EXPAND in translated:
        translated = "".join(
            _EXPANSIONS[char] if folded == _EXPAND else folded.replace(_DELETE, "")
            for char, folded in zip(term, translated, strict=True)
        )
    folded = " ".join(piece for piece in translated.split(" ") if piece).strip()
    return folded if keep_case else folded.lower()


def fold_terms(terms: Sequence[str], *, keep_case: bool = False) -> list[str]:
    """`fold_term` of each term, in a few array and string passes over all of them joined:
    start-up folds every phrase of every lexicon and rule, tens of thousands.

    The terms are joined by NUL, which folds to itself, is neither cased nor case-ignorable (so
    `str.lower` reads it as the end of a word, as the end of a term) and is in no term (if one
    holds it, each term is folded alone, as is each term with a character folding to nothing or
    to several)."""
    if not terms:
        return []
    joined = _TERM_SEPARATOR.join(terms)
    if joined.count(_TERM_SEPARATOR) != len(terms) - 1:
        return [fold_term(term, keep_case=keep_case) for term in terms]
    codes = _folded_codes(_code_points(joined))
    translated = codes.tobytes().decode("utf-32-le", "surrogatepass")
    # " ".join of the non-empty pieces of split(" "): runs of spaces collapsed, none at the ends.
    while "  " in translated:
        translated = translated.replace("  ", " ")
    translated = translated.replace(" \x00", "\x00").replace("\x00 ", "\x00").strip(" ")
    if not keep_case:
        translated = translated.lower()
    # `fold_term` ends with strip(), which strips any whitespace, not only spaces.
    folded = [term.strip() for term in translated.split(_TERM_SEPARATOR)]
    markers = np.flatnonzero((codes == ord(_DELETE)) | (codes == ord(_EXPAND)))
    if markers.size:
        separators = np.flatnonzero(codes == ord(_TERM_SEPARATOR))
        # Ascending term indexes, each once (`np.unique` would import numpy.ma: 10 ms).
        for index in dict.fromkeys(np.searchsorted(separators, markers).tolist()):
            folded[index] = fold_term(terms[index], keep_case=keep_case)
    return folded


def fold_text(text: str, vocabulary: Vocabulary | None = None) -> FoldedText:
    """Fold `text` for matching.

    `vocabulary` (`PhraseMatcher.vocabulary`: the words of the phrases to be matched, their
    adjacent pairs and the case-sensitive abbreviations) lets disguises that could also be honest
    text be undone only when they spell one of them: spaced or digit-swapped letters, words
    hyphenated across lines, whole words in look-alike letters. Without it only characters are
    folded and words mixing Latin with look-alike letters read as Latin.
    """
    records: list[Obfuscation] = []
    if text.isascii():  # the common case: one byte per character, nothing invisible
        translated = text.translate(_FOLD_TABLE)
        codes = np.frombuffer(translated.encode("ascii"), dtype=np.uint8)
        index = None
        moved = False
    else:
        codes, index, moved, records = _fold_characters(text)
        translated = None
    is_space = codes == 32
    repeated_space = np.zeros(len(codes), dtype=bool)
    repeated_space[1:] = is_space[1:] & is_space[:-1]
    if repeated_space.any():
        moved = True
        codes = codes[~repeated_space]
        index = np.flatnonzero(~repeated_space) if index is None else index[~repeated_space]
        translated = None
    if translated is None:
        encoding = "ascii" if codes.dtype == np.uint8 else "utf-32-le"
        translated = codes.tobytes().decode(encoding, "surrogatepass")
    if index is None:
        index = np.arange(len(codes), dtype=np.int64)
    cased, index, repairs, rewritten = repair_words(text, translated, index, vocabulary)
    records += repairs
    records.sort(key=lambda record: record.start)
    folded = cased.lower()
    if len(folded) != len(cased):  # no folded character lowers to two, but keep the map exact
        folded = "".join(c if len(c.lower()) != 1 else c.lower() for c in cased)
    identity = not (moved or rewritten)
    return FoldedText(text, folded, index, cased, identity, tuple(records))


def _fold_characters(text: str) -> tuple[np.ndarray, np.ndarray, bool, list[Obfuscation]]:
    """Fold each character of a non-ASCII text: the folded code points, the index of each in
    the original, whether any character was dropped or expanded, and the invisible characters
    that disguised words."""
    original = _code_points(text)
    codes = _folded_codes(original)
    records = _small_capital_words(text, original)
    expanded = bool((codes == ord(_EXPAND)).any())
    if expanded:
        codes, index = _expand(text, codes)
    else:
        index = np.arange(len(codes), dtype=np.int64)
    deleted = codes == ord(_DELETE)
    if not deleted.any():
        return codes, index, expanded, records
    records += _invisible_characters(text, index[deleted])
    return codes[~deleted], index[~deleted], True, records


@functools.cache
def _small_capital_table() -> np.ndarray:
    """Whether each code point of the Basic Multilingual Plane is a Latin small capital (they
    live in the IPA, phonetic and Latin Extended-D blocks)."""
    table = np.zeros(BMP, dtype=bool)
    for low, high in ((0x0250, 0x02AF), (0x1D00, 0x1D7F), (0xA720, 0xA7FF)):
        table[[c for c in range(low, high + 1) if _small_capital(chr(c)) is not None]] = True
    return table


def _small_capital_words(text: str, codes: np.ndarray) -> list[Obfuscation]:
    """A record for each word written with small capitals (`codes`: the text's code points), as
    it reads: a reader reads "\ua731\u1d1b\u1d07\u1d0d" as "stem", and so should the sentence
    classifier."""
    positions = np.flatnonzero(_small_capital_table()[np.minimum(codes, BMP - 1)])
    records: list[Obfuscation] = []
    for position in positions.tolist():
        if records and position < records[-1].end:
            continue
        start, end = _word_around(text, position, position + 1)
        word = fold_term(text[start:end]).lower()
        records.append(Obfuscation(ObfuscationKind.LOOKALIKE, start, end, word))
    return records


def _expand(text: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replace the expansion markers by their characters; each keeps its source's index."""
    expanded: list[int] = []
    index: list[int] = []
    marker = ord(_EXPAND)
    for position, (char, code) in enumerate(zip(text, codes.tolist(), strict=True)):
        if code == marker:
            expansion = _EXPANSIONS[char]
            expanded += map(ord, expansion)
            index += [position] * len(expansion)
        else:
            expanded.append(code)
            index.append(position)
    return np.array(expanded, dtype=np.uint32), np.array(index, dtype=np.int64)


def _invisible_characters(text: str, positions: np.ndarray) -> list[Obfuscation]:
    """A record for each word of a spaced alphabet with invisible characters inside it.

    Invisible characters between words, beside emoji (joiners in emoji sequences), or in words
    of other scripts (joiners in Persian, Arabic, Hindi) are honest. So is a soft hyphen where a
    typesetter would put one: in a word of six letters or more, with two before and three after
    ("Stamm\u00adzellen"); "ste\u00adm" is not hyphenated by anyone."""
    records: list[Obfuscation] = []
    word_start = word_end = -1
    recorded_until = -1
    for start, end in _runs(positions.tolist()):
        if start < recorded_until:
            continue
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if not (_in_spaced_alphabet(before) and _in_spaced_alphabet(after)):
            continue
        if start >= word_end:  # each word is delimited once, however many runs it holds
            word_start, word_end = _word_around(text, start, end)
            long_word = _letters_reach(text, word_start, word_end, 6)
        if text[start:end] == _SOFT_HYPHEN * (end - start) and (
            long_word
            and _letters_reach(text, word_start, start, 2)
            and _letters_reach(text, end, word_end, 3)
        ):
            continue
        word = "".join(c for c in text[word_start:word_end] if c.translate(_FOLD_TABLE) != _DELETE)
        records.append(Obfuscation(ObfuscationKind.INVISIBLE, word_start, word_end, word.lower()))
        recorded_until = word_end
    return records


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position:
            runs[-1] = (runs[-1][0], position + 1)
        else:
            runs.append((position, position + 1))
    return runs


def _in_spaced_alphabet(char: str) -> bool:
    return bool(char) and char.isalnum() and script_of(char) in _SPACED_ALPHABETS


def _is_word_part(char: str) -> bool:
    return char.isalnum() or char.translate(_FOLD_TABLE) == _DELETE


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and _is_word_part(text[start - 1]):
        start -= 1
    while end < len(text) and _is_word_part(text[end]):
        end += 1
    return start, end


def _letters_reach(text: str, start: int, end: int, count: int) -> bool:
    """Whether text[start:end] holds `count` letters (read only as far as needed)."""
    for index in range(start, end):
        if text[index].isalpha():
            count -= 1
            if not count:
                return True
    return False
