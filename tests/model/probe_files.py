"""Probe sets written for the suite by colleagues who had not seen the checker's data: one JSON
object per line beside this module, and the level the checker gives a text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from model import shared_checker


def read_probes(name: str) -> list[dict[str, Any]]:
    path = Path(__file__).parent / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def risk_level(text: str) -> str:
    return shared_checker().check(text, detail="compact")["risk"]["level"]
