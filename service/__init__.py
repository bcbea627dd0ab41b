"""The HTTP service (`service.app`), the CLI and `redflags screen`.

gunicorn: `gunicorn --config python:service.gunicorn_conf 'service:create_app()'`.

`create_app` and the rest of `service.app` are imported on first use: `redflags screen` and its
worker processes import this package too, and should not pay for Flask, flask-smorest and
webargs (~0.2 s per process) that only the HTTP service needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.app import Api, create_app, origin_patterns

__all__ = ["Api", "create_app", "origin_patterns"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from service import app

        return getattr(app, name)
    raise AttributeError(f"module 'service' has no attribute {name!r}")
