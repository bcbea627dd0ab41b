"""Character classes of whole texts, as NumPy lookups over the Basic Multilingual Plane.

`str.isalnum` and the like cost a Python call per character; these tables answer for a whole
text in one array operation (characters outside the plane, rare, are asked one by one).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable

import numpy as np

BMP = 0x10000  # code points of the Basic Multilingual Plane


# Scripts written without spaces between words (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar):
# a term may start or end next to any of their letters. Hangul is spaced, but particles attach
# to the word before them ("줄기세포를").
_UNSPACED_SCRIPTS = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul jamo
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3005, 0x3007),  # ideographic iteration mark, closing mark, number zero
    (0x3021, 0x3029),  # Hangzhou numerals
    (0x3031, 0x3035),  # kana repeat marks
    (0x3040, 0x31FF),  # Hiragana, Katakana, Bopomofo, Hangul compatibility jamo, Kanbun
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFFDC),  # halfwidth Katakana and Hangul
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)


# Characters per word in the scripts written without spaces, for counting words: a Chinese or
# Japanese word is mostly two characters, a Thai, Lao, Khmer or Burmese word four or more.
# (Hangul, spaced between words, is counted by its spaces.)
_CHARACTERS_PER_WORD = (
    ((0x3040, 0x30FF), 2),  # Hiragana, Katakana
    ((0x3400, 0x4DBF), 2),  # CJK extension A
    ((0x4E00, 0x9FFF), 2),  # CJK unified ideographs
    ((0xF900, 0xFAFF), 2),  # CJK compatibility ideographs
    ((0x0E00, 0x0EFF), 4),  # Thai, Lao
    ((0x1000, 0x109F), 4),  # Myanmar
    ((0x1780, 0x17FF), 4),  # Khmer
)


# Unicode's directional formatting characters (UAX #9): the right-to-left and left-to-right
# overrides and their pop, and all nine controls (embeddings, overrides, isolates, their pops).
RLO, LRO, PDF = "\u202e", "\u202d", "\u202c"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

_SURROGATE_TO_REPLACEMENT = dict.fromkeys(range(0xD800, 0xE000), "\ufffd")


def without_surrogates(text: str) -> str:
    """`text` with each surrogate code point (U+D800-U+DFFF) as U+FFFD.

    A Python str may hold surrogates; Unicode text cannot: UTF-8 refuses them (RE2 and the
    response's encoder with it) and UTF-16 cannot hold one alone. The replacement is one code
    point, and one UTF-16 unit, for one, so every offset into the text is unchanged."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # the quickest test for a surrogate
    except UnicodeEncodeError:
        return text.translate(_SURROGATE_TO_REPLACEMENT)
    return text


def is_word_character(char: str) -> bool:
    """`re`'s `\\w` for one character: `re` defines it as `str.isalnum` or the underscore."""
    return char.isalnum() or char == "_"


class TranslationTable(dict[int, str | None]):
    """A `str.translate` table whose entries `translate_character` computes: a character's
    replacement, or None to delete it. Only ASCII is stored, so that a page of rare characters
    cannot grow it; other characters are computed when met."""

    def __init__(self, translate_character: Callable[[str], str | None]) -> None:
        self._translate_character = translate_character
        super().__init__({code: translate_character(chr(code)) for code in range(128)})

    def __missing__(self, code: int) -> str | None:
        return self._translate_character(chr(code))


def _alphanumeric_table() -> np.ndarray:
    """`str.isalnum` of every code point of the Basic Multilingual Plane (built once)."""
    return np.fromiter((chr(code).isalnum() for code in range(BMP)), dtype=bool, count=BMP)


def _inside_word(char: str) -> bool:
    """A letter or digit, or a combining mark (a vowel sign, virama or nukta of an Indic
    script): Unicode's word boundaries (UAX #29) never fall before a mark, and a Devanagari
    word is letters and marks in turn ("उन्होंने" holds four), so a term may not start or end
    at one."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _unspaced(code: int) -> bool:
    return any(low <= code <= high for low, high in _UNSPACED_SCRIPTS)


def _word_character_table(alphanumeric: np.ndarray) -> np.ndarray:
    """`_inside_word` of every code point of the Basic Multilingual Plane: the alphanumeric
    ones, and the combining marks among the rest (only a quarter of the plane is not
    alphanumeric, so its categories are asked there alone)."""
    table = alphanumeric.copy()
    others = np.flatnonzero(~alphanumeric).tolist()
    table[others] = [unicodedata.category(chr(code)).startswith("M") for code in others]
    return table


_ALNUM = _alphanumeric_table()
_WORD_CHAR = _word_character_table(_ALNUM)
for _low, _high in _UNSPACED_SCRIPTS:
    _WORD_CHAR[_low : min(_high, BMP - 1) + 1] = False


def ascii_table(values: np.ndarray) -> bytes:
    """`values` (one byte each) of the 128 ASCII characters as a `bytes.translate` table: an
    ASCII text's classes are then one translation of its bytes, a third of the cost of looking
    its code points up in an array (most texts are ASCII)."""
    return values[:128].astype(np.uint8).tobytes() + bytes(128)


_ASCII_ALNUM = ascii_table(_ALNUM)
_ASCII_WORD_CHAR = ascii_table(_WORD_CHAR)


def code_points(text: str) -> np.ndarray:
    """The text's code points, one per character (lone surrogates kept as they are)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def alphanumeric(text: str) -> np.ndarray:
    """`[c.isalnum() for c in text]` as a boolean array."""
    if text.isascii():
        return np.frombuffer(bytearray(text, "ascii").translate(_ASCII_ALNUM), dtype=bool)
    codes = code_points(text)
    result = _ALNUM[np.minimum(codes, BMP - 1)]
    astral = np.flatnonzero(codes >= BMP)
    if astral.size:  # emoji and other supplementary-plane characters: rare, classified here
        result[astral] = [chr(code).isalnum() for code in codes[astral].tolist()]
    return result


def word_characters(text: str) -> np.ndarray:
    """For each character, whether it is a letter or digit of a script written with spaces:
    a match may not start or end between two of them."""
    if text.isascii():
        return np.frombuffer(bytearray(text, "ascii").translate(_ASCII_WORD_CHAR), dtype=bool)
    codes = code_points(text)
    result = _WORD_CHAR[np.minimum(codes, BMP - 1)]
    astral = np.flatnonzero(codes >= BMP)
    if astral.size:
        result[astral] = [
            _inside_word(chr(code)) and not _unspaced(code) for code in codes[astral].tolist()
        ]
    return result


# The first code point of a script written without spaces (Thai): a text below it has none.
_FIRST_UNSPACED = chr(min(low for (low, _), _ in _CHARACTERS_PER_WORD))
# Characters per word of each code point of the Basic Multilingual Plane (0: a spaced script;
# every unspaced script listed lies in the plane).
_CHARACTERS_PER_WORD_OF = np.zeros(BMP, dtype=np.uint8)
for (_low, _high), _per_word in _CHARACTERS_PER_WORD:
    _CHARACTERS_PER_WORD_OF[_low : _high + 1] = _per_word
_WORD_LENGTHS = sorted({per_word for _, per_word in _CHARACTERS_PER_WORD})


def in_ranges(codes: np.ndarray, ranges: Iterable[tuple[int, int]]) -> np.ndarray:
    """Whether each code point lies in one of the (low, high) ranges, both ends included."""
    found = np.zeros(codes.shape, dtype=bool)
    for low, high in ranges:
        found |= (codes >= low) & (codes <= high)
    return found


def word_count(text: str) -> int:
    """The words of `text`: its whitespace-separated tokens, and, in a script written without
    spaces, one word per two Han or kana characters (per four Thai, Lao, Khmer or Burmese
    ones), so that a Chinese sentence is not one word long. (The characters are classified
    as arrays: a per-character look-up in Python cost a tenth of a millisecond a page.)"""
    if text.isascii() or max(text) < _FIRST_UNSPACED:
        return len(text.split())
    codes = code_points(text)
    per_word = _CHARACTERS_PER_WORD_OF[np.minimum(codes, BMP - 1)]
    unspaced = per_word > 0
    if not unspaced.any():
        return len(text.split())
    shares = sum(int((per_word == n).sum()) / n for n in _WORD_LENGTHS)
    spaced = codes[~unspaced].tobytes().decode("utf-32-le", "surrogatepass")
    return len(spaced.split()) + int(shares)
