"""Prometheus metrics at `GET /metrics`: requests, latencies, checks and flags. Never any text.

Labels are bounded: the endpoint is the matched URL rule (`/v1/check`), or `unmatched` for a path
no rule serves, never the raw path; then the method, the status, a risk level, a category.

Under gunicorn, `service/gunicorn_conf.py` points `PROMETHEUS_MULTIPROC_DIR` at a fresh
directory before anything imports prometheus_client, so each worker writes its own files and
a scrape of any worker sums them all. prometheus_client is imported lazily for that reason.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, request

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
UNMATCHED = "unmatched"

blp = Blueprint("metrics", __name__)
_lock = threading.Lock()
_metrics: Metrics | None = None


@dataclass(frozen=True)
class Metrics:
    requests: Any
    latency: Any
    checks: Any
    flags: Any


def process_metrics() -> Metrics:
    """This process's metric objects, created once (Prometheus refuses duplicate names)."""
    global _metrics
    with _lock:
        if _metrics is None:
            from prometheus_client import Counter, Histogram, disable_created_metrics

            disable_created_metrics()  # the *_created series double the output for no use
            _metrics = Metrics(
                requests=Counter(
                    "redflags_http_requests",
                    "HTTP requests answered, by endpoint, method and status.",
                    ["endpoint", "method", "status"],
                ),
                latency=Histogram(
                    "redflags_http_request_duration_seconds",
                    "Time to answer an HTTP request, by endpoint and status.",
                    ["endpoint", "status"],
                    buckets=LATENCY_BUCKETS,
                ),
                checks=Counter(
                    "redflags_checks",
                    "Ads screened (one per check, one per successful batch item), by risk level.",
                    ["level"],
                ),
                flags=Counter(
                    "redflags_flags",
                    "Red flags returned, by category and severity.",
                    ["category", "severity"],
                ),
            )
        return _metrics


def _enabled() -> Metrics | None:
    return current_app.extensions.get("redflags_metrics")


def record_check(result: dict[str, Any]) -> None:
    """Count one screened ad and its flags (labels only: level, category, severity)."""
    metrics = _enabled()
    if metrics is None:
        return
    metrics.checks.labels(result["risk"]["level"]).inc()
    # One increment per label pair, not per flag: a typical ad has ~25 flags in a few pairs, and
    # under gunicorn every increment is a locked write to a shared file.
    pairs = Counter((flag["category"], flag["severity"]) for flag in result["flags"])
    for (category, severity), count in pairs.items():
        metrics.flags.labels(category, severity).inc(count)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    metrics = _enabled()
    started = g.get("metrics_started")
    if metrics is None or started is None:
        return response
    rule = request.url_rule
    endpoint = rule.rule if rule is not None else UNMATCHED
    status = str(response.status_code)
    metrics.requests.labels(endpoint, request.method, status).inc()
    metrics.latency.labels(endpoint, status).observe(time.perf_counter() - started)
    return response


def render_latest() -> tuple[bytes, str]:
    """The exposition text of every metric, summed over gunicorn workers when there are several."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


@blp.get("/metrics")
def metrics() -> Response:
    body, content_type = render_latest()
    return Response(body, content_type=content_type)


def init_metrics(app: Flask) -> None:
    """Time every request and serve /metrics, unless REDFLAGS_METRICS is off."""
    if not app.config["REDFLAGS_METRICS"]:
        return
    app.extensions["redflags_metrics"] = process_metrics()
    app.before_request(_start_timer)
    app.after_request(_observe)
    app.register_blueprint(blp)
