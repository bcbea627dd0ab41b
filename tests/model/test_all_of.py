"""A rule of `all_of` entries reads every anchor of its first entry, not only the first one."""

from __future__ import annotations

from model import shared_checker

RULE = "efficacy.regenerate-repair"


def _evidence(text: str) -> list[str]:
    return [
        evidence["quote"]
        for flag in shared_checker().claims_before_judgement(text)
        if flag["rule_id"] == RULE
        for evidence in flag["evidence"]
    ]


def test_a_far_anchor_does_not_hide_a_near_one() -> None:
    # "regenerates" is the first anchor but no tissue word is within the rule's window of it;
    # "repairs worn knee cartilage", later in the sentence, is the claim.
    text = (
        "Our stem cell program regenerates hope in families who have tried every other option "
        "for many long years, and it repairs worn knee cartilage."
    )
    assert _evidence(text) == ["repairs worn knee cartilage"]


def test_no_anchor_near_a_tissue_word_is_no_claim() -> None:
    text = (
        "Our stem cell program regenerates hope in families who have tried every other option "
        "for many long years, and the knee cartilage is examined first."
    )
    assert _evidence(text) == []
