"""The development set: well-formed, apart from training data, and the checker meets its targets.

The targets are issue 3's. This is a regression guard: a rule or lexicon change that costs
recall or adds false positives on the development set fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evaluation.evaluate import DEV_SET, TARGETS, evaluate, load_dev_set
from model import load_checker, vocabulary
from model.vocabulary import CATEGORIES
from training.dataset import load_rows, normalise_for_duplicates

ROOT = Path(__file__).resolve().parents[2]
ITEMS = load_dev_set()
HOLDOUT = load_dev_set(DEV_SET.with_name("holdout_set.jsonl"))
BLIND3 = load_dev_set(DEV_SET.with_name("blind3_set.jsonl"))
BLIND4 = load_dev_set(DEV_SET.with_name("blind4_set.jsonl"))
BLIND5 = load_dev_set(DEV_SET.with_name("blind5_set.jsonl"))
BLIND6 = load_dev_set(DEV_SET.with_name("blind6_set.jsonl"))
PRODUCT_IDS = set(vocabulary.PRODUCT_IDS)
CONDITIONS = {
    c["name"]
    for c in yaml.safe_load((ROOT / "model/data/conditions.yaml").read_text())["conditions"]
}


def test_set_size_and_mix():
    assert len(ITEMS) >= 150
    kinds = {item["kind"] for item in ITEMS}
    assert kinds == {"ad", "hard_negative"}
    assert sum(item["format"] == "html" for item in ITEMS) >= 10
    assert sum(item["lang"] == "es" for item in ITEMS) >= 5
    assert len({item["id"] for item in ITEMS}) == len(ITEMS)


@pytest.mark.parametrize(
    "items",
    [ITEMS, HOLDOUT, BLIND3, BLIND4, BLIND5, BLIND6],
    ids=["dev", "holdout", "blind3", "blind4", "blind5", "blind6"],
)
def test_labels_are_valid(items):
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        assert item["expected_risk"] in ("low", "medium", "high"), item["id"]
        assert set(item["expected_categories"]) <= set(CATEGORIES), item["id"]
        for product, condition in item["expected_pairs"]:
            assert product in PRODUCT_IDS, item["id"]
            assert condition in CONDITIONS, (item["id"], condition)
        if item["kind"] == "hard_negative":
            assert item["expected_risk"] == "low" and not item["expected_categories"]


@pytest.mark.parametrize(
    "items",
    [ITEMS, HOLDOUT, BLIND3, BLIND4, BLIND5, BLIND6],
    ids=["dev", "holdout", "blind3", "blind4", "blind5", "blind6"],
)
def test_no_training_sentence_appears_in_the_evaluation_sets(items):
    training = {normalise_for_duplicates(row.text) for row in load_rows()}
    for item in items:
        text = normalise_for_duplicates(item["text"])
        assert text not in training, item["id"]


@pytest.fixture(scope="module")
def report():
    return evaluate(ITEMS, load_checker(), load_checker(use_classifier=False))


def test_ad_level_f1(report):
    assert report.ads.f1 >= TARGETS["f1"]


def test_hard_negative_false_positive_rate(report):
    assert report.hard_negative_fp_rate <= TARGETS["hard_negative_fp_rate"]


def test_every_category_recall(report):
    assert report.worst_category_recall >= TARGETS["category_recall"]


def test_pair_recall(report):
    assert report.pair_recall >= TARGETS["pair_recall"]


def test_combination_beats_each_part(report):
    assert report.ads.f1 > report.rules_only.f1
    assert report.ads.f1 > report.classifier_only.f1
