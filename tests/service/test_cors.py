"""CORS: browser-extension and configured origins are allowed, others are not."""

from __future__ import annotations

import time

import pytest

from service import origin_patterns

CHROME = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
FIREFOX = "moz-extension://0b3f7a4e-5d77-4a4e-9b1e-2c2f3f0b9d1a"


@pytest.mark.parametrize(
    "origin", [CHROME, FIREFOX, "http://127.0.0.1:8000", "http://localhost:8000"]
)
def test_default_origins_are_allowed(client, origin):
    response = client.post("/v1/check", json={"text": "stem cells"}, headers={"Origin": origin})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "X-Request-ID" in response.headers["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://localhost:8001",
        "chrome-extension://",
        "chrome-extension://abc/../evil",
        "https://chrome-extension.evil.example",
        "http://127.0.0.1:8000.evil.example",
        "null",
    ],
)
def test_other_origins_are_not_allowed(client, origin):
    response = client.post("/v1/check", json={"text": "stem cells"}, headers={"Origin": origin})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_for_a_json_post(client):
    response = client.options(
        "/v1/check",
        headers={
            "Origin": CHROME,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == CHROME
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


def test_preflight_from_a_random_origin_gets_no_grant(client):
    response = client.options(
        "/v1/check",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_error_responses_carry_cors_headers_too(client):
    response = client.post("/v1/check", json={"text": ""}, headers={"Origin": CHROME})
    assert response.status_code == 422
    assert response.headers["Access-Control-Allow-Origin"] == CHROME


def test_configured_origins_replace_the_defaults(make_app):
    client = make_app(
        REDFLAGS_CORS_ORIGINS=("https://review.example.org", "https://*.clinics.example")
    ).test_client()
    for origin, allowed in [
        ("https://review.example.org", True),
        ("https://a.clinics.example", True),
        ("https://clinics.example", False),
        (CHROME, False),
    ]:
        response = client.get("/v1/health", headers={"Origin": origin})
        assert ("Access-Control-Allow-Origin" in response.headers) is allowed, origin


def test_origin_patterns_anchor_globs():
    exact, glob = origin_patterns(["http://localhost:8000", "chrome-extension://*"])
    assert exact == "http://localhost:8000"
    assert glob.match(CHROME)
    assert not glob.match(CHROME + ".evil.example/")
    assert not glob.match("chrome-extension://a/b")


def test_a_star_is_one_label_without_dots(make_app):
    client = make_app(REDFLAGS_CORS_ORIGINS=("https://*.clinics.example",)).test_client()
    for origin, allowed in [
        ("https://a.clinics.example", True),
        ("https://a.b.clinics.example", False),
    ]:
        response = client.get("/v1/health", headers={"Origin": origin})
        assert ("Access-Control-Allow-Origin" in response.headers) is allowed, origin


@pytest.mark.parametrize("glob", ["https://*a*.example.org", "https://**.example.org"])
def test_two_stars_in_one_label_are_refused_at_start(glob):
    from service.config import Config, ConfigError

    with pytest.raises(ConfigError, match="one \\* at most"):
        Config.from_env({"REDFLAGS_CORS_ORIGINS": glob})
    with pytest.raises(ValueError, match="one \\* at most"):
        origin_patterns([glob])


def test_a_star_inside_a_label_matches_that_label(make_app):
    client = make_app(REDFLAGS_CORS_ORIGINS=("https://app-*.example.org",)).test_client()
    for origin, allowed in [
        ("https://app-preview7.example.org", True),
        ("https://app-.example.org", False),
        ("https://app-a.b.example.org", False),
    ]:
        response = client.get("/v1/health", headers={"Origin": origin})
        assert ("Access-Control-Allow-Origin" in response.headers) is allowed, origin


def test_a_long_near_miss_origin_is_refused_in_linear_time(make_app):
    """Two stars side by side once made flask-cors's re retry every split of the header
    (0.5 s for 8 KB, a minute for 100 KB: quadratic); one star per label cannot."""
    client = make_app(REDFLAGS_CORS_ORIGINS=("https://*.*.example.com",)).test_client()
    origin = "https://" + "a." * 50_000 + "example.org"  # 100 KB: far past a header limit
    started = time.monotonic()
    response = client.get("/v1/health", headers={"Origin": origin})
    assert time.monotonic() - started < 2.0  # a generous guard; bench measures the time
    assert "Access-Control-Allow-Origin" not in response.headers
