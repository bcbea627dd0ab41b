"""Folding undoes disguises, keeps offsets exact, reports what it undid, and leaves honest text be.

Each disguise is checked on a small vocabulary (as `PhraseMatcher.vocabulary` builds it), with the
folded text, the record's kind and the original text its span quotes.
"""

from __future__ import annotations

import time

import pytest

from model.evasion import ObfuscationKind, read_leet
from model.lookalikes import latin_lookalike, lookalike_table
from model.matcher import Phrase, PhraseMatcher
from model.normalise import fold_term, fold_text

PHRASES = [
    Phrase("product", "stem cells", "stem cells"),
    Phrase("product", "stemcells", "stemcells"),
    Phrase("product", "fat derived", "fat-derived stem cells"),
    Phrase("product", "bone marrow", "bone marrow"),
    Phrase("condition", "multiple sclerosis", "multiple sclerosis"),
    Phrase("condition", "lupus", "lupus"),
    Phrase("condition", "fibrosis", "fibrosis"),
    Phrase("cue", "without", "without side effects"),
    Phrase("cue", "cope", "cope"),
    Phrase("condition", "copd", "COPD", case_sensitive=True),
    Phrase("condition", "als", "ALS", case_sensitive=True),
    Phrase("condition", "t1d", "T1D", case_sensitive=True),
]
MATCHER = PhraseMatcher(PHRASES)
VOCABULARY = MATCHER.vocabulary


def undone(text: str) -> list[tuple[str, str, str]]:
    """(kind, quoted original, reads as) of each record."""
    folded = fold_text(text, VOCABULARY)
    return [(r.kind.value, text[r.start : r.end], r.reads_as) for r in folded.obfuscations]


def found(text: str) -> list[tuple[str, str]]:
    """(key, quoted original) of every match."""
    return [(m.key, text[m.start : m.end]) for m in MATCHER.find(fold_text(text, VOCABULARY))]


def test_vocabulary_holds_words_pairs_and_abbreviations():
    assert {"stem", "cells", "stem cells", "multiple sclerosis", "ALS", "als"} <= VOCABULARY
    assert "fat derived stem" not in VOCABULARY  # pairs only


# --- invisible characters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u202c", "\ufe0f"]
)  # (not the right-to-left override U+202E: the text after it is shown reversed, and read so)
def test_invisible_characters_inside_words_are_dropped_and_reported(invisible):
    text = f"Our st{invisible}em cel{invisible}ls treat lupus."
    assert fold_text(text, VOCABULARY).folded == "our stem cells treat lupus."
    assert found(text) == [("stem cells", f"st{invisible}em cel{invisible}ls"), ("lupus", "lupus")]
    assert undone(text) == [
        ("invisible_characters", f"st{invisible}em", "stem"),
        ("invisible_characters", f"cel{invisible}ls", "cells"),
    ]


def test_invisible_characters_in_an_abbreviation():
    assert found("C\u200bO\u200bP\u200bD") == [("copd", "C\u200bO\u200bP\u200bD")]


def test_a_soft_hyphen_where_no_typesetter_puts_one_is_reported():
    assert undone("ste\u00adm cells") == [("invisible_characters", "ste\u00adm", "stem")]
    assert found("ste\u00adm cel\u00adls") == [("stem cells", "ste\u00adm cel\u00adls")]


@pytest.mark.parametrize(
    "honest",
    [
        "Stamm\u00adzellen\u00adthera\u00adpie und Ern\u00e4hrungs\u00adberatung",  # German
        "multiple scle\u00adrosis",  # a soft hyphen at a syllable, as hyphenators place them
        "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 day \u2764\ufe0f \U0001f44d\U0001f3fd",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a non-joiner in a word
        "\u0915\u094d\u200d\u0937",  # Devanagari: a joiner shapes the conjunct
        "\u0643\u0644\u0645\u0629\u200c\u0627\u0644\u0645\u0631\u0648\u0631",  # Arabic
        "Stem cells \u200b\u200b and lupus",  # between words
        "\u200fNew\u200e clinic",  # bidi marks at word edges
    ],
)
def test_honest_invisible_characters_are_dropped_without_a_record(honest):
    assert undone(honest) == []


def test_the_zero_width_space_is_now_nothing_not_a_space():
    assert fold_text("stem\u200bcells").folded == "stemcells"


# --- compatibility forms, emoji ---------------------------------------------------------------


def test_fullwidth_and_math_letters_fold_to_ascii():
    assert found("\uff23\uff2f\uff30\uff24 and \U0001d42c\U0001d42d\U0001d41e\U0001d426 cells") == [
        ("copd", "\uff23\uff2f\uff30\uff24"),
        ("stem cells", "\U0001d42c\U0001d42d\U0001d41e\U0001d426 cells"),
    ]


def test_a_ligature_expands_and_both_letters_map_to_it():
    text = "cystic \ufb01brosis"
    folded = fold_text(text)
    assert folded.folded == "cystic fibrosis"
    assert folded.origin.tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11, 12, 13]
    assert found(text) == [("fibrosis", "\ufb01brosis")]


def test_emoji_and_pictographs_read_as_spaces_and_circled_letters_as_letters():
    assert found("stem \U0001f9ec cells for lupus\u2122") == [
        ("stem cells", "stem \U0001f9ec cells"),
        ("lupus", "lupus"),
    ]
    assert fold_text("\u24c8\u24e3\u24d4\u24dc cells").folded == "stem cells"


@pytest.mark.parametrize(
    "styled",
    [
        "\u24d0\u24db\u24e2",  # circled small letters
        "\u249c\u24a7\u24ae",  # parenthesised small letters (NFKC: "(a)(l)(s)")
        "\U0001f150\U0001f15b\U0001f162",  # negative circled capitals (NFKC: unchanged)
        "\u24b6\u24db\u24e2",  # one capital among small ones
    ],
)
def test_a_word_in_enclosed_letters_reads_in_capitals_and_is_reported(styled):
    """Written wholly in enclosed letters, a word is a styled token: its case is the style's,
    and an abbreviation matched only in capitals is read in them."""
    text = f"Help for {styled} patients"
    assert found(text) == [("als", styled)]
    assert undone(text) == [("lookalike_letters", styled, "als")]
    assert fold_text(text).cased == "Help for ALS patients"


def test_a_lone_enclosed_letter_is_a_letter_as_nfkc_reads_it_and_no_disguise():
    text = "Our services: \u24d0 physiotherapy, \u249d nutrition, \U0001f152 massage"
    folded = fold_text(text, VOCABULARY)
    assert folded.cased == "Our services: a physiotherapy, b nutrition, C massage"
    assert folded.obfuscations == ()
    # Nor is a word mixing enclosed and plain letters read in capitals.
    assert fold_text("\u24e2tem cells for \u24dcs").cased == "stem cells for ms"


@pytest.mark.parametrize(
    "spaced",
    [
        "\u24d0 \u24db \u24e2",  # circled small letters, spaced
        "\u249c  \u24a7  \u24ae",  # parenthesised, two spaces apart
        "\U0001f150 \U0001f15b \U0001f162",  # negative circled capitals
        "\u24d0 \u00b7 \u24db \u00b7 \u24e2",  # with middle dots between
    ],
)
def test_enclosed_letters_spaced_apart_read_as_the_abbreviation_they_spell(spaced):
    text = f"Stem cells for {spaced} patients"
    assert found(text) == [("stem cells", "Stem cells"), ("als", spaced)]
    assert undone(text) == [("letter_spacing", spaced, "als")]


def test_spaced_enclosed_letters_spelling_a_longer_name_keep_their_offsets():
    circled = " ".join(chr(0x24D0 + ord(c) - ord("a")) for c in "lupus")
    text = f"We help {circled} today"
    assert found(text) == [("lupus", circled)]
    folded = fold_text(text, VOCABULARY)
    start = folded.folded.index("lupus")
    assert folded.span_in_original(start, start + 5) == (8, 8 + len(circled))


def test_enclosed_list_markers_with_words_between_them_stay_letters():
    text = "Choose one: \u24d0 first visit \u24d1 second visit \u24d2 follow-up"
    folded = fold_text(text, VOCABULARY)
    assert folded.cased == "Choose one: a first visit b second visit c follow up"
    assert folded.obfuscations == ()
    # Markers in a row that spell no word of the vocabulary are read, and reported, as nothing.
    assert fold_text("Answers: \u24d0 \u24d1 \u24d2 \u24d3", VOCABULARY).obfuscations == ()


def test_decomposed_diacritics_are_dropped_like_precomposed_ones():
    assert fold_text("ce\u0301lulas").folded == fold_text("c\u00e9lulas").folded == "celulas"


ABJAD_PHRASES = [
    Phrase("product", "stem cells ar", "الخلايا الجذعية"),
    Phrase("condition", "diabetes ar", "السكري"),
    Phrase("product", "stem cells he", "תאי גזע"),
    Phrase("cue", "said hi", "ने कहा"),
]
ABJAD_MATCHER = PhraseMatcher(ABJAD_PHRASES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # vowel points and a shadda over the product and the disease; the product after "ب"
        # (with) written onto it
        ("نعالج السكّري بالخلايا الجَذعيّة", [("diabetes ar", "السكّري"),
                                            ("stem cells ar", "الخلايا الجَذعيّة")]),
        ("نقدم الخلايا الجَذعيّة لمرضى السكّري", [("stem cells ar", "الخلايا الجَذعيّة"),
                                                ("diabetes ar", "السكّري")]),
        # tatweel stretching a word to fill the line
        ("نقدم الخلايـــا الجذعية", [("stem cells ar", "الخلايـــا الجذعية")]),
        # Hebrew with its vowel points
        ("טיפול עם תָּאֵי גֶּזַע", [("stem cells he", "תָּאֵי גֶּזַע")]),
    ],
)  # fmt: skip
def test_arabic_and_hebrew_vowel_points_and_tatweel_are_read_through(text, expected):
    """Pages add the marks now and then; the lexicons write words without them."""
    folded = fold_text(text, ABJAD_MATCHER.vocabulary)
    assert [(m.key, text[m.start : m.end]) for m in ABJAD_MATCHER.find(folded)] == expected
    assert folded.obfuscations == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "and", "so", "with" and "for" written onto the next word, once or twice
        ("وحذرت الهيئة من الخلايا الجذعية", [("stem cells ar", "الخلايا الجذعية")]),
        ("وبالخلايا الجذعية نعالج المرضى", [("stem cells ar", "الخلايا الجذعية")]),
        ("فالسكري مرض مزمن", [("diabetes ar", "السكري")]),
        # Hebrew "in" and "and" on the product
        ("הטיפול בתאי גזע ותאי גזע נוספים", [("stem cells he", "תאי גזע"),
                                             ("stem cells he", "תאי גזע")]),
        # Not inside a word: three letters before the term are no proclitics of it.
        ("مستالسكري", []),
        ("אבגתאי גזע", []),
    ],
)  # fmt: skip
def test_a_term_is_read_after_the_letters_arabic_and_hebrew_write_onto_words(text, expected):
    """Arabic and Hebrew write "and", "with", "the" and the like onto the next word; the term
    after them is the lexicon's word, quoted without them."""
    folded = fold_text(text, ABJAD_MATCHER.vocabulary)
    assert [(m.key, text[m.start : m.end]) for m in ABJAD_MATCHER.find(folded)] == expected


def test_a_short_term_is_not_read_after_such_letters() -> None:
    """A two-letter term after "و" or "ل" may be the end of another word: it must start one."""
    matcher = PhraseMatcher([Phrase("cue", "you ar", "لك")])
    assert [m.key for m in matcher.find(fold_text("هذا لك"))] == ["you ar"]
    assert matcher.find(fold_text("ولك")) == []


def test_a_phrase_does_not_start_or_end_at_a_vowel_sign_inside_a_word():
    """Devanagari writes vowel signs and the virama between a word's letters: "उन्होंने कहा"
    (he said, polite) ends in the letters of "ने कहा" after a vowel sign, which is no word
    boundary."""

    def said(text: str) -> list[str]:
        folded = fold_text(text, ABJAD_MATCHER.vocabulary)
        return [text[m.start : m.end] for m in ABJAD_MATCHER.find(folded)]

    assert said("डॉक्टर ने कहा कि इलाज सुरक्षित है") == ["ने कहा"]
    assert said("उन्होंने कहा कि इलाज सुरक्षित है") == []


# --- look-alike letters -----------------------------------------------------------------------


def test_the_lookalike_table_comes_from_tr39_data():
    table = lookalike_table()
    assert len(table) > 100
    assert table["\u0435"] == "e" and table["\u03bf"] == "o"  # Cyrillic ie, Greek omicron
    assert latin_lookalike("\u0406") == "I"  # Cyrillic capital I reads as I (TR39 says l)
    assert latin_lookalike("\u0412") == "B"  # capital ve: as B, its small letter as nothing
    assert latin_lookalike("\u0431") is None  # be


def test_a_word_mixing_scripts_reads_as_latin():
    text = "Our \u0455t\u0435m \u0441\u0435lls treat l\u03c5pus"
    assert found(text) == [
        ("stem cells", "\u0455t\u0435m \u0441\u0435lls"),
        ("lupus", "l\u03c5pus"),
    ]
    assert [kind for kind, _, _ in undone(text)] == ["lookalike_letters"] * 3


def test_an_abbreviation_in_lookalike_capitals_matches_case_sensitively():
    assert found("\u0421\u041e\u0420D") == [("copd", "\u0421\u041e\u0420D")]


def test_a_whole_lookalike_word_reads_as_latin_only_on_a_page_not_in_that_script():
    english = "We help you \u0441\u043e\u0440\u0435 with pain."  # "соре", all Cyrillic
    assert ("cope", "\u0441\u043e\u0440\u0435") in found(english)
    russian = (
        "\u041c\u044b \u043f\u043e\u043c\u043e\u0433\u0430\u0435\u043c \u0432\u0430\u043c: "
        "\u0441\u043e\u0440\u0435 \u043d\u0435 \u0441\u043b\u043e\u0432\u043e, "
        "\u0430 \u0431\u043e\u043b\u044c \u0434\u0430."
    )
    assert found(russian) == [] and undone(russian) == []


def test_russian_and_greek_text_is_never_folded_to_latin():
    russian = (
        "\u0421\u0442\u0432\u043e\u043b\u043e\u0432\u044b\u0435 \u043a\u043b\u0435\u0442\u043a"
        "\u0438 \u0438 \u0432\u0441\u0435 \u0441\u043e\u0441\u0443\u0434\u044b, \u0430 \u0442"
        "\u0430\u043a\u0436\u0435 \u0441\u043e\u043a \u0438 \u0441\u0435\u0440\u0430."
    )
    greek = (
        "\u03a4\u03b1 \u03b2\u03bb\u03b1\u03c3\u03c4\u03b9\u03ba\u03ac \u03ba\u03cd\u03c4\u03c4"
        "\u03b1\u03c1\u03b1 \u03ba\u03b1\u03b9 \u03bf\u03b9 \u03b1\u03c3\u03b8\u03b5\u03bd\u03b5"
        "\u03af\u03c2 \u03c4\u03bf\u03c5 \u039a\u039f\u03a1."
    )
    for text in (russian, greek):
        assert undone(text) == []
        assert fold_text(text, VOCABULARY).folded == fold_text(text).folded
        assert fold_text(text, VOCABULARY).folded.isascii() is False


def test_a_keyboard_slip_on_a_russian_page_is_read_but_not_reported():
    page = (
        "\u0414\u0440\u0443\u0437\u044c\u044f avilov\u0430 \u0440\u0435\u0448\u0438\u043b"
        "\u0438 \u0441\u043e\u0431\u0440\u0430\u0442\u044c \u0434\u0435\u043d\u044c\u0433\u0438."
    )
    assert "avilova" in fold_text(page, VOCABULARY).folded
    assert undone(page) == []


# --- spaced, dotted and digit-swapped letters -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "reads_as"),
    [
        ("s t e m  c e l l s", "s t e m  c e l l s", "stem cells"),
        ("S T E M C E L L S", "S T E M C E L L S", "stem cells"),  # the pair splits "stemcells"
        ("s.t.e.m c.e.l.l.s", "s.t.e.m c.e.l.l.s", "stem cells"),
        ("s. t. e. m. cells", "s. t. e. m", "stem"),  # the dot after "m" goes too
        ("l-u-p-u-s", "l-u-p-u-s", "lupus"),
        ("a l u p u s", "a l u p u s", "a lupus"),  # a letter that fits no word stays
    ],
)
def test_spaced_and_dotted_letters_collapse_into_vocabulary_words(text, quote, reads_as):
    assert undone(text) == [("letter_spacing", quote, reads_as)]
    assert found(text)[0][1].startswith(quote.removeprefix("a "))  # "s. t. e. m. cells"


def test_spaced_capitals_of_an_abbreviation_match_it_but_dotted_ones_are_not_evidence():
    assert found("A L S") == [("als", "A L S")]
    assert undone("A L S") == [("letter_spacing", "A L S", "als")]
    assert found("A.L.S.") == [("als", "A.L.S")]
    assert undone("A.L.S.") == []


def test_without_stays_one_word_when_spaced():
    assert fold_text("w i t h o u t side effects", VOCABULARY).folded == "without side effects"


@pytest.mark.parametrize(
    "honest", ["M.S. in biology", "the U.S. FDA", "U.S.A.", "a b c", "I.V. drip", "x y z w"]
)
def test_honest_abbreviations_and_letters_stay_as_written(honest):
    assert fold_text(honest, VOCABULARY).folded == fold_text(honest).folded
    assert undone(honest) == []


@pytest.mark.parametrize(
    ("token", "reads_as"),
    [
        ("st3m", "stem"),
        ("c3ll5", "cells"),
        ("ce11s", "cells"),
        ("1upu5", "lupus"),
        ("C0PD", "COPD"),
        ("$tem", "stem"),
        ("f4t", "fat"),
    ],
)
def test_digits_for_letters_read_as_the_vocabulary_word(token, reads_as):
    assert read_leet(token, VOCABULARY) == reads_as


@pytest.mark.parametrize("token", ["2024", "24h", "b12", "T1D", "t1d", "10am", "covid19", "m5"])
def test_numbers_and_codes_are_not_read_as_words(token):
    assert read_leet(token, VOCABULARY) is None


def _read_leet_by_every_reading(token: str, vocabulary) -> str | None:
    """The reading read_leet must give, found the slow way: every reading of the token, the
    fewest swaps first, ties in itertools.product's order."""
    from itertools import product

    from model.evasion import LEET_LETTERS

    if not 3 <= len(token) <= 40 or not any("a" <= c.lower() <= "z" for c in token):
        return None
    if token.lower() in vocabulary:
        return None
    swappable = [i for i, c in enumerate(token) if c in LEET_LETTERS]
    if not swappable or len(swappable) > 6:
        return None
    readings = []
    for combination in product(*[(token[i], *LEET_LETTERS[token[i]]) for i in swappable]):
        swaps = sum(a != token[i] for a, i in zip(combination, swappable, strict=True))
        if swaps:
            chars = list(token)
            for i, letter in zip(swappable, combination, strict=True):
                chars[i] = letter.upper() if token.isupper() and letter != token[i] else letter
            readings.append((swaps, "".join(chars)))
    for _, word in sorted(readings, key=lambda reading: reading[0]):
        if word.lower() in vocabulary:
            return word
    return None


def test_the_pruned_search_reads_every_token_as_the_exhaustive_one_does():
    import random

    from model import shared_checker
    from model.evasion import LEET_LETTERS

    vocabulary = shared_checker().matcher.vocabulary
    rng = random.Random(13)
    back: dict[str, list[str]] = {}
    for digit, letters in LEET_LETTERS.items():
        for letter in letters:
            back.setdefault(letter, []).append(digit)
    words = sorted(w for w in vocabulary if " " not in w and 3 <= len(w) <= 12 and w.isascii())
    tokens = ["NCT01234567", "1l1l1l", "0000", "5t3m", "ST3M", "l1l1", "b00k", "c0v1d"]
    for word in rng.sample(words, 400):
        chars = [rng.choice(back[c]) if c in back and rng.random() < 0.5 else c for c in word]
        tokens.append("".join(chars).upper() if rng.random() < 0.2 else "".join(chars))
    for token in tokens:
        assert read_leet(token, vocabulary) == _read_leet_by_every_reading(token, vocabulary), token


def test_leetspeak_in_a_sentence_matches_at_the_original_span():
    text = "Our st3m c3lls treat mult1pl3 scl3r0s1s and C0PD!"
    assert found(text) == [
        ("stem cells", "st3m c3lls"),
        ("multiple sclerosis", "mult1pl3 scl3r0s1s"),
        ("copd", "C0PD"),
    ]
    assert {kind for kind, _, _ in undone(text)} == {"digits_for_letters"}


# --- hyphenation across line breaks -----------------------------------------------------------


def test_a_word_hyphenated_across_a_line_break_is_joined():
    text = "treats multi-\nple sclero-\r\n  sis"
    assert found(text) == [("multiple sclerosis", "multi-\nple sclero-\r\n  sis")]
    assert [kind for kind, _, _ in undone(text)] == ["line_break_hyphenation"] * 2


def test_a_hyphenated_pair_broken_at_its_hyphen_stays_two_words():
    assert fold_text("stem-\ncells", VOCABULARY).folded == "stem cells"
    assert fold_text("fat-\nderived", VOCABULARY).folded == "fat derived"
    assert undone("stem-\ncells") == []


# --- the folded text and its views ------------------------------------------------------------


def test_identity_is_set_only_when_nothing_moved():
    assert fold_text("Stem cells for lupus.").identity
    assert not fold_text("Stem  cells").identity
    assert not fold_text("st\u200bem").identity
    assert not fold_text("st3m cells", VOCABULARY).identity
    assert not fold_text("s t e m", VOCABULARY).identity


def test_cased_keeps_case_and_folded_is_its_lower_case():
    folded = fold_text("Our \uff23\uff2f\uff30\uff24 \u0421\u0435lls")
    assert folded.cased == "Our COPD Cells"
    assert folded.folded == folded.cased.lower()


def test_readable_writes_disguised_words_as_they_read():
    text = "Our s t e m  c e l l s treat l\u03c5pus. Call now."
    folded = fold_text(text, VOCABULARY)
    assert folded.readable(0, len(text)) == "Our stem cells treat lupus. Call now."
    assert folded.readable(4, 10) == text[4:10]  # a disguise cut by the span stays as sent
    assert folded.readable(text.index("Call"), len(text)) == "Call now."


def test_fold_term_folds_characters_as_text_is_folded():
    assert fold_term("Fat-Derived  Stem\u00a0Cells") == "fat derived stem cells"
    assert fold_term("\ufb01brosis") == "fibrosis"
    assert fold_term("st\u200bem") == "stem"
    assert fold_term("\uff23\uff2f\uff30\uff24", keep_case=True) == "COPD"


def test_obfuscation_kinds_are_a_closed_list():
    assert {kind.value for kind in ObfuscationKind} == {
        "invisible_characters",
        "lookalike_letters",
        "letter_spacing",
        "digits_for_letters",
        "marks_inside_words",
        "line_break_hyphenation",
        "reversed_by_bidi_override",
    }


@pytest.mark.parametrize(
    "piece",
    ["a1", "abcd\u00ad", "ste\u00adm", "ab\u200b", "a\u0435", "ab-\n", "S ", "a-", "s.t.e.m.",
     "c3ll5 ", "\U0001f600\U0001d516\U0001f1fa\U0001f1f8\U0001f469\U0001f3fd\u200d\u2695\ufe0f",
     "\u202eab\u202c", "\u202e", "\u202e\u2069", "\u2067\u202eab \u2069",
     "\u202ea\u202db\u202c\u202c"],
)  # fmt: skip
def test_folding_stays_linear_on_pathological_text(piece):
    """20 KB of one pattern folds in well under a second (a quadratic stage took a minute)."""
    text = (piece * (20_000 // len(piece) + 1))[:20_000]
    started = time.process_time()
    fold_text(text, VOCABULARY)
    assert time.process_time() - started < 2.0


def test_spaced_letters_split_where_the_vocabulary_knows_the_pair():
    """Two splits of as many words ("multipl esclerosis", each a word of some language's
    lexicon, and "multiple sclerosis"): the one the lexicons name as a pair wins."""
    from model import shared_checker
    from model.evasion import segment_letters

    vocabulary = shared_checker().matcher.vocabulary
    letters = "multiplesclerosis"
    lengths = segment_letters(letters, vocabulary)
    assert lengths is not None
    words, position = [], 0
    for length in lengths:
        words.append(letters[position : position + length])
        position += length
    assert words == ["multiple", "sclerosis"]


# --- small capitals and marks inside words ----------------------------------------------------


def test_small_capitals_read_as_their_letters_and_are_reported():
    stem_cells = "\ua731\u1d1b\u1d07\u1d0d \u1d04\u1d07\u029f\u029f\ua731"
    text = f"Our {stem_cells} help \u1d00\u029f\ua731 patients"
    assert found(text) == [
        ("stem cells", stem_cells),
        ("als", "\u1d00\u029f\ua731"),  # read as capitals: the abbreviation ALS
    ]
    assert {kind for kind, _, _ in undone(text)} == {"lookalike_letters"}
    assert fold_text(text).readable(0, len(text)) == "Our stem cells help als patients"


def test_a_mark_inside_a_word_is_read_through():
    text = "Our ste*m ce.lls treat multiple\u00b7sclerosis"
    assert found(text) == [("stem cells", "ste*m ce.lls"), ("multiple sclerosis", text[-18:])]
    assert {kind for kind, _, _ in undone(text)} == {"marks_inside_words"}


def test_honest_dots_and_stars_stay_as_written():
    for text in ("See e.g. the U.S. label", "Visit stemclinic.com today", "Results*", "A*B test"):
        assert undone(text) == [], text
        assert fold_text(text, VOCABULARY).folded == fold_text(text).folded, text


def test_letters_spaced_by_middle_dots_or_bullets_are_read_as_the_word():
    for mark in ("\u00b7", "\u2022"):
        text = f"our {mark.join('stem')} cells"
        assert found(text) == [("stem cells", text[4:])], mark


# --- text shown reversed by a right-to-left override --------------------------------------------

RLO, LRO, PDF, RLI, LRI, PDI = "\u202e", "\u202d", "\u202c", "\u2067", "\u2066", "\u2069"


def shown_reversed(text: str) -> str:
    """`text` stored backwards under an override, as a browser draws it in reading order."""
    return RLO + text[::-1] + PDF


def test_a_claim_stored_backwards_under_an_override_is_read_as_shown():
    hidden = shown_reversed("stem cells help lupus")
    text = f"Visit us. {hidden} Call today."
    folded = fold_text(text, VOCABULARY)
    assert folded.folded == "visit us. stem cells help lupus call today."
    # The quotes are the characters as stored (in their order): exact substrings of the text.
    assert found(text) == [("lupus", "supul"), ("stem cells", "sllec mets")]
    assert undone(text) == [("reversed_by_bidi_override", hidden, "stem cells help lupus")]
    assert folded.readable(0, len(text)) == "Visit us. stem cells help lupus Call today."


def test_an_abbreviation_shown_reversed_keeps_its_capitals_and_brackets_mirror():
    # Drawn from right to left, "(" looks like ")": a writer stores "(DPOC)" to show "(COPD)".
    text = f"Help for {RLO}SLA dna (DPOC){PDF}"
    assert found(text) == [("als", "SLA"), ("copd", "DPOC")]
    assert fold_text(text).cased == "Help for (COPD) and ALS"


def test_an_override_ends_at_a_line_break_or_an_outer_isolate():
    assert found(RLO + "supul\nsllec mets") == [("lupus", "supul")]
    text = f"{RLI}{RLO}supul{PDI} sllec mets"
    assert found(text) == [("lupus", "supul")]


def test_a_nested_left_to_right_override_is_drawn_in_its_own_order():
    # Drawn: "lupus" (the outer run reversed), then the inner run as stored, then "stem".
    text = f"{RLO}mets {LRO}cells{PDF} supul{PDF}"
    assert fold_text(text).folded == "lupus cells stem"


def test_honest_right_to_left_text_is_left_as_written():
    hebrew = "\u05d4\u05de\u05e8\u05e4\u05d0\u05d4 \u05e4\u05ea\u05d5\u05d7\u05d4"
    for text in (
        RLO + hebrew + PDF,  # right-to-left letters are drawn as stored
        RLO + hebrew + " lupus" + PDF,  # a run that mixes them is not read
        f"{hebrew} {RLI}stem cells{PDI} {hebrew}",  # isolates do not reverse Latin letters
        f"{hebrew} {LRI}lupus{PDI}",
        RLO + "2024" + PDF,  # no letters
    ):
        folded = fold_text(text, VOCABULARY)
        assert folded.obfuscations == () and not folded.reordered, text
    assert found(f"{hebrew} {RLI}stem cells{PDI}") == [("stem cells", "stem cells")]


def test_an_override_holding_an_embedding_is_left_as_written():
    text = f"{RLO}supul \u202bsllec{PDF} mets{PDF}"
    assert not fold_text(text).reordered


# --- abbreviations among words in capitals ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # In capitals around it, "ALS" may be the word "als": the page writing it in lower case
        # elsewhere says it is.
        ("MEHR ALS 100 PATIENTEN\nMehr als hundert kamen.", []),
        # A page that never writes the word keeps the abbreviation, in capitals or not.
        ("STEM CELLS FOR ALS AND COPD\nCall us.", [("als", "ALS"), ("copd", "COPD")]),
        ("Help for ALS, and als too.", [("als", "ALS")]),  # lower-case words around it
        ("- ALS\n- COPD\nals", [("als", "ALS"), ("copd", "COPD")]),  # a list: no words around
        # Styled capitals around it are no words in capitals.
        (
            "\u24d7\u24d4\u24db\u24df \u24d5\u24de\u24e1 \u24d0\u24db\u24e2, als",
            [("als", "\u24d0\u24db\u24e2")],
        ),
    ],
)
def test_an_abbreviation_among_capitals_stands_unless_the_page_writes_the_word(text, expected):
    assert [(key, quote) for key, quote in found(text) if key in ("als", "copd")] == expected


@pytest.mark.parametrize(
    ("with_letter", "without_letter"),
    [
        ("Terapia jest całkowicie bezpieczna.", "Terapia jest calkowicie bezpieczna."),
        ("Kök hücre tedavisi ameliyatsız yapılır.", "Kok hucre tedavisi ameliyatsiz yapilir."),
        ("Eine Abstoßung ist ausgeschlossen.", "Eine Abstossung ist ausgeschlossen."),
    ],
)
def test_letters_unicode_does_not_decompose_read_as_their_base_letters(
    with_letter: str, without_letter: str
) -> None:
    # A page typed without its "ł", "ı" or "ß" reads as the page with them, so a phrase
    # written either way matches both; the offsets still point into the original.
    assert fold_text(with_letter).folded == fold_text(without_letter).folded
    assert fold_term("całkowicie") == fold_term("calkowicie")
    folded = fold_text(with_letter)
    start = folded.folded.index("ss") if "ß" in with_letter else 0
    if start:
        assert with_letter[slice(*folded.span_in_original(start, start + 2))] == "ß"


def test_vietnamese_d_with_stroke_is_kept() -> None:
    # Written "d", Vietnamese words become English ones ("đội", a team, would read "doi").
    assert fold_term("đội ngũ bác sĩ") == "đoi ngu bac si"


@pytest.mark.parametrize(
    "spelling",
    [
        "間充質幹細胞",  # traditional
        "间充质干细胞",  # simplified
        "間充質干細胞",  # the mix a converter to traditional leaves: one character missed
        "间充質幹细胞",
    ],
)
def test_chinese_in_either_script_or_a_mix_folds_to_one_spelling(spelling):
    assert fold_term(spelling) == "间充质干细胞"


def test_the_script_fold_keeps_one_character_for_one_and_quotes_the_original():
    text = "本院提供干細胞療程"
    folded = fold_text(text)
    assert folded.folded == "本院提供干细胞疗程"
    start = folded.folded.index("干细胞")
    assert folded.span_in_original(start, start + 3) == (4, 7)
    assert text[4:7] == "干細胞"


def test_a_mixed_script_chinese_ad_pairs_its_product_with_its_condition(checker):
    # Traditional characters throughout except the first of "stem cell", as a converter leaves it.
    answer = checker.check("我們的干細胞療程可以根治糖尿病,三個月內見效。")
    pairs = {
        (f["entities"]["product"]["id"], f["entities"]["condition"]["name"])
        for f in answer["flags"]
        if f.get("entities", {}).get("condition")
    }
    assert ("stem_cell_unspecified", "diabetes") in pairs, answer["flags"]
    assert any(e["quote"] == "干細胞" for f in answer["flags"] for e in f["evidence"])


def test_japanese_terms_written_in_traditional_forms_still_match(checker):
    # Japanese keeps forms that are traditional in Chinese (幹, 臍); terms and text fold alike.
    answer = checker.check("当院では臍帯由来幹細胞の点滴で、関節リウマチを改善します。")
    assert any(f["entities"].get("product") for f in answer["flags"]), answer["flags"]
