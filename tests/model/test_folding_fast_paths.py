"""Folding's fast paths agree with the plain scans they replace (`model/normalise.py`,
`model/evasion.py`).

An ASCII text is folded with a `bytes.translate` table; inserted marks are found by one RE2 scan;
spaced letters and digits beside letters are first looked for by one RE2 search, and the array
passes that find them exactly run only when it finds something. Each is checked here against
the computation it replaced, on generated text full of the characters those passes look for.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model import evasion
from model.evasion import ObfuscationKind, repair_words
from model.normalise import _ASCII_FOLD, _FOLD_TABLE, fold_text

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=400)

# Letters, the marks and separators the scans read, digits and symbols that pass for letters,
# and characters outside ASCII (a Latin letter with a diacritic, Cyrillic look-alikes, a
# zero-width space, a math letter).
PIECES = st.sampled_from(
    [
        *"abcstemSTEMxi",
        " ",
        "  ",
        ".",
        ". ",
        " . ",
        "\u00b7",
        " \u2022 ",
        *"*~^|+#'",
        *"0123456789",
        *"$@!",
        "-",
        "-\n",
        "\n",
        ",",
        "(",
        "_",
        "\u00e9",
        "\u0455",  # Cyrillic dze, reads as "s"
        "\u0435",  # Cyrillic ie, reads as "e"
        "\u200b",
        "\U0001d400",
        "stem",
        "cells",
        "c3lls",
        "s t e m",
        "s.t.e.m",
        "ste*m",
    ]
)
TEXTS = st.lists(PIECES, max_size=30).map("".join) | st.text(max_size=40)
VOCABULARY = frozenset(
    {"stem", "cells", "stem cells", "als", "ALS", "multiple", "sclerosis", "multiple sclerosis"}
)


def _plain_inner_marks(text: str) -> list[int]:
    """Inserted marks with an ASCII letter on either side, by `str.find` per mark."""
    found: list[int] = []
    for mark in evasion._INSERTED_MARKS:
        position = text.find(mark, 1)
        while position >= 0:
            before, after = text[position - 1], text[position + 1 : position + 2]
            if before in evasion._ASCII_LETTERS and after in evasion._ASCII_LETTERS:
                found.append(position)
            position = text.find(mark, position + 1)
    return sorted(found)


def _plain_spaced_letter_starts(text: str) -> list[int]:
    """One-letter words followed closely by two more, by array passes over every text."""
    classes = evasion._character_classes(text)
    in_word = np.zeros(len(classes) + 2, dtype=bool)
    in_word[1:-1] = classes != evasion._OTHER
    for position, char in enumerate(text):
        if char in evasion._WIDE_SPACED_LETTER_MARKS:
            in_word[position + 1] = False
    letters = np.flatnonzero((classes == evasion._ASCII_LETTER) & ~in_word[:-2] & ~in_word[2:])
    if letters.size < 3:
        return []
    close = np.diff(letters) <= 4
    return letters[:-2][close[:-1] & close[1:]].tolist()


def _plain_leet_contacts(text: str) -> list[int]:
    """Where an ASCII letter or apostrophe meets a character of `LEET_LETTERS`, one by one."""
    letter = [char in evasion._ASCII_LETTERS or char == "'" for char in text]
    leet = [char in evasion.LEET_LETTERS for char in text]
    return [
        i
        for i in range(len(text) - 1)
        if (letter[i] and leet[i + 1]) or (leet[i] and letter[i + 1])
    ]


def _plain_repair_words(
    original: str, cased: str, origin: np.ndarray
) -> tuple[str, list[int], list[tuple[str, int, int, str]], bool]:
    """Every stage of `repair_words` run in turn, none skipped."""
    records = []
    rewritten = False
    stages = (
        evasion._lookalikes,
        evasion._line_break_hyphens,
        evasion._spaced_letters,
        evasion._marks_inside_words,
        evasion._digit_swaps,
    )
    for stage in stages:
        rewrites = stage(original, cased, origin, VOCABULARY)
        if rewrites:
            rewritten = True
            cased, origin = evasion._apply(cased, origin, rewrites)
            records += [r.record for r in rewrites if r.record is not None]
    read = [(str(r.kind), r.start, r.end, r.reads_as) for r in records]
    return cased, origin.tolist(), read, rewritten


@SETTINGS
@given(TEXTS)
def test_inner_marks_are_the_plain_scan(text):
    assert evasion._inner_marks(text) == _plain_inner_marks(text)


@SETTINGS
@given(TEXTS)
def test_spaced_letter_starts_are_the_plain_array_pass(text):
    assert evasion._spaced_letter_starts(text) == _plain_spaced_letter_starts(text)


@SETTINGS
@given(TEXTS)
def test_leet_contacts_are_the_plain_scan(text):
    assert evasion._leet_contacts(text) == _plain_leet_contacts(text)


@SETTINGS
@given(TEXTS)
def test_a_text_the_joint_search_passes_over_has_nothing_for_either_stage(text):
    if evasion._SPACED_LETTERS_OR_LEET.search(text) is None:
        assert _plain_spaced_letter_starts(text) == []
        assert _plain_leet_contacts(text) == []


@SETTINGS
@given(TEXTS)
def test_repair_words_is_every_stage_run_in_turn(text):
    folded = fold_text(text)  # characters folded, no word repaired
    cased, origin, records, rewritten = repair_words(text, folded.cased, folded.origin, VOCABULARY)
    read = [(str(r.kind), r.start, r.end, r.reads_as) for r in records]
    plain = _plain_repair_words(text, folded.cased, folded.origin)
    assert (cased, origin.tolist(), read, rewritten) == plain


def test_the_ascii_fold_table_is_the_fold_table():
    assert len(_ASCII_FOLD) == 256
    for code in range(128):
        assert chr(_ASCII_FOLD[code]) == _FOLD_TABLE[code]


@SETTINGS
@given(st.text(st.characters(max_codepoint=127), max_size=60))
def test_ascii_text_folds_as_the_fold_table_reads_it(text):
    folded = fold_text(text)
    expected = " ".join(text.translate(_FOLD_TABLE).split(" "))
    while "  " in expected:
        expected = expected.replace("  ", " ")
    assert folded.cased == expected


def test_disguises_in_ascii_text_are_still_undone():
    """The searches that spare the word stages on plain text let each disguise through, alone
    and after plain text that holds other marks."""
    plain = "Open 8 a.m. to 5 p.m., see ClinicalTrials.gov. "
    cases = {
        "s t e m c e l l s": ObfuscationKind.LETTER_SPACING,
        "S.T.E.M cells": ObfuscationKind.LETTER_SPACING,
        "st3m c3lls": ObfuscationKind.DIGIT_SWAP,
        "$tem cells": ObfuscationKind.DIGIT_SWAP,
        "ste*m cells": ObfuscationKind.INSERTED_MARKS,
        "multiple.sclerosis": ObfuscationKind.INSERTED_MARKS,
    }
    for disguised, kind in cases.items():
        for text in (disguised, plain + disguised):
            folded = fold_text(text, VOCABULARY)
            assert kind in {record.kind for record in folded.obfuscations}, text
            assert "stem cells" in folded.folded or "multiple sclerosis" in folded.folded, text
