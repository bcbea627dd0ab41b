"""Long pages in five languages, written for this suite by a colleague who had not seen the
checker's rules, lexicons or training pages (`long_page_probes.jsonl`): clinic pages that are
mostly disease education with an offer or two, FAQs with hedged safety claims, price lists,
patient stories, broker listings; and the pages that share their words: news, abstracts,
registry entries, transplant centres, cord-blood banks, an approved product, warnings, a law
firm, insurers, an encyclopedia, a forum, a plant-cell cosmetic.

Issue 12 asks that the page judgement be right on the page in front of the user. First look
(2026-12-02, at 4f0cbfa): 20 of 20 clinic pages flagged, 5 of 20 other pages flagged (a law
firm's page, two insurers' coverage policies, a maternity ward's cord-blood donation page, a
consumer alert). Then (seen): consumer bodies, law firms and insurers read as reporting in five
more languages, 4 of 20 (the consumer alert is right); someone else's offer and an effect "not
shown" read as critical in five more languages, 3 of 20 (the cord-blood donation page is
right). Sixth session (seen): with the page model refitted after new critical cues, 3 of 20
still, not the same three: one insurer is right, a private cord-blood bank's page is now
flagged (its violative probability sits at the threshold; a refit in between also flagged the
Portuguese consumer alert, right again once Portuguese warnings read as critical). The
bounds keep what was reached; the aim is no false alarm.
"""

from __future__ import annotations

from tests.model.probe_files import (
    assert_clinic_pages_flagged,
    other_pages_flagged,
    read_probes,
)

PROBES = read_probes("long_page_probes.jsonl")
MIN_CLINIC_PAGES_FLAGGED = 0.95
MAX_FALSE_ALARMS = 3


def test_the_probes_are_long_pages_of_both_kinds_in_five_languages():
    assert {p["lang"] for p in PROBES} == {"en", "es", "de", "fr", "pt"}
    assert [p["label"] for p in PROBES].count("violative") == 20
    assert all(len(p["text"].split()) >= 150 for p in PROBES)


def test_clinic_pages_are_flagged():
    assert_clinic_pages_flagged(PROBES, MIN_CLINIC_PAGES_FLAGGED)


def test_pages_that_share_their_words_are_seldom_flagged():
    flagged = other_pages_flagged(PROBES)
    assert len(flagged) <= MAX_FALSE_ALARMS, flagged
