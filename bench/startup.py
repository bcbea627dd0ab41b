"""Figure 3: wall time of `import model; model.load_checker()` in a fresh interpreter.

As `make run` does, the bytecode of `model/` and `service/` is written first (`compileall`):
pip writes it when it installs the package and Python wherever PYTHONDONTWRITEBYTECODE is not
set, so a server compiles its sources only where neither happened. What that costs each start is
reported beside the figure (`_compile_seconds`)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

from bench.machine import ROOT
from bench.result import Figure, Row

SNIPPET = "import model; model.load_checker()"
COMPILE = ("-m", "compileall", "-q", "model", "service")  # the command `make run` runs first
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


def _compile_seconds() -> float:
    """CPU time of compiling every module of `model/` and `service/` from its source, as an
    interpreter does on each start when there are no bytecode files to read."""
    code = (
        "import pathlib, time; start = time.process_time(); "
        "[compile(p.read_bytes(), str(p), 'exec') for d in ('model', 'service') "
        "for p in sorted(pathlib.Path(d).glob('*.py'))]; print(time.process_time() - start)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return float(result.stdout)


def startup(*, runs: int, progress: Callable[[str], None]) -> Figure:
    subprocess.run([sys.executable, *COMPILE], cwd=ROOT, check=True)
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
    compiled = [_compile_seconds() for _ in range(3)]
    figure = Figure(
        "startup",
        "start-up: import + model load in a fresh process",
        f"python {' '.join(COMPILE)}; "
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
        "The bytecode of `model/` and `service/` is written first, as `make run` does (pip "
        "writes it when it installs the package, as in the Docker image); compiling them from "
        f"source instead adds about {sorted(compiled)[1] * 1000:.0f} ms of CPU to each start. "
        "The warm-up run keeps the data files' parses (`model/datafiles.py`), as a server's "
        "first start does.",
    ]
    return figure
