"""In-process figures: check() of ~5 KB ads, of 100 KB pages, and of adversarial inputs."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from bench import corpus
from bench.result import Figure, Row
from bench.stats import percentile

Progress = Callable[[str], None]


def _checker() -> Any:
    import model

    return model.load_checker()


def _time_call(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000.0, result


def check_5k(*, runs: int, calls: int, warmup: int, progress: Progress) -> Figure:
    """Figure 1: each run screens `calls` different ~5 KB ads (explain on); per run the median
    and the p99 of the single-call times."""
    checker = _checker()
    for text in corpus.make_ads(warmup, 5000, seed=9_000):
        checker.check(text, explain=True)
    medians, p99s, means, quiet_medians = [], [], [], []
    sizes: list[int] = []
    flag_counts: list[int] = []
    for run in range(runs):
        ads = corpus.make_ads(calls, 5000, seed=1_000 + run)  # different texts in every run
        sizes.extend(len(ad) for ad in ads)
        gc.collect()
        times = []
        for ad in ads:
            elapsed, body = _time_call(lambda ad=ad: checker.check(ad, explain=True))
            times.append(elapsed)
            flag_counts.append(len(body["flags"]))
        medians.append(percentile(times, 50))
        p99s.append(percentile(times, 99))
        means.append(sum(times) / len(times))
        # The same ads without explanations (regulatory context, precedents, top terms):
        # what building them costs. In-process only; the HTTP contract always explains.
        quiet = [_time_call(lambda ad=ad: checker.check(ad, explain=False))[0] for ad in ads]
        quiet_medians.append(percentile(quiet, 50))
        progress(
            f"check5k run {run + 1}/{runs}: median {medians[-1]:.2f} ms, "
            f"p99 {p99s[-1]:.2f} ms over {calls} ads"
        )
    figure = Figure(
        "check5k",
        "in-process check() of a ~5 KB ad (rules + classifier, explain on)",
        f"python -m bench.run --only check5k  # {runs} runs x {calls} different ads, "
        f"{warmup} warm-up calls",
    )
    figure.rows = [
        Row("check() ~5 KB ad: median", "ms", medians, "≤ 2 ms", 2.0),
        Row("check() ~5 KB ad: p99", "ms", p99s, "≤ 10 ms", 10.0),
        Row("check() ~5 KB ad, explain off: median", "ms", quiet_medians, "–"),
    ]
    flag_counts.sort()
    figure.details = [
        f"Ads: {len(sizes)} different texts, {min(sizes)}-{max(sizes)} characters "
        f"(mean {sum(sizes) / len(sizes):.0f}), from `bench/corpus.py`; mean per call "
        f"{', '.join(f'{m:.2f}' for m in means)} ms per run. Flags per ad: median "
        f"{flag_counts[len(flag_counts) // 2]}, max {flag_counts[-1]} (the corpus is dense "
        "with claims; every flag carries its regulatory context and precedents).",
    ]
    return figure


def page_100k(*, runs: int, pages: int, progress: Progress) -> Figure:
    """Figure 2: 100 KB html landing pages, and 100 KB of plain text, per run the median of
    `pages` different documents of each kind."""
    import random

    checker = _checker()
    warm_rng = random.Random(7_000)
    checker.check(corpus.make_ad(warm_rng, 100_000))
    checker.check(corpus.make_page_html(warm_rng, 100_000), format="html")
    text_medians, html_medians = [], []
    extracted: list[int] = []
    for run in range(runs):
        rng = random.Random(2_000 + run)
        texts = [corpus.make_ad(rng, 100_000) for _ in range(pages)]
        htmls = [corpus.make_page_html(rng, 100_000) for _ in range(pages)]
        gc.collect()
        text_times = [_time_call(lambda t=t: checker.check(t))[0] for t in texts]
        html_times = []
        for page in htmls:
            elapsed, body = _time_call(lambda p=page: checker.check(p, format="html"))
            html_times.append(elapsed)
            extracted.append(len(body["extracted_text"]))
        text_medians.append(percentile(text_times, 50))
        html_medians.append(percentile(html_times, 50))
        progress(
            f"page100k run {run + 1}/{runs}: text {text_medians[-1]:.1f} ms, "
            f"html {html_medians[-1]:.1f} ms (median of {pages})"
        )
    figure = Figure(
        "page100k",
        "in-process check() of a 100 KB page",
        f"python -m bench.run --only page100k  # {runs} runs x {pages} different pages per format",
    )
    figure.rows = [
        Row("check() 100 KB text", "ms", text_medians, "≤ 40 ms", 40.0),
        Row("check() 100 KB html page", "ms", html_medians, "≤ 40 ms", 40.0),
    ]
    figure.details = [
        "Each run value is the median over different documents. Text: ~100,000 characters of "
        "ad prose. Html: ~100,000 characters of landing page (head, styles, scripts, nav, "
        "lists, hidden keyword spam) whose visible text is "
        f"{min(extracted):,}-{max(extracted):,} characters.",
    ]
    return figure


# -- adversarial inputs (issue 6) ---------------------------------------------------------------

SIZE = 100_000
CLAIM_WORDS = (
    "cure",
    "reverse",
    "repair",
    "regenerate",
    "restore",
    "miracle",
    "breakthrough",
    "guaranteed",
    "stemcells",
    "exosomes",
    "fdaapproved",
    "nosideeffects",
    "clinicallyproven",
    "rootcause",
)
PUNCTUATION = "!?.,;:-\u2013\u2014()[]{}\"'\u2026/\\*&%$#@^~`|<>+=_"


def _fit(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _astral(size: int) -> str:
    # Emoji, and mathematical bold letters (which NFKC folds to ASCII) spelling claim words.
    bold = {c: chr(0x1D41A + ord(c) - ord("a")) for c in "abcdefghijklmnopqrstuvwxyz"}
    spelled = " ".join("".join(bold[c] for c in w) for w in ("stem", "cells", "cure", "autism"))
    unit = "\U0001f9ec\U0001f489\u2728\U0001f52c " + spelled + " \U0001f600\U0001fac0. "
    return _fit(unit, size)


def _conditions(size: int) -> str:
    names = (
        "multiple sclerosis",
        "parkinson's disease",
        "als",
        "lupus",
        "type 1 diabetes",
        "autism",
        "copd",
        "heart failure",
        "knee osteoarthritis",
        "crohn's disease",
        "stroke",
        "rheumatoid arthritis",
        "alzheimer's disease",
        "cerebral palsy",
        "psoriasis",
        "asthma",
    )
    return _fit("Our stem cells and exosomes treat " + ", ".join(names) + ", ", size)


def adversarial_inputs(depth: int = 20_000) -> list[tuple[str, str, dict[str, Any]]]:
    """(name, text, check keyword arguments) for each worst case."""
    return [
        ("one word repeated (`cure `)", _fit("cure "), {}),
        ("claim words without spaces", _fit("".join(CLAIM_WORDS)), {}),
        ("punctuation only", _fit(PUNCTUATION), {}),
        ("astral-plane characters (utf16 offsets)", _astral(SIZE), {"offsets": "utf16"}),
        ("many conditions in one sentence", _conditions(SIZE), {}),
        (
            f"html nested {depth:,} levels (rejected)",
            "<div>" * depth + "stem cells cure MS" + "</div>" * depth,
            {"format": "html"},
        ),
        (
            "html whose <style> holds near-miss rules (issue 14)",
            "<style>"
            + ("a" * 499 + "{" + ("display" + " " * 30 + ":" + " " * 30 + "nonx") * 28 + "}") * 40
            + "</style><p>stem cells cure MS</p>",
            {"format": "html"},
        ),
        (
            "near-miss prices and words after letters RE2 reads as non-word (`a1$ éyou `, "
            "issue 14)",
            _fit("a1$ \u00e9you \u00e9the cells "),
            {},
        ),
        (
            "html `<div a=<>` x 11,000 (issue 14; rejected)",
            "<div a=<>" * 11_000,
            {"format": "html"},
        ),
        (
            "html nested 1,990 levels (just under the limit)",
            "<div>" * 1990 + "stem cells cure MS" + "</div>" * 1990,
            {"format": "html"},
        ),
    ]


def adversarial(*, repeats: int, progress: Progress) -> Figure:
    import model

    checker = _checker()
    checker.check("warm-up: stem cells cure autism.")
    figure = Figure(
        "adversarial",
        "adversarial inputs (issue 6): check() time, median of repeats",
        f"python -m bench.run --only adversarial  # {repeats} repeats per input",
    )
    figure.details = ["| input | characters | outcome |", "| --- | ---: | --- |"]
    for name, text, kwargs in adversarial_inputs():
        times = []
        outcome = ""
        for _ in range(repeats):
            start = time.perf_counter()
            try:
                body = checker.check(text, **kwargs)
                outcome = f"{len(body['flags'])} flags, risk {body['risk']['level']}"
            except model.HtmlTooDeepError as error:
                outcome = f"rejected: HtmlTooDeepError (limit {error.limit})"
            except Exception as error:  # noqa: BLE001 - a crash is a finding to report
                outcome = f"raised {type(error).__name__}: {error}"[:200]
            times.append((time.perf_counter() - start) * 1000.0)
        progress(f"adversarial {name}: {sorted(times)[len(times) // 2]:.1f} ms ({outcome})")
        figure.rows.append(Row(f"adversarial: {name}", "ms", times, "≤ 1 s (issue 6)", 1000.0))
        figure.details.append(f"| {name} | {len(text):,} | {outcome} |")
    return figure
