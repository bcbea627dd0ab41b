"""The real server (gunicorn with the project's config) on loopback: JSON logs, JSON errors for
what gunicorn rejects itself, 413s that reach every client, metrics summed over workers, and a
graceful shutdown that lets a request in flight finish."""

from __future__ import annotations

import json
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

GUNICORN = [
    sys.executable,
    "-m",
    "gunicorn",
    "--config",
    "python:service.gunicorn_conf",
    "service:create_app()",
]
REQUIRED = {"time", "level", "logger", "message", "request_id"}


def raw_exchange(port: int, payload: bytes, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def split_response(raw: bytes) -> tuple[int, bytes, bytes]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), head, body


def test_logs_are_json_lines_and_gunicorn_errors_are_spec_json(start_server):
    server = start_server(GUNICORN, env={"REDFLAGS_LOG_LEVEL": "debug"})
    port = server.port
    rejected = {
        "uri_too_long": b"GET /v1/health?" + b"q" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        "headers_too_large": b"GET /v1/health HTTP/1.1\r\nHost: x\r\n"
        + b"".join(b"X-H%d: v\r\n" % i for i in range(150))
        + b"\r\n",
        "bad_request": b"NOT AN HTTP REQUEST\r\n\r\n",
    }
    for code, payload in rejected.items():
        status, head, body = split_response(raw_exchange(port, payload))
        assert status >= 400
        assert b"Content-Type: application/json" in head, head
        assert json.loads(body)["error"]["code"] == code
    assert server.request("GET", "/v1/health", headers={"X-Request-ID": "json-log-1"})[0] == 200
    log = server.stop()
    lines = [line for line in log.splitlines() if line.strip()]
    assert lines
    parsed = [json.loads(line) for line in lines]  # every line, gunicorn's and the app's
    for entry in parsed:
        assert REQUIRED <= set(entry), entry
    access = [entry for entry in parsed if entry["logger"] == "gunicorn.access"]
    assert any(e["request_id"] == "json-log-1" and e["status"] == 200 for e in access)
    rejections = [e["message"] for e in parsed if e["message"].startswith("Invalid request")]
    assert rejections  # logged, without the client's address
    assert not any("ip=" in message or "127.0.0.1" in message for message in rejections)


def test_text_logs_when_asked(start_server):
    server = start_server(GUNICORN, env={"REDFLAGS_LOG_FORMAT": "text"})
    server.request("GET", "/v1/health", headers={"X-Request-ID": "text-log-1"})
    log = server.stop()
    assert any(
        line.endswith("rid=text-log-1") and " GET /v1/health 200 " in line
        for line in log.splitlines()
    ), log


def test_a_413_reaches_clients_that_send_the_whole_body_first(start_server):
    server = start_server(GUNICORN, env={"REDFLAGS_MAX_BODY_BYTES": "4096"})
    url = server.url + "/v1/check"
    big = b'{"text": "' + b"x" * 9_000_000 + b'"}'
    request = urllib.request.Request(url, data=big, headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413
    assert json.loads(refused.value.read())["error"]["code"] == "payload_too_large"

    response = requests.post(url, data=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"

    chunked = requests.post(
        url,
        data=(b"x" * 65536 for _ in range(64)),  # 4 MiB without a Content-Length
        headers={"Content-Type": "application/json"},
    )
    assert chunked.status_code == 413
    server.stop()


def test_keys_and_rate_limits_hold_in_forked_workers(start_server):
    key = "live-key-0123456789abcdef"
    server = start_server(
        GUNICORN, env={"REDFLAGS_API_KEYS": key, "REDFLAGS_RATE_LIMIT": "4/minute"}
    )
    assert server.request("GET", "/v1/rules")[0] == 401
    statuses = [server.request("GET", "/v1/rules", headers={"X-API-Key": key}) for _ in range(5)]
    assert [status for status, _, _ in statuses] == [200, 200, 200, 200, 429]
    status, headers, raw = statuses[-1]
    assert int(headers["Retry-After"]) > 0
    assert json.loads(raw)["error"]["code"] == "rate_limited"
    assert server.request("GET", "/v1/ready")[0] == 200  # probes stay open and unlimited
    server.stop()


def test_metrics_are_summed_over_workers(start_server, tmp_path):
    metrics_dir = tmp_path / "prometheus"
    server = start_server(
        GUNICORN, env={"WORKERS": "2", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    )

    def worker_pids() -> set[str]:
        return {path.stem.rsplit("_", 1)[-1] for path in metrics_dir.glob("counter_*.db")}

    # Which worker accepts a connection is the kernel's choice, and a gevent worker accepts
    # while it has any greenlet to spare, so one worker may answer a whole burst. Checks keep a
    # worker busy (CPU-bound, no yield), so concurrent checks spill over to the other; rounds go
    # on until both workers have written their own metrics file.
    body = {"text": "Our clinic offers stem cell therapy for knee pain. " * 200}
    sent = 0
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(8) as clients:
        while len(worker_pids()) < 2 and time.monotonic() < deadline:
            statuses = list(
                clients.map(lambda _: server.request("POST", "/v1/check", body=body)[0], range(16))
            )
            assert statuses == [200] * 16
            sent += 16
    assert len(worker_pids()) == 2, "both workers wrote their own metrics file"
    for _ in range(4):  # whichever worker answers the scrape reports the total
        status, _, raw = server.request("GET", "/metrics")
        assert status == 200
        wanted = 'redflags_http_requests_total{endpoint="/v1/check",method="POST",status="200"}'
        lines = [line for line in raw.decode().splitlines() if line.startswith(wanted)]
        assert lines and float(lines[0].split()[-1]) == sent, lines
    server.stop()


def test_sigterm_lets_a_request_in_flight_finish(start_server):
    server = start_server(GUNICORN, env={"GUNICORN_GRACEFUL_TIMEOUT": "20"})
    body = json.dumps({"text": "Our stem cells cure multiple sclerosis. " * 500}).encode()
    head = (
        "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as slow:
        slow.sendall(head + body[:1000])  # a slow client: the request is now in flight
        time.sleep(0.5)
        server.process.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert server.process.poll() is None, "the server waits for the request"
        slow.sendall(body[1000:])
        chunks = []
        while chunk := slow.recv(65536):
            chunks.append(chunk)
    status, _, response_body = split_response(b"".join(chunks))
    assert status == 200
    assert json.loads(response_body)["flags"]
    assert server.process.wait(timeout=20) == 0
    log = server.stop()
    assert '"status": 200' in log


def test_the_master_freezes_the_loaded_app_before_forking() -> None:
    """`when_ready` (gunicorn_conf) moves what the master loaded out of the collector's reach,
    so the forked workers keep sharing its pages."""
    import gc

    from service import gunicorn_hooks

    before = gc.get_freeze_count()
    try:
        gunicorn_hooks.freeze_loaded_app()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
