"""BENCHMARKS.md: the table, the machine, the commands and per-figure details.

The figures are also embedded as JSON in an html comment at the end of the file, so that
`python -m bench.run --only NAME` can re-measure one figure and keep the others.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bench.result import Figure, Row

DATA_MARK = "bench-data"
_DATA_RE = re.compile(r"<!-- bench-data\n(.*?)\n-->", re.DOTALL)


def _number(value: float, unit: str) -> str:
    if unit == "count":
        return f"{value:.0f}"
    if unit in ("req/s", "ads/s"):
        return f"{value:,.0f}"
    if unit == "s":
        return f"{value:.2f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _verdict(row: Row) -> str:
    passed = row.passed()
    if passed is None:
        return "–"
    return "pass" if passed else "**FAIL**"


def table(figures: list[Figure]) -> list[str]:
    lines = [
        "| figure | unit | min | median | max | n | target | result |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for figure in figures:
        if figure.skipped:
            lines.append(f"| {figure.title} | | | | | | | skipped: {figure.skipped} |")
            continue
        for row in figure.rows:
            values = row.values
            cells = [
                _number(min(values), row.unit),
                _number(row.median, row.unit),
                _number(max(values), row.unit),
            ]
            lines.append(
                f"| {row.label} | {row.unit} | {' | '.join(cells)} | {len(values)} | "
                f"{row.target or '–'} | {_verdict(row)} |"
            )
    return lines


def render(figures: list[Figure], machine: dict[str, Any], argv: str) -> str:
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items())
    commits = {f.commit for f in figures}
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{argv}` (`make bench`). Do not edit by hand: run it again. Targets are "
        "those of issue 7 (the adversarial inputs: issue 6). Each row gives min / median / max "
        "over `n` runs (for the adversarial inputs, over repeats; for memory, over workers "
        "and runs); pass/fail compares the **median** with the target, except where the "
        "target says *every* (errors, memory), which every value must meet. The machine is shared "
        "and noisy, so compare medians and re-run before trusting a small change.",
        "",
        *table(figures),
        "",
        "## Machine",
        "",
        f"- CPU: {machine['cpu']}, {machine['cores']} cores; memory {machine['memory']}; "
        f"{machine['os']}",
        f"- {machine['python']} ({machine['python_executable']})",
        f"- {packages}",
        f"- load generator: {machine['wrk'] or 'Python http.client threads (wrk not installed)'}",
        f"- git commit: {machine['commit']}"
        + ("" if len(commits) <= 1 else " (figures measured at different commits: see below)"),
        f"- load average when the run started: {machine['load_average_at_start']}",
        "",
        "## Commands and details",
        "",
    ]
    for figure in figures:
        lines += [f"### {figure.name}: {figure.title}", ""]
        lines.append(
            f"Measured {figure.measured_at} at {figure.commit}"
            + (" (**quick smoke run, not a benchmark**)" if figure.quick else "")
            + "."
        )
        lines += ["", "```", figure.command, "```", ""]
        if figure.skipped:
            lines += [figure.skipped, ""]
        for row in figure.rows:
            values = ", ".join(_number(v, row.unit) for v in row.values)
            note = f" ({row.note})" if row.note else ""
            lines.append(f"- {row.label}: {values} {row.unit}{note}")
        if figure.rows:
            lines.append("")
        if figure.details:
            lines += [*figure.details, ""]
    data = {"machine": machine, "figures": [f.to_json() for f in figures]}
    lines += [f"<!-- {DATA_MARK}", json.dumps(data, ensure_ascii=False), "-->", ""]
    return "\n".join(lines)


def previous_figures(path: Path) -> list[Figure]:
    """The figures embedded in an existing BENCHMARKS.md (empty if none or unreadable)."""
    try:
        match = _DATA_RE.search(path.read_text())
    except OSError:
        return []
    if match is None:
        return []
    try:
        return [Figure.from_json(f) for f in json.loads(match.group(1))["figures"]]
    except (ValueError, KeyError, TypeError):
        return []
