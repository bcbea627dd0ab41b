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


def clinic_pages_missed(probes: list[dict[str, Any]]) -> list[str]:
    """Ids of the clinic (violative) probes the checker leaves low."""
    return [p["id"] for p in probes if p["label"] == "violative" and risk_level(p["text"]) == "low"]


def other_pages_flagged(probes: list[dict[str, Any]]) -> list[str]:
    """Ids of the other probes (pages that share the clinics' words) the checker flags."""
    return [p["id"] for p in probes if p["label"] == "ok" and risk_level(p["text"]) != "low"]


def assert_clinic_pages_flagged(probes: list[dict[str, Any]], share: float) -> None:
    clinic = sum(p["label"] == "violative" for p in probes)
    missed = clinic_pages_missed(probes)
    assert clinic - len(missed) >= share * clinic, missed
