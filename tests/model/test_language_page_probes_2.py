"""Pages in eight languages (es, pt, fr, de, it, ru, zh, ja), six each, written for this suite by
a colleague who had not seen the checker's rules, lexicons, training rows or the other probe
sets (`language_page_probes_2.jsonl`): in each language two or three pages of a clinic, broker or
med-spa (condition pages that are mostly education, a clinic blog retelling a study, a patient
story, a price list, a page framed as a paid "study") and three or four that share their words
(hopeful and critical news, a health ministry's warning, a registry entry, an approved product,
a private cord-blood bank, a health fund, a law firm, a balanced surgeon's page, a veterinary
practice, a forum).

First look (2026-12-03, at 6968873, before any change made after reading them): 18 of 20 clinic
pages flagged (a Chinese clinic blog written as research news and a Japanese exosome spa's menu
missed), 5 of 28 other pages flagged (a Portuguese cord-blood bank, a French equine practice, a
German surgeon's page, a Russian health authority's warning, a Japanese news report). Then
(seen): animals named in the singular, and reporting and doubt in Russian, Japanese, Portuguese,
German and Polish: 18 of 20, 1 of 28 (the cord-blood bank); then Japanese beauty clinics' "hardly
any side effects", "rejuvenates" and "many voices of thanks": 19 of 20. The bounds keep what was
reached, but for one page: since offers are counted only in the page's own voice (twenty-third
session: a "we offer" inside quotation marks or an attributed sentence is someone else's), the
refitted other-language model weighs quotation marks less, and the Russian skeptic's article,
which quotes the ads it describes, went 0.55 -> 0.68 (threshold 0.64): 2 of 28. Kept, because
real pages gained (out of fold kind F1 English 0.842 -> 0.852, other 0.847 -> 0.855; study
samples' English false alarms 0.260 -> 0.240, other 0.270 -> 0.263; written holdout 0.955 ->
0.963) and no real measure fell.
"""

from __future__ import annotations

from tests.model.probe_files import (
    assert_clinic_pages_flagged,
    other_pages_flagged,
    read_probes,
)

PROBES = read_probes("language_page_probes_2.jsonl")
LANGUAGES = {"es", "pt", "fr", "de", "it", "ru", "zh", "ja"}
MIN_CLINIC_PAGES_FLAGGED = 0.95
MAX_FALSE_ALARMS = 2


def test_the_probes_are_six_pages_in_each_of_eight_languages():
    assert {p["lang"] for p in PROBES} == LANGUAGES
    assert all(sum(p["lang"] == lang for p in PROBES) == 6 for lang in LANGUAGES)
    assert [p["label"] for p in PROBES].count("violative") == 20


def test_clinic_pages_are_flagged():
    assert_clinic_pages_flagged(PROBES, MIN_CLINIC_PAGES_FLAGGED)


def test_pages_that_share_their_words_are_seldom_flagged():
    flagged = other_pages_flagged(PROBES)
    assert len(flagged) <= MAX_FALSE_ALARMS, flagged
