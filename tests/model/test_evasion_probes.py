"""Issue 13's text transformations do not take a violative ad below high, and do not raise benign
text above low (probes from `evasion_probes`, checked with the committed checker)."""

from __future__ import annotations

from collections import defaultdict

import pytest

import model
from model.evasion import ObfuscationKind
from model.normalise import fold_text
from tests.model.evasion_probes import (
    BENIGN_TEXTS,
    TRANSFORMATIONS,
    VIOLATIVE_ADS,
    Probe,
    plain,
    probes,
)

KEPT_HIGH = 0.95
FALSE_ALARMS = 0.02
# Transformations whose every probe leaves a record inside the product or condition name.
REPORTED = {
    "word joiner in the product only": ObfuscationKind.INVISIBLE,
    "zero-width non-joiner in names": ObfuscationKind.INVISIBLE,
    "one Cyrillic letter per product word": ObfuscationKind.LOOKALIKE,
    "one Greek letter per name word": ObfuscationKind.LOOKALIKE,
    "leetspeak in names": ObfuscationKind.DIGIT_SWAP,
    "spaced letters in names": ObfuscationKind.LETTER_SPACING,
    "small capitals in names": ObfuscationKind.LOOKALIKE,
    "a star inside name words": ObfuscationKind.INSERTED_MARKS,
    "names stored backwards under an override": ObfuscationKind.BIDI_OVERRIDE,
    "circled small letters in names": ObfuscationKind.LOOKALIKE,
    "parenthesised small letters in names": ObfuscationKind.LOOKALIKE,
    "spaced circled small letters in names": ObfuscationKind.LETTER_SPACING,
}


def _pairs(body: dict) -> set[tuple[str, str]]:
    return {
        (flag["entities"]["product"]["id"], flag["entities"]["condition"]["name"])
        for flag in body["flags"]
        if flag.get("entities", {}).get("product") and flag["entities"].get("condition")
    }


@pytest.fixture(scope="module")
def written_pairs(checker: model.Checker) -> dict[str, set[tuple[str, str]]]:
    """Each violative ad's product x condition pairs as written (found by the claims stage,
    whether or not the page judgement lets them stand)."""
    return {ad: _claimed_pairs(checker, plain(ad)) for ad in VIOLATIVE_ADS}


def _claimed_pairs(checker: model.Checker, text: str) -> set[tuple[str, str]]:
    return _pairs({"flags": checker.claims_before_judgement(text)})


@pytest.fixture(scope="module")
def written_levels(checker: model.Checker) -> dict[str, str]:
    return {ad: checker.check(plain(ad))["risk"]["level"] for ad in VIOLATIVE_ADS}


def test_the_violative_ads_are_high_with_a_pair_as_written(checker, written_pairs, written_levels):
    # As written, the page judgement reads one of the eight one-line ads ("We use bone marrow
    # stem cells to cure…") as a promotional page whose claims fall short of its threshold: a
    # miss of the page model, not of folding, which the tests below isolate.
    high = [ad for ad in VIOLATIVE_ADS if written_levels[ad] == "high"]
    assert len(high) >= len(VIOLATIVE_ADS) - 1, set(VIOLATIVE_ADS) - set(high)
    for ad in VIOLATIVE_ADS:
        assert written_pairs[ad], ad


# Transformations still missed, kept visible as strict expected failures (none at present: names
# stored backwards under an override lost their specific pair until the matcher resolved
# overlapping names in reading order).
KNOWN_MISSES: dict[str, str] = {}  # transformation -> why it is still missed


@pytest.mark.parametrize(
    "transformation",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[name]))
        if name in KNOWN_MISSES
        else name
        for name in sorted(TRANSFORMATIONS)
    ],
)
def test_a_transformation_keeps_violative_ads_high_with_their_pair(
    checker, written_pairs, written_levels, transformation
):
    """Disguised, each ad reads as it does written: the same level, its pairs kept."""
    transform = TRANSFORMATIONS[transformation]
    missed = []
    for ad in VIOLATIVE_ADS:
        text = transform(ad)
        assert text != plain(ad), f"{transformation} left {ad!r} unchanged"
        level = checker.check(text)["risk"]["level"]
        if level != written_levels[ad] or not written_pairs[ad] <= _claimed_pairs(checker, text):
            missed.append(text)
    assert 1 - len(missed) / len(VIOLATIVE_ADS) >= KEPT_HIGH, missed


def test_benign_texts_stay_low_however_transformed(checker):
    checked = [Probe("as written", text, plain(text)) for text in BENIGN_TEXTS]
    checked += probes(BENIGN_TEXTS)
    alarms = [p for p in checked if checker.check(p.text)["risk"]["level"] != "low"]
    assert len(alarms) / len(checked) <= FALSE_ALARMS, alarms


def test_benign_texts_as_written_leave_no_obfuscation_record(checker):
    for text in BENIGN_TEXTS:
        assert fold_text(plain(text), checker.matcher.vocabulary).obfuscations == (), text


@pytest.mark.parametrize("transformation", sorted(REPORTED))
def test_a_disguised_name_is_reported_inside_the_name(checker, transformation):
    vocabulary = checker.matcher.vocabulary
    for ad in VIOLATIVE_ADS:
        text = TRANSFORMATIONS[transformation](ad)
        names = _name_spans(ad, text)
        records = fold_text(text, vocabulary).obfuscations
        inside = [
            r
            for r in records
            if r.kind == REPORTED[transformation]
            and any(start <= r.start and r.end <= end for start, end in names)
        ]
        assert inside, (text, records)


def _name_spans(ad: str, text: str) -> list[tuple[int, int]]:
    """Where the marked names of `ad` ended up in `text`: everything between the unmarked parts
    (the transformations that are checked here rewrite only the names)."""
    parts = [part for i, part in enumerate(ad.replace("}", "{").split("{")) if i % 2 == 0]
    spans: list[tuple[int, int]] = []
    position = 0
    for before, after in zip(parts, parts[1:], strict=False):
        start = text.index(before, position) + len(before)
        end = text.index(after, start) if after else len(text)
        spans.append((start, end))
        position = end
    return spans


def test_every_probe_group_is_in_the_suite():
    groups: dict[str, int] = defaultdict(int)
    for probe in probes(VIOLATIVE_ADS):
        groups[probe.transformation] += 1
    assert set(groups) == set(TRANSFORMATIONS)
    assert all(count == len(VIOLATIVE_ADS) for count in groups.values())
