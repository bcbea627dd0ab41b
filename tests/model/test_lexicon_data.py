"""Checks on the lexicon data files in model/data (products, conditions, context cues).

These tests read the YAML directly so that they hold whatever the matcher does with it:
schema, uniqueness, coverage of the canonical condition names, and that no phrase is claimed
by two different entities once folded the way the matcher folds text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from model import vocabulary
from model.lexicons import CUE_KINDS, load_lexicons

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "model" / "data"
CANONICAL_TXT = ROOT / "docs" / "canonical_conditions.txt"

PRODUCT_IDS = set(vocabulary.PRODUCT_IDS)
GROUPS = {
    "neurological",
    "autoimmune",
    "metabolic",
    "musculoskeletal",
    "cardiovascular",
    "respiratory",
    "ophthalmic",
    "ent",
    "renal",
    "hepatic",
    "reproductive",
    "dermatological",
    "aging",
    "oncological_hematological",
    "infectious",
    "psychiatric",
    "pain",
    "genetic",
    "immune",
}
CUE_LISTS = ("critical", "informational", "negation", "free_trial", "disclosure")
KEY_RE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
# MeSH descriptor UIs: D + 6 digits, or D + 9 digits for descriptors created since 2016
# (e.g. D000070642 Brain Injuries, Traumatic; D000086382 COVID-19).
MESH_RE = re.compile(r"^D(\d{6}|\d{9})$")

# Phrases that would fire on ordinary innocent text and must never be lexicon terms.
FORBIDDEN_TERMS = {
    "pain",
    "ms",
    "ad",
    "pd",
    "as",
    "all",
    "ed",
    "cp",
    "aids",
    "burns",
    "burn",
    "fat",
    "cells",
    "cell",
    "therapy",
    "treatment",
    "injection",
    "biologics",
    "biologic",
    "grasa",
    "bone marrow",
    "placenta",
    "allograft",
    "regenerative medicine",
    "cell therapy",
    "msc",
    "prp",
    "platelet rich plasma",
    "peptide",
    "peptides",
    "tumor",
    "tumors",
}

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "\u0060": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
_SEP_RE = re.compile(r"[\s\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212/]+")


def fold(text: str) -> str:
    """Fold like the matcher: NFKC, strip diacritics, straight quotes, collapse separators."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    return _SEP_RE.sub(" ", text).strip()


def fold_term(term: str) -> str:
    return fold(term).lower()


def _load(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), f"{name} must be a mapping"
    return data


@pytest.fixture(scope="module")
def products() -> dict:
    return _load("products.yaml")


@pytest.fixture(scope="module")
def conditions() -> dict:
    return _load("conditions.yaml")


@pytest.fixture(scope="module")
def cues() -> dict:
    return _load("context_cues.yaml")


@pytest.fixture(scope="module")
def canonical_names() -> list[str]:
    lines = CANONICAL_TXT.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def condition_names(conditions) -> set[str]:
    return {c["name"] for c in conditions["conditions"]}


def _check_term_list(where: str, terms) -> None:
    assert isinstance(terms, list) and terms, f"{where}: terms must be a non-empty list"
    seen = set()
    for t in terms:
        assert isinstance(t, str) and t.strip(), f"{where}: empty or non-string term {t!r}"
        assert t == fold_term(t), f"{where}: term {t!r} is not written folded/lower-case"
        assert re.search(r"[^\W\d_]", t), f"{where}: term {t!r} has no letter"
        assert t not in FORBIDDEN_TERMS, f"{where}: term {t!r} fires on innocent text"
        assert t not in seen, f"{where}: duplicate term {t!r}"
        seen.add(t)


def _check_abbrev_list(where: str, abbrevs) -> None:
    assert isinstance(abbrevs, list), f"{where}: abbreviations must be a list"
    assert len(set(abbrevs)) == len(abbrevs), f"{where}: duplicate abbreviation"
    for a in abbrevs:
        assert isinstance(a, str) and a, f"{where}: bad abbreviation {a!r}"
        assert a == fold(a), f"{where}: abbreviation {a!r} is not written folded"
        assert " " not in a, f"{where}: abbreviation {a!r} contains a space"
        assert any(ch.isupper() for ch in a), f"{where}: abbreviation {a!r} has no capital"


# --------------------------------------------------------------------------- fold helper


def test_fold_helper_matches_documented_semantics():
    assert fold_term("Fat-Derived  Stem\u00a0Cells") == "fat derived stem cells"
    assert fold_term("Wharton\u2019s Jelly") == "wharton's jelly"
    assert fold_term("c\u00e9lulas madre / m\u00e9dula \u00f3sea") == "celulas madre medula osea"
    assert fold_term("Cord\u2013Blood") == "cord blood"
    assert fold("HIV/AIDS") == "HIV AIDS"


# --------------------------------------------------------------------------- products


def test_products_schema(products):
    assert isinstance(products.get("version"), str) and products["version"]
    entries = products["products"]
    assert isinstance(entries, list) and len(entries) >= 20
    keys = set()
    for p in entries:
        where = f"product {p.get('key')!r}"
        assert set(p) >= {"key", "id", "label", "autologous", "terms", "abbreviations"}, where
        assert KEY_RE.match(p["key"]), f"{where}: key must be snake_case"
        assert p["key"] not in keys, f"{where}: duplicate key"
        keys.add(p["key"])
        assert p["id"] in PRODUCT_IDS, f"{where}: unknown product id {p['id']!r}"
        assert isinstance(p["label"], str) and p["label"].strip(), where
        first_word = p["label"].split()[0]
        # lower-case noun phrase; a leading proper name ("Wharton's jelly ...") is allowed
        assert first_word[0].islower() or first_word.endswith("'s"), (
            f"{where}: label should start lower-case unless it is a proper name"
        )
        assert p["autologous"] in (True, False, None), where
        _check_term_list(where, p["terms"])
        _check_abbrev_list(where, p["abbreviations"])


def test_products_cover_every_specific_product_id(products):
    ids = {p["id"] for p in products["products"]}
    assert ids == PRODUCT_IDS


def test_products_size(products):
    entries = products["products"]
    assert len(entries) >= 25
    assert sum(len(p["terms"]) for p in entries) >= 150


def test_no_product_term_under_two_entries(products):
    owner: dict[str, str] = {}
    for p in products["products"]:
        for t in p["terms"]:
            f = fold_term(t)
            assert f not in owner, f"term {t!r} in both {owner[f]!r} and {p['key']!r}"
            owner[f] = p["key"]
    abbr_owner: dict[str, str] = {}
    for p in products["products"]:
        for a in p["abbreviations"]:
            assert a not in abbr_owner, f"abbreviation {a!r} in {abbr_owner[a]!r} and {p['key']!r}"
            abbr_owner[a] = p["key"]


def test_no_product_term_under_two_spec_ids(products):
    ids: dict[str, set[str]] = defaultdict(set)
    for p in products["products"]:
        for t in p["terms"]:
            ids[fold_term(t)].add(p["id"])
    clashes = {t: sorted(v) for t, v in ids.items() if len(v) > 1}
    assert not clashes


@pytest.mark.parametrize(
    ("phrase", "product_id"),
    [
        ("Stromal Vascular Fraction", "adipose"),
        ("Fat-Derived Stem Cells", "adipose"),
        ("stem cells from your own fat", "adipose"),
        ("mini-liposuction", "adipose"),
        ("Bone Marrow Aspirate Concentrate", "bone_marrow"),
        ("from your hip bone", "bone_marrow"),
        ("harvested his bone marrow", "bone_marrow"),
        ("Wharton\u2019s Jelly", "umbilical_cord"),
        ("whartons jelly", "umbilical_cord"),
        ("UC-MSCs", "umbilical_cord"),
        ("cord-derived", "umbilical_cord"),
        ("cord blood stem cells", "umbilical_cord"),
        ("c\u00e9lulas madre de cord\u00f3n umbilical", "umbilical_cord"),
        ("gelatina de Wharton", "umbilical_cord"),
        ("amniotic fluid", "amniotic_placental"),
        ("amnion/chorion", "amniotic_placental"),
        ("placental tissue", "amniotic_placental"),
        ("flowable allograft", "amniotic_placental"),
        ("exosomes", "exosome"),
        ("exosomas", "exosome"),
        ("secretome", "exosome"),
        ("conditioned media", "exosome"),
        ("extracellular vesicles", "exosome"),
        ("cell-free stem cell", "exosome"),
        ("stem cell therapy", "stem_cell_unspecified"),
        ("mesenchymal stem cells", "stem_cell_unspecified"),
        ("c\u00e9lulas madre", "stem_cell_unspecified"),
        ("terapia celular", "stem_cell_unspecified"),
        ("cellular therapy", "stem_cell_unspecified"),
    ],
)
def test_product_examples(products, phrase, product_id):
    index = {fold_term(t): p["id"] for p in products["products"] for t in p["terms"]}
    assert index.get(fold_term(phrase)) == product_id


@pytest.mark.parametrize(
    ("abbrev", "product_id"),
    [
        ("SVF", "adipose"),
        ("BMAC", "bone_marrow"),
        ("MSCs", "stem_cell_unspecified"),
        ("ADSCs", "adipose"),
        ("EVs", "exosome"),
    ],
)
def test_product_abbreviation_examples(products, abbrev, product_id):
    index = {a: p["id"] for p in products["products"] for a in p["abbreviations"]}
    assert index.get(abbrev) == product_id


# --------------------------------------------------------------------------- approved products


def _approved_entries(products):
    return [("approved_products", e) for e in products["approved_products"]] + [
        ("legitimate_procedures", e) for e in products["legitimate_procedures"]
    ]


def test_approved_products_schema(products, condition_names):
    assert products["approved_products"] and products["legitimate_procedures"]
    keys = set()
    for section, e in _approved_entries(products):
        where = f"{section} {e.get('key')!r}"
        required = {"key", "name", "terms", "approved_conditions"}
        if section == "approved_products":
            required |= {"product_id", "note"}
        assert set(e) >= required, f"{where}: missing {required - set(e)}"
        assert KEY_RE.match(e["key"]), f"{where}: key must be snake_case"
        assert e["key"] not in keys, f"{where}: duplicate key"
        keys.add(e["key"])
        assert isinstance(e["name"], str) and e["name"].strip(), where
        if "product_id" in e:
            assert e["product_id"] in PRODUCT_IDS, where
        if "note" in e:
            assert isinstance(e["note"], str) and e["note"].strip(), where
        _check_term_list(where, e["terms"])
        _check_abbrev_list(where, e.get("abbreviations", []))
        approved = e["approved_conditions"]
        assert isinstance(approved, list) and approved, f"{where}: needs approved_conditions"
        assert len(set(approved)) == len(approved), f"{where}: duplicate condition"
        unknown = [c for c in approved if c not in condition_names]
        assert not unknown, f"{where}: unknown condition names {unknown}"


def test_approved_and_legitimate_terms_are_unique(products):
    owner: dict[str, str] = {}
    abbr_owner: dict[str, str] = {}
    for _, e in _approved_entries(products):
        for t in e["terms"]:
            f = fold_term(t)
            assert f not in owner, f"term {t!r} in both {owner[f]!r} and {e['key']!r}"
            owner[f] = e["key"]
        for a in e.get("abbreviations", []):
            assert a not in abbr_owner, f"abbreviation {a!r} twice"
            abbr_owner[a] = e["key"]


def test_approved_terms_do_not_collide_with_product_terms(products):
    product_terms = {fold_term(t) for p in products["products"] for t in p["terms"]}
    product_abbr = {a for p in products["products"] for a in p["abbreviations"]}
    for _, e in _approved_entries(products):
        assert not product_terms & {fold_term(t) for t in e["terms"]}, e["key"]
        assert not product_abbr & set(e.get("abbreviations", [])), e["key"]


def test_every_approved_product_in_fact_base_is_covered(products):
    # CI and developers keep shared/ beside the repository.
    facts = (
        Path(__file__).resolve().parents[3] / "shared" / "regulatory" / "approved_products.jsonl"
    )
    if not facts.exists():
        pytest.skip("shared regulatory fact base not available")
    import json

    vocab = {fold_term(t) for _, e in _approved_entries(products) for t in e["terms"]}
    vocab |= {a.lower() for _, e in _approved_entries(products) for a in e.get("abbreviations", [])}
    missing = []
    for line in facts.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        name = fold_term(rec["name"])
        if name.startswith("hpc, cord blood") or name.startswith("hpc cord blood"):
            ok = "hpc cord blood" in vocab
        else:
            ok = name in vocab
        if not ok:
            missing.append(rec["name"])
    assert not missing


@pytest.mark.parametrize(
    ("term", "condition"),
    [
        ("ryoncil", "graft-versus-host disease"),
        ("lantidra", "type 1 diabetes"),
        ("casgevy", "beta thalassemia"),
        ("amtagvi", "melanoma"),
        ("bone marrow transplant", "leukemia"),
        ("car t", "multiple myeloma"),
    ],
)
def test_approved_indication_examples(products, term, condition):
    entry = next(e for _, e in _approved_entries(products) if term in e["terms"])
    assert condition in entry["approved_conditions"]


def test_ryoncil_is_not_approved_for_clinic_conditions(products):
    ryoncil = next(e for e in products["approved_products"] if e["key"] == "ryoncil")
    assert ryoncil["approved_conditions"] == ["graft-versus-host disease"]


# --------------------------------------------------------------------------- conditions


def test_conditions_schema(conditions):
    assert isinstance(conditions.get("version"), str) and conditions["version"]
    entries = conditions["conditions"]
    assert isinstance(entries, list) and entries
    names = set()
    for c in entries:
        where = f"condition {c.get('name')!r}"
        assert set(c) >= {"name", "mesh", "group", "terms", "abbreviations"}, where
        assert isinstance(c["name"], str) and c["name"] == c["name"].strip().lower(), where
        assert c["name"] not in names, f"{where}: duplicate name"
        names.add(c["name"])
        assert c["mesh"] is None or (isinstance(c["mesh"], str) and MESH_RE.match(c["mesh"])), (
            f"{where}: bad MeSH id {c['mesh']!r}"
        )
        assert c["group"] in GROUPS, f"{where}: unknown group {c['group']!r}"
        _check_term_list(where, c["terms"])
        _check_abbrev_list(where, c["abbreviations"])


def test_every_canonical_name_is_defined(conditions, canonical_names):
    names = {c["name"] for c in conditions["conditions"]}
    missing = [n for n in canonical_names if n not in names]
    assert not missing


def test_every_defined_name_is_canonical(conditions, canonical_names):
    extra = [c["name"] for c in conditions["conditions"] if c["name"] not in canonical_names]
    assert not extra, "append new names to docs/canonical_conditions.txt"


def test_canonical_file_has_no_duplicates(canonical_names):
    assert len(canonical_names) == len(set(canonical_names))


def test_mesh_ids_unique(conditions):
    seen: dict[str, str] = {}
    for c in conditions["conditions"]:
        if c["mesh"] is None:
            continue
        assert c["mesh"] not in seen, f"{c['mesh']} used by {seen[c['mesh']]!r} and {c['name']!r}"
        seen[c["mesh"]] = c["name"]


def test_no_condition_term_under_two_conditions(conditions):
    owner: dict[str, str] = {}
    for c in conditions["conditions"]:
        for t in c["terms"]:
            f = fold_term(t)
            assert f not in owner, f"term {t!r} in both {owner[f]!r} and {c['name']!r}"
            owner[f] = c["name"]
    abbr_owner: dict[str, str] = {}
    for c in conditions["conditions"]:
        for a in c["abbreviations"]:
            assert a not in abbr_owner, f"abbreviation {a!r} in {abbr_owner[a]!r} and {c['name']!r}"
            abbr_owner[a] = c["name"]


def test_condition_and_product_vocabularies_are_disjoint(conditions, products):
    cond_terms = {fold_term(t) for c in conditions["conditions"] for t in c["terms"]}
    cond_abbr = {a for c in conditions["conditions"] for a in c["abbreviations"]}
    prod_terms = {fold_term(t) for p in products["products"] for t in p["terms"]}
    prod_terms |= {fold_term(t) for _, e in _approved_entries(products) for t in e["terms"]}
    prod_abbr = {a for p in products["products"] for a in p["abbreviations"]}
    prod_abbr |= {a for _, e in _approved_entries(products) for a in e.get("abbreviations", [])}
    assert not cond_terms & prod_terms
    assert not cond_abbr & prod_abbr


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("Lou Gehrig\u2019s disease", "amyotrophic lateral sclerosis"),
        ("Parkinsons", "parkinson's disease"),
        ("Alzheimers", "alzheimer's disease"),
        ("Crohns", "crohn's disease"),
        ("bad knees", "knee osteoarthritis"),
        ("worn-out knees", "knee osteoarthritis"),
        ("arthritic knees", "knee osteoarthritis"),
        ("rodillas con artrosis", "knee osteoarthritis"),
        ("worn discs", "degenerative disc disease"),
        ("wear and tear", "osteoarthritis"),
        ("torn meniscus", "cartilage damage"),
        ("juvenile diabetes", "type 1 diabetes"),
        ("Type-2 Diabetes", "type 2 diabetes"),
        ("anti-aging", "aging"),
        ("COVID-19", "covid-19"),
        ("long-haul COVID", "long covid"),
        ("esclerosis m\u00faltiple", "multiple sclerosis"),
        ("enfermedad de Parkinson", "parkinson's disease"),
        ("Sj\u00f6gren\u2019s syndrome", "sjogren's syndrome"),
        ("graft-versus-host disease", "graft-versus-host disease"),
        ("post-traumatic stress disorder", "post-traumatic stress disorder"),
        ("HIV/AIDS", "hiv/aids"),
        ("rheumatoid arthritis", "rheumatoid arthritis"),
        ("arthritis", "arthritis"),
    ],
)
def test_condition_examples(conditions, phrase, name):
    index = {fold_term(t): c["name"] for c in conditions["conditions"] for t in c["terms"]}
    assert index.get(fold_term(phrase)) == name


@pytest.mark.parametrize(
    ("abbrev", "name"),
    [
        ("MS", "multiple sclerosis"),
        ("ALS", "amyotrophic lateral sclerosis"),
        ("T1D", "type 1 diabetes"),
        ("RA", "rheumatoid arthritis"),
        ("COPD", "chronic obstructive pulmonary disease"),
        ("PTSD", "post-traumatic stress disorder"),
        ("AIDS", "hiv/aids"),
        ("GVHD", "graft-versus-host disease"),
    ],
)
def test_condition_abbreviation_examples(conditions, abbrev, name):
    index = {a: c["name"] for c in conditions["conditions"] for a in c["abbreviations"]}
    assert index.get(abbrev) == name


def test_canonical_name_is_a_term_when_safe(conditions):
    # Every canonical name should be matchable as written, except where the bare name is
    # deliberately excluded because it fires on innocent text.
    exempt = {"burns"}
    for c in conditions["conditions"]:
        if c["name"] in exempt:
            continue
        terms = {fold_term(t) for t in c["terms"]}
        assert fold_term(c["name"]) in terms, c["name"]


# --------------------------------------------------------------------------- context cues


def test_context_cues_schema(cues):
    assert isinstance(cues.get("version"), str) and cues["version"]
    assert set(CUE_LISTS) <= set(cues)
    for name in CUE_LISTS:
        phrases = cues[name]
        assert isinstance(phrases, list), name
        # A list in the hundreds is a lexicon, not a few cues; the critical list holds its
        # phrases in 18 languages (401 in the sixth session).
        assert 25 <= len(phrases) <= 500, f"{name}: {len(phrases)} entries"
        folded = [fold_term(p) for p in phrases]
        assert len(set(folded)) == len(folded), f"{name}: duplicate phrases"
        for p in phrases:
            assert isinstance(p, str) and p.strip(), name
            assert p == fold_term(p), f"{name}: {p!r} is not written folded/lower-case"
            assert not re.search(r"[,.;:!?]", p), f"{name}: {p!r} has internal punctuation"


def test_every_cue_list_is_loaded(cues):
    """A cue list the loader does not know would be dead data: it must be a `CUE_KINDS` entry
    (the adverse and veterinary lists once sat unread in the file)."""
    lists = {name for name, value in cues.items() if isinstance(value, list)}
    assert lists == set(CUE_KINDS)
    phrases = {p.group for p in load_lexicons().phrases if p.group.startswith("cue:")}
    assert phrases == {f"cue:{kind}" for kind in CUE_KINDS}


@pytest.mark.parametrize(
    ("section", "phrase"),
    [
        ("critical", "unproven treatments"),
        ("critical", "warning letter"),
        ("informational", "according to"),
        ("negation", "no cure"),
        ("negation", "has not been shown"),
        ("free_trial", "at no cost to participants"),
        ("disclosure", "investigational"),
        ("disclosure", "results may vary"),
        ("critical", "red flag"),
        ("informational", "the court"),
        ("informational", "adverse benefit determination"),
        ("veterinary", "canine"),
        ("adverse", "side effects"),
        ("negation", "does not replace"),
        ("critical", "not approved by the fda"),
        ("informational", "consent order"),
    ],
)
def test_context_cue_examples(cues, section, phrase):
    assert phrase in cues[section]
