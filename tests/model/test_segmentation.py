"""Sentences over wrapped lines: text pasted from e-mails, PDFs and printed pages breaks its
sentences wherever the line was full."""

from __future__ import annotations

import model
from model.text import segment


def sentence_texts(text: str) -> list[str]:
    sentences, _ = segment(text)
    return [" ".join(text[s.start : s.end].split()) for s in sentences]


def test_wrapped_lines_that_start_in_lower_case_are_joined():
    text = (
        "The injections are given\nin the knee, under\nultrasound guidance.\nRecovery takes a day."
    )
    assert sentence_texts(text) == [
        "The injections are given in the knee, under ultrasound guidance.",
        "Recovery takes a day.",
    ]


def test_a_line_that_ends_its_sentence_is_not_joined_to_the_next():
    for end in (".", ":", ";", "?", "!", "\u2026"):
        text = f"We treat three conditions{end}\nknee pain and hip pain are the most common."
        assert len(sentence_texts(text)) == 2, end


def test_a_list_item_or_a_capitalised_line_starts_its_own_sentence():
    assert sentence_texts("Conditions we see\n- back pain\n- knee pain") == [
        "Conditions we see",
        "- back pain",
        "- knee pain",
    ]
    assert len(sentence_texts("Why choose us\nOur doctors trained abroad.")) == 2


def test_a_line_that_starts_with_a_figure_continues_running_text():
    text = "Most of the patients we see have lived with type\n2 diabetes for a decade or more."
    assert sentence_texts(text) == [
        "Most of the patients we see have lived with type 2 diabetes for a decade or more."
    ]


def test_a_figure_after_a_short_heading_or_as_a_list_number_keeps_its_line():
    assert sentence_texts("Packages\n3 sessions for one price.") == [
        "Packages",
        "3 sessions for one price.",
    ]
    assert len(sentence_texts("The steps we follow every time\n2. Rest for a day.")) >= 2


def test_a_claim_wrapped_inside_a_condition_name_is_still_found():
    checker = model.load_checker()
    body = checker.check(
        "Our umbilical cord stem cell programme reverses multiple\n"
        "sclerosis within weeks. Reserve your place today."
    )
    assert body["risk"]["level"] == "high"
    pairs = [f for f in body["flags"] if f["rule_id"] == "unapproved-use.cell-product-for-disease"]
    assert pairs, body["flags"]


RLO, PDF = "\u202e", "\u202c"


def test_a_sentence_stored_backwards_under_an_override_ends_where_it_is_drawn_to_end():
    # Drawn right to left, the stored first character "." is the last one a reader sees: the
    # line ends its sentence, so it is no heading and the next line is not joined to it.
    backwards = RLO + ".sruoy era sllec ruo" + PDF
    sentences, _ = segment(f"Renew Clinic\n{backwards}\nwhich we grow here.")
    assert [s.is_heading for s in sentences] == [True, False, False]
    # Arabic letters under an override are drawn as stored: the line keeps its stored end.
    arabic = RLO + "\u0645\u0631\u062d\u0628\u0627" + PDF
    sentences, _ = segment(f"Renew Clinic\n{arabic}\nHello")
    assert [s.is_heading for s in sentences] == [True, True, True]


def test_a_claim_stored_backwards_on_its_own_line_is_flagged():
    text = f"Renew Clinic\n{RLO}.sisorelcs elpitlum eruc sllec mets ruO{PDF}"
    assert model.load_checker().check(text)["risk"]["level"] == "high"
