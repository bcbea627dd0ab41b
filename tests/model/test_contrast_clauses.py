"""A contrast ends the reach of a denial said before it (`Document.is_suppressed_at`).

Clinics hedge and then claim in one breath ("It's no miracle, but ..."): issue 12 lists "We do
not claim that stem cells cure MS, but 9 of 10 patients walk again" among the sentences that
must not take a violative page to low. A caveat after the contrast still reaches back, a report
frames the whole sentence, and "not only ..., but also" is no contrast. The other way round, a
denial reaches back over a question it answers ("Can I stop insulin? No, never."). Texts written
for this suite.
"""

from __future__ import annotations

import pytest

OFFER = "We treat multiple sclerosis and knee arthritis with umbilical cord stem cells. "


def _claims(checker, text: str) -> set[str]:
    return {flag["rule_id"] for flag in checker.claims_before_judgement(OFFER + text)}


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        (
            "We do not claim that stem cells cure MS, but 9 of 10 of our patients walk again.",
            "efficacy.functional-recovery",
        ),
        (
            "Our therapy does not work for everyone, but most patients have a substantial "
            "improvement in their symptoms.",
            "efficacy.improvement-as-usual",
        ),
        (
            "Hoy no existe ningún tratamiento perfecto, pero nuestras células madre reparan el "
            "cartílago dañado.",
            "efficacy.regenerate-repair",
        ),
    ],
)
def test_a_claim_after_a_hedge_and_a_contrast_is_read(checker, text, rule_id):
    assert rule_id in _claims(checker, text)


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        # the caveat comes after the contrast and reaches back
        (
            "Most of our patients improve markedly, but more research is needed to know why.",
            "efficacy.improvement-as-usual",
        ),
        # a report frames the whole sentence
        (
            "A rival's brochure claims that most patients improve, but it shows testimonials "
            "instead of data.",
            "efficacy.improvement-as-usual",
        ),
        # not only ..., but also: the denial goes on
        (
            "There is no evidence that stem cells cure multiple sclerosis, but also none that "
            "most patients improve.",
            "efficacy.improvement-as-usual",
        ),
    ],
)
def test_a_contrast_does_not_free_a_claim_still_under_a_caveat_or_a_report(checker, text, rule_id):
    assert rule_id not in _claims(checker, text)


def test_without_a_contrast_the_denial_still_covers_the_sentence(checker):
    text = "We do not claim that most of our patients walk again after the infusion."
    assert "efficacy.functional-recovery" not in _claims(checker, text)


@pytest.mark.parametrize(
    ("question", "answer", "rule_id", "claimed"),
    [
        (
            "Can I stop my insulin after the stem cell infusion?",
            "No, we never advise it.",
            "medication.stop-or-reduce",
            False,
        ),
        (
            "Can I stop my insulin after the stem cell infusion?",
            "Yes, most of our patients can.",
            "medication.stop-or-reduce",
            True,
        ),
        (
            "Are our umbilical cord cells FDA approved?",
            "No, they are not approved by the FDA.",
            "regulatory.fda-approval-claim",
            False,
        ),
        # A bare "no" answers; "no" opening a claim ("No side effects") does not.
        (
            "Kann ich nach der Stammzellinfusion mein Insulin absetzen?",
            "Nein. Sprechen Sie mit Ihrem Diabetologen.",
            "medication.stop-or-reduce",
            False,
        ),
        (
            "Can I stop my insulin after the stem cell infusion?",
            "No side effects, and most patients stop it within months.",
            "medication.stop-or-reduce",
            True,
        ),
    ],
)
def test_a_question_the_page_answers_with_a_denial_claims_nothing(
    checker, question, answer, rule_id, claimed
):
    assert (rule_id in _claims(checker, f"{question} {answer}")) is claimed
