"""SPEC's fixed vocabularies, in one place: request choices, flag categories and product ids."""

from __future__ import annotations

# -- request fields (SPEC, "Request: POST /v1/check") --------------------------------------------
FORMATS: tuple[str, ...] = ("text", "html")
OFFSET_MODES: tuple[str, ...] = ("codepoint", "utf16")
DETAIL_LEVELS: tuple[str, ...] = ("full", "compact")
SEVERITIES: tuple[str, ...] = ("low", "medium", "high")

# -- response fields ------------------------------------------------------------------------------
RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high")
FLAG_SOURCES: tuple[str, ...] = ("rule", "classifier", "rule+classifier")
PAGE_KINDS: tuple[str, ...] = ("promotional", "informational", "out_of_scope")
PAGE_SIGNALS: tuple[str, ...] = (
    "offer",
    "call_to_action",
    "price",
    "booking_or_contact",
    "provider_voice",
    "patient_story",
    "reported_speech",
    "critical_stance",
    "research_report",
    "registry_fields",
    "approved_product",
    "news_report",
    "veterinary",
    "cosmetic",
    "obfuscation",
)
CATEGORIES: tuple[str, ...] = (
    "unapproved_use",
    "efficacy_claim",
    "safety_claim",
    "medication_discontinuation",
    "regulatory_misrepresentation",
    "unsupported_evidence",
    "testimonial",
    "pay_to_participate",
    "broad_claims",
    "hype_language",
    "nonhomologous_or_systemic_use",
    "more_than_minimal_manipulation",
    "missing_disclosure",
)
PRODUCT_IDS: tuple[str, ...] = (
    "adipose",
    "bone_marrow",
    "umbilical_cord",
    "amniotic_placental",
    "exosome",
    "stem_cell_unspecified",
    "other",
)
