"""The open condition vocabulary is what its build gives, and the build reads titles honestly."""

from __future__ import annotations

import pytest

from training.condition_vocabulary import british, clean_title, main, ontology_entry

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


@pytest.mark.parametrize(
    ("entries", "title", "named"),
    [
        # The shortest label is the most general, and part of the title: it names the code.
        ([("hypertension", "D1"), ("essential hypertension", "D2")], "essential hypertension",
         ("hypertension", "D1")),
        # A shorter label that is a variant, no part of the title, gives way to the title.
        ([("fisher variant", "D3"), ("guillain barre syndrome", "D4")], "guillain barre syndrome",
         ("guillain barre syndrome", "D4")),
        # With no entry that is the title, the shortest still names it.
        ([("fisher variant", "D3"), ("acute neuropathy type b", "D5")], "guillain barre syndrome",
         ("fisher variant", "D3")),
        ([], "sciatica", (None, None)),
    ],
)  # fmt: skip
def test_the_ontology_entry_that_names_a_code(entries, title, named) -> None:
    assert ontology_entry(entries, title) == named


def test_the_committed_vocabulary_is_what_the_build_gives() -> None:
    pytest.importorskip("simple_icd_10_cm", reason="the build reads ICD-10-CM from a dev package")
    assert main(["--check"]) == 0, "run: python -m training.condition_vocabulary"
