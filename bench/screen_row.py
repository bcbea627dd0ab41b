"""Figure 6: `redflags screen` throughput, measured by bench/screen_throughput.py.

That script belongs to the batch-screening work; this module runs it in a subprocess, reads
the figure it prints as JSON (a list of `bench.result.Figure` dicts), once with full answers and
once with `--compact`, and adds the targets (issue 7: ≥ 800 ads/s with all workers, full;
issue 15: ≥ 1,500 ads/s, compact) to the all-workers rows.
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


# issue 15's targets with every core: full answers (issue 7's figure) and `--compact`
SCREEN_TARGETS = {"full": 800.0, "compact": 1500.0}


def _run_script(argv: list[str], progress: Callable[[str], None]) -> Figure:
    progress(f"screen: python {' '.join(argv)} (prints its own progress)")
    result = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=3600
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.screen_throughput exited {result.returncode}")
    return Figure.from_json(json.loads(result.stdout)[0])


def screen(*, ads: int, runs: int, progress: Callable[[str], None]) -> Figure:
    """Full answers, then `--compact`; one figure with both."""
    argv = ["-m", "bench.screen_throughput", "--ads", str(ads), "--runs", str(runs)]
    if not SCRIPT.exists():
        figure = Figure(
            "screen", "`redflags screen` throughput, ~2 KB ads", "python " + " ".join(argv)
        )
        figure.skipped = "bench/screen_throughput.py does not exist: row skipped."
        progress("screen: " + figure.skipped)
        return figure
    cores = _cores()
    combined: Figure | None = None
    for detail, extra in (("full", []), ("compact", ["--compact"])):
        measured = _run_script(argv + extra, progress)
        for row in measured.rows:
            every_core = row.label.startswith(f"screen, {cores} worker")
            row.label = f"{row.label}, {detail}"
            if every_core:
                limit = SCREEN_TARGETS[detail]
                row.target, row.limit, row.higher_is_better = f"≥ {limit:,.0f} ads/s", limit, True
        measured.details = [f"{detail}: {line}" for line in measured.details]
        if combined is None:
            combined = measured
            combined.command = "python " + " ".join(argv) + "  # and again with --compact"
        else:
            combined.rows += measured.rows
            combined.details += measured.details
    assert combined is not None
    return combined
