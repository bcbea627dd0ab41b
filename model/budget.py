"""The time budget of one request: checked between the stages of a check, the items of a batch
and the pages of a screen, so a hostile input answers with an error instead of a worker timeout."""

from __future__ import annotations

import time


class TimeBudgetExceeded(RuntimeError):
    """The work did not finish within its time budget."""


def check_deadline(deadline: float | None) -> None:
    """Raise `TimeBudgetExceeded` once `time.monotonic()` is past `deadline` (None: no budget)."""
    if deadline is not None and time.monotonic() > deadline:
        raise TimeBudgetExceeded("the time budget of the request was exceeded")
