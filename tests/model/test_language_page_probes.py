"""Pages in twelve languages (ja, zh, ko, vi, id, tr, ar, nl, pl, cs, it, ru), four each, written
for this suite by two colleagues who had not seen the checker's rules, lexicons or training
pages (`language_page_probes.jsonl`; the short ads of `language_probes.jsonl` are another set):
in each language two pages of a clinic or broker that sells a cell treatment (disease education
with an offer at the end, price lists, FAQs with hedged safety claims) and two that share their
words (regulators' warnings and news that quote the clinics, positive trial reports, transplant
wards, cord-blood donation, encyclopedias).

Issue 13 asks for the languages the clinics write in. First look (2026-12-02, at 6f79c02): 22 of
24 clinic pages flagged (both Arabic ones missed: no offer or claim vocabulary in Arabic beyond a
few words), 4 of 24 other pages flagged (a Czech encyclopedia entry, Japanese and Polish news
quoting a clinic, a Polish cord-blood donation page): no critical cue was known in these twelve
languages. Then (seen): warnings and doubts in the twelve languages read as critical, Arabic
offers, calls to action, success rates, low-risk, rejection, patient-story and discount
phrases, prices in their currencies; after the page model's refit, 24 of 24 and 3 of 24 (the
Czech and Vietnamese encyclopedia entries, an Indonesian news report). The bounds keep what was
reached; the aim is no false alarm.
"""

from __future__ import annotations

from tests.model.probe_files import (
    assert_clinic_pages_flagged,
    other_pages_flagged,
    read_probes,
)

PROBES = read_probes("language_page_probes.jsonl")
LANGUAGES = {"ja", "zh", "ko", "vi", "id", "tr", "ar", "nl", "pl", "cs", "it", "ru"}
MIN_CLINIC_PAGES_FLAGGED = 0.95
MAX_FALSE_ALARMS = 3


def test_the_probes_are_four_pages_in_each_of_twelve_languages():
    assert {p["lang"] for p in PROBES} == LANGUAGES
    for language in LANGUAGES:
        labels = [p["label"] for p in PROBES if p["lang"] == language]
        assert sorted(labels) == ["ok", "ok", "violative", "violative"], language


def test_clinic_pages_are_flagged():
    assert_clinic_pages_flagged(PROBES, MIN_CLINIC_PAGES_FLAGGED)


def test_pages_that_share_their_words_are_seldom_flagged():
    flagged = other_pages_flagged(PROBES)
    assert len(flagged) <= MAX_FALSE_ALARMS, flagged
