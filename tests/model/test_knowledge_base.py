"""Tests for the regulatory knowledge base (data file and model.knowledge_base)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import yaml

from model import vocabulary
from model.knowledge_base import (
    CATEGORIES,
    PRECEDENT_KINDS,
    PRODUCTS,
    REFERENCE_KINDS,
    KnowledgeBase,
    KnowledgeBaseError,
    Precedent,
    load_knowledge_base,
)

ROOT = Path(__file__).resolve().parents[2]
KB_PATH = ROOT / "model" / "data" / "knowledge_base.yaml"
CONDITIONS_PATH = ROOT / "docs" / "canonical_conditions.txt"
SPEC_CATEGORIES = set(vocabulary.CATEGORIES)
SPEC_PRODUCTS = set(vocabulary.PRODUCT_IDS)
REQUIRED_REFERENCES = {
    "cfr-1271-3",
    "cfr-1271-10a",
    "cfr-1271-15b",
    "cfr-1271-20",
    "phs-351",
    "phs-361",
    "fdca-201g",
    "fdca-502",
    "fdca-505a",
    "fdca-505i",
    "fdca-301",
    "cfr-312-7",
    "ftc-act-5",
    "ftc-act-12",
    "ftc-health-guidance-2022",
    "fda-guidance-mmhu",
    "fda-consumer-update-stem-cells",
    "fda-consumer-alert-2020",
    "us-v-regenerative-sciences",
    "us-v-us-stem-cell-clinic",
    "us-v-california-stem-cell",
    "isscr-guidelines-2021",
    "isscr-patient-resources",
    "google-ads-speculative-treatments",
}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def canonical_conditions() -> set[str]:
    lines = CONDITIONS_PATH.read_text(encoding="utf-8").splitlines()
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def _prec(
    pid: str,
    *,
    date: str = "2020-01-01",
    verified: bool = True,
    products: tuple[str, ...] = (),
    conditions: tuple[str, ...] = (),
    categories: tuple[str, ...] = ("unapproved_use",),
) -> Precedent:
    return Precedent(
        id=pid,
        kind="fda_warning_letter",
        recipient=pid,
        date=date,
        reference=None,
        url="https://example.org",
        summary="s",
        products=products,
        conditions=conditions,
        categories=categories,
        routes=(),
        verified=verified,
    )


# --- schema -----------------------------------------------------------------------------


def test_default_path_and_counts(kb: KnowledgeBase) -> None:
    assert load_knowledge_base(KB_PATH).as_dict() == kb.as_dict()
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}", kb.version)
    assert len(kb.references) >= 20
    assert len(kb.precedents) >= 45


def test_module_vocabularies_match_spec() -> None:
    assert CATEGORIES == SPEC_CATEGORIES
    assert PRODUCTS == SPEC_PRODUCTS


def test_ids_unique_and_kebab(kb: KnowledgeBase) -> None:
    ids = list(kb.references) + [p.id for p in kb.precedents]
    assert len(ids) == len(set(ids))
    assert all(KEBAB.match(i) for i in ids), [i for i in ids if not KEBAB.match(i)]
    assert all(ref.id == key for key, ref in kb.references.items())


def test_reference_fields(kb: KnowledgeBase) -> None:
    for ref in kb.references.values():
        assert ref.kind in REFERENCE_KINDS, ref.id
        assert ref.url.startswith("https://"), ref.id
        assert ref.citation and ref.title, ref.id
        assert 2 <= ref.summary.count(". ") + 1 <= 4, ref.id
        assert ref.categories and set(ref.categories) <= SPEC_CATEGORIES, ref.id


def test_every_category_is_backed_by_a_reference(kb: KnowledgeBase) -> None:
    backed = {c for ref in kb.references.values() for c in ref.categories}
    assert backed == SPEC_CATEGORIES


def test_precedent_fields(kb: KnowledgeBase, canonical_conditions: set[str]) -> None:
    for p in kb.precedents:
        assert p.kind in PRECEDENT_KINDS, p.id
        assert p.url.startswith("https://"), p.id
        assert dt.date.fromisoformat(p.date).isoformat() == p.date, p.id
        assert p.recipient and p.summary, p.id
        assert p.reference is None or "unverified" not in p.reference.lower(), p.id
        assert set(p.products) <= SPEC_PRODUCTS, p.id
        assert set(p.categories) <= SPEC_CATEGORIES, p.id
        unknown = set(p.conditions) - canonical_conditions
        assert not unknown, (p.id, unknown)
        assert all(r == r.lower() for r in p.routes), p.id
        assert isinstance(p.verified, bool), p.id


def test_raw_yaml_has_no_unverified_markers() -> None:
    raw = yaml.safe_load(KB_PATH.read_text(encoding="utf-8"))
    for rec in raw["precedents"]:
        for key in ("reference", "routes", "conditions", "products"):
            assert "unverified" not in json.dumps(rec.get(key)).lower(), rec["id"]


def test_required_references_present(kb: KnowledgeBase) -> None:
    assert REQUIRED_REFERENCES <= set(kb.references), REQUIRED_REFERENCES - set(kb.references)
    kinds = {ref.kind for ref in kb.references.values()}
    assert {"regulation", "statute", "guidance", "consumer_alert", "court_decision"} <= kinds


def test_precedents_cover_fda_ftc_and_courts(kb: KnowledgeBase) -> None:
    kinds = {p.kind for p in kb.precedents}
    assert {"fda_warning_letter", "fda_untitled_letter", "ftc_action", "court_decision"} <= kinds
    assert any(p.verified for p in kb.precedents)
    assert any("covid-19" in p.conditions for p in kb.precedents)


# --- lookups ------------------------------------------------------------------------------


def test_reference_lookup(kb: KnowledgeBase) -> None:
    assert kb.reference("cfr-1271-10a").citation.startswith("21 CFR 1271.10")


def test_unknown_reference_raises(kb: KnowledgeBase) -> None:
    with pytest.raises(KeyError, match="no-such-ref"):
        kb.reference("no-such-ref")


def test_as_dict_round_trips_through_json(kb: KnowledgeBase) -> None:
    data = json.loads(json.dumps(kb.as_dict()))
    assert data["version"] == kb.version
    ref_ids = [r["id"] for r in data["references"]]
    assert ref_ids == sorted(ref_ids) and len(ref_ids) == len(kb.references)
    dates = [p["date"] for p in data["precedents"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == len(kb.precedents)
    expected = {"kind", "recipient", "date", "reference", "url", "summary"}
    assert expected <= set(data["precedents"][0])


def test_loader_rejects_bad_data(tmp_path: Path) -> None:
    raw = yaml.safe_load(KB_PATH.read_text(encoding="utf-8"))
    raw["precedents"][0]["categories"] = ["covid_claim"]
    bad = tmp_path / "kb.yaml"
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="covid_claim"):
        load_knowledge_base(bad)
    raw = yaml.safe_load(KB_PATH.read_text(encoding="utf-8"))
    raw["references"].append(raw["references"][0])
    bad.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="duplicate"):
        load_knowledge_base(bad)


# --- ranking ------------------------------------------------------------------------------


def test_condition_match_outranks_category_only() -> None:
    kb = KnowledgeBase(
        version="t",
        references={},
        precedents=(
            _prec("category-only", date="2025-01-01"),
            _prec("with-condition", date="2015-01-01", verified=False, conditions=("lupus",)),
        ),
    )
    got = kb.closest_precedents(category="unapproved_use", condition="lupus")
    assert [p.id for p in got] == ["with-condition", "category-only"]


def test_product_match_outranks_category_only_and_ties_are_deterministic() -> None:
    kb = KnowledgeBase(
        version="t",
        references={},
        precedents=(
            _prec("b-old", date="2019-01-01"),
            _prec("a-old", date="2019-01-01"),
            _prec("new-unverified", date="2024-01-01", verified=False),
            _prec("new", date="2024-01-01"),
            _prec("product", date="2010-01-01", verified=False, products=("exosome",)),
        ),
    )
    got = kb.closest_precedents(category="unapproved_use", product="exosome", limit=10)
    assert [p.id for p in got] == ["product", "new", "a-old", "b-old", "new-unverified"]


def test_requires_category_or_product_match() -> None:
    kb = KnowledgeBase(
        version="t",
        references={},
        precedents=(
            _prec("condition-only", conditions=("lupus",), categories=("testimonial",)),
            _prec("product-only", products=("adipose",), categories=("testimonial",)),
            _prec("no-categories", products=("adipose",), categories=()),
        ),
    )
    got = kb.closest_precedents(category="unapproved_use", product="adipose", condition="lupus")
    assert [p.id for p in got] == ["product-only"]
    assert kb.closest_precedents(category="hype_language") == []


def test_real_data_ranking(kb: KnowledgeBase) -> None:
    got = kb.closest_precedents(
        category="unapproved_use", product="adipose", condition="parkinson's disease"
    )
    assert len(got) == 3
    assert all("parkinson's disease" in p.conditions and "adipose" in p.products for p in got)
    covid = kb.closest_precedents(category="efficacy_claim", condition="covid-19", limit=5)
    assert covid and all("covid-19" in p.conditions for p in covid)


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 5])
def test_limit_respected(kb: KnowledgeBase, limit: int) -> None:
    got = kb.closest_precedents(category="unapproved_use", limit=limit)
    assert len(got) == limit


def test_deterministic_across_loads(kb: KnowledgeBase) -> None:
    args = {"category": "efficacy_claim", "product": "umbilical_cord", "condition": "joint pain"}
    first = [p.id for p in kb.closest_precedents(**args)]
    assert first == [p.id for p in load_knowledge_base().closest_precedents(**args)]
    assert first == [p.id for p in kb.closest_precedents(**args)]


def test_unknown_values_give_no_crash(kb: KnowledgeBase) -> None:
    assert kb.closest_precedents(category="not-a-category") == []
    got = kb.closest_precedents(category="not-a-category", product="exosome")
    assert got and all("exosome" in p.products for p in got)
