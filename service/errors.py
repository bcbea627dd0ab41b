"""The one error shape of SPEC, produced here for every non-2xx response.

`{"error": {"code": "...", "message": "...", "details": {...}}}`: Werkzeug's own errors (404,
405, 413...), webargs' validation errors (422), the JSON-body errors raised by
`service.parsing` (400, 415), the access-control errors of `service.access` (401, 429) and
any unexpected exception (500, logged without the request body) all pass through
`register_error_handlers`, and so do the refusals of the request contract (`CheckRefused`:
422, and 503 `time_budget_exceeded` with `Retry-After`). gunicorn's own errors (a request line
or headers too large) are rendered in the same shape by `service.gunicorn_hooks`.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from service.contract import CheckRefused

log = logging.getLogger("service")

CODES: dict[int, str] = {
    400: "bad_json",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    431: "headers_too_large",
    500: "internal",
    503: "not_ready",
}
MESSAGES: dict[int, str] = {
    400: "The request body is not valid JSON.",
    404: "No such endpoint.",
    405: "This endpoint does not accept that method.",
    413: "The request body is larger than this server accepts.",
    415: "Send the request body as JSON with 'Content-Type: application/json'.",
    422: "The request does not follow the API contract.",
    429: "Too many requests: slow down and retry after the number of seconds in Retry-After.",
    500: "Internal error: the request could not be processed.",
}
# Response headers of a Werkzeug exception worth keeping (405 says which methods are allowed).
_KEPT_HEADERS = frozenset({"allow", "retry-after", "www-authenticate"})
# Once a 413 is sent, up to this much of the body is read and discarded: clients such as urllib
# and requests send the whole body before they read the response, and a server that closes the
# connection on unread data makes them see a broken pipe instead of the 413.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
DRAIN_IDLE_SECONDS = 2.0
DRAIN_TOTAL_SECONDS = 10.0
_DRAIN_CHUNK = 64 * 1024


# What a client that ran out of time budget is told to wait before it tries again.
TIME_BUDGET_RETRY_AFTER_SECONDS = 5


class ApiError(Exception):
    """An error the service raises on purpose; rendered in the SPEC shape."""

    status = 500
    code: str | None = None  # None: the status's code in CODES

    def __init__(
        self,
        message: str,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


class BadJsonError(ApiError):
    status = 400


class MalformedBodyError(ApiError):
    """The HTTP framing of the body is broken (a bad chunk size): not a JSON problem."""

    status = 400
    code = "bad_request"


class UnauthorizedError(ApiError):
    status = 401


class UnsupportedMediaTypeError(ApiError):
    status = 415


class ValidationFailedError(ApiError):
    status = 422


class NotReadyError(ApiError):
    status = 503


def error_body(
    status: int, message: str, details: dict[str, Any] | None = None, code: str | None = None
) -> dict:
    """The JSON error object of SPEC for an HTTP status (and its code, when the status has
    more than one)."""
    code = code or CODES.get(status) or ("internal" if status >= 500 else "http_error")
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(
    status: int,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    code: str | None = None,
) -> tuple[Response, int, dict[str, str]]:
    return jsonify(error_body(status, message, details, code)), status, headers or {}


def validation_details(messages: Any) -> dict[str, Any]:
    """Flatten webargs' `{location: {field: [messages]}}` into SPEC's `{field: [messages]}`."""
    if not isinstance(messages, dict):
        return {"_request": messages if isinstance(messages, list) else [str(messages)]}
    details: dict[str, Any] = {}
    for location, by_field in messages.items():
        if isinstance(by_field, dict):
            details.update(by_field)
        else:
            details[location] = by_field
    return details


def drain_request_body(environ: dict[str, Any], length: int | None) -> None:
    """Read and discard what is left of a refused request body, up to `DRAIN_LIMIT_BYTES`,
    pausing at most `DRAIN_IDLE_SECONDS` for more and `DRAIN_TOTAL_SECONDS` in all.

    Called once the 413 has been sent (`call_on_close`), so the answer never waits for the body:
    a client that declares 100 MB and sends 13 bytes is told at once. A declared length beyond
    the drain limit is not drained at all: the connection is closed with it unread either way.
    """
    stream = environ.get("wsgi.input")
    if stream is None or (length is None and not environ.get("wsgi.input_terminated")):
        return  # no length and no end marker: reading could block until the client gives up
    if length is not None and length > DRAIN_LIMIT_BYTES:
        return
    remaining = length if length is not None else DRAIN_LIMIT_BYTES
    give_up_at = time.monotonic() + DRAIN_TOTAL_SECONDS
    client_socket = environ.get("gunicorn.socket")
    try:
        if client_socket is not None:
            client_socket.settimeout(DRAIN_IDLE_SECONDS)
        while remaining > 0 and time.monotonic() < give_up_at:
            chunk = stream.read(min(_DRAIN_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
    except Exception:  # a client gone, slow, or sending broken chunks: stop reading
        pass


def handle_http_exception(error: HTTPException) -> tuple[Response, int, dict[str, str]]:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    details: dict[str, Any] = {}
    if status == 422 and "messages" in data:
        details = validation_details(data["messages"])
    elif status == 429 and error.description:
        details = {"limit": error.description}  # e.g. "120 per 1 minute"
    message = MESSAGES.get(status) or error.description or error.name
    headers = {name: value for name, value in error.get_headers() if name.lower() in _KEPT_HEADERS}
    response, status, headers = error_response(status, message, details, headers)
    if status == 413:
        environ, length = request.environ, request.content_length
        response.call_on_close(lambda: drain_request_body(environ, length))
    return response, status, headers


def handle_api_error(error: ApiError) -> tuple[Response, int, dict[str, str]]:
    return error_response(error.status, error.message, error.details, error.headers, error.code)


def handle_check_refused(refusal: CheckRefused) -> tuple[Response, int, dict[str, str]]:
    headers = {}
    if refusal.code == "time_budget_exceeded":
        headers["Retry-After"] = str(TIME_BUDGET_RETRY_AFTER_SECONDS)
    return error_response(refusal.status, refusal.message, refusal.details, headers, refusal.code)


def log_unexpected(error: BaseException, where: str) -> None:
    """Log an unexpected exception by type and traceback frames, without its message: the
    message may quote the input, and ad text never reaches the log."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "unhandled %s in %s %s %s (request %s)\n%s",
        type(error).__name__,
        where,
        request.method,
        request.path,
        g.get("request_id", "-"),
        frames,
    )


def handle_unexpected(error: Exception) -> tuple[Response, int, dict[str, str]]:
    log_unexpected(error, "view")
    return error_response(500, MESSAGES[500])


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(CheckRefused, handle_check_refused)
    app.register_error_handler(Exception, handle_unexpected)
