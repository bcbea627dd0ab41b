"""Risk level and score of a document, from its flags and the classifier's probability.

The level follows SPEC: `high` when any high-severity flag stands (unapproved use, patient-
endangering or regulatory-status claims), `medium` when medium flags stand or low flags of
several kinds add up, `low` otherwise. The
score orders documents within and across levels: a noisy-OR of the flags' weights, nudged by the
classifier's document probability, then kept inside the band of its level so that score and
level never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable

from model.report import Flag

SEVERITY_WEIGHT = {"high": 0.85, "medium": 0.45, "low": 0.12}
LEVEL_BANDS = {"low": (0.0, 0.39), "medium": (0.4, 0.69), "high": (0.7, 1.0)}


def risk_level(flags: Iterable[Flag]) -> str:
    """`high` on any high flag, `medium` on any medium flag or on low flags of two or more kinds
    (hype on a cell-product page that says nothing of risks deserves a look), `low` otherwise."""
    flags = list(flags)
    severities = {flag.severity for flag in flags}
    if "high" in severities:
        return "high"
    if "medium" in severities:
        return "medium"
    kinds = {flag.category for flag in flags}
    return "medium" if len(kinds) >= 2 else "low"


def risk_score(
    flags: list[Flag], classifier_probability: float | None, informational: bool
) -> float:
    remaining = 1.0
    for flag in flags:
        remaining *= 1.0 - SEVERITY_WEIGHT[flag.severity] * flag.confidence
    score = 1.0 - remaining
    if classifier_probability is not None:
        weight = 0.15 if informational else 0.35
        score = 1.0 - (1.0 - score) * (1.0 - weight * classifier_probability)
    low, high = LEVEL_BANDS[risk_level(flags)]
    return round(min(max(score, low), high), 3)
