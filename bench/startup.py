"""Figure 3: wall time of `import model; model.load_checker()` in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

from bench.machine import ROOT
from bench.result import Figure, Row

SNIPPET = "import model; model.load_checker()"
# The same, timing its two parts from inside the process.
_TIMED = (
    "import time; start = time.perf_counter(); import model; imported = time.perf_counter(); "
    "model.load_checker(); print(imported - start, time.perf_counter() - imported)"
)


def _once() -> tuple[float, float, float]:
    """(whole process, import model, load_checker) in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _TIMED], cwd=ROOT, check=True, capture_output=True, text=True
    )
    whole = time.perf_counter() - start
    imported, loaded = map(float, result.stdout.split())
    return whole, imported, loaded


def startup(*, runs: int, progress: Callable[[str], None]) -> Figure:
    _once()  # warm the file cache (a first run after boot reads everything from disk)
    times: list[tuple[float, float, float]] = []
    for run in range(runs):
        times.append(_once())
        progress(f"startup run {run + 1}/{runs}: {times[-1][0]:.2f} s")
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
    figure.rows = [
        Row(
            "start-up: import model + load_checker()",
            "s",
            [t[0] for t in times],
            "≤ 1 s per worker",
            1.0,
        ),
        Row("of which import model", "s", [t[1] for t in times]),
        Row("of which load_checker()", "s", [t[2] for t in times]),
    ]
    figure.details = [
        f"Wall time of the whole process, interpreter start included (a bare `python -c pass` "
        f"takes {sorted(bare)[1] * 1000:.0f} ms here); the two parts are timed inside it.",
    ]
    return figure
