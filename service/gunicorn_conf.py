"""gunicorn settings: `gunicorn --config python:service.gunicorn_conf 'service:create_app()'`.

Environment: HOST (127.0.0.1; the Docker image sets 0.0.0.0), PORT (8000), WEB_CONCURRENCY or
WORKERS (2), THREADS (2 per worker), GUNICORN_TIMEOUT (60 s), REDFLAGS_LOG_LEVEL (info).
Command-line flags (`--bind`, `--workers`) override these.
"""

from __future__ import annotations

import os


def _int_env(*names: str, default: int) -> int:
    for name in names:
        raw = os.environ.get(name, "").strip()
        if raw:
            return int(raw)
    return default


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{_int_env('PORT', default=8000)}"
workers = _int_env("WEB_CONCURRENCY", "WORKERS", default=2)
# A thread per worker beyond the first lets /v1/health and slow clients through while a long
# check runs; checks themselves are CPU-bound, so processes (workers) are what scale them.
worker_class = "gthread"
threads = _int_env("THREADS", default=2)
# The checker is built once in the master and shared copy-on-write by the forked workers.
preload_app = True
timeout = _int_env("GUNICORN_TIMEOUT", default=60)
graceful_timeout = 30
keepalive = 5
max_requests = 5_000
max_requests_jitter = 500
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

loglevel = os.environ.get("REDFLAGS_LOG_LEVEL", "info").lower()
errorlog = "-"
accesslog = "-"
# Method, path without query string, status, response size, duration, request id: no client
# address, user agent, referrer or body. %(U)s is the path alone.
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(B)s %(L)ss rid=%({x-request-id}o)s"
# gunicorn >= 27 opens a runtime control socket in $HOME by default; nothing here uses it, and
# two servers on one machine would contend for it.
control_socket_disable = True
