"""The open condition vocabulary is what its build gives, and the build reads titles honestly."""

from __future__ import annotations

import pytest

from training.condition_vocabulary import british, clean_title, main

STOP = frozenset({"pain"})


@pytest.mark.parametrize(
    ("title", "term"),
    [
        ("Sciatica", "sciatica"),
        ("Essential (primary) hypertension", "essential hypertension"),
        ("Stress incontinence (female) (male)", "stress incontinence"),
        ("Liver disease, unspecified", "liver disease"),
        ("Other specified disorders of muscle", None),
        ("Primary osteoarthritis, right knee", None),
        ("Sprain of cruciate ligament of knee, initial encounter", None),
        ("TIA", None),
        ("Pain", None),
    ],
)
def test_titles_become_terms_only_when_they_name_a_condition(title: str, term: str | None) -> None:
    assert clean_title(title, STOP) == term


def test_british_spellings_are_added() -> None:
    assert british("critical limb ischemia") == [
        "critical limb ischemia",
        "critical limb ischaemia",
    ]
    assert british("sciatica") == ["sciatica"]


def test_the_committed_vocabulary_is_what_the_build_gives() -> None:
    pytest.importorskip("simple_icd_10_cm", reason="the build reads ICD-10-CM from a dev package")
    assert main(["--check"]) == 0, "run: python -m training.condition_vocabulary"
