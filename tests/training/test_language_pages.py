"""The written pages in other languages that the page model learns from (training/pages)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from training.page_model import LANGUAGE_PAGES, PROMOTIONAL_NEGATIVE_TYPES, written_pages

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"id", "format", "lang", "kind", "negative_type", "expected_risk", "text"}
NEGATIVE_TYPES = {
    "news",
    "hsct_cancer",
    "ordinary_clinic",
    "consumer_warning",
    "research",
    "cord_blood_banking",
}


def _rows() -> list[dict]:
    return [json.loads(line) for line in LANGUAGE_PAGES.read_text(encoding="utf-8").splitlines()]


def test_every_row_is_a_written_page_with_its_label():
    rows = _rows()
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert set(row) == KEYS, row["id"]
        assert row["lang"] != "en"
        if row["kind"] == "ad":
            assert row["expected_risk"] == "high" and row["negative_type"] is None
        else:
            assert row["kind"] == "hard_negative" and row["expected_risk"] == "low"
            assert row["negative_type"] in NEGATIVE_TYPES


def test_each_language_has_ads_and_every_kind_of_legitimate_page():
    rows = _rows()
    ads = Counter(row["lang"] for row in rows if row["kind"] == "ad")
    negatives: dict[str, set[str]] = {}
    for row in rows:
        if row["kind"] == "hard_negative":
            negatives.setdefault(row["lang"], set()).add(row["negative_type"])
    assert len(ads) >= 13
    assert all(count >= 6 for count in ads.values()), ads
    assert all(kinds == NEGATIVE_TYPES for kinds in negatives.values()), negatives


def test_pages_are_read_in_their_language_and_offering_pages_count_as_promotional():
    pages = {page.id: page for page in written_pages(LANGUAGE_PAGES)}
    rows = {row["id"]: row for row in _rows()}
    for page_id, page in pages.items():
        row = rows[page_id]
        assert page.language == row["lang"]
        assert page.promotional == (
            row["kind"] == "ad" or row["negative_type"] in PROMOTIONAL_NEGATIVE_TYPES
        )


def test_no_page_repeats_a_text_of_the_evaluation_sets():
    evaluated = {
        json.loads(line)["text"]
        for path in (ROOT / "evaluation").glob("*_set.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    assert not evaluated & {row["text"] for row in _rows()}
