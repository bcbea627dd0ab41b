"""Structured logs and gunicorn's own errors, unit by unit (the live server is in
test_ops_gunicorn.py)."""

from __future__ import annotations

import json
import logging
import os
import socket
from datetime import datetime

import pytest

from service import gunicorn_hooks
from service.logs import JsonFormatter

REQUIRED = {"time", "level", "logger", "message", "request_id"}


def record(message: str, *args, **extra) -> logging.LogRecord:
    entry = logging.LogRecord("service", logging.WARNING, __file__, 1, message, args, None)
    for name, value in extra.items():
        setattr(entry, name, value)
    return entry


def test_a_line_is_one_json_object_with_the_required_fields():
    line = JsonFormatter().format(record("screened %d ads\nin %s", 3, "batch"))
    assert "\n" not in line
    parsed = json.loads(line)
    assert set(parsed) == REQUIRED
    assert parsed["level"] == "WARNING" and parsed["logger"] == "service"
    assert parsed["message"] == "screened 3 ads\nin batch"
    assert parsed["request_id"] is None
    assert parsed["time"].endswith("Z")
    datetime.fromisoformat(parsed["time"].replace("Z", "+00:00"))


def test_lines_are_ascii_whatever_the_message():
    line = JsonFormatter().format(record("odd \u202e\x00 \ud800 😀"))
    line.encode("ascii")
    assert json.loads(line)["message"].startswith("odd")


def test_the_request_id_comes_from_the_request(app):
    with app.test_request_context("/v1/check", headers={"X-Request-ID": "req-json-1"}):
        app.preprocess_request()
        parsed = json.loads(JsonFormatter().format(record("inside a request")))
    assert parsed["request_id"] == "req-json-1"


def test_access_fields_are_added_when_present():
    line = JsonFormatter().format(
        record(
            "POST /v1/check 200",
            method="POST",
            path="/v1/check",
            status=200,
            size=123,
            duration_ms=4.5,
            request_id="r-1",
        )
    )
    parsed = json.loads(line)
    assert parsed["request_id"] == "r-1"
    assert {k: parsed[k] for k in ("method", "path", "status", "size", "duration_ms")} == {
        "method": "POST",
        "path": "/v1/check",
        "status": 200,
        "size": 123,
        "duration_ms": 4.5,
    }


@pytest.mark.parametrize(
    ("status", "reason", "code"),
    [
        (400, "Bad Request", "bad_request"),
        (414, "URI Too Long", "uri_too_long"),
        (431, "Request Header Fields Too Large", "headers_too_large"),
        (501, "Not Implemented", "not_implemented"),
        (418, "I'm a teapot", "http_error"),
    ],
)
def test_gunicorn_errors_are_written_as_spec_json(status, reason, code):
    server, client = socket.socketpair()
    with server, client:
        gunicorn_hooks.write_json_error(
            server, status, reason, "Invalid request line 'GET /secret'"
        )
        server.shutdown(socket.SHUT_WR)
        raw = b"".join(iter(lambda: client.recv(65536), b""))
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} {reason}".encode())
    assert b"Content-Type: application/json" in head
    assert f"Content-Length: {len(body)}".encode() in head
    error = json.loads(body)["error"]
    assert error["code"] == code and error["details"] == {}
    assert b"secret" not in raw  # gunicorn's message quotes the request: not echoed


def test_gunicorns_rejection_lines_lose_the_client_address():
    line = record("Invalid request from ip=203.0.113.9: Invalid HTTP method 'X'")
    assert gunicorn_hooks._DropClientAddress().filter(line)
    assert "203.0.113.9" not in line.getMessage()
    assert line.getMessage().startswith("Invalid request: ")


def test_the_metrics_directory_is_prepared_and_removed(monkeypatch, tmp_path):
    # setenv first, so that monkeypatch records (and restores) the variable's original state.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "placeholder")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    monkeypatch.setattr(gunicorn_hooks, "_metrics_dir_owned", None)
    made = gunicorn_hooks.prepare_metrics_dir()
    try:
        assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == made
        assert os.path.isdir(made) and not os.listdir(made)
    finally:
        gunicorn_hooks.remove_metrics_dir()
        os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    assert not os.path.exists(made)

    named = tmp_path / "prom"
    named.mkdir()
    (named / "counter_123.db").write_bytes(b"stale")
    (named / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(named))
    assert gunicorn_hooks.prepare_metrics_dir() == str(named)
    assert sorted(p.name for p in named.iterdir()) == ["keep.txt"]
    gunicorn_hooks.remove_metrics_dir()
    assert named.is_dir()  # an operator's directory is emptied of stale files, never removed
