"""Hostile clients (issue 14): the probes, the slow-client siege, and the serving comparison.

- `PROBES`: the requests of issue 14's table, each sent raw over a socket and timed.
- `siege`: connections that send their headers and half a body, then wait.
- `serving` (figure): each candidate worker class under the same load, clean and besieged.
- `probes` (figure): every probe's answer and time against the chosen set-up, while 32
  clients load the server for 60 s; gunicorn's log is searched for worker timeouts.

Servers are started as `make run` starts them (bench.http_load.running_server), on loopback.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import http_load
from bench.result import Figure, Row

Progress = Callable[[str], None]

# -- the probes of issue 14 ------------------------------------------------------------------------


def css_near_miss_page() -> str:
    """98 KB of html whose style sheet holds rules that almost hide something: 39 rules of a
    499-character selector and 28 `display : nonx` declarations (issue 14 sent 40, which is
    just over REDFLAGS_MAX_CHARS)."""
    declaration = "display" + " " * 30 + ":" + " " * 30 + "nonx"
    rule = "a" * 499 + "{" + declaration * 28 + "}"
    return f"<html><head><style>{rule * 39}</style></head><body><p>Stem cells.</p></body></html>"


def _post(path: str, body: bytes, content_type: str = "application/json") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _requests() -> dict[str, bytes]:
    page = css_near_miss_page()
    return {
        "malformed chunk": (
            b"POST /v1/check HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
        ),
        "100 KB near-miss CSS page": _post("/v1/check", _json({"text": page, "format": "html"})),
        "batch of 60 near-miss CSS pages": _post(
            "/v1/check/batch", _json({"items": [{"text": page, "format": "html"}] * 60})
        ),
        "Content-Length 100 MB, 13 bytes sent": (
            b"POST /v1/check HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            b'Content-Length: 104857600\r\n\r\n{"text":"a"}\n'
        ),
        "exclude of 1.3 M names": _post(
            "/v1/check", _json({"text": "stem cells", "exclude": ["x"] * 1_300_000})
        ),
        "url of 1 M characters": _post(
            "/v1/check", _json({"text": "stem cells", "url": "http://x/" + "a" * 1_000_000})
        ),
        "UTF-16 body": _post(
            "/v1/check",
            json.dumps({"text": "stem cells"}).encode("utf-16"),
            "application/json; charset=utf-16",
        ),
        "html depth guard bypass": _post(
            "/v1/check", _json({"text": "<div a=<>" * 11_000 + "x", "format": "html"})
        ),
    }


@dataclass
class ProbeAnswer:
    name: str
    status: int | None  # None: no answer before the client gave up
    code: str
    seconds: float


def exchange(port: int, payload: bytes, timeout: float) -> tuple[int | None, bytes]:
    """Send `payload` raw, read the answer's head and body (until close, Content-Length or
    `timeout`); return (status or None, body)."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(payload)
        except OSError:
            pass  # the server answered and closed before reading everything
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, OSError):
                break
            if not chunk:
                break
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = [
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ]
            if length and len(body) >= length[0]:
                break
    if not data.startswith(b"HTTP/"):
        return None, b""
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def run_probe(port: int, name: str, payload: bytes, timeout: float = 90.0) -> ProbeAnswer:
    started = time.perf_counter()
    status, body = exchange(port, payload, timeout)
    seconds = time.perf_counter() - started
    code = "-"
    try:
        answer = json.loads(body)
        if "error" in answer:
            code = answer["error"]["code"]
        elif "counts" in answer:
            errors = {entry["error"]["code"] for entry in answer["results"] if "error" in entry}
            code = f"{answer['counts']['ok']} ok, {answer['counts']['error']} errors " + (
                f"({', '.join(sorted(errors))})" if errors else ""
            )
    except (ValueError, KeyError, TypeError):
        pass
    return ProbeAnswer(name, status, code.strip(), seconds)


# -- slow clients ----------------------------------------------------------------------------------


@contextmanager
def siege(port: int, connections: int) -> Iterator[list[socket.socket]]:
    """Connections that send a check's headers and half its body, then wait (issue 14)."""
    body = b'{"text": "' + b"x" * 2000 + b'"}'
    head = (
        "POST /v1/check HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    sockets = []
    try:
        for _ in range(connections):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(head + body[: len(body) // 2])
            sockets.append(sock)
        time.sleep(0.5)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def health_latencies(port: int, count: int, timeout: float) -> list[float | None]:
    """`count` sequential GET /v1/health, each on its own connection: seconds, or None for a
    probe that got no answer within `timeout`."""
    latencies: list[float | None] = []
    for _ in range(count):
        started = time.perf_counter()
        status, _ = exchange(
            port, b"GET /v1/health HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n", timeout
        )
        latencies.append(time.perf_counter() - started if status == 200 else None)
        time.sleep(0.1)
    return latencies


def worker_timeouts(log_path: Path) -> int:
    try:
        return log_path.read_text(errors="replace").count("WORKER TIMEOUT")
    except OSError:
        return 0


# -- figure: the serving comparison ----------------------------------------------------------------

CANDIDATES: dict[str, tuple[str, ...]] = {
    "sync": ("--worker-class", "sync", "--threads", "1"),
    "gthread, 32 threads": ("--worker-class", "gthread", "--threads", "32"),
    "gevent": ("--worker-class", "gevent"),
    "gevent, keep-alive 0": ("--worker-class", "gevent", "--keep-alive", "0"),
}


def _bodies(count: int) -> list[bytes]:
    from bench import corpus

    return [json.dumps(body).encode() for body in corpus.payloads(count, 2000, seed=14)]


@dataclass
class Siege:
    rps: float
    errors: int
    health_answered: int
    health_slowest_ms: float


@dataclass
class ServingRun:
    clean_rps: float
    clean_p99_ms: float
    sieges: dict[int, Siege]
    worker_timeouts: int


def _besieged(port: int, bodies: list[bytes], seconds: int, connections: int, slow: int) -> Siege:
    health: list[float | None] = []
    with siege(port, slow):
        prober = threading.Thread(target=lambda: health.extend(health_latencies(port, 10, 5.0)))
        prober.start()
        load = http_load.run_python_clients(port, bodies, connections, seconds=seconds)
        prober.join()
    answered = [value for value in health if value is not None]
    slowest = max(answered) * 1000 if answered else float("inf")
    return Siege(load.rps, load.errors, len(answered), slowest)


def _measure(
    extra: tuple[str, ...],
    bodies: list[bytes],
    seconds: int,
    connections: int,
    slow_levels: tuple[int, ...],
) -> ServingRun:
    with http_load.running_server(workers=2, extra=extra) as server:
        http_load.run_python_clients(server.port, bodies, connections, seconds=2)
        clean = http_load.run_python_clients(server.port, bodies, connections, seconds=seconds)
        sieges = {}
        for slow in slow_levels:
            sieges[slow] = _besieged(server.port, bodies, seconds, connections, slow)
            time.sleep(1.0)
        timeouts = worker_timeouts(server.log_path)
    return ServingRun(clean.rps, clean.p99_ms, sieges, timeouts)


def serving(
    *,
    rounds: int,
    seconds: int,
    connections: int,
    slow_levels: tuple[int, ...],
    progress: Progress,
) -> Figure:
    """Every candidate once per round, rounds interleaved, so a busy moment of the machine
    falls on all of them alike; the table gives min / median / max over the rounds."""
    bodies = _bodies(600)
    runs: dict[str, list[ServingRun]] = {name: [] for name in CANDIDATES}
    for round_number in range(rounds):
        for name, extra in CANDIDATES.items():
            run = _measure(extra, bodies, seconds, connections, slow_levels)
            runs[name].append(run)
            siege_report = "; ".join(
                f"{slow} slow clients: {s.rps:.0f} req/s, {s.errors} errors, health "
                f"{s.health_answered}/10"
                for slow, s in run.sieges.items()
            )
            progress(
                f"serving round {round_number + 1}/{rounds}, {name}: clean {run.clean_rps:.0f} "
                f"req/s (p99 {run.clean_p99_ms:.0f} ms); {siege_report}; "
                f"{run.worker_timeouts} worker timeouts"
            )
    rows: list[Row] = []
    for name, measured in runs.items():
        rows += [
            Row(
                f"{name}: throughput, clean",
                "req/s",
                [r.clean_rps for r in measured],
                higher_is_better=True,
            ),
            Row(f"{name}: p99 latency, clean", "ms", [r.clean_p99_ms for r in measured]),
        ]
        for slow in slow_levels:
            sieges = [r.sieges[slow] for r in measured]
            rows += [
                Row(
                    f"{name}: throughput with {slow} slow clients",
                    "req/s",
                    [s.rps for s in sieges],
                    higher_is_better=True,
                    note=f"errors per round: {[s.errors for s in sieges]}",
                ),
                Row(
                    f"{name}: /v1/health answered within 5 s, with {slow} slow clients",
                    "of 10",
                    [float(s.health_answered) for s in sieges],
                    "10 of 10",
                    10.0,
                    higher_is_better=True,
                    judge="max",
                ),
            ]
        rows.append(
            Row(
                f"{name}: worker timeouts",
                "count",
                [float(r.worker_timeouts) for r in measured],
                "0",
                0.0,
                judge="max",
            )
        )
    levels = " and ".join(str(slow) for slow in slow_levels)
    figure = Figure(
        "serving",
        f"Serving set-up (issue 14): worker classes, clean and with {levels} slow clients",
        f"python -m bench.run --only serving  # {rounds} interleaved rounds; {connections} "
        f"keep-alive clients for {seconds} s clean, then {seconds} s with each number of slow "
        "clients connected",
        rows,
    )
    figure.details = [
        serving_verdict(figure),
        "Each candidate is started as `make run` starts gunicorn (2 workers, the project's "
        "config), with only the worker class changed on the command line: "
        + "; ".join(f"{name}: `{' '.join(extra)}`" for name, extra in CANDIDATES.items())
        + ". Slow clients send a check's headers and half its body, then wait; meanwhile 10 "
        "GET /v1/health probes are sent one after another (5 s timeout each).",
    ]
    return figure


def serving_verdict(figure: Figure) -> str:
    """Which candidates held (every /v1/health answered, no error under siege, no worker
    timeout, in every round and at every number of slow clients), and of those the one with
    the least loss of clean throughput against the best clean throughput measured."""
    held, clean = [], {}
    for name in CANDIDATES:
        mine = [row for row in figure.rows if row.label.startswith(f"{name}: ")]
        if not mine:
            continue
        clean[name] = next(r.median for r in mine if r.label.endswith("throughput, clean"))
        health = [r for r in mine if "/v1/health" in r.label]
        besieged = [r for r in mine if "slow clients" in r.label and r.unit == "req/s"]
        timeouts = [r for r in mine if r.label.endswith("worker timeouts")]
        no_errors = all(
            set(r.note.partition("[")[2].rstrip("]").split(", ")) == {"0"} for r in besieged
        )
        if all(r.passed() for r in health + timeouts) and no_errors:
            held.append(name)
    if not clean:
        return ""
    best = max(clean.values())
    parts = [
        f"{name} {clean[name]:,.0f} req/s ({(clean[name] / best - 1) * 100:+.0f}%)"
        for name in clean
    ]
    verdict = (
        f"Held at every number of slow clients: {', '.join(held) or 'none'}. Median clean "
        f"throughput against the best: {'; '.join(parts)}."
    )
    if held:
        kept = max(held, key=lambda name: clean[name])
        verdict += f" Least loss among those that held: **{kept}**."
    return verdict


# -- figure: the probes under load -----------------------------------------------------------------


def probes_under_load(*, seconds: int, connections: int, progress: Progress) -> Figure:
    bodies = _bodies(600)
    requests = _requests()
    answers: list[ProbeAnswer] = []
    idle: list[ProbeAnswer] = []
    with http_load.running_server(workers=2) as server:
        for _ in range(3):  # first on the idle server: the probes' own cost
            idle += [run_probe(server.port, name, payload) for name, payload in requests.items()]
        stop = threading.Event()

        def probe_loop() -> None:
            while not stop.is_set():
                for name, payload in requests.items():
                    answers.append(run_probe(server.port, name, payload))
                    if stop.is_set():
                        return

        prober = threading.Thread(target=probe_loop)
        with siege(server.port, 4):
            prober.start()
            load = http_load.run_python_clients(server.port, bodies, connections, seconds=seconds)
            stop.set()
            prober.join()
        timeouts = worker_timeouts(server.log_path)
        argv_text = http_load._argv_text(server.argv)
    progress(
        f"probes: {load.rps:.0f} req/s, {load.errors} errors, {len(answers)} probes, "
        f"{timeouts} worker timeouts"
    )
    rows = [
        Row("load: throughput with probes and 4 slow clients", "req/s", [load.rps], note=""),
        Row("load: errors", "count", [float(load.errors)], "0", 0.0, judge="max"),
        Row("worker timeouts", "count", [float(timeouts)], "0", 0.0, judge="max"),
    ]
    for name in requests:
        alone = [a for a in idle if a.name == name]
        rows.append(
            Row(
                f"probe alone: {name}",
                "s",
                [a.seconds for a in alone],
                note=f"status {'/'.join(sorted({str(a.status) for a in alone}))}",
            )
        )
    for name in requests:
        mine = [a for a in answers if a.name == name]
        if not mine:
            continue
        statuses = sorted({str(a.status) for a in mine})
        codes = sorted({a.code for a in mine})
        rows.append(
            Row(
                f"probe under load: {name}",
                "s",
                [a.seconds for a in mine],
                note=f"status {'/'.join(statuses)}, {'; '.join(codes)}",
            )
        )
    figure = Figure(
        "probes",
        f"Issue 14's probes, each repeated while {connections} clients load the server",
        f"{argv_text}  # python -m bench.run --only probes ({seconds} s)",
        rows,
    )
    figure.details = [
        "Every probe of issue 14's table is sent raw over a socket: three times to the idle "
        "server (`probe alone`, the probe's own cost), then in turn and again while "
        f"{connections} keep-alive clients post ~2 KB ads and 4 slow clients hold half-sent "
        "bodies (`probe under load`, which includes waiting behind those clients' checks). "
        "Times are per probe, from the first byte sent to the last byte of the answer."
    ]
    return figure
