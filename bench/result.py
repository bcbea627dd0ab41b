"""The shape of a measured figure: rows of per-run values, each with its target."""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Row:
    label: str
    unit: str
    values: list[float]  # one value per run (or per repeat); the table shows min/median/max
    target: str = ""  # as issue 7 (or 6) words it
    limit: float | None = None  # the number the median is compared with
    higher_is_better: bool = False
    note: str = ""
    judge: str = "median"  # or "max": every run must meet the target (errors, memory)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def passed(self) -> bool | None:
        if self.limit is None or not self.values:
            return None
        if self.higher_is_better:
            value = min(self.values) if self.judge == "max" else self.median
            return value >= self.limit
        value = max(self.values) if self.judge == "max" else self.median
        return value <= self.limit


@dataclass
class Figure:
    name: str
    title: str
    command: str
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # markdown lines
    skipped: str = ""  # why the figure has no rows
    measured_at: str = field(
        default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    )
    commit: str = ""
    quick: bool = False

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        rows = [Row(**row) for row in data.get("rows", [])]
        return cls(**{**data, "rows": rows})
