"""Service settings, read from environment variables in one place.

| variable | default | meaning |
| --- | --- | --- |
| `REDFLAGS_MAX_CHARS` | 100000 | longest `text` accepted, in characters (code points) |
| `REDFLAGS_MAX_BATCH` | 256 | most items in one `POST /v1/check/batch` |
| `REDFLAGS_MAX_BODY_BYTES` | 8388608 | largest request body (bytes); larger bodies get 413 |
| `REDFLAGS_CORS_ORIGINS` | see below | comma-separated origins; `*` matches one label |
| `REDFLAGS_USE_CLASSIFIER` | 1 | 0 serves rules only (no classifier artifact needed) |
| `REDFLAGS_MAX_HTML_DEPTH` | 2000 | deepest element nesting accepted for `format: html` |
| `REDFLAGS_LOG_LEVEL` | INFO | level of the service's own log (never carries ad text) |
| `REDFLAGS_LOG_FORMAT` | json | `json`: one JSON object per line (gunicorn); `text`: plain |
| `REDFLAGS_API_KEYS` | (none) | comma-separated keys, 16+ characters; set: /v1 calls need one |
| `REDFLAGS_RATE_LIMIT` | (off) | e.g. `120/minute`, `10/second;1000/hour`; per key or address |
| `REDFLAGS_RATE_LIMIT_STORAGE` | memory:// | the counters' store; `redis://host:6379` shares them |
| `REDFLAGS_TRUSTED_PROXIES` | 0 | proxies in front whose `X-Forwarded-For` names the client |
| `REDFLAGS_METRICS` | 1 | 0 turns `GET /metrics` (Prometheus) off |
| `REDFLAGS_ARTIFACT_DIR` | (packaged) | classifier artifact directory, verified at start |
| `REDFLAGS_TIME_BUDGET` | 20 | seconds a /v1 request may take (a batch shares them); then 503 |

The default origins are `chrome-extension://*`, `moz-extension://*`, `http://127.0.0.1:8000`
and `http://localhost:8000`. 8 MiB of body holds one maximal ad in any encoding (100,000
astral characters escaped as `\\ud83d\\ude00` take 1.2 MB) and a full batch of 256 typical
ads (a few KB each); a client with bigger batches splits them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

DEFAULT_CORS_ORIGINS: tuple[str, ...] = (
    "chrome-extension://*",
    "moz-extension://*",
    "http://127.0.0.1:8000",
    "http://localhost:8000",
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("json", "text")
MIN_API_KEY_CHARS = 16
# gunicorn's worker timeout (its default, kept): a time budget must end well before it.
WORKER_TIMEOUT_SECONDS = 60


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _seconds(environ: Mapping[str, str], name: str, default: float, maximum: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0 < value <= maximum:
        raise ConfigError(f"{name} must be more than 0 and at most {maximum:g} seconds")
    return value


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1/0 (or true/false), got {raw!r}")


def _api_keys(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    keys = tuple(key.strip() for key in environ.get(name, "").split(",") if key.strip())
    for position, key in enumerate(keys, start=1):
        # Never echo a key, even a bad one, into an error message or a log.
        if len(key) < MIN_API_KEY_CHARS:
            raise ConfigError(
                f"{name}: key {position} is shorter than {MIN_API_KEY_CHARS} characters"
            )
        if not key.isascii() or not key.isprintable() or " " in key:
            raise ConfigError(f"{name}: key {position} must be printable ASCII without spaces")
    return keys


def _rate_limit(environ: Mapping[str, str], name: str) -> str:
    raw = environ.get(name, "").strip()
    if not raw:
        return ""
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ConfigError(
            f"{name} must look like '120/minute' or '10/second;1000/hour', got {raw!r}"
        ) from None
    return raw


def _storage_uri(environ: Mapping[str, str], name: str, default: str) -> str:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    from limits.storage import SCHEMES

    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in SCHEMES or scheme.startswith("async+"):
        # The URI may carry a password: name the scheme only.
        raise ConfigError(f"{name} must be a limits storage URI (memory://, redis://...)")
    return raw


def _choice(environ: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = environ.get(name, "").strip().lower() or default
    if raw not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


# What separates the labels of an origin: a `*` matches a run of characters none of these.
_LABEL_SEPARATORS = "/.:"


def _origins(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return DEFAULT_CORS_ORIGINS
    origins = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if not glob_has_one_star_per_label(origin):
            raise ConfigError(
                f"{name}: in {origin!r}, a label may hold one * at most "
                "(e.g. https://*.example.org or https://app-*.example.org)"
            )
    return origins


def glob_has_one_star_per_label(origin: str) -> bool:
    """No label of `origin` (between '/', '.' and ':') holds two `*`. Then each `*` is a run
    of label characters inside one label, anchored by the literal text around it, and
    flask-cors's `re` matches the glob in time linear in the Origin header; `*a*` or `**` would
    make it retry every split of a long header (issue 14)."""
    label = origin
    for separator in _LABEL_SEPARATORS:
        label = label.replace(separator, "/")
    return all(part.count("*") <= 1 for part in label.split("/"))


@dataclass(frozen=True)
class Config:
    """Every setting of the service; `from_env` reads them, `flask_config` hands them to Flask."""

    REDFLAGS_MAX_CHARS: int = 100_000
    REDFLAGS_MAX_BATCH: int = 256
    REDFLAGS_MAX_BODY_BYTES: int = 8 * 1024 * 1024
    REDFLAGS_CORS_ORIGINS: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    REDFLAGS_USE_CLASSIFIER: bool = True
    REDFLAGS_MAX_HTML_DEPTH: int = 2_000
    REDFLAGS_LOG_LEVEL: str = "INFO"
    REDFLAGS_LOG_FORMAT: str = "json"
    REDFLAGS_API_KEYS: tuple[str, ...] = ()
    REDFLAGS_RATE_LIMIT: str = ""
    REDFLAGS_RATE_LIMIT_STORAGE: str = "memory://"
    REDFLAGS_TRUSTED_PROXIES: int = 0
    REDFLAGS_METRICS: bool = True
    REDFLAGS_ARTIFACT_DIR: str = ""
    # A third of the worker timeout: a check runs at most one stage past its budget.
    REDFLAGS_TIME_BUDGET: float = 20.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        level = env.get("REDFLAGS_LOG_LEVEL", "").strip().upper() or cls.REDFLAGS_LOG_LEVEL
        if level not in LOG_LEVELS:
            raise ConfigError(f"REDFLAGS_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
        return cls(
            REDFLAGS_MAX_CHARS=_int(env, "REDFLAGS_MAX_CHARS", cls.REDFLAGS_MAX_CHARS),
            REDFLAGS_MAX_BATCH=_int(env, "REDFLAGS_MAX_BATCH", cls.REDFLAGS_MAX_BATCH),
            REDFLAGS_MAX_BODY_BYTES=_int(
                env, "REDFLAGS_MAX_BODY_BYTES", cls.REDFLAGS_MAX_BODY_BYTES, minimum=1024
            ),
            REDFLAGS_CORS_ORIGINS=_origins(env, "REDFLAGS_CORS_ORIGINS"),
            REDFLAGS_USE_CLASSIFIER=_bool(
                env, "REDFLAGS_USE_CLASSIFIER", cls.REDFLAGS_USE_CLASSIFIER
            ),
            REDFLAGS_MAX_HTML_DEPTH=_int(
                env, "REDFLAGS_MAX_HTML_DEPTH", cls.REDFLAGS_MAX_HTML_DEPTH
            ),
            REDFLAGS_LOG_LEVEL=level,
            REDFLAGS_LOG_FORMAT=_choice(
                env, "REDFLAGS_LOG_FORMAT", cls.REDFLAGS_LOG_FORMAT, LOG_FORMATS
            ),
            REDFLAGS_API_KEYS=_api_keys(env, "REDFLAGS_API_KEYS"),
            REDFLAGS_RATE_LIMIT=_rate_limit(env, "REDFLAGS_RATE_LIMIT"),
            REDFLAGS_RATE_LIMIT_STORAGE=_storage_uri(
                env, "REDFLAGS_RATE_LIMIT_STORAGE", cls.REDFLAGS_RATE_LIMIT_STORAGE
            ),
            REDFLAGS_TRUSTED_PROXIES=_int(
                env, "REDFLAGS_TRUSTED_PROXIES", cls.REDFLAGS_TRUSTED_PROXIES, minimum=0
            ),
            REDFLAGS_METRICS=_bool(env, "REDFLAGS_METRICS", cls.REDFLAGS_METRICS),
            REDFLAGS_ARTIFACT_DIR=env.get("REDFLAGS_ARTIFACT_DIR", "").strip(),
            REDFLAGS_TIME_BUDGET=_seconds(
                env,
                "REDFLAGS_TIME_BUDGET",
                cls.REDFLAGS_TIME_BUDGET,
                maximum=WORKER_TIMEOUT_SECONDS / 2,
            ),
        )

    def flask_config(self) -> dict[str, Any]:
        """The settings as Flask config keys (same names), plus Flask's own body limit."""
        settings: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        settings["MAX_CONTENT_LENGTH"] = self.REDFLAGS_MAX_BODY_BYTES
        return settings
