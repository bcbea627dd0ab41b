"""In-process figures: check() of ~5 KB ads, of 100 KB pages, and of adversarial inputs."""

from __future__ import annotations

import functools
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import corpus
from bench.reference import Interleaved
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


def _median_ms(
    checker: Any, texts: list[str], reference: Interleaved | None = None, **kwargs: Any
) -> tuple[float, float, int]:
    """Median and p99 of single check() calls on `texts` (ms), and the most flags of one; the
    reference workload, when given, is timed between the calls."""
    times = []
    most_flags = 0
    for text in texts:
        elapsed, body = _time_call(functools.partial(checker.check, text, **kwargs))
        times.append(elapsed)
        most_flags = max(most_flags, len(body["flags"]))
        if reference is not None:
            reference.after_call()
    return percentile(times, 50), percentile(times, 99), most_flags


# (label, corpus of ~5 KB ads, check keyword arguments, target in ms)
CHECK_5K_CASES: tuple[tuple[str, Callable[[int, int], list[str]], dict[str, str], float], ...] = (
    ("English, full", lambda n, seed: corpus.make_ads(n, 5000, seed), {"detail": "full"}, 2.0),
    (
        "English, compact",
        lambda n, seed: corpus.make_ads(n, 5000, seed),
        {"detail": "compact"},
        1.5,
    ),
    (
        "Spanish, full",
        lambda n, seed: corpus.make_foreign_ads(n, 5000, seed),
        {"detail": "full"},
        2.0,
    ),
    (
        "Spanish, compact",
        lambda n, seed: corpus.make_foreign_ads(n, 5000, seed),
        {"detail": "compact"},
        1.5,
    ),
)


def check_5k(*, runs: int, calls: int, warmup: int, progress: Progress) -> Figure:
    """Figure 1: each run screens `calls` different ~5 KB ads per case (English and Spanish,
    full and compact), and times the fixed reference workload (`bench/reference.py`) in the
    same run; per run, the median single-call time and its ratio to the reference."""
    checker = _checker()
    for _, make, kwargs, _ in CHECK_5K_CASES:
        for text in make(warmup, 9_000):
            checker.check(text, **kwargs)
    references: list[float] = []
    medians: dict[str, list[float]] = {label: [] for label, *_ in CHECK_5K_CASES}
    ratios: dict[str, list[float]] = {label: [] for label, *_ in CHECK_5K_CASES}
    p99s: list[float] = []
    most_flags: dict[str, int] = {}
    for run in range(runs):
        gc.collect()
        run_references = []
        for label, make, kwargs, _ in CHECK_5K_CASES:
            ads = make(calls, 1_000 + run)  # different texts in every run
            reference = Interleaved(every=10)
            median, p99, flags = _median_ms(checker, ads, reference, **kwargs)
            medians[label].append(median)
            ratios[label].append(median / reference.median_ms())
            run_references.append(reference.median_ms())
            most_flags[label] = max(most_flags.get(label, 0), flags)
            if label == "English, full":
                p99s.append(p99)
        references.append(statistics.median(run_references))
        progress(
            f"check5k run {run + 1}/{runs}: reference {references[-1]:.2f} ms; "
            + ", ".join(f"{label} {values[-1]:.2f} ms" for label, values in medians.items())
        )
    figure = Figure(
        "check5k",
        "in-process check() of a ~5 KB ad, English and Spanish, full and compact",
        f"python -m bench.run --only check5k  # {runs} runs x {calls} different ads per case, "
        f"{warmup} warm-up calls",
    )
    figure.rows = [Row("reference workload (bench/reference.py)", "ms", references)]
    for label, _, _, target in CHECK_5K_CASES:
        figure.rows.append(
            Row(
                f"check() ~5 KB ad, {label}: median", "ms", medians[label], f"≤ {target} ms", target
            )
        )
    figure.rows.append(Row("check() ~5 KB ad, English, full: p99", "ms", p99s, "≤ 10 ms", 10.0))
    for label, *_ in CHECK_5K_CASES:
        figure.rows.append(
            Row(f"check() ~5 KB ad, {label}: ratio to the reference", "×", ratios[label])
        )
    english = corpus.make_ads(3, 5000, 1_000)
    spanish = corpus.make_foreign_ads(3, 5000, 1_000)
    figure.details = [
        "English ads: different texts of ~5,000 characters from `bench/corpus.py`'s pools "
        f"(e.g. {', '.join(str(len(t)) for t in english)} characters); Spanish ads: sentences of "
        "the Spanish ads of our written evaluation sets drawn into different texts "
        f"(e.g. {', '.join(str(len(t)) for t in spanish)} characters). Most flags on one ad: "
        + ", ".join(f"{label} {count}" for label, count in most_flags.items())
        + ". The reference workload (`bench/reference.py`: fixed pure-Python work of the kind "
        "a check does on a 10 KB page, never the checker) is timed after every 10th check of "
        "each case; a ratio row divides a case's median by the median of the reference passes "
        "timed among its checks, so both met the same load.",
    ]
    return figure


def normalise_5k(*, runs: int, calls: int, progress: Progress) -> Figure:
    """Issue 13's figure: what folding (invisible characters, NFKC, look-alike letters and
    disguised words undone, offsets kept) and language identification cost on a ~5 KB English
    ad, each timed on its own with the checker's own vocabulary, beside the whole check() of
    the same ads and the reference workload."""
    from model.language import identify_language
    from model.normalise import fold_text

    checker = _checker()
    vocabulary = checker.parts.matcher.vocabulary
    for text in corpus.make_ads(10, 5000, 9_000):  # warm-up (the language model loads lazily)
        fold_text(text, vocabulary)
        identify_language(text)
    steps: dict[str, Callable[[str], Any]] = {
        "folding": lambda text: fold_text(text, vocabulary),
        "language identification": identify_language,
        "check(), full": lambda text: checker.check(text),
    }
    medians: dict[str, list[float]] = {name: [] for name in steps}
    together: list[float] = []
    references: list[float] = []
    for run in range(runs):
        gc.collect()
        ads = corpus.make_ads(calls, 5000, 2_000 + run)
        reference = Interleaved(every=10)
        times: dict[str, list[float]] = {name: [] for name in steps}
        for text in ads:
            for name, step in steps.items():
                elapsed, _ = _time_call(functools.partial(step, text))
                times[name].append(elapsed)
            reference.after_call()
        for name in steps:
            medians[name].append(percentile(times[name], 50))
        pairs = zip(times["folding"], times["language identification"], strict=True)
        together.append(percentile([a + b for a, b in pairs], 50))
        references.append(reference.median_ms())
        progress(
            f"normalise5k run {run + 1}/{runs}: "
            + ", ".join(f"{name} {values[-1]:.3f} ms" for name, values in medians.items())
        )
    figure = Figure(
        "normalise5k",
        "folding and language identification of a ~5 KB English ad (issue 13)",
        f"python -m bench.run --only normalise5k  # {runs} runs x {calls} different ads",
    )
    figure.rows = [
        Row("reference workload (bench/reference.py)", "ms", references),
        Row("folding + language identification, ~5 KB English ad", "ms", together, "≤ 0.3 ms", 0.3),
        Row("of which folding", "ms", medians["folding"]),
        Row("of which language identification", "ms", medians["language identification"]),
        Row("check() of the same ads, full", "ms", medians["check(), full"]),
    ]
    figure.details = [
        "Each ad is folded with the checker's own vocabulary (`model.normalise.fold_text`: the "
        "step that undoes disguises and keeps offsets) and its language identified "
        "(`model.language.identify_language`), each timed alone, then checked whole; medians "
        "per run. Issue 13's target is what the two add to a check: ≤ 0.3 ms.",
    ]
    return figure


SCALING_SIZES = (1_000, 5_000, 25_000, 100_000)


def scaling(*, runs: int, texts: dict[int, int], progress: Progress) -> Figure:
    """Time against text length: per run and size, the median of `texts[size]` different
    plain-text ads; the 100 KB check at most 20 times the 5 KB one (issue 15)."""
    import random

    checker = _checker()
    warm = random.Random(6_000)
    for size in SCALING_SIZES:
        checker.check(corpus.make_ad(warm, size))
    per_size: dict[int, list[float]] = {size: [] for size in SCALING_SIZES}
    ratios: dict[int, list[float]] = {size: [] for size in SCALING_SIZES}
    references: list[float] = []
    ratio_100_5: list[float] = []
    for run in range(runs):
        rng = random.Random(6_100 + run)
        gc.collect()
        run_references = []
        for size in SCALING_SIZES:
            batch = [corpus.make_ad(rng, size) for _ in range(texts[size])]
            reference = Interleaved(every=max(1, texts[size] // 5))
            per_size[size].append(_median_ms(checker, batch, reference)[0])
            ratios[size].append(per_size[size][-1] / reference.median_ms())
            run_references.append(reference.median_ms())
        references.append(statistics.median(run_references))
        ratio_100_5.append(per_size[100_000][-1] / per_size[5_000][-1])
        progress(
            f"scaling run {run + 1}/{runs}: "
            + ", ".join(
                f"{size // 1000} KB {values[-1]:.1f} ms" for size, values in per_size.items()
            )
            + f"; 100 KB / 5 KB = {ratio_100_5[-1]:.1f}"
        )
    figure = Figure(
        "scaling",
        "check() time against text length (full answers, plain text)",
        f"python -m bench.run --only scaling  # {runs} runs; per run and size, the median of "
        + ", ".join(f"{count} ({size // 1000} KB)" for size, count in texts.items())
        + " different ads",
    )
    figure.rows = [Row("reference workload (bench/reference.py)", "ms", references)]
    for size in SCALING_SIZES:
        target, limit = ("≤ 30 ms", 30.0) if size == 100_000 else ("", None)
        figure.rows.append(
            Row(f"check() {size // 1000} KB text", "ms", per_size[size], target, limit)
        )
    for size in SCALING_SIZES:
        figure.rows.append(
            Row(
                f"check() {size // 1000} KB text: ms per KB",
                "ms/KB",
                [value / (size / 1000) for value in per_size[size]],
            )
        )
    figure.rows.append(Row("check() 100 KB ÷ 5 KB", "×", ratio_100_5, "≤ 20× (linear)", 20.0))
    for size in SCALING_SIZES:
        figure.rows.append(
            Row(f"check() {size // 1000} KB text: ratio to the reference", "×", ratios[size])
        )
    figure.details = [
        "Ads from `bench/corpus.py` at each length (headings, paragraphs, claims), different in "
        "every run. A cost that grows linearly keeps the ms-per-KB rows flat; a superlinear step "
        "shows as a rising row. 20x the length may cost at most 20x the time. The reference "
        "workload (`bench/reference.py`) is timed about five times among each size's checks.",
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
        text_times = [_time_call(functools.partial(checker.check, t))[0] for t in texts]
        html_times = []
        for page in htmls:
            elapsed, body = _time_call(functools.partial(checker.check, page, format="html"))
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
        Row("check() 100 KB text", "ms", text_medians, "≤ 30 ms", 30.0),
        Row("check() 100 KB html page", "ms", html_medians, "≤ 30 ms", 30.0),
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
