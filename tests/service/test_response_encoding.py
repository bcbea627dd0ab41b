"""`/v1/check` and `/v1/check/batch` send the checker's dicts as they are, encoded once with
orjson, with no marshmallow dump in between: these tests hold that shortcut to what the dump
gave (same keys, same order, same values and number types), and the encoder to the standard
library's JSON wherever orjson would differ or refuse."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

import model
from service import create_app
from service.jsonio import fast_dumps
from service.schemas import BatchResponseSchema, CheckResponseSchema
from tests.conftest import REAL_AD, REAL_AD_HTML

NON_ASCII_AD = (
    REAL_AD + "\nClínica Regenerativa — ¡células madre que curan la diabetes! 🙂 Café incluido."
)
CHECK_REQUESTS = [
    {"text": REAL_AD, "id": "ad-1"},
    {"text": REAL_AD_HTML, "format": "html", "url": "https://example.test/renew"},
    {"text": NON_ASCII_AD, "offsets": "utf16", "id": "anúncio-2"},
    {"text": NON_ASCII_AD, "min_severity": "high"},
    {"text": REAL_AD, "exclude": ["testimonial", "hype_language"]},
    {"text": "Our office is closed on public holidays."},  # no flags
]


def as_sent(value: object) -> str:
    """JSON text that tells key order, and 1 from 1.0, apart."""
    return json.dumps(value, ensure_ascii=False)


@pytest.fixture(scope="module")
def rules_only_client():
    app = create_app({"TESTING": True, "CHECKER": model.load_checker(use_classifier=False)})
    with app.test_client() as client:
        yield client


@pytest.fixture(params=["checker", "rules_only"])
def any_client(request, client):
    return client if request.param == "checker" else request.getfixturevalue("rules_only_client")


@pytest.mark.parametrize("body", CHECK_REQUESTS, ids=lambda body: "-".join(sorted(body)))
def test_a_check_response_is_what_the_schema_dump_gave(any_client, body):
    response = any_client.post("/v1/check", json=body)
    assert response.status_code == 200
    assert response.content_type == "application/json"
    sent = json.loads(response.data.decode("utf-8"))  # strict UTF-8, valid JSON
    dumped = CheckResponseSchema().dump(sent)
    assert as_sent(sent) == as_sent(dumped)


def test_a_check_response_is_the_checkers_report_in_order(client, checker):
    response = client.post("/v1/check", json=CHECK_REQUESTS[2])
    report = checker.check(**CHECK_REQUESTS[2])
    assert as_sent(json.loads(response.data)) == as_sent(CheckResponseSchema().dump(report))
    assert "anúncio-2".encode() in response.data  # UTF-8, not \\u escapes
    assert response.data.endswith(b"}\n")  # as Flask's own provider writes it


def test_a_batch_response_is_what_the_schema_dump_gave(any_client):
    items = [
        *CHECK_REQUESTS,
        {"text": ""},  # the item's own 422
        {"text": "x", "exclude": [3, "ok"]},  # details keyed by list index
        {"text": "x", "exclude": ["no-such-rule"]},  # the checker's 422
        {"text": "x", "colour": "red"},  # unknown field
        "not an object",
    ]
    response = any_client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 200
    assert response.content_type == "application/json"
    sent = json.loads(response.data.decode("utf-8"))
    assert as_sent(sent) == as_sent(BatchResponseSchema().dump(sent))
    assert sent["counts"] == {"ok": len(CHECK_REQUESTS), "error": 5}
    assert sent["results"][7]["error"]["details"] == {"exclude": {"0": ["Not a valid string."]}}


def test_a_lone_surrogate_echoed_in_a_batch_falls_back_to_escapes(client):
    raw = '{"items": [{"text": "x", "id": "a\\ud800"}, {"text": "é", "id": "ü"}]}'
    response = client.post("/v1/check/batch", data=raw, content_type="application/json")
    assert response.status_code == 200
    text = response.data.decode("ascii")  # the standard library escaped everything
    results = json.loads(text)["results"]
    assert results[0]["id"] == "a\ud800"
    assert results[1]["id"] == "ü"


# -- the encoder ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Point:
    x: int


class Label(str):
    pass


def test_fast_dumps_writes_what_the_standard_library_writes():
    value = {
        "text": 'Ärzte — «cura» 🙂 \u2028 tab\t quote" backslash\\ nul\x00 del\x7f',
        "numbers": [0, -3, 2**63 - 1, 0.5, 0.887, 1.0, -0.0, 123456.789],
        "nested": {"none": None, "true": True, "false": False, "empty": [{}, []]},
        0: "an int key",
        "z": 1,
        "a": 2,
    }
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert fast_dumps(value) == expected
    assert fast_dumps(value, newline=True) == expected + b"\n"


def test_fast_dumps_writes_the_same_numbers_in_exponent_form():
    value = [1e-07, 2.5e-05, 1e16, 1.7976931348623157e308, 5e-324]
    assert json.loads(fast_dumps(value)) == value


@pytest.mark.parametrize(
    "value",
    [
        {"id": "a\ud800b"},
        {"big": 2**64},
        {"when": datetime(2024, 1, 2, tzinfo=UTC)},
        {"point": Point(1)},
        {"label": Label("x")},
        {"set": {1, 2}},
    ],
    ids=["surrogate", "big-int", "datetime", "dataclass", "str-subclass", "set"],
)
def test_fast_dumps_declines_what_it_would_write_differently(value):
    assert fast_dumps(value) is None


def test_the_app_provider_falls_back_to_flasks_for_what_orjson_declines(app):
    plain_app = Flask(__name__)
    flasks = DefaultJSONProvider(plain_app)
    flasks.sort_keys = False
    when = {"when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "id": "a\ud800"}
    assert app.json.dumps(when) == flasks.dumps(when)
    with app.app_context():
        assert app.json.response(when).get_data() == flasks.response(when).get_data()
    assert app.json.dumps({"b": 1, "a": [1.5]}) == '{"b":1,"a":[1.5]}'
    assert app.json.dumps({"a": 1}, indent=2) == flasks.dumps({"a": 1}, indent=2)
