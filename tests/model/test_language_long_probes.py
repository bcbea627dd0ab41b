"""Long pages in twelve languages other than English, written for this suite by colleagues who
had not seen the checker's rules, lexicons or training pages (`language_long_probes.jsonl`, four
clinic pages and four other pages per language): clinic pages that are mostly disease education
with one or two offering paragraphs, often with no price, booking or phone and with studies cited
to sell, clinic blogs written as news, FAQs, medical-tourism agencies, hospital departments
selling cells for heart failure or COPD, exosome pages for hair loss; and the pages that share
their words: news reports (neutral and critical), research summaries, consumer warnings,
hospital blood stem cell transplant pages, cord-blood banks, and ordinary orthopaedic,
physiotherapy and dermatology practices that mention stem cells only to say they do not offer
them.

First look (2026-12-05, at df0bfae, before any change they could inform): 45 of 48 clinic pages
flagged, 14 of 48 other pages flagged (five of eight cord-blood banks, five of eight ordinary
practices, three consumer warnings, a news report). Then (seen): storing or preserving cord blood
read as cord-blood banking in twelve languages, 45 and 15 of 48: the bank pages stay flagged
(their pairs come from the research uses they list), and a refit moved one Spanish orthopaedic
page across the threshold. In the twenty-eighth session flagged pages were read and general cues
added (trials and studies under way, Russian and Japanese warnings, denials of an offer): 45 and
10 of 48, so these pages are study material now. In the twenty-ninth session the sentence
classifier was retrained with 2,360 more rows in 24 languages and both page models refitted:
46 and 11 of 48 (a Dutch consumer warning crossed the other-language threshold). The
bounds keep what was reached; the aim is no false alarm.
"""

from __future__ import annotations

from collections import Counter

from tests.model.probe_files import (
    assert_clinic_pages_flagged,
    other_pages_flagged,
    read_probes,
)

PROBES = read_probes("language_long_probes.jsonl")
MIN_CLINIC_PAGES_FLAGGED = 46 / 48
MAX_FALSE_ALARMS = 11
LANGUAGES = {"es", "pt", "it", "de", "fr", "nl", "zh", "ja", "ko", "ru", "tr", "vi"}


def test_the_probes_are_long_pages_of_both_kinds_in_twelve_languages():
    assert {p["lang"] for p in PROBES} == LANGUAGES
    assert Counter((p["lang"], p["label"]) for p in PROBES) == {
        (lang, label): 4 for lang in LANGUAGES for label in ("violative", "ok")
    }
    assert all(len(p["text"]) >= 1200 for p in PROBES)


def test_clinic_pages_are_flagged():
    assert_clinic_pages_flagged(PROBES, MIN_CLINIC_PAGES_FLAGGED)


def test_pages_that_share_their_words_are_seldom_flagged():
    flagged = other_pages_flagged(PROBES)
    assert len(flagged) <= MAX_FALSE_ALARMS, flagged
