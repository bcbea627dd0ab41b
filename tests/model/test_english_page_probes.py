"""English pages of many genres, written for this suite by a colleague who had not seen the
checker's rules, lexicons, training rows or tests (`english_page_probes.jsonl`, 48 pages, a
third each short, medium and long): clinic condition pages that are mostly disease education,
clinic blogs retelling a study, patient stories told by the clinic, FAQs with hedged safety,
price cards, broker listings, a med-spa, a patient-funded "study"; and the pages that share
their words, where the checker had been weakest: a research news story in a hopeful tone, a
watchdog's list of what clinics promise, registry entries, an approved product, a private
cord-blood bank's price list, an insurer, a law firm, an orthopaedic surgeon's balanced page,
a hair clinic that offers PRP and points to exosome ads elsewhere, an encyclopedia article, a
veterinary page, a forum thread, a course page and a job advertisement.

First look (2026-12-03, at 8e701c9, before any change made after reading them): 19 of 20
clinic pages flagged, 4 of 28 other pages flagged (the hair clinic, the cord-blood bank, the
encyclopedia article, the watchdog). Then (seen): research still under way and others' offers
read as reports, claims an explainer only quotes no longer stand, and products named head
first ("cells taken from your own bone marrow"): 20 of 20, 1 of 28 (the watchdog's list of
quoted promises, which carries nine kinds of claim). The bounds keep what was reached.
"""

from __future__ import annotations

from tests.model.probe_files import (
    assert_clinic_pages_flagged,
    other_pages_flagged,
    read_probes,
)

PROBES = read_probes("english_page_probes.jsonl")
MIN_CLINIC_PAGES_FLAGGED = 0.95
MAX_FALSE_ALARMS = 1


def test_the_probes_are_english_pages_of_both_kinds():
    assert {p["lang"] for p in PROBES} == {"en"}
    assert [p["label"] for p in PROBES].count("violative") == 20
    assert [p["label"] for p in PROBES].count("ok") == 28


def test_clinic_pages_are_flagged():
    assert_clinic_pages_flagged(PROBES, MIN_CLINIC_PAGES_FLAGGED)


def test_pages_that_share_their_words_are_seldom_flagged():
    flagged = other_pages_flagged(PROBES)
    assert len(flagged) <= MAX_FALSE_ALARMS, flagged
