"""Request ids: a client's `X-Request-ID` is echoed when it looks like an id, else one is made.

The id is the only request-specific value, besides method, path, status, size and time, that
the access log records (see `service/gunicorn_conf.py`).
"""

from __future__ import annotations

import uuid

from flask import Flask, Response, g, request

HEADER = "X-Request-ID"
MAX_ID_LENGTH = 128
_ID_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")


def looks_like_an_id(supplied: str) -> bool:
    """1-128 characters of `A-Za-z0-9._:-`."""
    return 0 < len(supplied) <= MAX_ID_LENGTH and _ID_CHARACTERS.issuperset(supplied)


def assign_request_id() -> None:
    supplied = request.headers.get(HEADER, "")
    g.request_id = supplied if looks_like_an_id(supplied) else uuid.uuid4().hex


def echo_request_id(response: Response) -> Response:
    response.headers[HEADER] = g.get("request_id") or uuid.uuid4().hex
    return response


def init_request_id(app: Flask) -> None:
    app.before_request(assign_request_id)
    app.after_request(echo_request_id)
