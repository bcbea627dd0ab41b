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
}


def _pairs(body: dict) -> set[tuple[str, str]]:
    return {
        (flag["entities"]["product"]["id"], flag["entities"]["condition"]["name"])
        for flag in body["flags"]
        if flag.get("entities", {}).get("product") and flag["entities"].get("condition")
    }


@pytest.fixture(scope="module")
def written_pairs(checker: model.Checker) -> dict[str, set[tuple[str, str]]]:
    """Each violative ad's product x condition pairs as written."""
    return {ad: _pairs(checker.check(plain(ad))) for ad in VIOLATIVE_ADS}


def test_the_violative_ads_are_high_with_a_pair_as_written(checker, written_pairs):
    for ad in VIOLATIVE_ADS:
        assert checker.check(plain(ad))["risk"]["level"] == "high", ad
        assert written_pairs[ad], ad


@pytest.mark.parametrize("transformation", sorted(TRANSFORMATIONS))
def test_a_transformation_keeps_violative_ads_high_with_their_pair(
    checker, written_pairs, transformation
):
    transform = TRANSFORMATIONS[transformation]
    missed = []
    for ad in VIOLATIVE_ADS:
        text = transform(ad)
        assert text != plain(ad), f"{transformation} left {ad!r} unchanged"
        body = checker.check(text)
        if body["risk"]["level"] != "high" or not written_pairs[ad] <= _pairs(body):
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
