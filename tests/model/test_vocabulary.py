"""The vocabularies are SPEC's, word for word (SPEC.md, "Categories" and "Product ids")."""

from model.vocabulary import CATEGORIES, PRODUCT_IDS


def test_categories_are_specs():
    assert set(CATEGORIES) == {
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
    }
    assert len(CATEGORIES) == 13


def test_product_ids_are_specs():
    assert set(PRODUCT_IDS) == {
        "adipose",
        "bone_marrow",
        "umbilical_cord",
        "amniotic_placental",
        "exosome",
        "stem_cell_unspecified",
        "other",
    }
