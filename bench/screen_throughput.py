"""Throughput of `redflags screen`: ads per second with one worker and with every core.

Each run screens the same crawl of different ~2 KB ads (from `bench/corpus.py`) into a fresh
output file with the real command in a subprocess, so a figure includes what a user waits for:
start-up, the workers loading their checkers, reading, checking with full explanations, and
writing JSONL. Prints the figure as JSON.

    python -m bench.screen_throughput [--ads 4000] [--runs 3] [--chars 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import corpus
from bench.result import Figure, Row

Progress = Callable[[str], None]


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _screen_once(crawl: Path, output: Path, workers: int, extra: list[str]) -> tuple[float, float]:
    """Run the command once; return (wall seconds, CPU seconds of it and its workers)."""
    command = [
        sys.executable,
        "-m",
        "service.screen",
        str(crawl),
        "-o",
        str(output),
        "--workers",
        str(workers),
        "--overwrite",
        "--no-progress",
        *extra,
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"redflags screen failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def screen_throughput(
    *,
    ads: int = 4_000,
    runs: int = 3,
    chars: int = 2_000,
    extra: list[str] | None = None,
    progress: Progress = lambda message: print(message, file=sys.stderr),
) -> Figure:
    """Figure: `redflags screen` ads/s for 1 worker and for every core, `runs` runs each."""
    extra = list(extra or [])
    cores = _cores()
    with tempfile.TemporaryDirectory(prefix="screen-bench-") as scratch:
        crawl = Path(scratch) / "crawl.jsonl"
        texts = corpus.make_ads(ads, chars, seed=5_005)
        with crawl.open("w", encoding="utf-8") as handle:
            for number, text in enumerate(texts):
                handle.write(json.dumps({"id": f"ad-{number}", "text": text}) + "\n")
        rates: dict[int, list[float]] = {}
        cpu_ms: dict[int, list[float]] = {}
        for workers in sorted({1, cores}):
            rates[workers], cpu_ms[workers] = [], []
            for run in range(runs):
                elapsed, cpu = _screen_once(crawl, Path(scratch) / "out.jsonl", workers, extra)
                rates[workers].append(ads / elapsed)
                cpu_ms[workers].append(cpu * 1000 / ads)
                progress(
                    f"screen --workers {workers} run {run + 1}/{runs}: {ads} ads in "
                    f"{elapsed:.2f} s = {ads / elapsed:.0f} ads/s"
                )
            output_bytes = (Path(scratch) / "out.jsonl").stat().st_size
    figure = Figure(
        "screen",
        "`redflags screen` throughput on ~2 KB ads (subprocess, start-up included)",
        f"python -m bench.screen_throughput --ads {ads} --runs {runs} --chars {chars}"
        + (" " + " ".join(extra) if extra else ""),
    )
    figure.rows = [
        Row(
            f"screen, {workers} worker{'s' if workers > 1 else ''}",
            "ads/s",
            values,
            higher_is_better=True,
        )
        for workers, values in rates.items()
    ]
    sizes = [len(text) for text in texts]
    one, best = statistics.median(rates[1]), statistics.median(rates[max(rates)])
    figure.details = [
        f"{ads} different ads of {min(sizes)}-{max(sizes)} characters (mean "
        f"{sum(sizes) / len(sizes):.0f}); {cores} cores; output {output_bytes / ads / 1024:.1f} "
        f"KB per ad; speed-up with {max(rates)} workers: {best / one:.2f}x.",
        "CPU time per ad (the command and its workers, so it includes start-up): "
        + "; ".join(
            f"{workers} worker{'s' if workers > 1 else ''} {statistics.median(values):.1f} ms"
            for workers, values in cpu_ms.items()
        )
        + ". Wall-clock rates depend on what else the machine runs; CPU time much less.",
    ]
    return figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=4_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chars", type=int, default=2_000, help="characters per ad")
    parser.add_argument("--no-classifier", action="store_true")
    parser.add_argument("--compact", action="store_true")
    args = parser.parse_args(argv)
    extra = [
        flag
        for flag, on in (("--no-classifier", args.no_classifier), ("--compact", args.compact))
        if on
    ]
    figure = screen_throughput(ads=args.ads, runs=args.runs, chars=args.chars, extra=extra)
    print(json.dumps([figure.to_json()], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
