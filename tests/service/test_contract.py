"""The request contract (service/contract.py), written once: the same schema and the same
refusals for POST /v1/check, batch items and `redflags screen`."""

from __future__ import annotations

import time

import pytest

from model.budget import TimeBudgetExceeded
from service import batch
from service.contract import (
    MAX_EXCLUDE_NAMES,
    MAX_URL_CHARS,
    CheckRefused,
    CheckRequestSchema,
    run_check,
)
from tests.conftest import StandInChecker


class RecordingChecker(StandInChecker):
    """Records the keyword arguments each check receives."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def check(self, text, **kwargs):
        self.calls.append(kwargs)
        return super().check(text)


@pytest.mark.parametrize("detail", ["full", "compact"])
def test_detail_is_passed_to_the_checker(make_app, detail):
    recording = RecordingChecker()
    client = make_app(CHECKER=recording).test_client()
    assert client.post("/v1/check", json={"text": "a", "detail": detail}).status_code == 200
    assert recording.calls[-1]["detail"] == detail
    response = client.post("/v1/check/batch", json={"items": [{"text": "a", "detail": detail}]})
    assert response.get_json()["counts"] == {"ok": 1, "error": 0}
    assert recording.calls[-1]["detail"] == detail


def test_detail_left_out_is_the_checkers_default(make_app):
    recording = RecordingChecker()
    client = make_app(CHECKER=recording).test_client()
    assert client.post("/v1/check", json={"text": "a"}).status_code == 200
    assert "detail" not in recording.calls[-1]


def test_an_unknown_detail_is_422(client):
    response = client.post("/v1/check", json={"text": "a", "detail": "brief"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"detail": ["Must be one of: full, compact."]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("url", "u" * (MAX_URL_CHARS + 1)),
        ("exclude", ["hype_language"] * (MAX_EXCLUDE_NAMES + 1)),
        ("detail", "brief"),
    ],
)
def test_screen_and_service_refuse_alike(client, field, value):
    item = {"text": "stem cells", field: value}
    over_http = client.post("/v1/check", json=item).get_json()["error"]
    _, on_a_crawl = batch.validate_item(item, batch.ScreenOptions())
    assert on_a_crawl == over_http


def test_a_long_exclude_list_is_refused_before_its_names_are_read():
    schema = CheckRequestSchema()
    names = ["hype_language"] * 1_300_000
    started = time.process_time()
    with pytest.raises(CheckRefused) as refused:
        schema.load_request({"text": "a", "exclude": names})
    assert time.process_time() - started < 1.0  # validating 1.3 M strings took seconds
    assert refused.value.details == {"exclude": ["Longer than maximum length 200."]}


def test_a_charset_other_than_utf8_is_415_naming_it(client):
    body = '{"text": "stem cells"}'
    for charset in ("utf-8", "UTF-8", "utf8"):
        response = client.post(
            "/v1/check", data=body, content_type=f"application/json; charset={charset}"
        )
        assert response.status_code == 200, charset
    response = client.post(
        "/v1/check",
        data=body.encode("utf-16"),
        content_type="application/json; charset=utf-16",
    )
    assert response.status_code == 415
    error = response.get_json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "utf-16" in error["message"]


def test_run_check_maps_the_checkers_refusals():
    class Refusing:
        def __init__(self, error):
            self.error = error

        def check(self, text, **kwargs):
            raise self.error

    with pytest.raises(CheckRefused) as refused:
        run_check(Refusing(TimeBudgetExceeded()), {"text": "a"}, deadline=time.monotonic())
    assert (refused.value.status, refused.value.code) == (503, "time_budget_exceeded")
    with pytest.raises(ValueError, match="not the contract's"):  # anything else propagates
        run_check(Refusing(ValueError("not the contract's")), {"text": "a"})


def test_the_vocabularies_the_service_documents_are_the_checkers():
    # model/vocabulary.py is the one place for them: the checker uses those very tuples.
    from model import checker, page, rules, vocabulary

    assert checker.FORMATS is vocabulary.FORMATS
    assert checker.OFFSET_MODES is vocabulary.OFFSET_MODES
    assert checker.DETAILS is vocabulary.DETAIL_LEVELS
    assert rules.SEVERITIES is vocabulary.SEVERITIES
    assert page.SIGNALS is vocabulary.PAGE_SIGNALS
