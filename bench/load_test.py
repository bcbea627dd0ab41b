"""Load test: N concurrent clients against gunicorn on loopback for a bounded time; prints JSON.

    python bench/load_test.py                      # 60 s, 32 clients, a fresh 2-worker gunicorn
    python bench/load_test.py --duration 10 --clients 8
    python bench/load_test.py --url http://127.0.0.1:8000   # an already running server

The server is started as `make run` starts it (gunicorn with service/gunicorn_conf.py) on
127.0.0.1 and a free port, and stopped at the end. Each client is a thread with its own
keep-alive connection (http.client) that posts a mix of ads (plain text, html, benign, a batch
of 8) to /v1/check and /v1/check/batch as fast as the server answers. The clients share the
machine with the server, so they take some of its CPU.

Output: one JSON object with the request count, throughput, error count and statuses, and
latency percentiles (ms), overall and per kind of request. Exit status 1 when any request
failed (a non-200 status, a connection error or a malformed body), else 0. Standalone: it
imports nothing from the project; traffic goes to loopback only and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
AD = (
    "Welcome to Harbor Regenerative Center! Our revolutionary stem cell therapy uses your own "
    "fat-derived cells (SVF) to treat multiple sclerosis, COPD, autism and Parkinson's disease. "
    "Patients have stopped taking their insulin after one treatment. There are no side effects "
    "because they are your own cells. Our stem cells are FDA registered. Enroll in our "
    "patient-funded study for $5,000 today - spaces are limited!\n"
)
BENIGN = (
    "The FDA warns consumers that stem cell products marketed for arthritis, autism or "
    "Parkinson's disease are unapproved, and that the only approved stem cell products are "
    "blood-forming cells from cord blood for disorders of the blood-producing system.\n"
)
HTML = (
    "<html><head><title>Harbor</title><script>var t = 1;</script></head><body><nav>Home</nav>"
    "<h1>Harbor Regenerative Center</h1><p>Our <b>miracle</b> umbilical cord stem cells "
    "reverse arthritis and COPD.</p><ul><li>No side effects</li><li>FDA approved</li></ul>"
    "<p style='display:none'>hidden</p></body></html>"
)
REQUESTS = [
    ("check", "/v1/check", {"text": AD * 3, "id": "ad-text"}),
    ("check", "/v1/check", {"text": AD * 12, "offsets": "utf16"}),
    ("check", "/v1/check", {"text": BENIGN * 4}),
    ("check_html", "/v1/check", {"text": HTML * 4, "format": "html"}),
    ("batch8", "/v1/check/batch", {"items": [{"text": AD, "id": f"b{i}"} for i in range(8)]}),
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return round(ordered[index], 2)


def summary(latencies: list[float]) -> dict[str, float | int | None]:
    return {
        "count": len(latencies),
        "p50_ms": percentile(latencies, 0.50),
        "p90_ms": percentile(latencies, 0.90),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": round(max(latencies), 2) if latencies else None,
    }


def start_server(workers: int, threads: int) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"redflags-load-{port}.log"
    environment = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(workers),
        "THREADS": str(threads),
        "REDFLAGS_LOG_LEVEL": "WARNING",  # no access lines to slow the run down
    }
    environment.pop("WEB_CONCURRENCY", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "python:service.gunicorn_conf",
                "--access-logfile",
                "/dev/null",
                "service:create_app()",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/v1/ready")
            if connection.getresponse().status == 200:
                connection.close()
                return process, url, log_path
        except OSError:
            pass
        time.sleep(0.2)
    stop_server(process)
    raise SystemExit(f"gunicorn did not become ready within 90 s; see {log_path}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Client(threading.Thread):
    """One simulated client: a keep-alive connection, requests back to back until the end."""

    def __init__(self, number: int, host: str, port: int, stop_at: float, headers: dict) -> None:
        super().__init__(daemon=True)
        self.number = number
        self.host, self.port = host, port
        self.stop_at = stop_at
        self.headers = headers
        self.latencies: dict[str, list[float]] = {kind: [] for kind, _, _ in REQUESTS}
        self.errors: Counter[str] = Counter()
        self.bodies = [(kind, path, json.dumps(body).encode()) for kind, path, body in REQUESTS]

    def run(self) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        turn = self.number
        while time.monotonic() < self.stop_at:
            kind, path, body = self.bodies[turn % len(self.bodies)]
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=self.headers)
                response = connection.getresponse()
                payload = response.read()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200:
                    self.errors[f"status {response.status}"] += 1
                    continue
                parsed = json.loads(payload)
                if "flags" not in parsed and "results" not in parsed:
                    self.errors["malformed body"] += 1
                    continue
                self.latencies[kind].append(elapsed)
            except (OSError, http.client.HTTPException, ValueError) as error:
                self.errors[type(error).__name__] += 1
                connection.close()
                connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.close()


def run_load(url: str, clients: int, duration: float, api_key: str | None) -> dict:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load tests target loopback only")
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["X-API-Key"] = api_key
    stop_at = time.monotonic() + duration
    workers = [
        Client(i, parts.hostname, parts.port or 80, stop_at, headers) for i in range(clients)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=duration + 120)
    elapsed = time.monotonic() - started
    by_kind = {
        kind: summary([ms for w in workers for ms in w.latencies[kind]])
        for kind in dict.fromkeys(kind for kind, _, _ in REQUESTS)
    }
    everything = [ms for w in workers for kind in w.latencies for ms in w.latencies[kind]]
    errors: Counter[str] = Counter()
    for worker in workers:
        errors.update(worker.errors)
    total = len(everything) + sum(errors.values())
    return {
        "requests": total,
        "ok": len(everything),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(total / elapsed, 2) if elapsed else None,
        "latency": summary(everything),
        "by_kind": by_kind,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (60)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (WORKER_CLASS=gthread only)"
    )
    parser.add_argument("--url", help="an already running server on loopback (not started)")
    parser.add_argument("--api-key", default=os.environ.get("REDFLAGS_LOAD_API_KEY"))
    args = parser.parse_args(argv)
    if not 0 < args.duration <= 600 or not 0 < args.clients <= 256:
        parser.error("--duration must be in (0, 600] and --clients in (0, 256]")

    process = log_path = None
    url = args.url
    if url is None:
        process, url, log_path = start_server(args.workers, args.threads)
    try:
        result = run_load(url, args.clients, args.duration, args.api_key)
    finally:
        if process is not None:
            stop_server(process)
    result = {
        "benchmark": "load_test",
        "clients": args.clients,
        "duration_s": args.duration,
        "server": url if args.url else {"workers": args.workers, "threads": args.threads},
        **result,
        "passed": result["errors"] == 0 and result["ok"] > 0,
    }
    if log_path is not None and not result["passed"]:
        result["server_log"] = str(log_path)
    elif log_path is not None:
        log_path.unlink(missing_ok=True)
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
