"""`model.memory.release_free_heap`: the C heap's free pages go back to the system."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import pytest

import model
from model.memory import release_free_heap

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def _anonymous_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    raise AssertionError("no RssAnon in /proc/self/status")


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_freed_heap_memory_leaves_the_resident_set():
    """64 MiB in blocks below glibc's mmap threshold live in its heap; freed, they stay
    resident until the heap is trimmed."""
    release_free_heap()
    blocks = [bytearray(64 * 1024) for _ in range(1024)]
    for block in blocks:
        block[::4096] = b"x" * len(block[::4096])  # touch every page
    keep = blocks[-1]  # the heap's top stays in use: only a trim returns what lies below it
    del blocks
    before = _anonymous_kib()
    assert release_free_heap()
    assert before - _anonymous_kib() > 32 * 1024
    assert len(keep) == 64 * 1024


def test_load_checker_releases_the_free_heap_once_built(monkeypatch):
    calls: list[bool] = []
    monkeypatch.setattr(model, "release_free_heap", lambda: calls.append(True) or True)
    model.load_checker(use_classifier=False)
    assert calls == [True]
