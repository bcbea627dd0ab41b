"""Optional access control: API keys (`REDFLAGS_API_KEYS`) and rate limits (`REDFLAGS_RATE_LIMIT`).

Both are off by default. With keys configured, every request needs one of them in
`Authorization: Bearer <key>` or `X-API-Key: <key>`, except CORS preflights (browsers send them
without credentials), liveness and readiness probes, and the API's documentation and web page;
`/metrics` needs a key too. Anything else without a valid key gets 401 `unauthorized`.

Rate limits count requests per API key (when one is presented and valid) or else per client
address, on the endpoints that do work (check, batch, rules, regulations); past the limit a
request gets 429 `rate_limited` with `Retry-After`. Limits are checked before keys, so guessing
keys is rate limited too. The counters live in `REDFLAGS_RATE_LIMIT_STORAGE` (in memory by
default: per gunicorn worker, so the effective limit is the limit times the workers).
"""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import Flask, Response, g, request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from service.errors import UnauthorizedError

# Endpoints a probe, a browser or a reader of the docs reaches without a key.
OPEN_ENDPOINTS = frozenset(
    {
        "v1.health",
        "v1.ready",
        "api-docs.openapi_json",
        "docs.page",
        "docs.initializer",
        "docs.asset",
        "web.page",
        "web.asset",
        "static",
    }
)
RATE_LIMITED_ENDPOINTS = frozenset({"v1.check", "v1.check_batch", "v1.rules", "v1.regulations"})
AUTH_SCHEME = "Bearer"
KEY_HEADER = "X-API-Key"
UNAUTHORIZED_MESSAGE = (
    "A valid API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'."
)


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def presented_key() -> str | None:
    """The key the client sent: a `Authorization: Bearer` token when there is one (a wrong
    token is not rescued by another header), else `X-API-Key`."""
    authorization = request.headers.get("Authorization", "")
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() == AUTH_SCHEME.lower() and credentials.strip():
        return credentials.strip()
    header = request.headers.get(KEY_HEADER, "").strip()
    return header or None


class ApiKeys:
    """The configured keys, held as SHA-256 digests and compared in constant time."""

    def __init__(self, keys: tuple[str, ...] | list[str]) -> None:
        self._digests = [_digest(key) for key in keys]

    def __bool__(self) -> bool:
        return bool(self._digests)

    def identify(self, key: str | None) -> str | None:
        """A short, non-secret id of `key` when it is one of the configured keys, else None."""
        if key is None:
            return None
        presented = _digest(key)
        matched = False
        for digest in self._digests:  # no early exit: every key is compared on every request
            matched |= hmac.compare_digest(presented, digest)
        return "key:" + presented.hex()[:16] if matched else None


def _current_key_id() -> str | None:
    if "api_key_id" not in g:
        keys: ApiKeys | None = g.get("_api_keys")
        g.api_key_id = keys.identify(presented_key()) if keys else None
    return g.api_key_id


def rate_limit_key() -> str:
    """Whom a request is counted against: its API key, else its client address."""
    return _current_key_id() or f"addr:{request.remote_addr or '-'}"


def _bind_keys(keys: ApiKeys) -> None:
    g._api_keys = keys


def _require_key() -> None:
    if request.method == "OPTIONS" or request.endpoint in OPEN_ENDPOINTS:
        return
    if _current_key_id() is None:
        raise UnauthorizedError(
            UNAUTHORIZED_MESSAGE,
            headers={"WWW-Authenticate": f'{AUTH_SCHEME} realm="clinic-redflags"'},
        )


def _exempt_from_rate_limit() -> bool:
    return request.method == "OPTIONS" or request.endpoint not in RATE_LIMITED_ENDPOINTS


def _retry_after_only_on_429(response: Response) -> Response:
    # Flask-Limiter sends Retry-After on every response; it means "wait" only on a 429.
    if response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response


def init_access_control(app: Flask) -> Limiter | None:
    """Install proxy handling, the rate limiter and the key check, in that order."""
    proxies = int(app.config["REDFLAGS_TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies)  # type: ignore[method-assign]
    keys = ApiKeys(app.config["REDFLAGS_API_KEYS"])
    app.before_request(lambda: _bind_keys(keys))
    limiter = None
    rate = app.config["REDFLAGS_RATE_LIMIT"]
    if rate:
        # Registered before the limiter, so it runs after the limiter has added its headers.
        app.after_request(_retry_after_only_on_429)
        # Its "limit exceeded" line names the client address: keep it out of the log.
        logging.getLogger("flask-limiter").setLevel(logging.WARNING)
        limiter = Limiter(
            key_func=rate_limit_key,
            app=app,
            application_limits=[rate],  # one budget across endpoints, not one each
            application_limits_exempt_when=_exempt_from_rate_limit,
            storage_uri=app.config["REDFLAGS_RATE_LIMIT_STORAGE"],
            headers_enabled=True,
            # A storage outage lets requests through (and is logged) rather than failing them.
            swallow_errors=True,
            key_prefix="redflags",
        )
    if keys:
        app.before_request(_require_key)
    app.extensions["redflags_api_keys"] = keys
    return limiter
