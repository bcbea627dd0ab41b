"""The /v1 endpoints: parse with a schema, call the checker, answer with JSON.

`POST /v1/check` and `/v1/check/batch` answer with the checker's dicts as they are: SPEC has
`check()` return exactly the response body, so a marshmallow dump (~1.8 ms for a typical ad of
~25 flags, more than the standard library takes to encode it) would only copy them. Their
response schemas still document them in the OpenAPI document (flask-smorest dumps nothing when a
view returns a `Response`); tests check that real responses equal their schema dump and
conform to the document.
"""

from __future__ import annotations

import http
import time
from typing import Any

from flask import Response, current_app, g, has_request_context, jsonify

from model import Checker
from service.contract import MAX_ID_CHARS, CheckRefused, run_check, time_budget_refusal
from service.errors import MESSAGES, NotReadyError, log_unexpected
from service.metrics import record_check
from service.parsing import Blueprint
from service.schemas import (
    BatchRequestSchema,
    BatchResponseSchema,
    CheckRequestSchema,
    CheckResponseSchema,
    HealthResponseSchema,
    ReadyResponseSchema,
    RegulationsResponseSchema,
    RulesResponseSchema,
)

blp = Blueprint(
    "v1",
    __name__,
    url_prefix="/v1",
    description="Screen clinic ads for unproven stem-cell treatment claims.",
)
BODY_ERRORS = (400, 413, 415)
# 401 only when API keys are configured, 429 only when a rate limit is.
ACCESS_ERRORS = (401, 429)
# A short ad that the rules flag in every configuration: a checker that answers it is ready.
CANARY_TEXT = "Our stem cell therapy cures multiple sclerosis, with no side effects."


def _document_errors(*statuses: int) -> Any:
    def decorate(view: Any) -> Any:
        for status in statuses:
            view = blp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view

    return decorate


_document_post_errors = _document_errors(*BODY_ERRORS, *ACCESS_ERRORS)
_document_access_errors = _document_errors(*ACCESS_ERRORS)
# One instance for every request (webargs would build one per request from the class, 0.06 ms):
# loading keeps no state on the schema, and max_chars is read from the app on each load.
_CHECK_REQUEST = CheckRequestSchema()


def current_checker() -> Checker:
    return current_app.extensions["redflags_checker"]


@blp.before_request
def start_time_budget() -> None:
    """Every /v1 request gets REDFLAGS_TIME_BUDGET seconds from now, body upload included:
    a check or batch item still running then is answered 503 `time_budget_exceeded`."""
    g.deadline = time.monotonic() + float(current_app.config["REDFLAGS_TIME_BUDGET"])


def json_response(body: dict[str, Any]) -> Response:
    """`body` as the 200 response, encoded once (by the app's JSON provider, orjson) and not
    dumped through a schema."""
    return jsonify(body)


def screen(checker: Checker, arguments: dict[str, Any]) -> dict[str, Any]:
    """Run one validated check request within the request's time budget."""
    result = run_check(checker, arguments, deadline=g.deadline)
    record_check(result)
    return result


@blp.route("/check", methods=["POST"])
@blp.arguments(_CHECK_REQUEST)
@blp.response(200, CheckResponseSchema)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
@_document_post_errors
def check(params: dict[str, Any]) -> Response:
    """Screen one ad"""
    arguments = {name: value for name, value in params.items() if value is not None}
    return json_response(screen(current_checker(), arguments))


def _item_id(item: Any) -> str | None:
    candidate = item.get("id") if isinstance(item, dict) else None
    if isinstance(candidate, str) and len(candidate) <= MAX_ID_CHARS:
        return candidate
    return None


def screen_item(checker: Checker, index: int, item: Any) -> dict[str, Any]:
    """One batch entry: the item's result, or its own error in the SPEC error shape. Once the
    time budget is spent, the remaining items are not started: each gets its own error."""
    entry: dict[str, Any] = {"index": index, "id": _item_id(item)}
    try:
        if time.monotonic() > g.deadline:
            raise time_budget_refusal()
        entry["result"] = screen(checker, _CHECK_REQUEST.load_request(item))
    except CheckRefused as refusal:
        entry["error"] = refusal.error_object()
    except Exception as error:  # one item's failure must not fail the batch
        log_unexpected(error, f"batch item {index} of")
        entry["error"] = {"code": "internal", "message": MESSAGES[500], "details": {}}
    return entry


@blp.route("/check/batch", methods=["POST"])
@blp.arguments(BatchRequestSchema)
@blp.response(200, BatchResponseSchema)
@_document_post_errors
def check_batch(params: dict[str, Any]) -> Response:
    """Screen up to max_batch ads; a bad item gets its own error entry"""
    checker = current_checker()
    results = [screen_item(checker, i, item) for i, item in enumerate(params["items"])]
    failed = sum(1 for entry in results if "error" in entry)
    counts = {"ok": len(results) - failed, "error": failed}
    return json_response({"results": results, "counts": counts})


@blp.route("/rules", methods=["GET"])
@blp.response(200, RulesResponseSchema)
@_document_access_errors
def rules() -> dict[str, Any]:
    """The rule catalogue: id, category, severity, description, regulatory references"""
    return current_checker().rule_catalogue()


@blp.route("/regulations", methods=["GET"])
@blp.response(200, RegulationsResponseSchema)
@_document_access_errors
def regulations() -> dict[str, Any]:
    """The regulatory knowledge base: laws, guidance, cases and enforcement letters"""
    return current_checker().knowledge_base.as_dict()


@blp.route("/health", methods=["GET"])
@blp.response(200, HealthResponseSchema)
@blp.doc(security=[])
def health() -> dict[str, Any]:
    """Liveness, and the versions of the rules, model and knowledge base"""
    checker = current_checker()
    return {
        "status": "ok",
        "versions": dict(checker.versions),
        "rule_count": len(checker.rule_catalogue()["rules"]),
        "classifier_loaded": checker.classifier is not None,
    }


def canary_check(checker: Checker) -> None:
    """Raise `NotReadyError` unless the checker screens the canary ad and flags it."""
    try:
        flagged = bool(checker.check(CANARY_TEXT)["flags"])
    except Exception as error:
        if has_request_context():
            log_unexpected(error, "readiness check of")
        raise NotReadyError("The checker failed its readiness check.") from error
    if not flagged:
        raise NotReadyError("The checker loaded but does not flag the readiness canary.")


@blp.route("/ready", methods=["GET"])
@blp.response(200, ReadyResponseSchema)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
@blp.doc(security=[])
def ready() -> dict[str, Any]:
    """Readiness: the checker is loaded and screens a canary ad (503 not_ready otherwise)"""
    checker = current_checker()
    canary_check(checker)
    return {
        "status": "ready",
        "versions": dict(checker.versions),
        "classifier_loaded": checker.classifier is not None,
    }
