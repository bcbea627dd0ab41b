"""Properties of folding, on generated text: the origin map is exact whatever the input, and a
term disguised by any of the evasions is still found at the span of its disguise."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from model.evasion import ObfuscationKind
from model.matcher import Phrase, PhraseMatcher
from model.normalise import ABSENT_FROM_FOLDED, fold_text

SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow],
)
PHRASES = [
    Phrase("product", "stem cells", "stem cells"),
    Phrase("product", "bone marrow", "bone marrow"),
    Phrase("condition", "multiple sclerosis", "multiple sclerosis"),
    Phrase("condition", "lupus", "lupus"),
    Phrase("condition", "parkinson's disease", "parkinson's disease"),
    Phrase("condition", "copd", "COPD", case_sensitive=True),
    Phrase("condition", "als", "ALS", case_sensitive=True),
]
MATCHER = PhraseMatcher(PHRASES)
VOCABULARY = MATCHER.vocabulary
TERMS = [(p.key, p.text) for p in PHRASES]
OVERRIDE = ObfuscationKind.BIDI_OVERRIDE
RLO, PDF, PDI = "\u202e", "\u202c", "\u2069"

# Text with everything folding treats specially, among ordinary letters.
SPECIAL = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\u200e", "\u202e", "\ufe0f", "\U000e0041",
    "\u0435", "\u0441", "\u043e", "\u0440", "\u03bf", "\u0412", "\u0431",  # look-alikes, not
    "\uff23", "\U0001d42c", "\ufb01", "\u00bd", "\u2122", "\U0001f9ec", "\U0001f3fd", "\u24c8",
    "\u0301", "\u00e9", "\u0130", "\u3002", "\u5e72", "\uac00", "\ufdd0", "\ud800",
    "-\n", "\r\n", "  ", ".", " ", "3", "0", "1", "$", "@", "!",
]  # fmt: skip
pieces = st.one_of(
    st.sampled_from(SPECIAL),
    st.sampled_from(
        ["s", "t", "e", "m", "c", "l", "A", "L", "S", "stem", "cells", "lupus", "COPD"]
    ),
    st.text(max_size=3),
)
texts = st.lists(pieces, max_size=40).map("".join)


@SETTINGS
@given(texts, st.booleans())
def test_the_origin_map_is_monotone_and_exact(text, with_vocabulary):
    folded = fold_text(text, VOCABULARY if with_vocabulary else None)
    origin = folded.origin.tolist()
    assert len(origin) == len(folded.folded) == len(folded.cased)
    assert ABSENT_FROM_FOLDED not in folded.cased + folded.folded  # the matcher relies on it
    assert all(0 <= index < len(text) for index in origin)
    # Ascending, but inside text shown reversed by an override (read in display order).
    reversed_runs = [
        (r.start, r.end) for r in folded.obfuscations if r.kind == ObfuscationKind.BIDI_OVERRIDE
    ]
    assert bool(reversed_runs) == folded.reordered
    outside = [i for i in origin if not any(start <= i < end for start, end in reversed_runs)]
    assert all(a <= b for a, b in zip(outside, outside[1:], strict=False))
    if folded.identity:
        assert origin == list(range(len(text)))
    for start in range(len(origin)):
        for end in range(start + 1, min(start + 8, len(origin)) + 1):
            first, last = folded.span_in_original(start, end)
            assert 0 <= first < last <= len(text)
            assert text[first:last]  # a quote of the original, never empty
    for record in folded.obfuscations:
        assert 0 <= record.start < record.end <= len(text)
        assert not text[record.start].isspace() and not text[record.end - 1].isspace()


@SETTINGS
@given(texts)
def test_without_a_vocabulary_each_word_folds_as_its_own_quote(text):
    """A folded word's original quote, folded alone, gives the same word (a word shown reversed
    by an override: its quote under an override)."""
    folded = fold_text(text)
    reversed_runs = [(r.start, r.end) for r in folded.obfuscations if r.kind == OVERRIDE]
    position = 0
    for word in folded.folded.split(" "):
        if word:
            first, last = folded.span_in_original(position, position + len(word))
            quote = text[first:last]
            if any(start < last and first < end for start, end in reversed_runs):
                if not all(start <= first and last <= end for start, end in reversed_runs):
                    continue  # a word straddling the edge of a run: both readings in one word
                quote = RLO + quote + PDF
            assert fold_text(quote).folded.strip(" ") == word
        position += len(word) + 1


# --- disguised terms ---------------------------------------------------------------------------

_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u2063", "\ufe0f"]
_TWINS = {"e": "\u0435", "o": "\u043e", "a": "\u0430", "c": "\u0441", "p": "\u0440",
          "i": "\u0456", "s": "\u0455", "x": "\u0445", "C": "\u0421", "O": "\u041e",
          "P": "\u0420", "A": "\u0410", "S": "\u0405"}  # fmt: skip
_LEET = {"e": "3", "o": "0", "a": "4", "i": "1", "s": "5", "t": "7", "l": "1", "b": "8",
         "O": "0", "S": "5"}  # fmt: skip


@st.composite
def disguised_word(draw: st.DrawFn, word: str) -> str:
    """One word of a term, disguised one of the ways clinics do it (or not at all)."""
    how = draw(
        st.sampled_from(
            [
                "plain",
                "invisible",
                "twins",
                "leet",
                "spaced",
                "dotted",
                "wide",
                "bold",
                "break",
                "enclosed",
            ]  # fmt: skip
        )
    )
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if how == "invisible" and len(word) >= 2:
        cut = draw(st.integers(1, len(word) - 1))
        char = draw(st.sampled_from(_INVISIBLE))
        return word[:cut] + char * draw(st.integers(1, 2)) + word[cut:]
    if how == "twins":
        chosen = draw(st.sets(st.sampled_from(letters), min_size=1, max_size=3))
        return "".join(_TWINS.get(c, c) if i in chosen else c for i, c in enumerate(word))
    if how == "leet":
        chosen = draw(st.sets(st.sampled_from(letters), min_size=1, max_size=3))
        return "".join(_LEET.get(c, c) if i in chosen else c for i, c in enumerate(word))
    if how in ("spaced", "dotted") and "'" not in word and len(word) >= 3:
        separator = draw(st.sampled_from([" ", "  "] if how == "spaced" else [".", ". "]))
        return separator.join(word)
    if how == "wide":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in word)
    if how == "bold":
        return "".join(_math_bold(c) for c in word)
    if how == "enclosed" and "'" not in word and len(word) >= 2:
        # Circled, parenthesised or negative circled, in either case: a word wholly in them is
        # read in capitals, so "copd" in circled small letters is the abbreviation COPD.
        style = draw(st.sampled_from(_ENCLOSED))
        return "".join(style(c) for c in word)
    if how == "break" and len(word) >= 6 and word.isalpha():
        cut = draw(st.integers(3, len(word) - 3))
        return word[:cut] + draw(st.sampled_from(["-\n", "-\r\n", "- \n  "])) + word[cut:]
    return word


_ENCLOSED = [
    lambda c: chr(0x24D0 + ord(c.lower()) - ord("a")) if c.isalpha() else c,  # circled small
    lambda c: chr(0x24B6 + ord(c.upper()) - ord("A")) if c.isalpha() else c,  # circled capital
    lambda c: chr(0x249C + ord(c.lower()) - ord("a")) if c.isalpha() else c,  # parenthesised
    lambda c: chr(0x1F150 + ord(c.upper()) - ord("A")) if c.isalpha() else c,  # negative circled
]


def _math_bold(char: str) -> str:
    if "a" <= char <= "z":
        return chr(0x1D41A + ord(char) - ord("a"))
    if "A" <= char <= "Z":
        return chr(0x1D400 + ord(char) - ord("A"))
    return char


@st.composite
def disguised_ads(draw: st.DrawFn) -> tuple[str, str, int, int]:
    """An ad with one term in disguise: (text, term key, start, end of the disguise)."""
    key, term = draw(st.sampled_from(TERMS))
    words = [draw(disguised_word(word)) for word in term.split(" ")]
    between = [draw(st.sampled_from([" ", " ", "  ", " \U0001f9ec ", "\u2728"])) for _ in words]
    disguise = "".join(w + b for w, b in zip(words, between, strict=True))[: -len(between[-1])]
    prefix = draw(st.sampled_from(["", "Our ", "We treat a ", "Clinic: ", "Heal\n"]))
    suffix = draw(st.sampled_from(["", ".", " today!", " and more", ", fast."]))
    return prefix + disguise + suffix, key, len(prefix), len(prefix) + len(disguise)


@st.composite
def reversed_ads(draw: st.DrawFn) -> tuple[str, str, int, int]:
    """An ad with one term, maybe in disguise too, stored backwards under a right-to-left
    override closed by a PDF, a line break or the end of the text: shown as the term reads,
    (text, term key, start, end of the stored letters)."""
    key, term = draw(st.sampled_from(TERMS))
    words = [draw(disguised_word(word)) for word in term.split(" ")]
    between = [draw(st.sampled_from([" ", "  ", " \U0001f9ec ", "\u2728"])) for _ in words]
    disguise = "".join(w + b for w, b in zip(words, between, strict=True))[: -len(between[-1])]
    if "\n" in disguise:  # a line break would end the override: not what anyone shows
        disguise = term
    prefix = draw(st.sampled_from(["", "Our ", "We treat ", "Clinic: ", "Heal\n", "\u2067"]))
    end = draw(st.sampled_from([PDF, "\n", ""]))
    suffix = draw(st.sampled_from(["", ".", " today!", " and more"])) if end else ""
    if prefix == "\u2067":  # an isolate around it all: its PDI ends the override too
        end, suffix = end or PDI, PDI + suffix
    stored = RLO + disguise[::-1] + end
    return prefix + stored + suffix, key, len(prefix) + 1, len(prefix) + 1 + len(disguise)


@SETTINGS
@given(disguised_ads())
@example(("We treat a A L S", "als", 11, 16))  # an article before spaced capitals
@example(("Our parkinson'5 disease", "parkinson's disease", 4, 23))  # a digit after "'"
@example(("For \u24d2\u24de\u24df\u24d3.", "copd", 4, 8))  # circled small letters
def test_a_disguised_term_is_found_at_the_span_of_its_disguise(ad):
    text, key, start, end = ad
    found = [(m.key, m.start, m.end) for m in MATCHER.find(fold_text(text, VOCABULARY))]
    assert (key, start, end) in found, (text, found)


@SETTINGS
@given(reversed_ads())
def test_a_term_shown_reversed_is_found_at_its_stored_letters_and_reported(ad):
    text, key, start, end = ad
    folded = fold_text(text, VOCABULARY)
    found = [(m.key, m.start, m.end) for m in MATCHER.find(folded)]
    assert (key, start, end) in found, (text, found)
    assert any(
        r.kind == OVERRIDE and r.start == start - 1 and r.end >= end for r in folded.obfuscations
    ), (text, folded.obfuscations)
