"""SPEC's fixed vocabularies, in one place: flag categories and product ids."""

from __future__ import annotations

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
