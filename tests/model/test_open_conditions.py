"""The open condition vocabulary (`model/data/conditions_open.yaml`, built from ICD-10-CM).

It must widen what is paired without pairing ordinary words, and without overriding the curated
lexicon's names, codes and groups.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

import model
from model.lexicons import Condition, _open_conditions, load_lexicons
from model.normalise import fold_term

DATA_DIR = Path(model.__file__).parent / "data"
OPEN = yaml.safe_load((DATA_DIR / "conditions_open.yaml").read_text(encoding="utf-8"))
CURATED = yaml.safe_load((DATA_DIR / "conditions.yaml").read_text(encoding="utf-8"))
GROUPS = {record["group"] for record in CURATED["conditions"]}


@pytest.fixture(scope="module")
def rules_checker() -> model.Checker:
    return model.load_checker(use_classifier=False)


def _pairs(checker: model.Checker, text: str) -> set[tuple[str, str]]:
    return {
        (flag["entities"]["product"]["id"], flag["entities"]["condition"]["name"])
        for flag in checker.claims_before_judgement(text)
        if flag["rule_id"] == "unapproved-use.cell-product-for-disease"
    }


# Conditions the curated lexicon lacked, each in an ad sentence of our own.
NEWLY_PAIRED = [
    (
        "Our fat-derived stem cells calm mast cell activation syndrome for good.",
        "mast cell activation syndrome",
    ),
    ("Exosome therapy restores skin damaged by lichen sclerosus.", "lichen sclerosus"),
    (
        "Umbilical cord stem cells end stress urinary incontinence without surgery.",
        "stress urinary incontinence",
    ),
    ("Our stem cell injections heal Achilles tendinopathy in weeks.", "tendon injury"),
    ("Bone marrow stem cells save legs from critical limb ischaemia.", "peripheral artery disease"),
    ("Stem cell therapy is the answer to sciatica.", "back pain"),
    (
        "Stem cell injections repair a herniated disc without an operation.",
        "degenerative disc disease",
    ),
    ("Our stem cell infusions reverse emphysema.", "chronic obstructive pulmonary disease"),
    ("Mesenchymal stem cells lower high blood pressure naturally.", "hypertension"),
    ("Stem cell therapy treats liver disease at its root.", "liver disease"),
    ("Exosomes regrow hair lost to alopecia areata.", "alopecia areata"),
    ("Our stem cell shot heals an ACL tear without surgery.", "ligament injury"),
    ("Athletes use our stem cell injections for a hamstring tear.", "hamstring tear"),
    (
        "Stem cell therapy rebuilds knees worn by chondromalacia patellae.",
        "chondromalacia patellae",
    ),
]


@pytest.mark.parametrize(("text", "condition"), NEWLY_PAIRED, ids=[c for _, c in NEWLY_PAIRED])
def test_conditions_from_the_terminology_are_paired(
    rules_checker: model.Checker, text: str, condition: str
) -> None:
    assert condition in {c for _, c in _pairs(rules_checker, text)}


# Words a terminology holds as names of conditions that ads and articles use otherwise.
INNOCENT = [
    "Stem cells from the retina's ganglion layer were studied in the laboratory.",
    "Our stem cell clinic is open; a sprain or strain of daily life is no reason to wait.",
    "Stem cells, freckles and a sunny smile: meet our team.",
    "Stem cell research is a field where fatigue sets in for many reviewers.",
    "Our stem cell lab uses a TIA portal to book the room.",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_words_are_not_conditions(rules_checker: model.Checker, text: str) -> None:
    assert not _pairs(rules_checker, text)


def test_open_conditions_are_loaded_with_their_codes() -> None:
    lexicons = load_lexicons()
    hypertension = lexicons.conditions["hypertension"]
    assert hypertension.icd10cm == "I10"
    assert hypertension.code == "MeSH:D006973"
    # Curated entries keep their own record: the open vocabulary only adds terms to them.
    assert lexicons.conditions["back pain"].icd10cm is None


def test_open_records_are_well_formed() -> None:
    curated_names = {record["name"] for record in CURATED["conditions"]}
    for record in OPEN["conditions"]:
        where = f"{record['name']} ({record['icd10cm']})"
        assert re.fullmatch(r"[A-Z]\d\d(\.\w{1,4})?", record["icd10cm"]), where
        assert record["terms"], where
        for term in record["terms"]:
            assert term == fold_term(term), f"{where}: {term!r} is not folded"
            assert 1 <= len(term.split()) <= 5, where
        if record.get("extends"):
            assert record["name"] in curated_names, where
        else:
            assert record["name"] not in curated_names, where
            assert record["group"] in GROUPS, where
            assert record["mesh"] is None or re.fullmatch(r"D\d{6}(\d{3})?", record["mesh"])


def test_no_mesh_id_names_two_conditions() -> None:
    """(That no term names two conditions, curated, open or in a language file, is
    tests/model/test_languages_lexicon.py's.)"""
    mesh: dict[str, set[str]] = defaultdict(set)
    for record in CURATED["conditions"] + OPEN["conditions"]:
        if record.get("mesh"):
            mesh[record["mesh"]].add(record["name"])
    assert not {code: names for code, names in mesh.items() if len(names) > 1}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {
                "name": "lupus",
                "icd10cm": "M32",
                "mesh": None,
                "group": "autoimmune",
                "terms": ["sle"],
            },
            "defined twice",
        ),
        (
            {"name": "no such thing", "icd10cm": "M99", "extends": True, "terms": ["x y"]},
            "extends unknown",
        ),
        (
            {
                "name": "gout",
                "icd10cm": "M10",
                "mesh": None,
                "group": "musculoskeletal",
                "terms": ["gout"],
                "synonyms": [],
            },
            "unknown keys",
        ),
    ],
)
def test_a_record_that_would_shadow_or_guess_is_refused(record: dict, message: str) -> None:
    conditions = {"lupus": Condition("lupus", "D008180", "autoimmune")}
    with pytest.raises(ValueError, match=message):
        _open_conditions({"version": "1", "conditions": [record]}, conditions)
