"""HTTP figures: throughput and latency of gunicorn on loopback, and worker memory over time.

The server is started exactly as `make run` starts it (gunicorn, service/gunicorn_conf.py,
2 workers) on 127.0.0.1 and a free port. The load generator is `wrk` (Debian package) with
bench/wrk_post.lua when it is installed, else a Python thread pool on http.client; both run on
the same machine, so they take CPU from the server, as issue 7 specifies.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import corpus
from bench.machine import ROOT
from bench.result import Figure, Row
from bench.stats import percentile

Progress = Callable[[str], None]
LUA = Path(__file__).with_name("wrk_post.lua")
APP = "service:create_app()"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_argv(port: int, workers: int, extra: tuple[str, ...] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--config",
        "service/gunicorn_conf.py",
        *extra,
        APP,
    ]


def _argv_text(argv: list[str]) -> str:
    """The gunicorn command line as a person would type it (the port is a free one)."""
    words = []
    for word in argv[3:]:  # after `python -m gunicorn`
        if word.startswith("127.0.0.1:"):
            word = "127.0.0.1:PORT"
        words.append(f"'{word}'" if "(" in word else word)
    return "gunicorn " + " ".join(words)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    argv: list[str]
    log_path: Path

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's child processes."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)


def _get(port: int, path: str, timeout: float = 5.0) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def running_server(
    workers: int = 2, extra: tuple[str, ...] = (), startup_timeout: float = 90.0
) -> Iterator[Server]:
    """Start gunicorn on a free loopback port, wait for /v1/health, stop it (SIGTERM to the
    master this function started) on exit."""
    port = free_port()
    argv = gunicorn_argv(port, workers, extra)
    log_dir = Path(tempfile.mkdtemp(prefix="redflags-bench-"))
    log_path = log_dir / "gunicorn.log"
    env = dict(os.environ)
    env.pop("PORT", None)
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = Server(process, port, argv, log_path)
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}"
                )
            try:
                if _get(port, "/v1/health", timeout=2.0) == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /v1/health within {startup_timeout} s")
            time.sleep(0.2)
        while len(server.worker_pids()) < workers and time.monotonic() < deadline:
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(log_dir, ignore_errors=True)


TEXT_FIELD = b'"text": "'


def unique_body(body: bytes, client: int, sent: int) -> bytes:
    """`body` with its text made unique to this client and request: a reference number before
    the ad's first word (no cache could serve a repeated body; the service keeps none)."""
    return body.replace(TEXT_FIELD, TEXT_FIELD + b"Ref %d-%d. " % (client, sent), 1)


def write_bodies(
    path: Path, count: int, target_chars: int, seed: int, detail: str | None = None
) -> int:
    """JSON-lines file of POST /v1/check bodies; returns the mean body size in bytes."""
    extra = {"detail": detail} if detail else {}
    lines = [json.dumps({**body, **extra}) for body in corpus.payloads(count, target_chars, seed)]
    path.write_text("\n".join(lines) + "\n")
    return sum(len(line.encode()) for line in lines) // len(lines)


# -- load generators ----------------------------------------------------------------------------


@dataclass
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    error_detail: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_available() -> bool:
    """wrk is used when installed; BENCH_NO_WRK=1 forces the Python client."""
    return shutil.which("wrk") is not None and not os.environ.get("BENCH_NO_WRK")


def run_wrk(
    port: int, bodies: Path, connections: int, seconds: int, threads: int = 2
) -> LoadResult:
    argv = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
        "--",
        str(bodies),
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stdout}{result.stderr}")
    data = json.loads(line.split(" ", 1)[1])
    kinds = ("connect", "read", "write", "status", "timeout")
    errors = sum(data[k] for k in kinds)
    detail = ", ".join(f"{k} {data[k]}" for k in kinds if data[k])
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50_us"] / 1000.0,
        p99_ms=data["p99_us"] / 1000.0,
        error_detail=detail,
    )


def _client_loop(
    port: int,
    bodies: list[bytes],
    offset: int,
    stop: Callable[[int], bool],
    latencies: list[float],
    errors: list[str],
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    index = offset
    sent = 0
    try:
        while not stop(sent):
            body = unique_body(bodies[index % len(bodies)], offset, sent)
            index += 1
            start = time.perf_counter()
            try:
                connection.request("POST", "/v1/check", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"status {response.status}")
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                errors.append(type(error).__name__)
                connection.close()
            latencies.append((time.perf_counter() - start) * 1000.0)
            sent += 1
    finally:
        connection.close()


def run_python_clients(
    port: int,
    bodies: list[bytes],
    clients: int,
    *,
    seconds: float | None = None,
    total: int | None = None,
) -> LoadResult:
    """`clients` threads with keep-alive connections, for `seconds` or `total` requests."""
    latencies: list[float] = []
    errors: list[str] = []
    counter = {"issued": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds if seconds is not None else None

    def stop(_: int) -> bool:
        if deadline is not None:
            return time.monotonic() >= deadline
        with lock:
            if counter["issued"] >= (total or 0):
                return True
            counter["issued"] += 1
            return False

    threads = [
        threading.Thread(
            target=_client_loop,
            args=(port, bodies, i * 997, stop, latencies, errors),
            daemon=True,
        )
        for i in range(clients)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        errors=len(errors),
        p50_ms=percentile(latencies, 50) if latencies else 0.0,
        p99_ms=percentile(latencies, 99) if latencies else 0.0,
        error_detail=", ".join(sorted(set(errors)))[:200],
    )


# -- figures ------------------------------------------------------------------------------------


def _load_generator_text(connections: int, seconds: int) -> str:
    if wrk_available():
        return (
            f"wrk -t2 -c{connections} -d{seconds}s --timeout 10s -s bench/wrk_post.lua "
            "http://127.0.0.1:PORT -- BODIES.jsonl"
        )
    return f"Python http.client thread pool, {connections} keep-alive connections, {seconds} s"


# issue 15's targets per `detail`: (throughput req/s, p99 ms)
HTTP_TARGETS = {"full": (800.0, None), "compact": (1000.0, 25.0)}


def http_throughput(
    *,
    runs: int,
    seconds: int,
    warmup_seconds: int,
    connections: int = 16,
    name: str = "http",
    title: str = "HTTP: gunicorn, 2 workers, loopback, ~2 KB ads, 16 concurrent clients",
    bodies_count: int = 4000,
    issue: str = "issue 15",
    details: tuple[str, ...] = ("full", "compact"),
    progress: Progress,
) -> Figure:
    """Runs of each `detail` interleaved on one server: full, compact, full, compact..."""
    results: dict[str, list[LoadResult]] = {detail: [] for detail in details}
    mean_bytes: dict[str, int] = {}
    generator = "wrk" if wrk_available() else "python"
    with tempfile.TemporaryDirectory(prefix="redflags-bench-") as tmp:
        paths = {detail: Path(tmp) / f"bodies-{detail}.jsonl" for detail in details}
        raw: dict[str, list[bytes]] = {}
        for detail, path in paths.items():
            mean_bytes[detail] = write_bodies(path, bodies_count, 2000, seed=3_000, detail=detail)
            raw[detail] = path.read_bytes().splitlines()
        with running_server(workers=2) as server:
            progress(f"{name}: gunicorn up on port {server.port}, warming up {warmup_seconds} s")
            if generator == "wrk":
                run_wrk(server.port, paths[details[0]], connections, warmup_seconds)
            else:
                run_python_clients(
                    server.port, raw[details[0]], connections, seconds=warmup_seconds
                )
            for run in range(runs):
                for detail in details:
                    time.sleep(1.0)
                    if generator == "wrk":
                        result = run_wrk(server.port, paths[detail], connections, seconds)
                    else:
                        result = run_python_clients(
                            server.port, raw[detail], connections, seconds=seconds
                        )
                    results[detail].append(result)
                    progress(
                        f"{name} run {run + 1}/{runs}, {detail}: {result.rps:.0f} req/s, p50 "
                        f"{result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                        f"{result.errors} errors"
                        + (f" ({result.error_detail})" if result.errors else "")
                    )
            argv_text = _argv_text(server.argv)
    figure = Figure(
        name,
        title,
        f"{argv_text}\n{_load_generator_text(connections, seconds)}  "
        f"# {runs} runs per detail ({', '.join(details)}, interleaved) after {warmup_seconds} s "
        f"warm-up; python -m bench.run --only {name}",
    )
    for detail in details:
        done = results[detail]
        throughput, p99 = HTTP_TARGETS[detail] if issue == "issue 15" else (None, None)
        label = f"HTTP {connections} clients, {detail}"
        figure.rows += [
            Row(
                f"{label}: throughput",
                "req/s",
                [r.rps for r in done],
                f"≥ {throughput:,.0f} req/s" if throughput else "",
                throughput,
                higher_is_better=True,
            ),
            Row(f"{label}: p50 latency", "ms", [r.p50_ms for r in done]),
            Row(
                f"{label}: p99 latency",
                "ms",
                [r.p99_ms for r in done],
                f"≤ {p99:.0f} ms" if p99 else ("reported (issue 6)" if issue == "issue 6" else ""),
                p99,
            ),
            Row(
                f"{label}: errors",
                "count",
                [float(r.errors) for r in done],
                "0 in every run",
                0.0,
                judge="max",
            ),
        ]
    figure.details = [
        f"Load generator: {generator}. Bodies: {bodies_count} different ~2 KB ads (mean JSON "
        + ", ".join(f"body {mean_bytes[d]} bytes with detail {d}" for d in details)
        + "), each request made unique by a reference number before the ad's first word. "
        "Requests per run: "
        + "; ".join(
            f"{d}: " + ", ".join(f"{r.requests:,} in {r.seconds:.1f} s" for r in results[d])
            for d in details
        )
        + ". The server runs the production config (`make run`: gevent workers, keep-alive "
        "2 s and 100 requests per connection, max_requests 5,000 with jitter, access log on).",
    ]
    return figure


def _memory_kib(pid: int) -> dict[str, int]:
    """VmRSS from /proc/PID/status, Pss and private (dirty + clean) from smaps_rollup, in KiB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            values["rss"] = int(line.split()[1])
    try:
        private = 0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key == "Pss":
                values["pss"] = int(rest.split()[0])
            elif key in ("Private_Clean", "Private_Dirty"):
                private += int(rest.split()[0])
        values["private"] = private
    except OSError:
        pass
    return values


def memory(*, runs: int, total: int, every: int, clients: int = 8, progress: Progress) -> Figure:
    """Figure 5: RSS of each worker after every `every` requests up to `total`. Worker recycling
    (max_requests) is switched off so the same processes are measured throughout."""
    bodies = [json.dumps(body).encode() for body in corpus.payloads(3000, 2000, seed=4_000)]
    final_rss: list[float] = []
    growth: list[float] = []
    details = [
        "RSS per worker (MiB) after each block of requests (column 0: after 200 warm-up "
        "requests). max_requests is set to 0 for this figure so that recycling cannot hide "
        "growth, which is measured from the first block to the last. The last column gives "
        "PSS (pages shared with the master, which preloads the model, are split between the "
        "processes) and private memory at the end.",
        "",
    ]
    header = (
        "| run | worker | "
        + " | ".join(f"{n:,}" for n in range(0, total + 1, every))
        + " | end PSS / private |"
    )
    details += [header, "|" + " --- |" * (total // every + 4)]
    for run in range(runs):
        with running_server(workers=2, extra=("--max-requests", "0")) as server:
            pids = server.worker_pids()
            run_python_clients(server.port, bodies[:200], clients, total=200)  # warm-up
            series: dict[int, list[int]] = {pid: [] for pid in pids}
            for pid in pids:
                series[pid].append(_memory_kib(pid)["rss"])
            done = 0
            offset = 0
            while done < total:
                chunk = bodies[offset % len(bodies) :] + bodies[: offset % len(bodies)]
                result = run_python_clients(server.port, chunk, clients, total=every)
                offset += every
                done += every
                if result.errors:
                    raise RuntimeError(f"errors during the memory run: {result.error_detail}")
                now = server.worker_pids()
                if now != pids:
                    raise RuntimeError(f"workers changed during the memory run: {pids} -> {now}")
                for pid in pids:
                    series[pid].append(_memory_kib(pid)["rss"])
                progress(
                    f"memory run {run + 1}/{runs}: {done:,} requests, RSS "
                    + ", ".join(f"{series[p][-1] / 1024:.1f}" for p in pids)
                    + " MiB"
                )
            for number, pid in enumerate(pids, 1):
                rss = series[pid]
                end = _memory_kib(pid)
                final_rss.append(rss[-1] / 1024)
                growth.append((rss[-1] - rss[1]) / 1024 if len(rss) > 2 else 0.0)
                details.append(
                    f"| {run + 1} | {number} | "
                    + " | ".join(f"{v / 1024:.1f}" for v in rss)
                    + f" | {end.get('pss', 0) / 1024:.1f} / {end.get('private', 0) / 1024:.1f} |"
                )
            argv_text = _argv_text(server.argv)
    figure = Figure(
        "memory",
        f"resident memory per gunicorn worker after {total:,} requests",
        f"{argv_text}\nPython http.client thread pool, {clients} keep-alive connections, "
        f"{total:,} requests sampled every {every:,}  # {runs} runs; "
        "python -m bench.run --only memory",
    )
    figure.rows = [
        Row(
            f"RSS per worker after {total:,} requests",
            "MiB",
            final_rss,
            "≤ 150 MB, every worker",
            150.0,
            note="one value per worker and run",
            judge="max",
        ),
        Row(
            f"RSS growth per worker, {every:,} → {total:,} requests",
            "MiB",
            growth,
            "not growing: ≤ 5 MiB, every worker",
            5.0,
            note="one value per worker and run",
            judge="max",
        ),
    ]
    figure.details = details
    return figure
