"""Run the benchmark suite and write BENCHMARKS.md.

    python -m bench.run                   # every figure (several minutes), writes BENCHMARKS.md
    python -m bench.run --quick           # short smoke run of every figure; prints, writes nothing
    python -m bench.run --only http,memory  # re-measure some figures, keep the others' rows

Figures: startup, check5k, normalise5k, scaling, page100k, adversarial, http, memory, screen,
load32, serving, probes. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench import hostile, http_load, inprocess, report, screen_row, startup
from bench.machine import ROOT, describe
from bench.result import Figure

DEFAULT_OUTPUT = ROOT / "BENCHMARKS.md"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Plan:
    full: Callable[[], Figure]
    quick: Callable[[], Figure]


PLANS: dict[str, Plan] = {
    "startup": Plan(
        lambda: startup.startup(runs=7, progress=progress),
        lambda: startup.startup(runs=2, progress=progress),
    ),
    "check5k": Plan(
        lambda: inprocess.check_5k(runs=5, calls=150, warmup=30, progress=progress),
        lambda: inprocess.check_5k(runs=2, calls=30, warmup=10, progress=progress),
    ),
    "normalise5k": Plan(
        lambda: inprocess.normalise_5k(runs=5, calls=100, progress=progress),
        lambda: inprocess.normalise_5k(runs=1, calls=10, progress=progress),
    ),
    "scaling": Plan(
        lambda: inprocess.scaling(
            runs=5, texts={1_000: 60, 5_000: 30, 25_000: 8, 100_000: 4}, progress=progress
        ),
        lambda: inprocess.scaling(
            runs=1, texts={1_000: 10, 5_000: 5, 25_000: 2, 100_000: 1}, progress=progress
        ),
    ),
    "page100k": Plan(
        lambda: inprocess.page_100k(runs=5, pages=6, progress=progress),
        lambda: inprocess.page_100k(runs=1, pages=2, progress=progress),
    ),
    "adversarial": Plan(
        lambda: inprocess.adversarial(repeats=3, progress=progress),
        lambda: inprocess.adversarial(repeats=1, progress=progress),
    ),
    "http": Plan(
        lambda: http_load.http_throughput(runs=3, seconds=15, warmup_seconds=5, progress=progress),
        lambda: http_load.http_throughput(
            runs=1, seconds=3, warmup_seconds=1, bodies_count=300, progress=progress
        ),
    ),
    "memory": Plan(
        lambda: http_load.memory(runs=2, total=10_000, every=2_000, progress=progress),
        lambda: http_load.memory(runs=1, total=600, every=200, progress=progress),
    ),
    "screen": Plan(
        lambda: screen_row.screen(ads=4000, runs=3, progress=progress),
        lambda: screen_row.screen(ads=300, runs=1, progress=progress),
    ),
    # issue 6's load test: 60 s at 32 concurrent clients, zero errors, p50/p99 reported
    "load32": Plan(
        lambda: http_load.http_throughput(
            runs=1,
            seconds=60,
            warmup_seconds=5,
            connections=32,
            name="load32",
            title="load test (issue 6): 60 s at 32 concurrent clients",
            issue="issue 6",
            details=("full",),
            progress=progress,
        ),
        lambda: http_load.http_throughput(
            runs=1,
            seconds=3,
            warmup_seconds=1,
            connections=32,
            name="load32",
            title="load test (issue 6): 60 s at 32 concurrent clients",
            issue="issue 6",
            details=("full",),
            bodies_count=300,
            progress=progress,
        ),
    ),
    # issue 14: worker classes compared with and without slow clients; the probes under load
    "serving": Plan(
        lambda: hostile.serving(
            rounds=3, seconds=10, connections=16, slow_levels=(16, 128), progress=progress
        ),
        lambda: hostile.serving(
            rounds=1, seconds=2, connections=8, slow_levels=(16, 128), progress=progress
        ),
    ),
    "probes": Plan(
        lambda: hostile.probes_under_load(seconds=60, connections=32, progress=progress),
        lambda: hostile.probes_under_load(seconds=5, connections=8, progress=progress),
    ),
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a short smoke run; writes no file unless --output is given",
    )
    parser.add_argument(
        "--only", metavar="NAME[,NAME]", help=f"only these figures, of: {', '.join(PLANS)}"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"where to write the report (default {DEFAULT_OUTPUT.name}; "
        "with --quick, nothing is written unless this is given)",
    )
    args = parser.parse_args(argv)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in PLANS]
        if unknown:
            parser.error(f"unknown figure(s) {', '.join(unknown)}; choose from {', '.join(PLANS)}")
        args.names = names
    else:
        args.names = list(PLANS)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    machine = describe()
    progress(
        f"bench on {machine['cpu']} ({machine['cores']} cores), {machine['python']}, "
        f"commit {machine['commit']}{', quick' if args.quick else ''}: {', '.join(args.names)}"
    )
    figures: list[Figure] = []
    failures: list[str] = []
    for name in args.names:
        progress(f"== {name}")
        plan = PLANS[name]
        try:
            figure = (plan.quick if args.quick else plan.full)()
        except Exception as error:  # noqa: BLE001 - one broken figure must not lose the others
            progress(f"{name} FAILED: {type(error).__name__}: {error}")
            failures.append(name)
            reason = " ".join(str(error).split())[:300].replace("|", "/")
            figure = Figure(
                name,
                name,
                f"python -m bench.run --only {name}",
                skipped=f"the measurement failed: {type(error).__name__}: {reason}",
            )
        figure.commit = str(machine["commit"])
        figure.quick = args.quick
        figures.append(figure)

    print("\n".join(report.table(figures)))
    output = args.output or (None if args.quick else DEFAULT_OUTPUT)
    if output is not None:
        if args.only:  # keep the other figures of the existing report, in suite order
            measured = {f.name for f in figures}
            kept = [f for f in report.previous_figures(output) if f.name not in measured]
            order = list(PLANS)
            figures = sorted(
                kept + figures, key=lambda f: order.index(f.name) if f.name in order else 99
            )
        command = "python -m bench.run" + (" --quick" if args.quick else "")
        output.write_text(report.render(figures, machine, command))
        progress(f"wrote {output}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
