"""Every non-2xx response is SPEC's JSON error, never an HTML page or a 500."""

from __future__ import annotations

import json

import pytest


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.content_type == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]


def post_raw(
    client, data: bytes | str, content_type: str = "application/json", path: str = "/v1/check"
):
    return client.post(path, data=data, content_type=content_type)


@pytest.mark.parametrize(
    "payload",
    [
        b"{",
        b'{"text": "a",}',
        b"{'text': 'single quotes'}",
        b'{"text": NaN}',
        b'{"text": "x"} trailing',
        b"",
        b"   ",
        b'{"text": "\\x"}',
    ],
)
def test_malformed_json_is_400(client, payload):
    assert_error(post_raw(client, payload), 400, "bad_json")


@pytest.mark.parametrize(
    "payload",
    [
        b'{"text": "caf\xe9"}',  # latin-1, not UTF-8
        b'{"text": "\xed\xa0\x80"}',  # an encoded surrogate is invalid UTF-8
        '{"text": "x"}'.encode("utf-16"),  # json.loads would sniff UTF-16 from bytes
    ],
)
def test_invalid_utf8_is_400(client, payload):
    assert_error(post_raw(client, payload), 400, "bad_json")


@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_deeply_nested_json_is_400_not_500(client, opener):
    payload = opener * 100_000
    error = assert_error(post_raw(client, payload), 400, "bad_json")
    assert error["message"]


def test_nested_json_within_limits_is_a_validation_error(client):
    response = client.post("/v1/check", json={"text": json.loads("[" * 500 + "]" * 500)})
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_wrong_content_type_is_415(client, content_type):
    response = client.post("/v1/check", data='{"text": "x"}', content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")


def test_missing_content_type_on_batch_is_415(client):
    response = client.post("/v1/check/batch", data='{"items": []}')
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": 42}, "text"),
        ({"text": None}, "text"),
        ({"text": ["a"]}, "text"),
        ({"text": "x", "format": "pdf"}, "format"),
        ({"text": "x", "offsets": "bytes"}, "offsets"),
        ({"text": "x", "min_severity": "critical"}, "min_severity"),
        ({"text": "x", "exclude": "hype_language"}, "exclude"),
        ({"text": "x", "exclude": [1]}, "exclude"),
        ({"text": "x", "id": "i" * 201}, "id"),
        ({"text": "x", "id": 7}, "id"),
        ({"text": "x", "url": 7}, "url"),
        ({"text": "x", "explain": False}, "explain"),
        ({"text": "x", "surprise": True}, "surprise"),
    ],
)
def test_contract_violations_are_422(client, payload, field):
    error = assert_error(client.post("/v1/check", json=payload), 422, "validation_error")
    assert field in error["details"]


@pytest.mark.parametrize("payload", [[], [{"text": "x"}], "text", 3, None, True])
def test_a_body_that_is_not_an_object_is_422(client, payload):
    response = post_raw(client, json.dumps(payload))
    assert_error(response, 422, "validation_error")


def test_id_of_200_chars_is_accepted(client):
    assert client.post("/v1/check", json={"text": "x", "id": "i" * 200}).status_code == 200


def test_over_long_text_is_422(make_app):
    client = make_app(REDFLAGS_MAX_CHARS=10).test_client()
    error = assert_error(client.post("/v1/check", json={"text": "x" * 11}), 422, "validation_error")
    assert error["details"]["text"] == ["Longer than maximum length 10."]


def test_default_max_chars_is_100000(client):
    assert client.post("/v1/check", json={"text": "a " * 50_000}).status_code == 200
    response = client.post("/v1/check", json={"text": "a " * 50_000 + "a"})
    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("escaped", ["\\ud800", "\\udfff", "a\\udc00b", "\\ude00\\ud83d"])
def test_lone_surrogates_are_422(client, escaped):
    response = post_raw(client, '{"text": "before ' + escaped + ' after"}')
    error = assert_error(response, 422, "validation_error")
    assert "surrogate" in error["details"]["text"][0]


@pytest.mark.parametrize("field", ["id", "url"])
def test_lone_surrogates_in_other_fields_are_422(client, field):
    response = post_raw(client, '{"text": "x", "' + field + '": "\\udbff"}')
    assert field in assert_error(response, 422, "validation_error")["details"]


def test_escaped_surrogate_pairs_are_valid_text(client):
    response = post_raw(client, '{"text": "stem cells \\ud83d\\ude00 cure MS"}')
    assert response.status_code == 200


def test_a_surrogate_in_an_unknown_field_name_is_still_json(client):
    response = post_raw(client, '{"text": "x", "\\ud800": 1}')
    assert_error(response, 422, "validation_error")
    response.data.decode("ascii")  # escaped on the way out, whatever the input held


def test_unknown_exclusions_are_422(client):
    response = client.post(
        "/v1/check", json={"text": "stem cells", "exclude": ["hype_language", "no.such-rule"]}
    )
    error = assert_error(response, 422, "validation_error")
    assert error["details"] == {"exclude": ["Unknown rule id or category: no.such-rule"]}


def test_html_nested_too_deep_is_422(make_app):
    client = make_app().test_client()
    limit = client.application.extensions["redflags_checker"].max_html_depth
    deep = "<div>" * (limit + 1) + "stem cells" + "</div>" * (limit + 1)
    response = client.post("/v1/check", json={"text": deep, "format": "html"})
    assert "text" in assert_error(response, 422, "validation_error")["details"]


@pytest.mark.parametrize(
    "path",
    ["/ui/nope.js", "/v1", "/v1/nope", "/v2/check", "/docs/assets/nope.js", "/v1/check/batch/x"],
)
def test_unknown_paths_are_404(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/v1/check", {"POST", "OPTIONS"}),
        ("put", "/v1/check/batch", {"POST", "OPTIONS"}),
        ("delete", "/v1/rules", {"GET", "HEAD", "OPTIONS"}),
        ("post", "/v1/health", {"GET", "HEAD", "OPTIONS"}),
        ("patch", "/openapi.json", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_wrong_methods_are_405_with_allow(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed


def test_bodies_over_the_limit_are_413(make_app):
    client = make_app(REDFLAGS_MAX_BODY_BYTES=2048).test_client()
    small = json.dumps({"text": "x" * 1000})
    assert client.post("/v1/check", data=small, content_type="application/json").status_code == 200
    big = json.dumps({"text": "x" * 3000})
    assert_error(post_raw(client, big), 413, "payload_too_large")
    assert_error(post_raw(client, big, path="/v1/check/batch"), 413, "payload_too_large")


def test_default_body_limit_is_8_mib(client):
    big = b'{"text": "' + b"x" * (8 * 1024 * 1024) + b'"}'
    assert_error(post_raw(client, big), 413, "payload_too_large")


def test_unexpected_exceptions_are_500_and_logged_without_the_ad(make_app, caplog):
    class Broken:
        versions: dict = {}

        def check(self, text, **kwargs):
            raise RuntimeError(f"failed on {text}")

    client = make_app(CHECKER=Broken()).test_client()
    response = client.post(
        "/v1/check", json={"text": "confidential ad text"}, headers={"X-Request-ID": "req-500"}
    )
    error = assert_error(response, 500, "internal")
    assert error["details"] == {}
    assert "confidential" not in response.get_data(as_text=True)
    assert response.headers["X-Request-ID"] == "req-500"
    assert "RuntimeError" in caplog.text and "req-500" in caplog.text
    assert "confidential" not in caplog.text


def test_errors_are_never_html(client):
    for response in (
        client.get("/missing"),
        client.get("/v1/check"),
        post_raw(client, b"{"),
        post_raw(client, "x", "text/html"),
    ):
        assert response.content_type == "application/json"
        assert b"<html" not in response.data.lower()
