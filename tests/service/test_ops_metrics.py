"""Prometheus metrics at /metrics: requests and latencies by endpoint and status, checks by risk
level, flags by category; bounded labels, never any text."""

from __future__ import annotations

from collections import Counter

from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from model.rules import CATEGORIES, SEVERITIES


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def requests_total(endpoint: str, method: str, status: str) -> float:
    return sample("redflags_http_requests_total", endpoint=endpoint, method=method, status=status)


def test_metrics_are_served_in_the_prometheus_text_format(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    names = {family.name for family in text_string_to_metric_families(response.get_data(True))}
    assert {
        "redflags_http_requests",
        "redflags_http_request_duration_seconds",
        "redflags_checks",
        "redflags_flags",
    } <= names


def test_requests_are_counted_and_timed_by_endpoint_method_and_status(client):
    before_ok = requests_total("/v1/check", "POST", "200")
    before_bad = requests_total("/v1/check", "POST", "422")
    before_timed = sample(
        "redflags_http_request_duration_seconds_count", endpoint="/v1/check", status="200"
    )
    client.post("/v1/check", json={"text": "stem cells"})
    client.post("/v1/check", json={"text": "stem cells"})
    client.post("/v1/check", json={"text": ""})
    assert requests_total("/v1/check", "POST", "200") == before_ok + 2
    assert requests_total("/v1/check", "POST", "422") == before_bad + 1
    after_timed = sample(
        "redflags_http_request_duration_seconds_count", endpoint="/v1/check", status="200"
    )
    assert after_timed == before_timed + 2
    assert (
        sample(
            "redflags_http_request_duration_seconds_bucket",
            endpoint="/v1/check",
            status="200",
            le="+Inf",
        )
        == after_timed
    )


def test_unknown_paths_share_one_label(client):
    before = requests_total("unmatched", "GET", "404")
    for path in ("/nope", "/v1/also-nope", "/v1/x/y/z?q=1"):
        client.get(path)
    assert requests_total("unmatched", "GET", "404") == before + 3
    assert "also-nope" not in client.get("/metrics").get_data(as_text=True)


def test_flags_are_counted_by_category_and_severity(client, real_ad):
    keys = [(c, s) for c in CATEGORIES for s in SEVERITIES]
    before = {(c, s): sample("redflags_flags_total", category=c, severity=s) for c, s in keys}
    body = client.post("/v1/check", json={"text": real_ad}).get_json()
    returned = Counter((flag["category"], flag["severity"]) for flag in body["flags"])
    assert returned
    for c, s in keys:
        after = sample("redflags_flags_total", category=c, severity=s)
        assert after == before[(c, s)] + returned[(c, s)], (c, s)


def test_checks_are_counted_by_level_including_batch_items(client, real_ad):
    before_high = sample("redflags_checks_total", level="high")
    before_low = sample("redflags_checks_total", level="low")
    client.post(
        "/v1/check/batch",
        json={"items": [{"text": real_ad}, {"text": real_ad}, {"text": "hello"}, {"text": ""}]},
    )
    assert sample("redflags_checks_total", level="high") == before_high + 2
    assert sample("redflags_checks_total", level="low") == before_low + 1


def test_the_readiness_canary_is_not_counted_as_a_check(client):
    before = sum(sample("redflags_checks_total", level=lvl) for lvl in ("low", "medium", "high"))
    assert client.get("/v1/ready").status_code == 200
    after = sum(sample("redflags_checks_total", level=lvl) for lvl in ("low", "medium", "high"))
    assert after == before


def test_metrics_can_be_turned_off(make_app):
    client = make_app(REDFLAGS_METRICS=False).test_client()
    before = requests_total("/v1/health", "GET", "200")
    assert client.get("/v1/health").status_code == 200
    assert client.get("/metrics").status_code == 404
    assert requests_total("/v1/health", "GET", "200") == before


def test_labels_stay_bounded_whatever_the_requests(client):
    for i in range(20):
        client.get(f"/v1/random-{i}")
        client.post("/v1/check", json={"text": f"ad {i}", "id": f"ad-{i}"})
    exposition = client.get("/metrics").get_data(as_text=True)
    endpoints = {
        sample.labels["endpoint"]
        for family in text_string_to_metric_families(exposition)
        if family.name == "redflags_http_requests"
        for sample in family.samples
    }
    assert endpoints <= {
        "/v1/check",
        "/v1/check/batch",
        "/v1/rules",
        "/v1/regulations",
        "/v1/health",
        "/v1/ready",
        "/metrics",
        "/openapi.json",
        "/docs",
        "/docs/initializer.js",
        "/docs/assets/<path:filename>",
        "/",
        "/ui/<path:filename>",
        "/static/<path:filename>",
        "unmatched",
    }, endpoints
    assert "ad-1" not in exposition and "random-1" not in exposition
