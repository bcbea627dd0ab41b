"""Prints a seeded sample of the flags raised on real pages, per rule, to be read (issue 16).

`python -m evaluation.audit_flags [--per-rule N] [--seed S] [--rule ID]` checks the development
part of `../shared/real_pages/` and prints, for each rule, up to N of its flags: page id, the
evidence quote, the title and the explanation. Reading them is the habit: is the span a real
claim, is the explanation true? The output quotes third-party pages: read it, never commit it;
the README records what a reading found in counts and rule ids only.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from typing import Any

from evaluation.real_pages import REAL_PAGES_DIR, load_real_pages, load_split, real_pages_available


def collect_flags(checker: Any, part: str = "development") -> dict[str, list[dict[str, Any]]]:
    """Every flag that stands on the pages of `part`, by rule id, with its page id."""
    wanted = set(load_split()[part])
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for page in load_real_pages():
        if page.id not in wanted:
            continue
        body = checker.check(page.text, format=page.format, explain=False)
        for flag in body["flags"]:
            by_rule[flag["rule_id"]].append({"page": page.id, **flag})
    return dict(sorted(by_rule.items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-rule", type=int, default=3)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--rule", help="only this rule id")
    args = parser.parse_args(argv)
    if not real_pages_available():
        print(f"skipped: no real pages at {REAL_PAGES_DIR} (a clone without ../shared)")
        return 0
    from model import load_checker

    rng = random.Random(args.seed)
    for rule_id, flags in collect_flags(load_checker()).items():
        if args.rule and rule_id != args.rule:
            continue
        print(f"\n## {rule_id}: {len(flags)} flags")
        for flag in rng.sample(flags, min(args.per_rule, len(flags))):
            quotes = " | ".join(" ".join(e["quote"].split())[:100] for e in flag["evidence"])
            print(f"- {flag['page']} [{quotes}]")
            print(f"  {flag['title']}")
            print(f"  {flag['explanation'][:300]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
