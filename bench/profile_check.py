"""Profile `check()` on the ~5 KB ad corpus and print where the time goes.

    python -m bench.profile_check                    # pyinstrument if installed, else cProfile
    python -m bench.profile_check --tool cprofile --ads 300 --top 40
    python -m bench.profile_check --tree             # also pyinstrument's call tree
    python -m bench.profile_check --html /tmp/p.html # pyinstrument's interactive html

Prints the top functions by self time (time spent in the function's own code) and by total
time (including what it calls), over `--ads` different ads after a warm-up.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench import corpus


def _pyinstrument_available() -> bool:
    try:
        import pyinstrument  # noqa: F401
    except ImportError:
        return False
    return True


def _short(path: str) -> str:
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    root = str(Path(__file__).resolve().parent.parent) + "/"
    return path.removeprefix(root)


def _run(checker: Any, ads: list[str], explain: bool) -> None:
    for ad in ads:
        checker.check(ad, explain=explain)


def profile_pyinstrument(
    checker: Any, ads: list[str], top: int, explain: bool, tree: bool, html: Path | None
) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    _run(checker, ads, explain)
    session = profiler.stop()
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is None:
        print("pyinstrument recorded no samples")
        return
    self_time: dict[str, float] = defaultdict(float)
    total_time: dict[str, float] = defaultdict(float)

    def walk(frame: Any, on_stack: frozenset[str]) -> None:
        if frame.is_synthetic:  # "[self]" / "[await]" leaves: already in total_self_time
            return
        key = f"{frame.function} ({_short(frame.file_path or '?')}:{frame.line_no})"
        self_time[key] += frame.total_self_time
        if key not in on_stack:  # recursion: count a function's total once per stack
            total_time[key] += frame.time
        for child in frame.children:
            walk(child, on_stack | {key})

    walk(root, frozenset())
    duration = session.duration
    _print_table("self time", self_time, duration, len(ads), top)
    _print_table("total time (including callees)", total_time, duration, len(ads), top)
    if tree:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    if html is not None:
        html.write_text(profiler.output_html())
        print(f"wrote {html}")


def _print_table(
    title: str, times: dict[str, float], duration: float, calls: int, top: int
) -> None:
    print(f"\nTop {top} functions by {title} ({duration:.2f} s sampled over {calls} checks):")
    print(f"{'ms/check':>9} {'share':>6}  function")
    for key, seconds in sorted(times.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{seconds / calls * 1000:9.3f} {seconds / duration:6.1%}  {key}")


def profile_cprofile(checker: Any, ads: list[str], top: int, explain: bool) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    _run(checker, ads, explain)
    profiler.disable()
    for sort in ("tottime", "cumulative"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(sort)
        stats.print_stats(top)
        print(f"\n=== cProfile, sorted by {sort} ({len(ads)} checks) ===")
        print(stream.getvalue().split("\n", 4)[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_check", description=__doc__)
    parser.add_argument("--ads", type=int, default=200, help="different ads to check")
    parser.add_argument("--chars", type=int, default=5000, help="characters per ad")
    parser.add_argument("--tool", choices=("auto", "pyinstrument", "cprofile"), default="auto")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--no-explain", action="store_true", help="check(..., explain=False)")
    parser.add_argument("--tree", action="store_true", help="print pyinstrument's call tree")
    parser.add_argument("--html", type=Path, help="write pyinstrument's html report here")
    args = parser.parse_args(argv)

    import model

    start = time.perf_counter()
    checker = model.load_checker()
    print(f"load_checker(): {time.perf_counter() - start:.2f} s")
    explain = not args.no_explain
    _run(checker, corpus.make_ads(30, args.chars, seed=8_000), explain)  # warm-up
    ads = corpus.make_ads(args.ads, args.chars, seed=8_001)
    start = time.perf_counter()
    _run(checker, ads, explain)
    elapsed = time.perf_counter() - start
    print(f"unprofiled: {elapsed / len(ads) * 1000:.2f} ms per check over {len(ads)} ads")
    ads = corpus.make_ads(args.ads, args.chars, seed=8_002)  # fresh texts for the profile
    tool = args.tool
    if tool == "auto":
        tool = "pyinstrument" if _pyinstrument_available() else "cprofile"
    if tool == "pyinstrument":
        if not _pyinstrument_available():
            print("pyinstrument is not installed: pip install -e '.[bench]'", file=sys.stderr)
            return 2
        profile_pyinstrument(checker, ads, args.top, explain, args.tree, args.html)
    else:
        profile_cprofile(checker, ads, args.top, explain)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
