"""Short ads and legitimate texts in fourteen languages, written for this suite by a colleague who
had not seen the checker's lexicons or training pages (`language_probes.jsonl`).

Issue 13 asks that the same ad in another language stay high. Measured when the probes were
first run (before the page model learnt from written pages in other languages): 29 of 56 ads
flagged, 28 of 28 legitimate texts low; after that: 44 of 56 and 27 of 28. The kinds of name
the lexicons then missed (Polish cases, Arabic prefixes, German and Dutch compounds, Turkish
endings, Romance abbreviations) were given to a colleague who filled them in without seeing
the probes: 52 of 56 and 27 of 28 (no longer a blind figure). The bounds keep what is reached;
the aim is every ad.
"""

from __future__ import annotations

from tests.model.probe_files import read_probes, risk_level

PROBES = read_probes("language_probes.jsonl")
MIN_ADS_FLAGGED = 0.9
MAX_FALSE_ALARMS = 1


def test_the_probes_cover_fourteen_languages_both_ways():
    languages = {p["lang"] for p in PROBES}
    assert len(languages) == 14
    for language in languages:
        labels = [p["label"] for p in PROBES if p["lang"] == language]
        assert labels.count("violative") >= 4 and labels.count("ok") >= 2, language


def test_most_short_ads_in_other_languages_are_flagged():
    ads = [p for p in PROBES if p["label"] == "violative"]
    missed = [p["id"] for p in ads if risk_level(p["text"]) == "low"]
    assert (len(ads) - len(missed)) / len(ads) >= MIN_ADS_FLAGGED, missed


def test_legitimate_texts_in_other_languages_stay_low():
    alarms = [p["id"] for p in PROBES if p["label"] == "ok" and risk_level(p["text"]) != "low"]
    assert len(alarms) <= MAX_FALSE_ALARMS, alarms
