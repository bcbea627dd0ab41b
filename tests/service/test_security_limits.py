"""Limits: body size, text length (plain and html), batch size and html depth are all
configurable from the environment and all answered in SPEC's error contract."""

from __future__ import annotations

import json

import pytest

import service
from service.errors import CODES, DRAIN_LIMIT_BYTES

SPEC_ERRORS = {
    400: "bad_json",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal",
}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.content_type == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def env_app(monkeypatch, checker):
    """An app built from environment variables alone."""

    def build(**environment: str):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return service.create_app({"TESTING": True, "CHECKER": checker}).test_client()

    return build


def test_every_spec_error_code_is_produced_by_the_one_error_module():
    for status, code in SPEC_ERRORS.items():
        assert CODES[status] == code


def test_body_limit_from_the_environment(env_app):
    client = env_app(REDFLAGS_MAX_BODY_BYTES="2048")
    assert client.post("/v1/check", json={"text": "x" * 1500}).status_code == 200
    for path in ("/v1/check", "/v1/check/batch"):
        response = client.post(
            path, data=b'{"text": "' + b"x" * 3000 + b'"}', content_type="application/json"
        )
        assert_error(response, 413, "payload_too_large")


def test_a_413_reads_the_rest_of_the_body_first(make_app):
    # Clients that send the whole body before reading (urllib, requests) get the 413 instead of
    # a broken pipe when the server has read what they sent.
    client = make_app(REDFLAGS_MAX_BODY_BYTES=2048).test_client()
    body = b'{"text": "' + b"x" * 100_000 + b'"}'
    response = client.post("/v1/check", data=body, content_type="application/json")
    assert_error(response, 413, "payload_too_large")
    response.close()  # the body is drained once the answer is out (as the server closes it)
    assert response.request.environ["wsgi.input"].tell() == len(body)


@pytest.mark.parametrize(
    ("sent", "declared", "drained"),
    [
        # A declared length past the drain limit is refused from the header, nothing read.
        (1024, DRAIN_LIMIT_BYTES + 1, 0),
        # A streamed body (no length) is read up to the drain limit, not further.
        (DRAIN_LIMIT_BYTES + 10 * 1024 * 1024, None, DRAIN_LIMIT_BYTES),
    ],
    ids=["declared-too-long", "streamed-too-long"],
)
def test_draining_stops_at_its_own_limit(make_app, sent, declared, drained):
    import io

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    app = make_app(REDFLAGS_MAX_BODY_BYTES=2048)
    stream = io.BytesIO(b" " * sent)
    environ = EnvironBuilder(
        path="/v1/check",
        method="POST",
        input_stream=stream,
        content_type="application/json",
        content_length=declared,
    ).get_environ()
    if declared is None:
        del environ["CONTENT_LENGTH"]
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(declared)  # a client that lies about its length
    body, status, _ = run_wsgi_app(app.wsgi_app, environ)
    assert status.startswith("413")
    assert b"payload_too_large" in b"".join(body)
    body.close()
    # (a streamed body: the parser read one byte past the body limit before the drain began)
    assert drained <= stream.tell() <= drained + 2049


@pytest.mark.parametrize(("size", "status"), [(4096, 200), (4097, 413), (100_000, 413)])
def test_a_streamed_body_without_length_is_held_to_the_limit(make_app, size, status):
    import io

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    app = make_app(REDFLAGS_MAX_BODY_BYTES=4096)
    body = b'{"text": "' + b"a" * (size - 12) + b'"}'
    environ = EnvironBuilder(
        path="/v1/check",
        method="POST",
        input_stream=io.BytesIO(body),
        content_type="application/json",
    ).get_environ()
    del environ["CONTENT_LENGTH"]  # as a WSGI server passes a chunked upload
    environ["wsgi.input_terminated"] = True
    response_body, response_status, _ = run_wsgi_app(app.wsgi_app, environ)
    assert int(response_status.split()[0]) == status
    response_body.close()
    assert environ["wsgi.input"].tell() == len(body)  # all read: the client sees the answer


def test_max_chars_from_the_environment_applies_to_text_and_html(env_app):
    client = env_app(REDFLAGS_MAX_CHARS="50")
    assert client.post("/v1/check", json={"text": "s" * 50}).status_code == 200
    for payload in ({"text": "s" * 51}, {"text": "<p>" + "s" * 48 + "</p>", "format": "html"}):
        error = assert_error(client.post("/v1/check", json=payload), 422, "validation_error")
        assert error["details"]["text"] == ["Longer than maximum length 50."]
    batch = client.post("/v1/check/batch", json={"items": [{"text": "s" * 51}, {"text": "ok"}]})
    assert batch.get_json()["counts"] == {"ok": 1, "error": 1}


def test_max_chars_counts_code_points_not_bytes_or_utf16_units(env_app):
    client = env_app(REDFLAGS_MAX_CHARS="10")
    assert client.post("/v1/check", json={"text": "😀" * 10}).status_code == 200
    assert client.post("/v1/check", json={"text": "😀" * 11}).status_code == 422


def test_max_batch_from_the_environment(env_app):
    client = env_app(REDFLAGS_MAX_BATCH="3")
    assert client.post("/v1/check/batch", json={"items": [{"text": "a"}] * 3}).status_code == 200
    response = client.post("/v1/check/batch", json={"items": [{"text": "a"}] * 4})
    error = assert_error(response, 422, "validation_error")
    assert error["details"]["items"] == ["Send between 1 and 3 items."]


def test_html_depth_from_the_environment(env_app, monkeypatch):
    monkeypatch.setenv("REDFLAGS_USE_CLASSIFIER", "0")
    monkeypatch.setenv("REDFLAGS_MAX_HTML_DEPTH", "10")
    client = service.create_app({"TESTING": True}).test_client()

    def page(depth: int) -> dict:
        return {"text": "<div>" * depth + "stem cells" + "</div>" * depth, "format": "html"}

    assert client.post("/v1/check", json=page(10)).status_code == 200
    error = assert_error(client.post("/v1/check", json=page(11)), 422, "validation_error")
    assert error["details"]["text"] == ["HTML nests elements more than 10 levels deep."]


def test_the_openapi_document_lists_the_limit_errors(client):
    document = client.get("/openapi.json").get_json()
    for path in ("/v1/check", "/v1/check/batch"):
        responses = document["paths"][path]["post"]["responses"]
        assert {"200", "400", "401", "413", "415", "422", "429"} <= set(responses), path
    assert "503" in document["paths"]["/v1/ready"]["get"]["responses"]
    description = json.dumps(document["components"]["schemas"]["CheckRequest"])
    assert "REDFLAGS_MAX_CHARS" in description
