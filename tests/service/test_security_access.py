"""Optional access control: API keys (401), rate limits (429), CORS for both."""

from __future__ import annotations

import logging

import pytest

import service
from service import access
from service.config import Config, ConfigError

KEY = "k3y-0123456789abcdef"
OTHER_KEY = "another-key-fedcba9876543210"
CHROME = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
AD = {"text": "Our stem cells cure multiple sclerosis."}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.content_type == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


@pytest.fixture
def keyed(make_app):
    return make_app(REDFLAGS_API_KEYS=(KEY, OTHER_KEY)).test_client()


# -- API keys -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-key-0123456789"},
        {"Authorization": f"Basic {KEY}"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": KEY},
        {"X-API-Key": ""},
        {"X-API-Key": KEY[:-1]},
        {"X-API-Key": KEY + "x"},
        {"X-Api-Token": KEY},
        # A bearer token, when present, is the credential: a wrong one is not rescued.
        {"Authorization": "Bearer wrong-key-0123456789", "X-API-Key": KEY},
    ],
)
def test_requests_without_a_valid_key_get_401(keyed, headers):
    response = keyed.post("/v1/check", json=AD, headers=headers)
    error = assert_error(response, 401, "unauthorized")
    assert "Authorization: Bearer" in error["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert KEY not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f"Bearer {KEY}"},
        {"Authorization": f"bearer {OTHER_KEY}"},
        {"Authorization": f"  Bearer   {KEY}  "},
        {"X-API-Key": KEY},
        {"X-API-Key": f" {OTHER_KEY} "},
    ],
)
def test_a_valid_key_in_either_header_is_accepted(keyed, headers):
    assert keyed.post("/v1/check", json=AD, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/v1/check/batch"),
        ("get", "/v1/rules"),
        ("get", "/v1/regulations"),
        ("get", "/metrics"),
        ("get", "/v1/nowhere"),  # no map of the API for strangers
        ("get", "/v1/check"),
    ],
)
def test_every_other_endpoint_needs_the_key(keyed, method, path):
    assert_error(getattr(keyed, method)(path), 401, "unauthorized")
    authorised = getattr(keyed, method)(path, headers={"X-API-Key": KEY})
    assert authorised.status_code != 401


@pytest.mark.parametrize("path", ["/v1/health", "/v1/ready", "/openapi.json", "/docs"])
def test_probes_and_documentation_stay_open(keyed, path):
    assert keyed.get(path).status_code == 200


def test_cors_preflight_needs_no_key_and_allows_the_key_headers(keyed):
    response = keyed.options(
        "/v1/check",
        headers={
            "Origin": CHROME,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type, Authorization, X-API-Key",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == CHROME
    allowed = response.headers["Access-Control-Allow-Headers"].lower()
    assert {"authorization", "x-api-key", "content-type"} <= {h.strip() for h in allowed.split(",")}


def test_a_401_can_be_read_by_an_allowed_origin_only(keyed):
    allowed = keyed.post("/v1/check", json=AD, headers={"Origin": CHROME})
    assert_error(allowed, 401, "unauthorized")
    assert allowed.headers["Access-Control-Allow-Origin"] == CHROME
    foreign = keyed.post("/v1/check", json=AD, headers={"Origin": "https://evil.example"})
    assert_error(foreign, 401, "unauthorized")
    assert "Access-Control-Allow-Origin" not in foreign.headers


def test_a_disallowed_origin_gets_no_grant_even_with_a_key(keyed):
    response = keyed.post(
        "/v1/check", json=AD, headers={"Origin": "https://evil.example", "X-API-Key": KEY}
    )
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
    preflight = keyed.options(
        "/v1/check",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization",
        },
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_without_configured_keys_nothing_asks_for_one(client):
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"X-API-Key": "x"}):
        assert client.post("/v1/check", json=AD, headers=headers).status_code == 200
        assert client.get("/metrics", headers=headers).status_code == 200


def test_every_configured_key_is_compared_whatever_matches(monkeypatch):
    calls = []
    real = access.hmac.compare_digest

    def counting(a, b):
        calls.append((len(a), len(b)))
        return real(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", counting)
    keys = access.ApiKeys([KEY, OTHER_KEY, "third-key-0123456789"])
    for presented in (KEY, "third-key-0123456789", "nope", "x" * 500):
        calls.clear()
        keys.identify(presented)
        # One comparison per key, of equal-length digests: no early exit, no length leak.
        assert calls == [(32, 32)] * 3


def test_key_ids_are_stable_and_reveal_nothing():
    keys = access.ApiKeys([KEY])
    key_id = keys.identify(KEY)
    assert key_id == keys.identify(KEY)
    assert key_id.startswith("key:") and KEY not in key_id
    assert keys.identify("wrong") is None and keys.identify(None) is None


def test_keys_never_reach_the_log(make_app, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_app(REDFLAGS_API_KEYS=(KEY,), REDFLAGS_RATE_LIMIT="1/minute").test_client()
    client.post("/v1/check", json=AD, headers={"X-API-Key": KEY})
    client.post("/v1/check", json=AD, headers={"X-API-Key": KEY})
    client.post("/v1/check", json=AD, headers={"Authorization": "Bearer guessed-key-0000000000"})
    assert KEY not in caplog.text and "guessed-key" not in caplog.text


def test_keys_come_from_the_environment(monkeypatch, checker):
    monkeypatch.setenv("REDFLAGS_API_KEYS", f" {KEY} , {OTHER_KEY},")
    assert Config.from_env().REDFLAGS_API_KEYS == (KEY, OTHER_KEY)
    client = service.create_app({"TESTING": True, "CHECKER": checker}).test_client()
    assert_error(client.post("/v1/check", json=AD), 401, "unauthorized")
    assert client.post("/v1/check", json=AD, headers={"X-API-Key": OTHER_KEY}).status_code == 200


@pytest.mark.parametrize(
    "value", ["sh0rtk3y", f"{KEY},t1nyk3y", f"{KEY}, has space inside xx", "ключ-0123456789abcdef"]
)
def test_weak_or_odd_keys_fail_start_up_without_echoing_them(value):
    with pytest.raises(ConfigError, match="REDFLAGS_API_KEYS") as error:
        Config.from_env({"REDFLAGS_API_KEYS": value})
    for secret in ("sh0rtk3y", "t1nyk3y", "space inside", "ключ", KEY):
        assert secret not in str(error.value)


def test_the_openapi_document_declares_the_key_schemes(make_app, client):
    open_document = client.get("/openapi.json").get_json()
    schemes = open_document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["apiKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert "security" not in open_document
    keyed_document = (
        make_app(REDFLAGS_API_KEYS=(KEY,)).test_client().get("/openapi.json").get_json()
    )
    assert keyed_document["security"] == [{"bearerAuth": []}, {"apiKeyHeader": []}]
    for path in ("/v1/health", "/v1/ready"):
        assert keyed_document["paths"][path]["get"]["security"] == []
    for path, method in (("/v1/check", "post"), ("/v1/rules", "get")):
        responses = keyed_document["paths"][path][method]["responses"]
        assert {"401", "429"} <= set(responses)


# -- rate limits --------------------------------------------------------------------------------


def test_rate_limiting_is_off_by_default(client):
    for _ in range(30):
        response = client.get("/v1/rules")
        assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response.headers
    assert "Retry-After" not in response.headers


def test_past_the_limit_requests_get_429_with_retry_after(make_app):
    client = make_app(REDFLAGS_RATE_LIMIT="3/minute").test_client()
    for remaining in (2, 1, 0):
        response = client.post("/v1/check", json=AD)
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Remaining"] == str(remaining)
        assert "Retry-After" not in response.headers
    response = client.post("/v1/check", json=AD, headers={"Origin": CHROME})
    error = assert_error(response, 429, "rate_limited")
    assert error["details"] == {"limit": "3 per 1 minute"}
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert response.headers["Access-Control-Allow-Origin"] == CHROME
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


def test_the_budget_is_shared_by_the_working_endpoints(make_app):
    client = make_app(REDFLAGS_RATE_LIMIT="3/minute").test_client()
    assert client.post("/v1/check", json=AD).status_code == 200
    assert client.post("/v1/check/batch", json={"items": [AD] * 5}).status_code == 200
    assert client.get("/v1/rules").status_code == 200
    assert_error(client.get("/v1/regulations"), 429, "rate_limited")


def test_probes_metrics_docs_and_preflights_are_never_limited(make_app):
    client = make_app(REDFLAGS_RATE_LIMIT="1/minute").test_client()
    client.get("/v1/rules")
    assert_error(client.get("/v1/rules"), 429, "rate_limited")
    for _ in range(3):
        for path in ("/v1/health", "/v1/ready", "/metrics", "/openapi.json", "/docs"):
            assert client.get(path).status_code == 200, path
        preflight = client.options(
            "/v1/check", headers={"Origin": CHROME, "Access-Control-Request-Method": "POST"}
        )
        assert preflight.status_code == 200


def test_each_key_and_each_address_has_its_own_budget(make_app):
    client = make_app(REDFLAGS_API_KEYS=(KEY, OTHER_KEY), REDFLAGS_RATE_LIMIT="2/minute")
    client = client.test_client()
    for headers in ({"X-API-Key": KEY}, {"Authorization": f"Bearer {OTHER_KEY}"}):
        assert client.get("/v1/rules", headers=headers).status_code == 200
        assert client.get("/v1/rules", headers=headers).status_code == 200
        assert_error(client.get("/v1/rules", headers=headers), 429, "rate_limited")
    # Without a key, by address: guessing keys is limited too.
    for address in ("10.0.0.1", "10.0.0.2"):
        environ = {"REMOTE_ADDR": address}
        for _ in range(2):
            guess = client.get("/v1/rules", headers={"X-API-Key": "guess"}, environ_base=environ)
            assert_error(guess, 401, "unauthorized")
        assert_error(client.get("/v1/rules", environ_base=environ), 429, "rate_limited")


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(make_app):
    def limited_after_two(client) -> bool:
        statuses = [
            client.get("/v1/rules", headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
            for i in range(3)
        ]
        return statuses[-1] == 429

    direct = make_app(REDFLAGS_RATE_LIMIT="2/minute").test_client()
    assert limited_after_two(direct), "a client cannot dodge the limit by header"
    proxied = make_app(REDFLAGS_RATE_LIMIT="2/minute", REDFLAGS_TRUSTED_PROXIES=1).test_client()
    assert not limited_after_two(proxied), "behind a proxy, clients are apart"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REDFLAGS_RATE_LIMIT", "lots"),
        ("REDFLAGS_RATE_LIMIT", "120/fortnight"),
        ("REDFLAGS_RATE_LIMIT_STORAGE", "bogus://x"),
        ("REDFLAGS_RATE_LIMIT_STORAGE", "localhost:6379"),
        ("REDFLAGS_RATE_LIMIT_STORAGE", "async+redis://localhost"),
        ("REDFLAGS_TRUSTED_PROXIES", "-1"),
    ],
)
def test_bad_access_settings_fail_at_start_up(name, value):
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value})


def test_a_storage_uri_with_a_password_is_not_echoed():
    with pytest.raises(ConfigError) as error:
        Config.from_env({"REDFLAGS_RATE_LIMIT_STORAGE": "nosuch://user:s3cret@host"})
    assert "s3cret" not in str(error.value)


def test_rate_limit_settings_come_from_the_environment(monkeypatch, checker):
    monkeypatch.setenv("REDFLAGS_RATE_LIMIT", "2/minute;100/hour")
    monkeypatch.setenv("REDFLAGS_RATE_LIMIT_STORAGE", "memory://")
    client = service.create_app({"TESTING": True, "CHECKER": checker}).test_client()
    assert client.get("/v1/rules").status_code == 200
    assert client.get("/v1/rules").status_code == 200
    assert_error(client.get("/v1/rules"), 429, "rate_limited")


def test_access_and_operations_settings_default_to_off():
    settings = Config.from_env({})
    assert settings.REDFLAGS_API_KEYS == ()
    assert settings.REDFLAGS_RATE_LIMIT == ""
    assert settings.REDFLAGS_RATE_LIMIT_STORAGE == "memory://"
    assert settings.REDFLAGS_TRUSTED_PROXIES == 0
    assert settings.REDFLAGS_METRICS is True
    assert settings.REDFLAGS_ARTIFACT_DIR == ""
    assert settings.REDFLAGS_LOG_FORMAT == "json"


def test_operations_settings_from_the_environment():
    settings = Config.from_env(
        {
            "REDFLAGS_METRICS": "0",
            "REDFLAGS_LOG_FORMAT": " TEXT ",
            "REDFLAGS_ARTIFACT_DIR": " /srv/artifacts ",
            "REDFLAGS_TRUSTED_PROXIES": "2",
            "REDFLAGS_RATE_LIMIT_STORAGE": "redis://cache:6379/0",
        }
    )
    assert settings.REDFLAGS_METRICS is False
    assert settings.REDFLAGS_LOG_FORMAT == "text"
    assert settings.REDFLAGS_ARTIFACT_DIR == "/srv/artifacts"
    assert settings.REDFLAGS_TRUSTED_PROXIES == 2
    assert settings.REDFLAGS_RATE_LIMIT_STORAGE == "redis://cache:6379/0"
    with pytest.raises(ConfigError, match="REDFLAGS_LOG_FORMAT"):
        Config.from_env({"REDFLAGS_LOG_FORMAT": "xml"})
    with pytest.raises(ConfigError, match="REDFLAGS_METRICS"):
        Config.from_env({"REDFLAGS_METRICS": "sometimes"})
