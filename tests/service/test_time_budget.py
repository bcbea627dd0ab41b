"""The per-request time budget (REDFLAGS_TIME_BUDGET): a check past it is a 503
`time_budget_exceeded` with Retry-After; in a batch each late item gets that error on its own
and nothing is lost."""

from __future__ import annotations

import time

import pytest

from model.budget import TimeBudgetExceeded, check_deadline
from service.config import Config, ConfigError
from tests.conftest import StandInChecker


class SlowChecker(StandInChecker):
    """A stand-in checker: each check takes `seconds` and honours its deadline as the real
    checker does (between stages)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadlines: list[float | None] = []

    def check(self, text, *, deadline=None, **kwargs):
        self.deadlines.append(deadline)
        check_deadline(deadline)
        time.sleep(self.seconds)
        check_deadline(deadline)
        return super().check(text)


def test_check_deadline():
    check_deadline(None)
    check_deadline(time.monotonic() + 60)
    with pytest.raises(TimeBudgetExceeded):
        check_deadline(time.monotonic() - 0.001)


def test_the_checker_stops_at_its_deadline(checker):
    with pytest.raises(TimeBudgetExceeded):
        checker.check("Stem cells cure multiple sclerosis.", deadline=time.monotonic() - 1)
    assert checker.check("Stem cells.", deadline=time.monotonic() + 60)["risk"]


def test_a_check_past_its_budget_is_503_with_retry_after(make_app):
    slow = SlowChecker(0.3)
    client = make_app(CHECKER=slow, REDFLAGS_TIME_BUDGET=0.1).test_client()
    started = time.monotonic()
    response = client.post("/v1/check", json={"text": "stem cells"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "time_budget_exceeded"
    assert int(response.headers["Retry-After"]) > 0
    assert slow.deadlines[0] is not None and slow.deadlines[0] - started <= 0.1 + 0.05


def test_a_check_within_its_budget_is_answered(make_app):
    client = make_app(CHECKER=SlowChecker(0.01), REDFLAGS_TIME_BUDGET=5).test_client()
    assert client.post("/v1/check", json={"text": "stem cells"}).status_code == 200


def test_batch_items_past_the_budget_get_their_own_error(make_app):
    slow = SlowChecker(0.1)
    client = make_app(CHECKER=slow, REDFLAGS_TIME_BUDGET=0.35).test_client()
    items = [{"text": "stem cells", "id": str(i)} for i in range(10)]
    response = client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 200
    body = response.get_json()
    results = body["results"]
    assert [entry["index"] for entry in results] == list(range(10))
    assert [entry["id"] for entry in results] == [str(i) for i in range(10)]
    done = [entry for entry in results if "result" in entry]
    late = [entry for entry in results if "error" in entry]
    assert 2 <= len(done) <= 4
    assert results[: len(done)] == done  # in order: the budget runs out once
    assert {entry["error"]["code"] for entry in late} == {"time_budget_exceeded"}
    assert body["counts"] == {"ok": len(done), "error": len(late)}
    # items that started after the budget was spent never reached the checker
    assert len(slow.deadlines) <= len(done) + 1
    assert len(set(slow.deadlines)) == 1  # one budget for the whole request


def test_the_budget_setting():
    assert Config.from_env({}).REDFLAGS_TIME_BUDGET == 20.0
    assert Config.from_env({"REDFLAGS_TIME_BUDGET": "2.5"}).REDFLAGS_TIME_BUDGET == 2.5
    for bad in ("0", "-1", "soon", "31"):  # more than half the worker timeout is refused
        with pytest.raises(ConfigError, match="REDFLAGS_TIME_BUDGET"):
            Config.from_env({"REDFLAGS_TIME_BUDGET": bad})
