"""What `service/gunicorn_conf.py` plugs into gunicorn: JSON logs, JSON errors, metrics files.

- `JsonGunicornLogger` writes gunicorn's error and access logs as JSON lines
  (`service.logs.JsonFormatter`); an access line carries method, path, status, size, duration
  and request id only.
- `write_json_error` replaces the HTML page gunicorn writes for requests it rejects before the
  app sees them (request line or headers too large, malformed HTTP) with SPEC's error body.
- `prepare_metrics_dir` / `worker_exited` / `remove_metrics_dir` manage prometheus_client's
  multiprocess directory.
- `take_turns` makes a gevent worker serve its connections in turn, and
  `close_long_connections` closes a keep-alive connection after its hundredth request.
"""

from __future__ import annotations

import gc
import glob
import json
import logging
import os
import shutil
import tempfile
from typing import Any

from gunicorn import glogging, util

from service.errors import CODES
from service.logs import JsonFormatter
from service.metrics import MULTIPROC_ENV

# Requests gunicorn itself rejects. Its 400 is a malformed HTTP request, not a JSON body.
GUNICORN_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The HTTP request is malformed."),
    403: ("forbidden", "The request was refused."),
    414: (CODES[414], "The request line (method and URL) is too long."),
    417: ("expectation_failed", "The Expect header is not supported."),
    431: (CODES[431], "The request headers are too many or too large."),
    500: (CODES[500], "Internal error: the request could not be processed."),
    501: ("not_implemented", "That transfer coding is not supported."),
}
MAX_LOGGED_PATH = 512
_INVALID_REQUEST_FROM = "Invalid request from ip="
_metrics_dir_owned: str | None = None


def _without_client_address(message: str) -> str | None:
    """What follows "Invalid request from ip=<address>: " in gunicorn's message, None when the
    message is not of that form (the address is a run of non-space characters)."""
    if not message.startswith(_INVALID_REQUEST_FROM):
        return None
    rest = message[len(_INVALID_REQUEST_FROM) :]
    address = rest.split(None, 1)[0] if rest and not rest[0].isspace() else ""
    if address.endswith(":") and rest[len(address) : len(address) + 1] == " ":
        return rest[len(address) + 1 :]
    return None


def write_json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's `util.write_error`, answering in SPEC's JSON shape. `mesg` is not echoed: it
    quotes the rejected request line or header."""
    code, message = GUNICORN_ERRORS.get(
        status_int, ("internal" if status_int >= 500 else "http_error", reason)
    )
    body = json.dumps({"error": {"code": code, "message": message, "details": {}}}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install_json_errors() -> None:
    # gunicorn's worker calls `util.write_error` by attribute, so replacing it is enough.
    util.write_error = write_json_error


class _DropClientAddress(logging.Filter):
    """gunicorn names the client address when it rejects a request; the logs never do."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        reason = _without_client_address(message)
        if reason is not None:
            record.msg = f"Invalid request: {reason}"[:300]
            record.args = ()
        return True


class JsonGunicornLogger(glogging.Logger):
    """gunicorn's logger with JSON lines for both the error and the access log."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        formatter = JsonFormatter()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)
        if not any(isinstance(f, _DropClientAddress) for f in self.error_log.filters):
            self.error_log.addFilter(_DropClientAddress())

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict((name.lower(), value) for name, value in (resp.headers or []))
        duration_ms = request_time.seconds * 1000 + request_time.microseconds / 1000
        try:
            self.access_log.info(
                "%s %s %s",
                environ.get("REQUEST_METHOD"),
                (environ.get("PATH_INFO") or "")[:MAX_LOGGED_PATH],
                status,
                extra={
                    "method": environ.get("REQUEST_METHOD"),
                    "path": (environ.get("PATH_INFO") or "")[:MAX_LOGGED_PATH],
                    "status": int(status) if str(status).isdigit() else status,
                    "size": getattr(resp, "sent", None),
                    "duration_ms": round(duration_ms, 3),
                    "request_id": headers.get("x-request-id"),
                },
            )
        except Exception:
            self.error("could not write an access log line")


# -- prometheus_client's multiprocess directory -------------------------------------------------


def prepare_metrics_dir() -> str:
    """Point PROMETHEUS_MULTIPROC_DIR at an empty directory; return it.

    A directory the operator named is emptied of stale `*.db` files (a restart must not resume
    old counts); otherwise a fresh one is made, in /dev/shm when there is one, and removed when
    gunicorn exits.
    """
    global _metrics_dir_owned
    configured = os.environ.get(MULTIPROC_ENV, "").strip()
    if configured:
        os.makedirs(configured, exist_ok=True)
        for stale in glob.glob(os.path.join(configured, "*.db")):
            os.remove(stale)
        return configured
    parent = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    directory = tempfile.mkdtemp(prefix="redflags-metrics-", dir=parent)
    os.environ[MULTIPROC_ENV] = directory
    _metrics_dir_owned = directory
    return directory


def freeze_loaded_app() -> None:
    """In the master, once the app is loaded (`preload_app`) and before the workers fork: the
    loaded objects (the checker's ~400,000) move to the collector's permanent generation, so
    that a collection in a worker does not touch them and copy the pages the workers share.
    Measured (1,500 checks per server, 2 workers): private memory per worker 19-37 MiB -> 18-19
    MiB, proportional set size 61-70 -> 57-59 MiB."""
    gc.freeze()


# Requests one keep-alive connection carries before the server closes it (see
# `close_long_connections`). nginx closes after 1,000 by default; a busy client here gets ~10
# answers a second, so 1,000 took 100 s to reconnect and rebalanced nothing within a
# 100 s run, while 100 reconnects it every ~10 s for the cost of one loopback connect.
MAX_REQUESTS_PER_CONNECTION = 100


def close_long_connections(req: Any) -> None:
    """Before any worker handles a request: make it the connection's last (`Connection:
    close`) once the connection has carried MAX_REQUESTS_PER_CONNECTION. A worker restarts
    after `max_requests`, and its keep-alive clients reconnect at once, before the new worker
    is up: the other worker accepted them all and kept them for good while the new one stayed
    idle (16 clients on 2 workers: connections 9 / 7 became 16 / 0 after the first restart and
    answers per 5 s fell from ~1,200-1,700 to ~700-900; over 100 s, 199-221 req/s in three runs,
    290-306 with this). A client that reconnects now and then lands on whichever worker is free."""
    if req.req_number >= MAX_REQUESTS_PER_CONNECTION:
        req.must_close = True


# The longest a request waits for its worker's other ready requests (see `take_turns`).
TURN_WAIT_SECONDS = 0.1


def take_turns() -> None:
    """Before a gevent worker handles a request: let the requests already read on its other
    connections go first. A check holds the worker's one core for milliseconds without yielding,
    and a keep-alive client that sends its next request as soon as it reads an answer (wrk, a
    batch script, an extension's queue) has it waiting before the worker looks again: the same
    few connections were served back to back while the rest waited for seconds (16 such clients
    on 2 workers: p99 1.3-2.2 s, max 2-3 s, and 0 of 200 answers for 2 of 4 connections on one
    worker; `tests/service/test_serving_fairness.py`). Waiting until the event loop is idle puts
    this request behind the others ready now; the wait is bounded so that a stream of other
    events can never hold it back for long."""
    import gevent

    with gevent.Timeout(TURN_WAIT_SECONDS, False):
        gevent.idle()


def worker_exited(pid: int) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)


def remove_metrics_dir() -> None:
    if _metrics_dir_owned:
        shutil.rmtree(_metrics_dir_owned, ignore_errors=True)
