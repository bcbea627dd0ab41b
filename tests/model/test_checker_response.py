"""Responses share no mutable object: a client (or the service) may edit one answer without
changing another, nor the dicts the checker builds once at start-up and copies per flag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from model import Checker


def containers(value: Any) -> Iterator[int]:
    """The id of every dict and list in a response body."""
    if isinstance(value, dict):
        yield id(value)
        for item in value.values():
            yield from containers(item)
    elif isinstance(value, list):
        yield id(value)
        for item in value:
            yield from containers(item)


def test_two_answers_share_no_dict_or_list(checker: Checker, real_ad: str) -> None:
    bodies = [
        checker.check(real_ad),
        checker.check(real_ad),
        checker.check(real_ad, detail="compact"),
        checker.check(real_ad, detail="compact", offsets="utf16"),
    ]
    assert all(body["flags"][0]["regulatory_context"] for body in bodies)
    assert all(body["flags"][0]["precedents"] for body in bodies)
    seen: set[int] = set()
    for body in bodies:
        ids = list(containers(body))
        assert len(ids) == len(set(ids))  # nor within one answer
        assert seen.isdisjoint(ids)
        seen.update(ids)


def test_editing_an_answer_changes_no_later_answer(checker: Checker, real_ad: str) -> None:
    first = checker.check(real_ad)
    expected = checker.check(real_ad)
    for flag in first["flags"]:
        for item in flag["regulatory_context"] + flag["precedents"]:
            item.clear()
        flag["entities"].get("product", {}).clear()
        flag["regulatory_context"].append({})
    assert checker.check(real_ad) == expected
