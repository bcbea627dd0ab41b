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


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be 1/0 (or true/false), got {raw!r}")


def _origins(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return DEFAULT_CORS_ORIGINS
    return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


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
        )

    def flask_config(self) -> dict[str, Any]:
        """The settings as Flask config keys (same names), plus Flask's own body limit."""
        settings: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        settings["MAX_CONTENT_LENGTH"] = self.REDFLAGS_MAX_BODY_BYTES
        return settings
