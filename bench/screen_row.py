"""Figure 6: `redflags screen` throughput, measured by bench/screen_throughput.py.

That script belongs to the batch-screening work; this module runs it in a subprocess, reads
the figure it prints as JSON (a list of `bench.result.Figure` dicts) and adds issue 7's target
(≥ 800 ads/s with all workers) to the all-workers row.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable

from bench.machine import ROOT
from bench.result import Figure

SCRIPT = ROOT / "bench" / "screen_throughput.py"


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def screen(*, ads: int, runs: int, progress: Callable[[str], None]) -> Figure:
    argv = ["-m", "bench.screen_throughput", "--ads", str(ads), "--runs", str(runs)]
    if not SCRIPT.exists():
        figure = Figure(
            "screen", "`redflags screen` throughput, ~2 KB ads", "python " + " ".join(argv)
        )
        figure.skipped = "bench/screen_throughput.py does not exist: row skipped."
        progress("screen: " + figure.skipped)
        return figure
    progress(f"screen: python {' '.join(argv)} (prints its own progress)")
    result = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=3600
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.screen_throughput exited {result.returncode}")
    figure = Figure.from_json(json.loads(result.stdout)[0])
    cores = _cores()
    for row in figure.rows:
        if row.label.startswith(f"screen, {cores} worker") and row.limit is None:
            row.target, row.limit, row.higher_is_better = "≥ 800 ads/s", 800.0, True
    return figure
