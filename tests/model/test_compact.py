"""`detail: "compact"` (SPEC API 1.1) is the full answer with fewer fields, nothing else.

Per flag, each regulatory-context item keeps `id`, `citation`, `url`, `relevance`; each precedent
keeps `id`, `kind`, `recipient`, `date`, `url`; the classifier block loses `top_terms`. Every
other field, and the order of everything, is the full answer's. The ids are those of
`GET /v1/regulations`, where a client finds the full texts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from model import Checker

SETS = Path(__file__).resolve().parents[2] / "evaluation"
CONTEXT_KEYS = ("id", "citation", "url", "relevance")
PRECEDENT_KEYS = ("id", "kind", "recipient", "date", "url")


def written_texts() -> list[tuple[str, str, str]]:
    """(id, text, format) of every text of our own written sets."""
    texts = []
    for path in sorted(SETS.glob("*_set.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            texts.append((f"{path.stem}/{item['id']}", item["text"], item.get("format", "text")))
    return texts


def compact_of(full: dict[str, Any]) -> dict[str, Any]:
    """SPEC's compact answer, derived from the full one by SPEC's words alone."""
    compact = dict(full)
    compact["flags"] = [
        {
            **flag,
            "regulatory_context": [
                {key: item[key] for key in CONTEXT_KEYS} for item in flag["regulatory_context"]
            ],
            "precedents": [
                {key: item[key] for key in PRECEDENT_KEYS} for item in flag["precedents"]
            ],
        }
        for flag in full["flags"]
    ]
    if full["classifier"] is not None:
        compact["classifier"] = {k: v for k, v in full["classifier"].items() if k != "top_terms"}
    return compact


def as_bytes(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)  # key order counts: it is what clients receive


@pytest.mark.parametrize("offsets", ["codepoint", "utf16"])
def test_compact_is_the_full_answer_less_specs_fields_on_every_written_text(
    checker: Checker, offsets: str
) -> None:
    different = []
    flags_seen = 0
    for item_id, text, text_format in written_texts():
        full = checker.check(text, format=text_format, offsets=offsets, detail="full")
        compact = checker.check(text, format=text_format, offsets=offsets, detail="compact")
        flags_seen += len(full["flags"])
        if as_bytes(compact) != as_bytes(compact_of(full)):
            different.append(item_id)
    assert flags_seen > 1000  # the sets carry flags with context and precedents to compare
    assert different == []


def test_compact_keeps_exactly_specs_fields(checker: Checker, real_ad: str) -> None:
    body = checker.check(real_ad, detail="compact")
    contexts = [item for flag in body["flags"] for item in flag["regulatory_context"]]
    precedents = [item for flag in body["flags"] for item in flag["precedents"]]
    assert contexts and precedents
    assert {tuple(item) for item in contexts} == {CONTEXT_KEYS}
    assert {tuple(item) for item in precedents} == {PRECEDENT_KEYS}
    if body["classifier"] is not None:
        assert "top_terms" not in body["classifier"]
        assert "top_terms" in checker.check(real_ad)["classifier"]


def test_compact_ids_resolve_in_the_knowledge_base(checker: Checker, real_ad: str) -> None:
    """A client reads the full texts from GET /v1/regulations, matched by id."""
    regulations = checker.knowledge_base.as_dict()
    references = {item["id"]: item for item in regulations["references"]}
    precedents = {item["id"]: item for item in regulations["precedents"]}
    full = checker.check(real_ad)
    compact = checker.check(real_ad, detail="compact")
    for full_flag, compact_flag in zip(full["flags"], compact["flags"], strict=True):
        for whole, short in zip(
            full_flag["regulatory_context"], compact_flag["regulatory_context"], strict=True
        ):
            reference = references[short["id"]]
            assert (reference["title"], reference["summary"]) == (whole["title"], whole["summary"])
        for whole, short in zip(full_flag["precedents"], compact_flag["precedents"], strict=True):
            precedent = precedents[short["id"]]
            assert (precedent["reference"], precedent["summary"]) == (
                whole["reference"],
                whole["summary"],
            )
