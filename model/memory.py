"""Giving the C heap's free memory back to the system once the checker is built.

Building the checker allocates far more than it keeps: YAML parses, phrase lists, the phrase
automaton's build (inside daachorse) and temporary NumPy arrays are freed when it is done, but
glibc's allocator keeps freed memory in its heap for later requests and returns it to the system
only at the heap's top, rarely reached. A server worker is forked from a master that has built
the checker, and every page the master keeps resident is counted in each worker's resident set.
`malloc_trim(0)` returns every whole free page of the heap (about 30 MiB after a load); the
memory is not used again by the checker, so nothing is slower for it.
"""

from __future__ import annotations

import ctypes
import sys


def release_free_heap() -> bool:
    """Return the C heap's free pages to the system (glibc's `malloc_trim`); False where the C
    library has no such call (musl, macOS, Windows) or nothing could be returned."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return bool(trim(0))
