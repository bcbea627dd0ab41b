"""Scores the checker on the development set (`make evaluate`).

The set (`evaluation/dev_set.jsonl`) holds clinic ads and hard negatives written apart from the
training data, each labelled with its expected risk level, categories and product × condition
pairs. Printed figures:

* ad-level precision / recall / F1: an item counts as flagged when its risk level is not `low`,
  and as positive when its expected level is not `low`;
* category-level micro precision / recall / F1 over (item, category) pairs, and recall per category;
* hard-negative false-positive rate: hard negatives whose risk level is not `low`;
* pair recall: expected (product id, condition) pairs found among `unapproved_use` flags;
* the same ad-level figures for the rules alone and for the classifier alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model import Checker, load_checker
from model.rules import CATEGORIES

DEV_SET = Path(__file__).parent / "dev_set.jsonl"
TARGETS = {"f1": 0.95, "hard_negative_fp_rate": 0.05, "category_recall": 0.85, "pair_recall": 0.85}


@dataclass
class Scores:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    def add(self, predicted: bool, expected: bool) -> None:
        if predicted and expected:
            self.true_positive += 1
        elif predicted:
            self.false_positive += 1
        elif expected:
            self.false_negative += 1
        else:
            self.true_negative += 1

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positives = self.true_positive + self.false_negative
        return self.true_positive / positives if positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    items: int = 0
    ads: Scores = field(default_factory=Scores)
    rules_only: Scores = field(default_factory=Scores)
    classifier_only: Scores = field(default_factory=Scores)
    categories: Scores = field(default_factory=Scores)
    per_category: dict[str, Scores] = field(default_factory=dict)
    hard_negatives: int = 0
    hard_negative_fp: int = 0
    pairs_expected: int = 0
    pairs_found: int = 0
    risk_exact: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def hard_negative_fp_rate(self) -> float:
        return self.hard_negative_fp / self.hard_negatives if self.hard_negatives else 0.0

    @property
    def pair_recall(self) -> float:
        return self.pairs_found / self.pairs_expected if self.pairs_expected else 1.0

    @property
    def worst_category_recall(self) -> float:
        recalls = [
            s.recall for s in self.per_category.values() if s.true_positive + s.false_negative
        ]
        return min(recalls, default=1.0)

    def as_dict(self) -> dict[str, Any]:
        def figures(s: Scores) -> dict[str, float]:
            return {
                "precision": round(s.precision, 3),
                "recall": round(s.recall, 3),
                "f1": round(s.f1, 3),
            }

        return {
            "items": self.items,
            "ads": figures(self.ads),
            "rules_only": figures(self.rules_only),
            "classifier_only": figures(self.classifier_only),
            "categories": figures(self.categories),
            "category_recall": {
                c: round(s.recall, 3)
                for c, s in sorted(self.per_category.items())
                if s.true_positive + s.false_negative
            },
            "hard_negative_fp_rate": round(self.hard_negative_fp_rate, 3),
            "pair_recall": round(self.pair_recall, 3),
            "risk_level_accuracy": round(self.risk_exact / self.items, 3) if self.items else 0.0,
        }


def product_condition_pairs(body: dict[str, Any]) -> set[tuple[str, str]]:
    """The (product id, condition name) pairs of a check response's `unapproved_use` flags."""
    return {
        (flag["entities"]["product"]["id"], flag["entities"]["condition"]["name"])
        for flag in body["flags"]
        if flag["category"] == "unapproved_use" and "condition" in flag["entities"]
    }


def load_dev_set(path: Path = DEV_SET) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(items: list[dict[str, Any]], checker: Checker, rules_checker: Checker) -> Report:
    report = Report(per_category={c: Scores() for c in CATEGORIES})
    for item in items:
        report.items += 1
        body = checker.check(item["text"], format=item.get("format", "text"), explain=False)
        rules_body = rules_checker.check(
            item["text"], format=item.get("format", "text"), explain=False
        )
        expected_positive = item["expected_risk"] != "low"
        level = body["risk"]["level"]
        report.ads.add(level != "low", expected_positive)
        report.rules_only.add(rules_body["risk"]["level"] != "low", expected_positive)
        classifier = body.get("classifier") or {}
        report.classifier_only.add(classifier.get("label") == "violative", expected_positive)
        report.risk_exact += level == item["expected_risk"]
        if item["kind"] == "hard_negative":
            report.hard_negatives += 1
            report.hard_negative_fp += level != "low"
        found = {flag["category"] for flag in body["flags"]}
        expected = set(item["expected_categories"])
        for category in CATEGORIES:
            hit, want = category in found, category in expected
            report.categories.add(hit, want)
            report.per_category[category].add(hit, want)
        pairs = product_condition_pairs(body)
        for product, condition in item["expected_pairs"]:
            report.pairs_expected += 1
            report.pairs_found += (product, condition) in pairs
        if (level != "low") != expected_positive or expected - found:
            report.misses.append(
                f"{item['id']}: expected {item['expected_risk']} {sorted(expected)}, got {level} "
                f"{sorted(found)}"
            )
    return report


def markdown(report: Report) -> str:
    data = report.as_dict()
    lines = [
        f"{report.items} items ({report.hard_negatives} hard negatives).",
        "",
        "| checker | precision | recall | F1 |",
        "| --- | --- | --- | --- |",
    ]
    for name, key in (
        ("rules alone", "rules_only"),
        ("classifier alone", "classifier_only"),
        ("rules + classifier (shipped)", "ads"),
    ):
        f = data[key]
        lines.append(f"| {name} | {f['precision']:.3f} | {f['recall']:.3f} | {f['f1']:.3f} |")
    c = data["categories"]
    lines += [
        "",
        "| figure | value | target |",
        "| --- | --- | --- |",
        f"| ad-level F1 | {data['ads']['f1']:.3f} | ≥ {TARGETS['f1']} |",
        f"| category micro P / R / F1 | {c['precision']:.3f} / {c['recall']:.3f} / "
        f"{c['f1']:.3f} | |",
        f"| hard-negative false-positive rate | {data['hard_negative_fp_rate']:.3f} | "
        f"≤ {TARGETS['hard_negative_fp_rate']} |",
        f"| lowest per-category recall | {report.worst_category_recall:.3f} | "
        f"≥ {TARGETS['category_recall']} |",
        f"| product × condition pair recall | {data['pair_recall']:.3f} | "
        f"≥ {TARGETS['pair_recall']} |",
        f"| risk level exactly right | {data['risk_level_accuracy']:.3f} | |",
        "",
        "| category | recall |",
        "| --- | --- |",
    ]
    lines += [f"| `{k}` | {v:.3f} |" for k, v in data["category_recall"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev-set", type=Path, default=DEV_SET)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="list the items it got wrong")
    args = parser.parse_args(argv)
    items = load_dev_set(args.dev_set)
    report = evaluate(items, load_checker(), load_checker(use_classifier=False))
    print(json.dumps(report.as_dict(), indent=2) if args.json else markdown(report))
    if args.misses:
        print("\n".join(["", *report.misses]), file=sys.stderr)
    kinds = Counter(item["kind"] for item in items)
    print(f"\n{dict(kinds)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
