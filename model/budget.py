"""A time budget for one check: a deadline on `time.monotonic()`, checked between stages.

The service gives every request (and every batch item) a deadline; the checker calls
`check_deadline` between its stages, so a check that runs out of time stops at the next stage
boundary instead of holding a server worker until it is killed. `None` means no budget (the
command line, `redflags screen`, tests).
"""

from __future__ import annotations

import time


class TimeBudgetExceeded(RuntimeError):
    """The check did not finish within its time budget."""


def check_deadline(deadline: float | None) -> None:
    """Raise `TimeBudgetExceeded` once `time.monotonic()` is past `deadline` (None: never)."""
    if deadline is not None and time.monotonic() > deadline:
        raise TimeBudgetExceeded("the check ran past its time budget")
