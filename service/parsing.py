"""Strict JSON request bodies for webargs / flask-smorest.

Python's `json` is lenient where the contract is not (NaN, bytes in UTF-16, BOMs) and raises
`RecursionError` on deeply nested input; every such body becomes a 400 `bad_json` here, a
body that is not declared as JSON, or declared in a charset other than UTF-8, a 415, a
chunked body whose framing is broken a 400 `bad_request`, and a streamed body over the size
limit a 413, before any schema sees it. The body must arrive within the request's time budget
(the client socket's timeout is set to what is left of it): a client that sends half a body
and waits is answered 503 `time_budget_exceeded` and its connection freed.
"""

from __future__ import annotations

import json
import time
from typing import Any

import flask
from flask_smorest import Blueprint as SmorestBlueprint
from gunicorn.http.errors import ParseException
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from service.contract import time_budget_refusal
from service.errors import BadJsonError, MalformedBodyError, UnsupportedMediaTypeError

UTF8_NAMES = frozenset({"utf-8", "utf8"})


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json_body(raw: bytes) -> Any:
    """Decode a request body as strict UTF-8 JSON; raise `BadJsonError` with the reason."""
    if not raw.strip():
        raise BadJsonError("The request body is empty; send a JSON object.")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadJsonError(
            f"The request body is not valid UTF-8 (byte {error.start}).",
            {"body": [f"invalid UTF-8 at byte {error.start}"]},
        ) from None
    try:
        return json.loads(decoded, parse_constant=_reject_constant)
    except RecursionError:
        raise BadJsonError(
            "The request body nests arrays or objects too deeply.",
            {"body": ["JSON nested too deeply"]},
        ) from None
    except ValueError as error:
        position = getattr(error, "pos", None)
        where = f" at character {position}" if position is not None else ""
        raise BadJsonError(
            f"The request body is not valid JSON{where}.",
            {"body": [getattr(error, "msg", None) or "invalid JSON"]},
        ) from None


def read_body(req: flask.Request) -> bytes:
    """The whole request body, read within the request's time budget (`flask.g.deadline`)."""
    deadline = flask.g.get("deadline")
    client_socket = req.environ.get("gunicorn.socket")
    if client_socket is not None and deadline is not None:
        client_socket.settimeout(max(deadline - time.monotonic(), 0.001))
    try:
        raw = req.get_data(cache=True)
        limit = req.max_content_length
        if req.content_length is None and limit is not None and len(raw) >= limit:
            # A streamed (chunked) body is cut at the limit without an error; one more byte
            # tells a body of exactly the limit from a longer one.
            if req.environ["wsgi.input"].read(1):
                raise RequestEntityTooLarge()
        return raw
    except ParseException:  # gunicorn's reader: a bad chunk size or terminator
        raise MalformedBodyError(
            "The request body's chunked transfer coding is malformed.",
            {"body": ["malformed chunked transfer coding"]},
        ) from None
    except (ClientDisconnected, TimeoutError) as error:
        # werkzeug reports a socket timeout as a disconnection; the timeout is its context.
        if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
            raise time_budget_refusal() from None
        raise
    finally:
        if client_socket is not None and deadline is not None:
            client_socket.settimeout(None)


class StrictJsonParser(FlaskParser):
    """A webargs parser whose JSON location enforces the content type and strict JSON."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            raise UnsupportedMediaTypeError(
                "Send the request body as JSON with 'Content-Type: application/json'.",
                {"content_type": [req.mimetype or "(none)"]},
            )
        charset = req.mimetype_params.get("charset")
        if charset is not None and charset.strip().lower() not in UTF8_NAMES:
            raise UnsupportedMediaTypeError(
                f"Send JSON as UTF-8; this server does not read the charset {charset[:40]!r}.",
                {"content_type": [f"unsupported charset: {charset[:40]}"]},
            )
        raw = read_body(req)
        return parse_json_body(raw)


class Blueprint(SmorestBlueprint):
    ARGUMENTS_PARSER = StrictJsonParser()
