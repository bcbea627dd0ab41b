"""The main claim rules speak the languages clinics advertise in.

Every rule's examples run through the checker in `test_rules_examples.py`; here the language
of each example is identified (`model/language.py`) to check that the main claim rules carry
match examples in the languages of the lexicons, and no_match examples (negations, warnings,
legitimate uses) beyond English.
"""

from __future__ import annotations

import pytest

from model import load_checker
from model.language import identify_language
from model.rules import load_rules

MAIN_CLAIM_RULES = (
    "efficacy.cure",
    "efficacy.reverse-disease",
    "efficacy.regenerate-repair",
    "safety.no-side-effects",
    "safety.risk-free",
    "safety.no-rejection",
    "safety.safe-because-own-or-natural",
    "regulatory.fda-approval-claim",
    "medication.stop-or-reduce",
    "testimonial.patient-stories",
    "hype.miracle-breakthrough",
    "hype.urgency",
    "pay.pay-to-participate",
    "efficacy.functional-recovery",
    "evidence.promising-preliminary",
    "route.intrathecal-eye-lung",
    "efficacy.guaranteed-results",
    "efficacy.pain-free",
    "evidence.clinically-proven",
    "evidence.research-says",
    "safety.safer-than-standard-care",
    "efficacy.avoid-surgery",
    "hype.any-cell-type",
    "hype.disparages-standard-care",
    "hype.unlock-healing",
    "efficacy.root-cause",
    "efficacy.immune-reset",
    "testimonial.observed-change",
    "testimonial.recovery-narrative",
    "evidence.early-results-praised",
    "regulatory.research-use-only",
    "testimonial.attributed-quote",
    "manipulation.cell-counts",
    "manipulation.activated-cells",
    "manipulation.enzymatic-activated",
    "route.nonhomologous-tissue",
    "evidence.patient-volume",
    "efficacy.improvement-as-usual",
    "efficacy.outcome-praise",
    "efficacy.relieve-symptoms",
    "efficacy.free-of-disease",
    "efficacy.prevent-disease",
)
# Every main claim rule has match examples in each of these...
CORE_LANGUAGES = frozenset({"pt", "fr", "de", "it", "ru", "vi"})
# ...and in at least this many languages other than English overall.
MIN_LANGUAGES = 7
MIN_NO_MATCH_LANGUAGES = 3

CATALOGUE = load_rules()


def _languages(examples: tuple[str, ...]) -> set[str]:
    return {identify_language(example).code for example in examples} - {"en", "und"}


@pytest.mark.parametrize("rule_id", MAIN_CLAIM_RULES)
def test_main_claim_rules_have_examples_in_many_languages(rule_id: str) -> None:
    rule = CATALOGUE.by_id()[rule_id]
    languages = _languages(rule.match_examples)
    assert CORE_LANGUAGES <= languages, sorted(CORE_LANGUAGES - languages)
    assert len(languages) >= MIN_LANGUAGES, sorted(languages)
    assert len(_languages(rule.no_match_examples)) >= MIN_NO_MATCH_LANGUAGES


@pytest.fixture(scope="module")
def rules_checker():
    return load_checker(use_classifier=False)


# One clinic page per language, written for this suite, and the claim rules it must raise.
PAGES = {
    "pt": (
        "Tratamento com células-tronco do cordão umbilical para esclerose múltipla. "
        "O procedimento não tem efeitos colaterais e é 100% seguro. "
        "Muitos pacientes deixaram de tomar medicamentos. Vagas limitadas!",
        {
            "unapproved-use.cell-product-for-disease",
            "safety.no-side-effects",
            "safety.risk-free",
            "medication.stop-or-reduce",
            "hype.urgency",
        },
    ),
    "de": (
        "Stammzelltherapie mit Eigenfett bei Kniearthrose. Die Behandlung ist absolut sicher "
        "und ohne Nebenwirkungen. Bei körpereigenen Stammzellen gibt es keine Abstoßung. "
        "Lesen Sie die Erfahrungsberichte unserer Patienten.",
        {
            "unapproved-use.cell-product-for-disease",
            "safety.risk-free",
            "safety.no-side-effects",
            "safety.no-rejection",
            "testimonial.patient-stories",
        },
    ),
    "ru": (
        "Лечение стволовыми клетками при рассеянном склерозе. Стволовые клетки "
        "восстанавливают поврежденные ткани без побочных эффектов. Это настоящее чудо.",
        {
            "unapproved-use.cell-product-for-disease",
            "efficacy.regenerate-repair",
            "safety.no-side-effects",
            "hype.miracle-breakthrough",
        },
    ),
    "vi": (
        "Điều trị tự kỷ bằng tế bào gốc dây rốn. Liệu pháp không có tác dụng phụ và giúp "
        "chữa khỏi hoàn toàn. Số lượng có hạn, đừng bỏ lỡ!",
        {
            "unapproved-use.cell-product-for-disease",
            "safety.no-side-effects",
            "efficacy.cure",
            "hype.urgency",
        },
    ),
}


@pytest.mark.parametrize("code", sorted(PAGES))
def test_a_clinic_page_in_each_language_raises_its_claims(rules_checker, code: str) -> None:
    text, expected = PAGES[code]
    found = {flag["rule_id"] for flag in rules_checker.claims_before_judgement(text)}
    assert expected <= found, sorted(expected - found)
    body = rules_checker.check(text)
    assert body["language"]["code"] == code
    for flag in body["flags"]:
        for span in flag["evidence"]:
            assert text[span["start"] : span["end"]] == span["quote"]
