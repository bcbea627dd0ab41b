"""Figure 3: wall time of `import model; model.load_checker()` in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

from bench.machine import ROOT
from bench.result import Figure, Row

SNIPPET = "import model; model.load_checker()"


def _once() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", SNIPPET], cwd=ROOT, check=True)
    return time.perf_counter() - start


def startup(*, runs: int, progress: Callable[[str], None]) -> Figure:
    _once()  # warm the file cache (a first run after boot reads everything from disk)
    times = []
    for run in range(runs):
        times.append(_once())
        progress(f"startup run {run + 1}/{runs}: {times[-1]:.2f} s")
    bare = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], cwd=ROOT, check=True)
        bare.append(time.perf_counter() - start)
    figure = Figure(
        "startup",
        "start-up: import + model load in a fresh process",
        f'python -c "{SNIPPET}"  # {runs} runs after one warm-up; '
        "python -m bench.run --only startup",
    )
    figure.rows = [Row("start-up: import model + load_checker()", "s", times, "≤ 1.5 s", 1.5)]
    figure.details = [
        f"Wall time of the whole process, interpreter start included (a bare `python -c pass` "
        f"takes {sorted(bare)[1] * 1000:.0f} ms here).",
    ]
    return figure
