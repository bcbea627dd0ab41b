"""Hypothesis settings for the suite's property tests: reproducible runs (derandomized, no
example database) without a per-example deadline, since a check's time varies on a shared
machine."""

from __future__ import annotations

from collections.abc import Iterable

from hypothesis import HealthCheck, settings


def reproducible(max_examples: int, suppress: Iterable[HealthCheck] = ()) -> settings:
    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=max_examples,
        suppress_health_check=[HealthCheck.too_slow, *suppress],
    )
