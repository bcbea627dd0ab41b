"""gunicorn settings: `gunicorn --config python:service.gunicorn_conf 'service:create_app()'`.

Environment: HOST (127.0.0.1; the Docker image sets 0.0.0.0), PORT (8000), WEB_CONCURRENCY or
WORKERS (2), WORKER_CLASS (gevent; see below), THREADS (gthread only),
GUNICORN_TIMEOUT (60 s), GUNICORN_GRACEFUL_TIMEOUT (30 s),
REDFLAGS_LOG_LEVEL (info), REDFLAGS_LOG_FORMAT (json), REDFLAGS_METRICS (1),
PROMETHEUS_MULTIPROC_DIR (a fresh temporary directory). Command-line flags (`--bind`,
`--workers`) override these.

On SIGTERM gunicorn stops accepting connections and gives requests in flight up to
`graceful_timeout` seconds to finish before it stops the workers.
"""

from __future__ import annotations

import os
from typing import Any

# Before anything imports prometheus_client: it picks its multiprocess mode at import time.
from service import gunicorn_hooks
from service.config import Config

_settings = Config.from_env()
_metrics_dir = gunicorn_hooks.prepare_metrics_dir() if _settings.REDFLAGS_METRICS else None


def _int_env(*names: str, default: int) -> int:
    for name in names:
        raw = os.environ.get(name, "").strip()
        if raw:
            return int(raw)
    return default


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int_env('PORT', default=8000)}"
workers = _int_env("WEB_CONCURRENCY", "WORKERS", default=2)
# Slow clients (issue 14): a sync worker is held by any client that sends half a request and
# waits (4 such connections silenced 2 workers until they were killed), and a gthread worker by
# as many such clients as it has threads. A gevent worker gives every connection a greenlet, so
# waiting clients hold no worker: headers must arrive within `keepalive` seconds, a body within
# the request's time budget (service.parsing), and /v1/health stays answered. Checks are
# CPU-bound and still run one at a time per worker, as with sync workers; processes scale
# them. Chosen by measurement against sync and gthread (BENCHMARKS.md, "serving").
# WORKER_CLASS=sync or gthread (with THREADS) is there for comparison, not for untrusted clients.
WORKER_CLASSES = ("gevent", "gthread", "sync")
worker_class = os.environ.get("WORKER_CLASS", "").strip() or "gevent"
if worker_class not in WORKER_CLASSES:
    raise SystemExit(f"WORKER_CLASS must be one of {', '.join(WORKER_CLASSES)}")
threads = _int_env("THREADS", default=1)  # gthread workers only
worker_connections = 1_000  # gevent: open connections per worker
if worker_class == "gevent":
    # The app is preloaded in the master, and loading it may import ssl (the language
    # identifier's package pulls in an HTTP client); gevent must patch before that, not in the
    # worker after it, or ssl stays blocking and gevent warns on every worker start.
    from gevent import monkey

    monkey.patch_all()
# The checker is built once in the master and shared copy-on-write by the forked workers.
preload_app = True
timeout = _int_env("GUNICORN_TIMEOUT", default=60)
graceful_timeout = _int_env("GUNICORN_GRACEFUL_TIMEOUT", default=30)
# Seconds a connection may wait for its next request's headers (gevent, gthread); sync
# workers close every connection.
keepalive = 2
max_requests = 5_000
max_requests_jitter = 500
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

loglevel = _settings.REDFLAGS_LOG_LEVEL.lower()
errorlog = "-"
accesslog = "-"
# Method, path without query string, status, response size, duration, request id: no client
# address, user agent, referrer or body. %(U)s is the path alone. (The JSON logger writes the
# same fields as JSON.)
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(B)s %(L)ss rid=%({x-request-id}o)s"
if _settings.REDFLAGS_LOG_FORMAT == "json":
    logger_class = gunicorn_hooks.JsonGunicornLogger
# Requests gunicorn rejects itself (a request line over limit_request_line, too many headers)
# are answered in SPEC's JSON error shape rather than gunicorn's HTML page.
gunicorn_hooks.install_json_errors()
# gunicorn >= 27 opens a runtime control socket in $HOME by default; nothing here uses it, and
# two servers on one machine would contend for it.
control_socket_disable = True


def child_exit(server: Any, worker: Any) -> None:
    if _metrics_dir:
        gunicorn_hooks.worker_exited(worker.pid)


def on_exit(server: Any) -> None:
    gunicorn_hooks.remove_metrics_dir()


def pre_request(worker: Any, req: Any) -> None:
    gunicorn_hooks.close_long_connections(req)
    if worker_class == "gevent":
        gunicorn_hooks.take_turns()


def when_ready(server: Any) -> None:
    gunicorn_hooks.freeze_loaded_app()
