"""Privacy: the ad text never reaches a log line, a metric or an error body, on any path.

test_gunicorn.py covers gunicorn's own access and error logs; these cover the service's loggers
(at DEBUG) through the batch endpoint, every error path, the 500 handler, readiness failures,
access control, and /metrics.
"""

from __future__ import annotations

import json
import logging
import sys

import pytest

from service.logs import JsonFormatter

SECRET_AD = (
    "Vexmoralda Longevity Spa injects Wharton's jelly stem cells that cure Parkinson's disease. "
    "Patients drobnelize their levodopa within weeks. Zero risk, guaranteed."
)
SECRET_PIECES = ("Vexmoralda", "drobnelize", "Wharton's jelly stem", "levodopa", "Zero risk")
KEY = "privacy-key-0123456789"


def assert_no_secret(text: str) -> None:
    for piece in SECRET_PIECES:
        assert piece not in text, piece


class LeakyChecker:
    """A checker that fails with the ad in its exception message, as a careless bug would."""

    def __init__(self, real):
        self.versions = real.versions
        self.classifier = None

    def check(self, text, **kwargs):
        raise ValueError(f"could not screen {text!r}")

    def rule_catalogue(self):
        return {"version": "x", "rules": []}


@pytest.fixture
def debug_log(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def test_batch_and_its_failing_items_log_no_text(client, debug_log):
    items = [
        {"text": SECRET_AD},
        {"text": SECRET_AD, "format": "html"},
        {"text": SECRET_AD, "unknown": SECRET_AD},
        {"text": SECRET_AD, "exclude": [SECRET_AD]},
        {"text": SECRET_AD, "offsets": SECRET_AD},
        SECRET_AD,
        [SECRET_AD],
    ]
    response = client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 200
    errors = [entry["error"] for entry in response.get_json()["results"] if "error" in entry]
    assert len(errors) == 5
    # An unknown exclusion is named back to its sender (SPEC); nothing echoes the text itself.
    assert_no_secret(json.dumps([e for e in errors if "exclude" not in e["details"]]))
    assert_no_secret(debug_log.text)


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        (json.dumps({"text": SECRET_AD, "format": "pdf"}), "application/json", 422),
        (json.dumps({"text": SECRET_AD, "id": SECRET_AD * 3}), "application/json", 422),
        (json.dumps({"text": SECRET_AD, SECRET_AD: 1}), "application/json", 422),
        (json.dumps({"text": SECRET_AD, "exclude": ["no-such-rule"]}), "application/json", 422),
        (json.dumps({"text": SECRET_AD}), "text/plain", 415),
        (SECRET_AD, "application/json", 400),
        (json.dumps({"text": SECRET_AD})[:-2], "application/json", 400),
        (SECRET_AD.encode("latin-1", "replace") + b"\xff", "application/json", 400),
    ],
)
def test_error_paths_log_and_echo_no_text(client, debug_log, data, content_type, status):
    response = client.post("/v1/check", data=data, content_type=content_type)
    assert response.status_code == status
    body = response.get_data(as_text=True)
    if status == 422 and SECRET_AD in json.loads(data):  # an unknown field is named by its name
        body = body.replace(json.dumps(SECRET_AD)[1:-1], "")
    assert_no_secret(body)
    assert_no_secret(debug_log.text)


def test_413_logs_and_echoes_no_text(make_app, debug_log):
    client = make_app(REDFLAGS_MAX_BODY_BYTES=1024).test_client()
    response = client.post("/v1/check", json={"text": SECRET_AD * 20})
    assert response.status_code == 413
    assert_no_secret(response.get_data(as_text=True))
    assert_no_secret(debug_log.text)


@pytest.mark.parametrize("path", ["/v1/check", "/v1/check/batch"])
def test_the_500_handler_logs_the_failure_but_not_the_text(make_app, checker, debug_log, path):
    client = make_app(CHECKER=LeakyChecker(checker)).test_client()
    payload = {"text": SECRET_AD} if path == "/v1/check" else {"items": [{"text": SECRET_AD}]}
    response = client.post(path, json=payload, headers={"X-Request-ID": "leak-1"})
    assert_no_secret(response.get_data(as_text=True))
    assert "ValueError" in debug_log.text and "leak-1" in debug_log.text
    assert_no_secret(debug_log.text)


def test_a_failed_readiness_check_logs_no_text(make_app, checker, debug_log):
    client = make_app(CHECKER=LeakyChecker(checker)).test_client()
    assert client.get("/v1/ready").status_code == 503
    assert "ValueError" in debug_log.text
    assert "could not screen 'Our stem" not in debug_log.text  # messages are never logged


def test_refused_and_limited_requests_log_no_text(make_app, debug_log):
    client = make_app(REDFLAGS_API_KEYS=(KEY,), REDFLAGS_RATE_LIMIT="1/minute").test_client()
    for _ in range(3):
        client.post("/v1/check", json={"text": SECRET_AD})
        client.post("/v1/check", json={"text": SECRET_AD}, headers={"X-API-Key": KEY})
    assert_no_secret(debug_log.text)


def test_metrics_carry_no_text_and_no_raw_paths(client):
    client.post("/v1/check", json={"text": SECRET_AD, "id": "Vexmoralda-1"})
    client.post("/v1/check/batch", json={"items": [{"text": SECRET_AD, "format": "html"}]})
    client.get("/v1/Vexmoralda?drobnelize=1")
    exposition = client.get("/metrics").get_data(as_text=True)
    assert_no_secret(exposition)
    assert 'endpoint="unmatched"' in exposition


def test_json_log_lines_drop_exception_messages():
    try:
        raise RuntimeError(f"failed on {SECRET_AD}")
    except RuntimeError:
        record = logging.LogRecord(
            "service", logging.ERROR, __file__, 1, "unhandled %s", ("RuntimeError",), sys.exc_info()
        )
    line = JsonFormatter().format(record)
    parsed = json.loads(line)
    assert parsed["exception"] == "RuntimeError"
    assert "raise RuntimeError" in parsed["traceback"]
    assert_no_secret(line)
