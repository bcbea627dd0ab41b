"""Folding for matching, with an offset map back to the original text.

The matcher never sees the original text. It sees a *folded* copy that reads the way a person
reads the page: invisible characters gone (zero-width spaces and joiners, soft hyphens, bidi
controls, variation selectors), compatibility forms unfolded by NFKC (fullwidth `ＣＯＰＤ`, math
bold `𝐬𝐭𝐞𝐦`, the ligature `ﬁ`), small capitals read as their letters (`ꜱᴛᴇᴍ`), diacritics
removed, curly quotes straightened, emoji and other pictographs read as spaces, and every run
of whitespace, hyphens and slashes collapsed to one space; text stored backwards under a
right-to-left override is put in the order it is drawn (`_reverse_overrides`); then words in
disguise are read as the words they pass for (`model.evasion`). Every folded character keeps the
index of the original character it came from, so `span_in_original` turns a match into exact
characters of the original and evidence quotes stay true substrings of what was sent.

`FoldedText.cased` is the same text with case kept (the case-sensitive abbreviations "MS", "COPD"
are matched there), `folded` its lower case; both share one origin map.
"""

from __future__ import annotations

import bisect
import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.characters import BIDI_CONTROLS, BMP, LRO, PDF, RLO, code_points
from model.evasion import (
    SPACED_LETTER_MARKS,
    Obfuscation,
    ObfuscationKind,
    Vocabulary,
    repair_words,
)
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
# Marks Arabic and Hebrew write over or under a word only at times (vowel points, shadda,
# cantillation) and Arabic's tatweel, which stretches a word to fill a line ("الخلايـــا"):
# the lexicons write words without them, as most pages do, so a page that adds them reads as
# one that does not. Hebrew's maqaf, paseq and sof pasuq (U+05BE, U+05C0, U+05C3, U+05C6) are
# punctuation and stay.
_OPTIONAL_MARKS = (
    (0x0591, 0x05BD),  # Hebrew cantillation and points
    (0x05BF, 0x05BF),
    (0x05C1, 0x05C2),
    (0x05C4, 0x05C5),
    (0x05C7, 0x05C7),
    (0x0610, 0x061A),  # Arabic honorifics and small high letters
    (0x0640, 0x0640),  # Arabic tatweel
    (0x064B, 0x065F),  # Arabic harakat, shadda, sukun
    (0x0670, 0x0670),  # Arabic superscript alef
    (0x06D6, 0x06DC),  # Arabic Quranic annotation marks
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08E1),
    (0x08E3, 0x08FF),
)
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


# Letters read as another letter, one lookup for both kinds:
# - Latin letters Unicode does not decompose into a base letter and a diacritic, written as the
#   base letter(s) like every other accented letter: a Polish page typed without its "ł", a
#   Turkish one without "ı" or a Swiss German one with "ss" for "ß" then reads as the page with
#   them, and a lexicon phrase written either way matches both. Vietnamese "đ" stays: written
#   "d" its words become English ones ("đội", a team, would read as "doi", a citation's DOI).
# - Arabic-script letters written either way on the same word: the alef maqsura for a final yeh
#   (Egyptian and informal writing: "علمى" for "علمي", scientific), and the Persian yeh and
#   keheh for the Arabic ones (a Persian keyboard types "ی" and "ک" where an Arabic one types
#   "ي" and "ك"). Each reads as the Arabic yeh or kaf, in text and lexicon alike.
_LETTERS_READ_AS = {
    "ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O",
    "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ß": "ss", "ẞ": "SS",
    "\u0649": "\u064a", "\u06cc": "\u064a", "\u06a9": "\u0643",
}  # fmt: skip


def _read_han_simplified(path: Path) -> dict[str, str]:
    """`model/data/han_simplified.tsv` (built by `training/han_variants.py` from OpenCC)."""
    pairs: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            pairs[traditional] = simplified
    return pairs


# Traditional Chinese characters read as their simplified forms, one for one: a lexicon term in
# either script meets a page in the other, or in the mix a machine conversion leaves. Japanese
# kanji that are traditional forms fold too, in terms and text alike, so they still meet.
_HAN_SIMPLIFIED = _read_han_simplified(
    Path(__file__).resolve().parent / "data" / "han_simplified.tsv"
)


def _fold_char(char: str) -> str:
    """How one character reads, case kept: "" (invisible), " ", or one or more characters."""
    folded = _fold_char_form(char)
    return _HAN_SIMPLIFIED.get(folded, folded)


def _fold_char_form(char: str) -> str:
    """`_fold_char` before the Han script fold."""
    if char in _LETTERS_READ_AS:
        return _LETTERS_READ_AS[char]
    code = ord(char)
    if char in _SEPARATORS or char.isspace():
        return " "
    if char in _QUOTES:
        return _QUOTES[char]
    if (
        _in_ranges(code, _DEFAULT_IGNORABLE)
        or _in_ranges(code, _COMBINING_DIACRITICS)
        or _in_ranges(code, _OPTIONAL_MARKS)
    ):
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
        enclosed = _enclosed_letter(char)
        if enclosed is not None:
            return enclosed
        return stripped if len(stripped) == 1 and stripped.isalnum() else " "
    if len(stripped) == 1 and len(stripped.lower()) == 1:
        return stripped
    if len(stripped) > 1 and " " not in stripped and any(c.isalnum() for c in stripped):
        return stripped  # ligatures, fractions, unit squares: "ﬁ" → "fi"
    return char if len(char.lower()) == 1 else char.lower()[0]


_SMALL_CAPITAL = "LATIN LETTER SMALL CAPITAL "
# Latin letters in a circle, in brackets or in a square, plain or negative ("\u24dc",
# CIRCLED LATIN SMALL LETTER M; "\u24a8", PARENTHESIZED LATIN SMALL LETTER M; "\U0001f15c",
# NEGATIVE CIRCLED LATIN CAPITAL LETTER M): symbols (So), in these blocks.
_ENCLOSED_BLOCKS = ((0x2460, 0x24FF), (0x1F100, 0x1F1FF))
_ENCLOSED_NAMES = ("LATIN SMALL LETTER ", "LATIN CAPITAL LETTER ")
_MIN_ENCLOSED_WORD = 2


def _enclosed_letter(char: str) -> str | None:
    """The letter an enclosed Latin letter shows, in its case: NFKC reads the circled ones as
    their letters, the bracketed ones as "(m)" and the negative ones not at all."""
    if not _in_ranges(ord(char), _ENCLOSED_BLOCKS):
        return None
    name = unicodedata.name(char, "")
    for marker in _ENCLOSED_NAMES:
        at = name.find(marker)
        if at >= 0 and len(name) == at + len(marker) + 1:
            letter = name[-1]
            return letter.lower() if marker == _ENCLOSED_NAMES[0] else letter
    return None


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


def _ascii_fold_table() -> bytes:
    """`_FOLD_TABLE` over ASCII as a `bytes.translate` table (a fraction of the cost of
    `str.translate` with the dict): each ASCII character folds to one ASCII character."""
    folded = "".join(_FOLD_TABLE[code] for code in range(128))
    if len(folded) != 128 or not folded.isascii():
        raise AssertionError("an ASCII character must fold to one ASCII character")
    return folded.encode("ascii") + bytes(128)


_ASCII_FOLD = _ascii_fold_table()


def _folded_codes(codes: np.ndarray) -> np.ndarray:
    """Each code point of a text (`code_points`) folded by `_FOLD_TABLE` (markers included)."""
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

    `origin` is non-decreasing (characters of one ligature share an index) except where text
    shown reversed is read in display order (`reordered`); `identity` says it is the identity,
    so callers can skip mapping. `obfuscations` are the disguises undone, with
    their spans in the original, in order of start (a word disguised twice has two)."""

    original: str
    folded: str
    origin: np.ndarray = field(repr=False)
    cased: str = field(repr=False)
    identity: bool = False
    obfuscations: tuple[Obfuscation, ...] = ()
    # Some text was stored reversed and is read in display order (`_reverse_overrides`): inside
    # it `origin` decreases, and a span maps to the least and greatest index it covers.
    reordered: bool = False

    def span_in_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span [start, end) to the original text's span."""
        if self.reordered:
            span = self.origin[start:end]
            return int(span.min()), int(span.max()) + 1
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
    codes = _folded_codes(code_points(joined))
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
    reordered = False
    if text.isascii():  # the common case: one byte per character, nothing invisible
        codes = np.frombuffer(text.encode("ascii").translate(_ASCII_FOLD), dtype=np.uint8)
        translated = None
        index = None
        moved = False
    else:
        codes, index, moved, records = _fold_characters(text)
        translated = None
        if RLO in text:
            codes, index, overrides = _reverse_overrides(text, codes, index)
            records += overrides
            reordered = bool(overrides)
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
    if reordered:
        records = _with_readings(records, cased, index)
    records += repairs
    records.sort(key=lambda record: record.start)
    folded = cased.lower()
    if len(folded) != len(cased):  # no folded character lowers to two, but keep the map exact
        folded = "".join(c if len(c.lower()) != 1 else c.lower() for c in cased)
    identity = not (moved or rewritten or reordered)
    return FoldedText(text, folded, index, cased, identity, tuple(records), reordered)


def _fold_characters(text: str) -> tuple[np.ndarray, np.ndarray, bool, list[Obfuscation]]:
    """Fold each character of a non-ASCII text: the folded code points, the index of each in
    the original, whether any character was dropped or expanded, and the invisible characters
    that disguised words."""
    original = code_points(text)
    codes = _folded_codes(original)
    records = _small_capital_words(text, original)
    records += _enclosed_words(text, original, codes)
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


# --- text shown reversed ------------------------------------------------------------------------

# Unicode's bidirectional algorithm (UAX #9) draws every character between a right-to-left
# override (RLO) and its pop (PDF) from right to left, letters and digits included: "\u202eSM
# eruc sllec mets\u202c" is stored backwards and shown as "stem cells cure MS". (An isolate or
# embedding, RLI…PDI or RLE…PDF, does not reverse Latin letters: they keep their own direction.)
_EMBEDDINGS = frozenset("\u202a\u202b")  # LRE, RLE
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI, RLI, FSI
_PDI = "\u2069"
_PARAGRAPH_BREAKS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")
_SEGMENT_BREAKS = frozenset("\t\x0b\x1f")  # each segment of a line is ordered on its own
_BIDI_CONTROLS = frozenset(BIDI_CONTROLS)  # the overrides, PDF and PDI, embeddings, isolates
_BIDI_EVENTS = np.array(
    sorted(map(ord, _BIDI_CONTROLS | _PARAGRAPH_BREAKS | _SEGMENT_BREAKS)), dtype=np.uint32
)
_MAX_OVERRIDE_DEPTH = 16
_ISOLATE = -1000
# Characters drawn as their mirror image from right to left (Bidi_Mirrored, the common pairs).
_MIRRORED = {
    ord(a): ord(b) for a, b in zip("()[]{}<>\u00ab\u00bb", ")(][}{><\u00bb\u00ab", strict=True)
}
_MIRROR_CODES = np.array(sorted(_MIRRORED), dtype=np.uint32)
# Scripts of the letters an override may hold to be read reversed: the left-to-right alphabets.
_REVERSIBLE_SCRIPTS = _SPACED_ALPHABETS


@dataclass
class _Override:
    """A run of text under a right-to-left override: [start, end) of the original text, its
    controls included, and its stretches of characters between controls (`stretches`: start,
    end, level; a tab or other segment break is a stretch of level 0)."""

    start: int
    stretches: list[tuple[int, int, int]] = field(default_factory=list)
    # The levels of the open overrides; an embedding's is negative, an isolate is _ISOLATE.
    stack: list[int] = field(default_factory=list)
    end: int = -1
    readable: bool = True  # False: holds an embedding or isolate, left as written


def _reverse_overrides(
    text: str, codes: np.ndarray, index: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[Obfuscation]]:
    """Read the runs under a right-to-left override (RLO…PDF) in the order a browser draws
    them when their letters are Latin, Cyrillic or Greek and digits (`codes`, `index`: the
    folded text and the origin of each of its characters). Each run read so is a record
    spanning its controls; its reading is filled in by `fold_text`, after word repairs.

    Right-to-left letters under an override are drawn as they are stored (Arabic, Hebrew: the
    run is left as written), as are runs holding an embedding or isolate (their levels depend
    on the characters' own directions, which this does not resolve).

    Each character of a run read so gets as sort key the run's start plus its place in display
    order; every other character its own index: one stable sort of the keys reorders the runs
    and leaves the rest (and the characters a ligature expands to) in place."""
    records: list[Obfuscation] = []
    drawn: list[int] = []  # the characters of the runs read, in display order
    keys: list[int] = []  # ... and their sort keys
    odd: list[int] = []
    for run in _override_runs(text):
        if not run.readable or not _reversible(text, run):
            continue
        order, odd_positions = _display_order(run)
        drawn += order
        keys += range(run.start, run.start + len(order))
        odd += odd_positions
        end = run.end  # after its PDF, or where a line break or the text ended it
        while text[end - 1].isspace():
            end -= 1
        records.append(Obfuscation(ObfuscationKind.BIDI_OVERRIDE, run.start, end, ""))
    if not records:
        return codes, index, records
    key_of = np.arange(len(text), dtype=np.int64)
    key_of[drawn] = keys
    moved = np.argsort(key_of[index], kind="stable")
    codes, index = codes[moved], index[moved]
    drawn_right_to_left = np.zeros(len(text), dtype=bool)
    drawn_right_to_left[odd] = True
    mirrored = np.flatnonzero(np.isin(codes, _MIRROR_CODES) & drawn_right_to_left[index])
    for at in mirrored.tolist():
        codes[at] = _MIRRORED[int(codes[at])]
    return codes, index, records


def _override_runs(text: str) -> list[_Override]:
    """The runs of `text` under a right-to-left override, outermost ones, in order.

    A run opens at an RLO outside any override and closes when its overrides are all popped
    (PDF), at a paragraph break, at a PDI closing an isolate opened before it, or at the end of
    the text (UAX #9, rules X1–X8). Levels count from 1 for the outer RLO; a nested RLO or LRO
    takes the next odd or even level."""
    events = np.flatnonzero(np.isin(code_points(text), _BIDI_EVENTS)).tolist()
    runs: list[_Override] = []
    run: _Override | None = None
    isolates = 0  # isolates open before the run, in this paragraph
    overflow = 0  # pushes beyond _MAX_OVERRIDE_DEPTH not yet popped
    last = -1  # the previous event: characters since then take the current level
    for position in [*events, len(text)]:
        if run is not None and position > last + 1:
            run.stretches.append((last + 1, position, run.stack[-1]))
        last = position
        char = text[position] if position < len(text) else "\n"
        if char in _SEGMENT_BREAKS:
            if run is not None:
                run.stretches.append((position, position + 1, 0))
        elif char in _PARAGRAPH_BREAKS:
            if run is not None:
                runs.append(_closed(run, position))
                run = None
            isolates = 0
        elif run is None:
            if char == RLO:
                run = _Override(position, stack=[1])
                overflow = 0
            elif char in _ISOLATES:
                isolates += 1
            elif char == _PDI:
                isolates = max(0, isolates - 1)
        elif len(run.stack) >= _MAX_OVERRIDE_DEPTH and char != _PDI:
            # Nested deeper than anyone writes: left as written, its pushes and pops counted
            # only to find where it ends (UAX #9 counts overflowing ones so, X5–X7).
            run.readable = False
            overflow += 1 if char != PDF else -1
            if overflow < 0:
                overflow = 0
                run.stack.pop()
        elif char in (RLO, LRO):
            level = abs(run.stack[-1])
            level += 2 if (level % 2 == 1) == (char == RLO) else 1
            run.stack.append(level)
        elif char in _EMBEDDINGS or char in _ISOLATES:
            # Its characters' order depends on their own directions: the run is left as written.
            run.stack.append(-abs(run.stack[-1]) - 1 if char in _EMBEDDINGS else _ISOLATE)
            run.readable = False
        elif char == PDF:
            if run.stack[-1] != _ISOLATE:  # a PDF does not close an isolate (X7)
                run.stack.pop()
            if not run.stack:
                runs.append(_closed(run, position + 1))
                run = None
        elif char == _PDI:
            overflow = 0
            if _ISOLATE in run.stack:  # closes the isolate and what it holds (X6a)
                del run.stack[run.stack.index(_ISOLATE) :]
            elif isolates:  # closes an isolate opened before the run, and the run with it
                isolates -= 1
                runs.append(_closed(run, position))
                run = None
    return runs


def _closed(run: _Override, end: int) -> _Override:
    run.end = end
    return run


def _reversible(text: str, run: _Override) -> bool:
    """Whether the run holds a letter and every letter it holds is of a left-to-right alphabet
    (Latin, Cyrillic, Greek, their fullwidth and mathematical forms)."""
    lettered = False
    for start, end, level in run.stretches:
        if not level:
            continue
        piece = text[start:end]
        if piece.isascii():
            lettered = lettered or piece.lower() != piece.upper()  # ASCII letters are cased
            continue
        for char in piece:
            if char.isalpha():
                if not (char.isascii() or script_of(char) in _REVERSIBLE_SCRIPTS):
                    return False
                lettered = True
            elif _enclosed_letter(char) is not None:  # a Latin letter in a circle, a symbol
                lettered = True
    return lettered


def _display_order(run: _Override) -> tuple[list[int], list[int]]:
    """The run's characters in the order they are drawn (UAX #9 rule L2: from the highest level
    down to 1, every stretch at that level or higher is reversed; each segment of the line,
    between tabs, on its own), and those drawn right to left (odd levels: mirrored)."""
    order: list[int] = []
    odd: list[int] = []
    segment: list[tuple[int, int, int]] = []
    for stretch in [*run.stretches, (-1, -1, 0)]:
        if stretch[2]:
            segment.append(stretch)
            continue
        if len(segment) == 1:  # the common case: one override, no nesting
            start, end, _ = segment[0]
            order += range(end - 1, start - 1, -1)
        elif segment:
            positions = [(p, level) for start, end, level in segment for p in range(start, end)]
            for level in range(max(level for _, level in positions), 0, -1):
                positions = _reverse_stretches(positions, level)
            order += [p for p, _ in positions]
        odd += [p for start, end, level in segment if level % 2 for p in range(start, end)]
        if stretch[0] >= 0:
            order += range(stretch[0], stretch[1])
        segment = []
    return order, odd


def _reverse_stretches(positions: list[tuple[int, int]], level: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    stretch: list[tuple[int, int]] = []
    for item in positions:
        if item[1] >= level:
            stretch.append(item)
        else:
            out += stretch[::-1]
            stretch = []
            out.append(item)
    return out + stretch[::-1]


def _with_readings(records: list[Obfuscation], cased: str, index: np.ndarray) -> list[Obfuscation]:
    """The records of text shown reversed with their readings: the folded characters each holds,
    in the order they are read. Those characters stay together, so they are found by the running
    maximum of `index`, which ascends everywhere."""
    highest = np.maximum.accumulate(index)
    read: list[Obfuscation] = []
    for record in records:
        if record.kind == ObfuscationKind.BIDI_OVERRIDE:
            first, last = np.searchsorted(highest, (record.start, record.end)).tolist()
            reads_as = " ".join(cased[first:last].split())
            record = Obfuscation(record.kind, record.start, record.end, reads_as)
        read.append(record)
    return read


def _enclosed_words(text: str, original: np.ndarray, codes: np.ndarray) -> list[Obfuscation]:
    """Words written wholly in enclosed letters, two or more ("\u24dc\u24e2", "\u24a8\u24ae"),
    read in capitals (in `codes`, the folded code points, in place), each with a record: such a
    word is a styled token, and the abbreviations a lexicon matches only in capitals ("MS",
    "ALS", "COPD") are written in them. A lone enclosed letter (a list marker "\u24d0") and a
    word that mixes enclosed and plain letters are read as NFKC reads them, without a record.

    Enclosed letters spaced apart ("\u24d0 \u24db \u24e2") are read in capitals too, each
    where it stands and without a record: the spaced-letter repair (`model.evasion`) then reads
    them as the abbreviation "A L S" spells when the vocabulary knows it, and reports that.
    Markers with words between them ("\u24d0 first \u24d1 second") are no such run."""
    in_blocks = np.zeros(len(original), dtype=bool)
    for low, high in _ENCLOSED_BLOCKS:
        in_blocks |= (original >= low) & (original <= high)
    records: list[Obfuscation] = []
    lone: list[int] = []  # enclosed letters that are words on their own
    seen_until = -1
    for position in np.flatnonzero(in_blocks).tolist():
        if position < seen_until or _enclosed_letter(text[position]) is None:
            continue
        start, end = _word_around(text, position, position + 1, _is_enclosed_word_part)
        seen_until = end
        letters = [
            i for i in range(start, end) if text[i].translate(_FOLD_TABLE) not in (_DELETE, " ")
        ]
        if letters == [position]:
            lone.append(position)
        if len(letters) < _MIN_ENCLOSED_WORD or any(
            _enclosed_letter(text[i]) is None for i in letters
        ):
            continue
        word = "".join(chr(codes[i]) for i in letters)
        codes[letters] = [ord(c) for c in word.upper()]
        records.append(Obfuscation(ObfuscationKind.LOOKALIKE, start, end, word.lower()))
    for run in _spaced_runs(text, lone):
        codes[run] = [ord(chr(code).upper()) for code in codes[run].tolist()]
    return records


_MAX_LETTER_GAP = 3  # " ", "  ", ". ", " · ": what may separate spaced letters


def _spaced_runs(text: str, positions: list[int]) -> list[list[int]]:
    """The runs of two or more of `positions` (ascending) separated only by spaces and at most
    one of the spaced-letter marks (`model.evasion.SPACED_LETTER_MARKS`)."""
    runs: list[list[int]] = []
    run: list[int] = []
    for position in positions:
        if run:
            gap = text[run[-1] + 1 : position]
            marks = gap.replace(" ", "")
            if not (
                0 < len(gap) <= _MAX_LETTER_GAP and len(marks) <= 1 and marks in SPACED_LETTER_MARKS
            ):
                if len(run) >= _MIN_ENCLOSED_WORD:
                    runs.append(run)
                run = []
        run.append(position)
    if len(run) >= _MIN_ENCLOSED_WORD:
        runs.append(run)
    return runs


def _is_enclosed_word_part(char: str) -> bool:
    return _is_word_part(char) or _enclosed_letter(char) is not None


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


def _word_around(
    text: str, start: int, end: int, is_part: Callable[[str], bool] = _is_word_part
) -> tuple[int, int]:
    """text[start:end] widened to the whole word around it (characters for which `is_part`)."""
    while start > 0 and is_part(text[start - 1]):
        start -= 1
    while end < len(text) and is_part(text[end]):
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
