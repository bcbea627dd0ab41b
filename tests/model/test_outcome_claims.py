"""Outcome claims a clinic makes without the word "cure" stand as flags on its page, and the same
claims reported by a critic do not.

The families (twelfth session): improvement told as what most patients get, outcomes praised,
symptoms relieved, patients left free of their disease, a disease prevented. Each rule's own
examples test it sentence by sentence (`test_rules_examples.py`); these pages, written for this
suite, test them through the page judgement, with the session's checker (`tests/conftest.py`).
"""

from __future__ import annotations

import pytest

OUTCOME_RULES = {
    "efficacy.improvement-as-usual",
    "efficacy.outcome-praise",
    "efficacy.relieve-symptoms",
    "efficacy.free-of-disease",
    "efficacy.prevent-disease",
}

CLINIC_PAGES = {
    "en": (
        "Umbilical Cord Stem Cell Therapy for Rheumatoid Arthritis | Harbor Regenerative Center\n"
        "We offer intravenous umbilical cord stem cell infusions for rheumatoid arthritis. "
        "Our cells help relieve the symptoms of joint inflammation. "
        "Most of our patients report noticeable improvement within three months. "
        "Many patients leave our center free of rheumatoid arthritis flares, and the results "
        "speak for themselves. A yearly infusion can also help prevent Alzheimer's disease. "
        "Call us today to book your consultation. Packages start at $6,500.",
        {
            "efficacy.relieve-symptoms",
            "efficacy.improvement-as-usual",
            "efficacy.outcome-praise",
            "efficacy.free-of-disease",
            "efficacy.prevent-disease",
        },
    ),
    "es": (
        "Terapia con células madre de cordón umbilical para la artrosis | Clínica Regenera Sur\n"
        "Ofrecemos infusiones de células madre de cordón umbilical para la artrosis de rodilla. "
        "Nuestras células madre ayudan a aliviar los síntomas y la mayoría de nuestros pacientes "
        "muestran una mejoría en pocas semanas. Los resultados hablan por sí solos. "
        "Agende su consulta por WhatsApp; el paquete completo cuesta 5.900 dólares.",
        {
            "efficacy.relieve-symptoms",
            "efficacy.improvement-as-usual",
            "efficacy.outcome-praise",
        },
    ),
}

REPORT = (
    "Clinics selling stem cell infusions promise more than any trial has shown\n"
    "By a staff reporter\n"
    "Regulators warn that the claims are unproven. One clinic's ad for umbilical cord stem "
    "cell infusions says that most patients show improvement. Another says its stem cells "
    "relieve the symptoms of rheumatoid arthritis and that the results speak for themselves. "
    "No controlled study has shown that stem cell infusions prevent Alzheimer's disease, the "
    "neurologist said, and the FDA has approved none of these products for arthritis."
)


@pytest.mark.parametrize("code", sorted(CLINIC_PAGES))
def test_a_clinic_pages_outcome_claims_stand(checker, code: str) -> None:
    text, expected = CLINIC_PAGES[code]
    body = checker.check(text)
    assert body["language"]["code"] == code
    assert body["page"]["kind"] == "promotional"
    assert body["risk"]["level"] == "high"
    standing = {flag["rule_id"] for flag in body["flags"]}
    assert expected <= standing, sorted(expected - standing)
    for flag in body["flags"]:
        if flag["rule_id"] in OUTCOME_RULES:
            assert flag["category"] == "efficacy_claim"
            for span in flag["evidence"]:
                assert text[span["start"] : span["end"]] == span["quote"]


def test_a_report_of_the_same_claims_raises_none_of_them(checker) -> None:
    # The claims are found in the report (the claims stage reads every page)...
    found = {flag["rule_id"] for flag in checker.claims_before_judgement(REPORT)}
    assert {"efficacy.improvement-as-usual", "efficacy.relieve-symptoms"} <= found
    # ...and none stands: the page reports them.
    body = checker.check(REPORT)
    assert body["page"]["kind"] == "informational"
    assert body["risk"]["level"] == "low"
    assert not {flag["rule_id"] for flag in body["flags"]} & OUTCOME_RULES
