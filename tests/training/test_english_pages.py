"""The longer English pages written for the page model (training/pages/english_reports.jsonl)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from evaluation.real_pages import load_real_pages, real_pages_available
from training.page_model import STRUCTURE_PAGES, written_pages

KEYS = {"id", "format", "lang", "kind", "negative_type", "expected_risk", "text"}
REPORTING_TYPES = {"news", "consumer_warning", "research"}
SHINGLE = 8  # words: a run this long shared with a real page would be copied text


def _rows() -> list[dict]:
    return [json.loads(line) for line in STRUCTURE_PAGES.read_text(encoding="utf-8").splitlines()]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_every_row_is_an_english_page_with_its_label():
    rows = _rows()
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert set(row) == KEYS, row["id"]
        assert row["lang"] == "en" and row["format"] == "text"
        if row["kind"] == "ad":
            assert row["expected_risk"] == "high" and row["negative_type"] is None
        else:
            assert row["kind"] == "hard_negative" and row["expected_risk"] == "low"
            assert row["negative_type"] in REPORTING_TYPES
        assert len(row["text"]) >= 500, row["id"]


def test_reports_outnumber_offers_and_every_reporting_kind_is_there():
    rows = _rows()
    kinds = Counter(row["negative_type"] or "ad" for row in rows)
    assert set(kinds) == REPORTING_TYPES | {"ad"}
    assert kinds["ad"] < sum(kinds[kind] for kind in REPORTING_TYPES)


def test_reports_are_informational_and_offers_promotional_in_the_fit():
    pages = written_pages(STRUCTURE_PAGES, source="structures")
    assert all(page.promotional == page.violative for page in pages)
    assert {page.source for page in pages} == {"structures"}


@pytest.mark.skipif(not real_pages_available(), reason="no ../shared/real_pages here")
def test_no_page_copies_a_run_of_words_from_a_real_page():
    shingles = set()
    for page in load_real_pages():
        words = _words(page.text)
        shingles.update(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    for row in _rows():
        words = _words(row["text"])
        copied = [
            " ".join(words[i : i + SHINGLE])
            for i in range(len(words) - SHINGLE + 1)
            if tuple(words[i : i + SHINGLE]) in shingles
        ]
        assert not copied, (row["id"], copied[:2])
