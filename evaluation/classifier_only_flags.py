"""Precision of classifier-only flags, judged by reading real pages (issue 16).

A classifier-only flag (`source: "classifier"`) is a sentence no rule matched that the sentence
classifier found violative. Its precision cannot be computed from annotations (they are not
exhaustive), so it is judged by reading: does the sentence make a promotional claim about the
product or treatment (its effect, safety, processing or use) that a reviewer would flag?

    python -m evaluation.classifier_only_flags --read [--part development] [--sample 100]
        prints a seeded random sample of the flags now raised, with their sentences, to read
        (third-party text: read it, never commit it);
    python -m evaluation.classifier_only_flags --score
        matches the flags now raised with the verdicts in `classifier_only_judgements.jsonl`
        and prints the precision with its 95% Wilson lower bound, and how many flags stand
        unjudged (they must be read and added before a figure is quoted).

The judgements file holds page ids, offsets (code points), categories and verdicts, never
quotes; a `look` field says which reading a verdict came from.
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.audit_flags import collect_flags
from evaluation.real_pages import REAL_PAGES_DIR, real_pages_available, wilson

JUDGEMENTS_PATH = Path(__file__).parent / "classifier_only_judgements.jsonl"
VERDICTS = ("claim", "not_a_claim")
SAMPLE_SEED = 16


@dataclass(frozen=True)
class ClassifierOnlyFlag:
    page: str
    part: str
    start: int
    end: int
    category: str
    quote: str  # for reading only: never written to the judgements file

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.page, self.start, self.end)


def collect(checker: Any, parts: tuple[str, ...]) -> list[ClassifierOnlyFlag]:
    """Every classifier-only flag standing on the real pages of `parts` (the flags
    `audit_flags.collect_flags` finds, those of `source: "classifier"`)."""
    found = []
    for part in parts:
        for flags in collect_flags(checker, part).values():
            for flag in flags:
                if flag["source"] != "classifier":
                    continue
                span = flag["evidence"][0]
                found.append(
                    ClassifierOnlyFlag(
                        flag["page"],
                        part,
                        span["start"],
                        span["end"],
                        flag["category"],
                        " ".join(span["quote"].split()),
                    )
                )
    return found


def load_judgements(path: Path = JUDGEMENTS_PATH) -> dict[tuple[str, int, int], dict[str, Any]]:
    judgements = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["verdict"] not in VERDICTS:
                    raise ValueError(f"unknown verdict {row['verdict']!r} in {path}")
                judgements[(row["page"], row["start"], row["end"])] = row
    return judgements


def score(
    flags: list[ClassifierOnlyFlag], judgements: dict[tuple[str, int, int], dict[str, Any]]
) -> dict[str, Any]:
    """Precision over the standing flags that were judged; the unjudged ones are counted."""
    judged = [judgements[flag.key] for flag in flags if flag.key in judgements]
    claims = sum(row["verdict"] == "claim" for row in judged)
    low, high = wilson(claims, len(judged))
    by_part: dict[str, int] = {}
    for flag in flags:
        by_part[flag.part] = by_part.get(flag.part, 0) + 1
    return {
        "standing": len(flags),
        "standing_by_part": by_part,
        "judged": len(judged),
        "unjudged": [
            f"{flag.page}:{flag.start}-{flag.end}" for flag in flags if flag.key not in judgements
        ],
        "claims": claims,
        "precision": round(claims / len(judged), 3) if judged else None,
        "precision_95_low": round(low, 3),
        "precision_95_high": round(high, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--read", action="store_true", help="print a sample to read")
    action.add_argument("--score", action="store_true", help="precision of the judged flags")
    parser.add_argument(
        "--part",
        action="append",
        choices=("development", "set_aside"),
        help="parts of the real pages (default: development)",
    )
    parser.add_argument("--sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    args = parser.parse_args(argv)
    if not real_pages_available():
        print(f"skipped: no real pages at {REAL_PAGES_DIR} (a clone without ../shared)")
        return 0
    from model import load_checker

    flags = collect(load_checker(), tuple(args.part or ("development",)))
    if args.score:
        print(json.dumps(score(flags, load_judgements()), indent=2))
        return 0
    judgements = load_judgements()
    sample = random.Random(args.seed).sample(flags, min(args.sample, len(flags)))
    for flag in sorted(sample, key=lambda f: (f.page, f.start)):
        known = judgements.get(flag.key, {}).get("verdict", "unjudged")
        print(f"{flag.page} {flag.start}-{flag.end} {flag.category} [{known}]\n  {flag.quote}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
