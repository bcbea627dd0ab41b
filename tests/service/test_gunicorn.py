"""The real server: gunicorn with the project's config, over HTTP on a free loopback port."""

from __future__ import annotations

import json
import sys

from service.cli import gunicorn_argv

# Distinctive pieces of the ad that must never appear in any log line.
SECRET_AD = (
    "Zyqvorthex Regenerative Institute offers umbilical cord stem cell infusions that cure "
    "multiple sclerosis. Patients quarzelbine their insulin within weeks. No side effects!"
)
SECRET_PIECES = (
    "Zyqvorthex",
    "quarzelbine",
    "umbilical cord stem cell",
    "cure multiple",
    "No side effects",
)


def test_gunicorn_serves_a_real_check_over_http(start_server, checker, real_ad):
    # What `redflags serve` executes.
    server = start_server(gunicorn_argv("127.0.0.1", "{port}", 1))
    status, headers, raw = server.request(
        "POST", "/v1/check", {"text": real_ad, "id": "ad-42"}, headers={"X-Request-ID": "live-1"}
    )
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Request-ID"] == "live-1"
    assert json.loads(raw) == checker.check(real_ad, id="ad-42")

    status, _, raw = server.request(
        "POST", "/v1/check/batch", {"items": [{"text": real_ad}, {"text": ""}]}
    )
    assert status == 200
    assert json.loads(raw)["counts"] == {"ok": 1, "error": 1}

    status, _, raw = server.request("GET", "/nowhere")
    assert status == 404
    assert json.loads(raw)["error"]["code"] == "not_found"
    server.stop()


def test_logs_never_contain_the_ad(start_server, caplog, client):
    # In-process: the service's own loggers, at DEBUG, through a check, a batch and a failure.
    caplog.set_level("DEBUG")
    client.post("/v1/check", json={"text": SECRET_AD})
    client.post(
        "/v1/check/batch", json={"items": [{"text": SECRET_AD}, {"text": SECRET_AD, "bad": 1}]}
    )
    client.post("/v1/check", data=SECRET_AD, content_type="text/plain")
    client.post("/v1/check", data=SECRET_AD.encode() + b"{", content_type="application/json")
    for piece in SECRET_PIECES:
        assert piece not in caplog.text

    # Over HTTP: gunicorn's access and error logs, at debug level, with a query string too.
    server = start_server(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "python:service.gunicorn_conf",
            "service:create_app()",
        ],
        env={"REDFLAGS_LOG_LEVEL": "debug"},
    )
    server.request(
        "POST",
        "/v1/check?note=Zyqvorthex",
        {"text": SECRET_AD},
        headers={"X-Request-ID": "privacy-1", "User-Agent": "quarzelbine-agent"},
    )
    server.request("POST", "/v1/check/batch", {"items": [{"text": SECRET_AD}]})
    server.request("POST", "/v1/check", {"text": SECRET_AD, "format": "pdf"})
    log = server.stop()
    for piece in SECRET_PIECES:
        assert piece not in log
    # JSON lines (REDFLAGS_LOG_FORMAT=json, the default): the access lines carry method, path,
    # status, size, duration and request id, and nothing else.
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    assert any(
        line["method"] == "POST"
        and line["path"] == "/v1/check"
        and line["status"] == 200
        and line["request_id"] == "privacy-1"
        for line in access
    ), log
    assert any(line["path"] == "/v1/check" and line["status"] == 422 for line in access)
    for line in access:
        assert set(line) == {
            "time",
            "level",
            "logger",
            "message",
            "request_id",
            "method",
            "path",
            "status",
            "size",
            "duration_ms",
        }
    assert "127.0.0.1" not in json.dumps(access)  # no client address either
