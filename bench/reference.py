"""A fixed pure-Python workload, timed in the same process as the in-process figures.

The machine is shared and noisy: its speed moves from run to run, by half or more. This workload
never changes with the code under test (it does not call the checker), and it does the kind of
work a check does on a page of the same size (split and fold words, count them, find spans with
a regular expression, build and encode JSON objects, sort), so a figure divided by it moves less
than the figure itself. It is timed between the checks it is compared with (`Interleaved`), so
both meet the same load. A ratio that drops means the checker got faster.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time

from bench import corpus

REFERENCE_TEXT = corpus.make_ad(random.Random(20_261_202), 10_000)
_WORD = re.compile(r"\w+(?:'\w+)?")


def reference_workload(text: str = REFERENCE_TEXT) -> int:
    """One pass of the fixed work; returns a number that depends on all of it."""
    counts: dict[str, int] = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    spans = [{"start": m.start(), "end": m.end(), "quote": m.group()} for m in _WORD.finditer(text)]
    encoded = json.dumps({"spans": spans, "words": len(counts)})
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return len(encoded) + len(ordered)


def reference_ms(repeats: int = 40) -> float:
    """Median time of one pass, in ms, after one untimed pass."""
    reference_workload()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        reference_workload()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


class Interleaved:
    """Reference passes timed between the measured calls: one after every `every` calls."""

    def __init__(self, every: int = 10) -> None:
        self.every = every
        self.calls = 0
        self.times: list[float] = []

    def after_call(self) -> None:
        self.calls += 1
        if self.calls % self.every == 0:
            start = time.perf_counter()
            reference_workload()
            self.times.append((time.perf_counter() - start) * 1000.0)

    def median_ms(self) -> float:
        if not self.times:
            return reference_ms(repeats=5)
        return statistics.median(self.times)
