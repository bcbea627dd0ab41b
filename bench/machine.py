"""What the figures were measured on: CPU, cores, memory, Python, library versions, git commit."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "flask",
    "flask-smorest",
    "gunicorn",
    "daachorse",
    "selectolax",
    "joblib",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _git(*args: str) -> str:
    """Read-only git queries (`--no-optional-locks`: not even the index is refreshed)."""
    try:
        result = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip()


def git_commit() -> str:
    commit = _git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return f"{commit} (with uncommitted changes)" if dirty else commit


def wrk_version() -> str | None:
    path = shutil.which("wrk")
    if path is None or os.environ.get("BENCH_NO_WRK"):
        return None
    result = subprocess.run([path, "--version"], capture_output=True, text=True)
    first = (result.stdout or result.stderr).strip().splitlines()
    return first[0].split(" [")[0] if first else "wrk"


def describe() -> dict[str, object]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": _memory_total(),
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "packages": versions,
        "wrk": wrk_version(),
        "commit": git_commit(),
        "load_average_at_start": [round(x, 2) for x in load],
    }
