"""The labelled training data: schema, sources, no duplicates, enough variety."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from model.vocabulary import CATEGORIES
from training.dataset import (
    DatasetError,
    load_rows,
    normalise_for_duplicates,
    parse_row,
    split_by_source,
)

ROOT = Path(__file__).resolve().parents[2]
ROWS = load_rows()
CANONICAL = {
    c["name"]
    for c in yaml.safe_load((ROOT / "model/data/conditions.yaml").read_text())["conditions"]
}


def test_enough_rows_of_each_label():
    labels = Counter(row.label for row in ROWS)
    assert labels["violative"] >= 600
    assert labels["ok"] >= 600


def test_violative_rows_come_from_at_least_30_letters():
    sources = {row.source for row in ROWS if row.is_violative}
    assert len(sources) >= 30


def test_every_row_has_a_source_and_conditions_are_canonical():
    for row in ROWS:
        assert row.source.strip()
        assert row.condition is None or row.condition in CANONICAL, (row.file, row.line)


def test_no_duplicates_or_near_duplicates():
    seen: dict[str, str] = {}
    for row in ROWS:
        key = normalise_for_duplicates(row.text)
        assert key not in seen, f"{row.file}:{row.line} repeats {seen[key]}"
        seen[key] = f"{row.file}:{row.line}"


def test_every_category_but_missing_disclosure_is_represented():
    counts = Counter(c for row in ROWS for c in row.categories)
    for category in CATEGORIES:
        if category == "missing_disclosure":  # a page-level absence, not a sentence
            continue
        assert counts[category] >= 15, category


def test_held_out_split_keeps_each_source_on_one_side():
    train, held_out = split_by_source(ROWS)
    assert {r.source for r in train}.isdisjoint({r.source for r in held_out})
    assert 0.1 <= len(held_out) / len(ROWS) <= 0.35


@pytest.mark.parametrize(
    "record",
    [
        {
            "text": "x",
            "label": "bad",
            "categories": [],
            "source": "s",
            "source_url": None,
            "product": None,
            "condition": None,
        },
        {
            "text": "x",
            "label": "violative",
            "categories": [],
            "source": "s",
            "source_url": None,
            "product": None,
            "condition": None,
        },
        {
            "text": "x",
            "label": "ok",
            "categories": ["hype_language"],
            "source": "s",
            "source_url": None,
            "product": None,
            "condition": None,
        },
        {
            "text": "x",
            "label": "ok",
            "categories": [],
            "source": " ",
            "source_url": None,
            "product": None,
            "condition": None,
        },
        {
            "text": "x",
            "label": "ok",
            "categories": [],
            "source": "s",
            "source_url": None,
            "product": "fat",
            "condition": None,
        },
        {"text": "x", "label": "ok", "categories": [], "source": "s"},
        {
            "text": "x",
            "label": "ok",
            "categories": [],
            "source": "s",
            "source_url": None,
            "product": None,
            "condition": None,
            "lang": "Spanish",
        },
    ],
)
def test_malformed_rows_are_rejected(record):
    with pytest.raises(DatasetError):
        parse_row(record, "test.jsonl", 1)


def test_lang_is_optional_and_defaults_to_english():
    record = {
        "text": "x",
        "label": "ok",
        "categories": [],
        "source": "s",
        "source_url": None,
        "product": None,
        "condition": None,
    }
    assert parse_row(record, "test.jsonl", 1).lang == "en"
    assert parse_row({**record, "lang": "zh"}, "test.jsonl", 1).lang == "zh"


def test_duplicate_check_keeps_letters_of_every_script():
    assert normalise_for_duplicates("Что такое ХОБЛ?") == "что такое хобл"
    assert normalise_for_duplicates("什么是慢阻肺？") != normalise_for_duplicates("干细胞疗法。")
    assert normalise_for_duplicates("Células madre, 2024!") == "celulas madre"


def test_every_language_has_both_labels():
    by_language: dict[str, set[str]] = {}
    for row in ROWS:
        by_language.setdefault(row.lang, set()).add(row.label)
    for lang, labels in by_language.items():
        assert labels == {"ok", "violative"}, lang
