"""Pages about animals are out of scope; ads for people that borrow veterinary framing are not."""

from __future__ import annotations

import pytest

import model

CHECKER = model.load_checker()

DOG_PAGE = """Stem Cell Care for Arthritic Dogs - Maple Grove Veterinary Clinic

Many older dogs stiffen up in the cold months. For dogs with hip or elbow arthritis, our
veterinarian can harvest a little fat from your dog during a short anaesthetic and return the
processed cells into the sore joints.
Most dogs go home the same day, and your dog will need a week of lead walks.
We also treat cats. Ask about the costs and risks at your pet's next check-up."""

HORSE_FRAMED_AD = """Champion-Horse Recovery, Now for People

Racing stables have used fat-derived stem cell shots on horses for years. Our clinic now
offers the same stem cell injections to weekend athletes with torn rotator cuffs and knee
osteoarthritis. We culture the cells for three weeks and inject millions of them back.
Patients are back in the gym in a month. Book your consultation today."""


def test_a_veterinary_page_is_low_risk():
    result = CHECKER.check(DOG_PAGE)
    assert result["risk"]["level"] == "low", [f["rule_id"] for f in result["flags"]]


def test_an_ad_for_people_with_horse_framing_is_still_flagged():
    result = CHECKER.check(HORSE_FRAMED_AD)
    assert result["risk"]["level"] == "high"
    pairs = {
        f["entities"]["condition"]["name"]
        for f in result["flags"]
        if f["category"] == "unapproved_use" and "condition" in f["entities"]
    }
    assert "knee osteoarthritis" in pairs


@pytest.mark.parametrize(
    "sentence",
    [
        "Rare side effects include infertility.",
        "In rare cases the injections may cause a stroke.",
    ],
)
def test_a_condition_named_as_a_harm_is_not_a_target(sentence):
    text = "Our clinic offers fat-derived stem cell injections for knee pain. " + sentence
    pairs = {
        f["entities"]["condition"]["name"]
        for f in CHECKER.check(text)["flags"]
        if f["category"] == "unapproved_use" and "condition" in f["entities"]
    }
    assert pairs == {"joint pain"}  # "knee pain" is a lay name of joint pain
