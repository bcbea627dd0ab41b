"""The HTTP service: `create_app()` builds the Flask app around one shared checker.

gunicorn: `gunicorn --config python:service.gunicorn_conf 'service:create_app()'` (the package
exports `create_app` from here).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import flask_smorest
from flask import Flask
from flask_cors import CORS

import model
from model.vocabulary import CATEGORIES
from service import api, docs, web
from service.access import KEY_HEADER, init_access_control
from service.config import Config, glob_has_one_star_per_label
from service.errors import register_error_handlers
from service.json_provider import OrjsonProvider
from service.metrics import init_metrics
from service.request_id import HEADER as REQUEST_ID_HEADER
from service.request_id import init_request_id
from service.schemas import ErrorSchema, document_limits

__all__ = ["Api", "create_app", "origin_patterns"]

API_DESCRIPTION = """Reads the text of a clinic advertisement for unproven stem-cell treatments and
returns red flags, each with its evidence spans and the regulations and enforcement actions that
bear on it. Every error has the shape `{"error": {"code", "message", "details"}}`."""
# `*` in a configured origin stands for one host-like label (an extension id, a subdomain): no
# dot, so `https://*.example.org` does not admit `https://a.b.example.org`, and, the config
# having checked that no label holds two `*`, flask-cors's `re` matches in linear time.
_ORIGIN_WILDCARD = "[A-Za-z0-9_-]+"
SECURITY_SCHEMES = {
    "bearerAuth": {"type": "http", "scheme": "bearer"},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": KEY_HEADER},
}


class Api(flask_smorest.Api):
    """flask-smorest's Api with SPEC's error shape: errors are rendered by `service.errors`."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        register_error_handlers(self._app)

    # No endpoint paginates or uses ETags: keep their components out of the document.
    def _register_pagination_header(self) -> None:
        pass

    def _register_etag_headers(self) -> None:
        pass


def origin_patterns(origins: tuple[str, ...] | list[str]) -> list[str | re.Pattern[str]]:
    """Configured origins for flask-cors: exact strings, or anchored patterns for globs."""
    patterns: list[str | re.Pattern[str]] = []
    for origin in origins:
        if "*" not in origin:
            patterns.append(origin)
            continue
        if not glob_has_one_star_per_label(origin):
            raise ValueError(f"origin glob {origin!r}: a label may hold one * at most")
        body = _ORIGIN_WILDCARD.join(re.escape(part) for part in origin.split("*"))
        patterns.append(re.compile(f"^{body}$", re.IGNORECASE))
    return patterns


def _configure_logging(app: Flask) -> None:
    logger = logging.getLogger("service")
    logger.setLevel(app.config["REDFLAGS_LOG_LEVEL"])
    gunicorn_logger = logging.getLogger("gunicorn.error")
    if gunicorn_logger.handlers and not logger.handlers:
        # Under gunicorn, the service's log lines go where gunicorn's error log goes.
        for handler in gunicorn_logger.handlers:
            logger.addHandler(handler)
        logger.propagate = False


def _build_checker(app: Flask) -> model.Checker:
    """Load the checker, verify its artifact, make sure it screens the canary ad, and warm it
    up (`Checker.warm_up`)."""
    use_classifier = bool(app.config["REDFLAGS_USE_CLASSIFIER"])
    artifact_dir = app.config["REDFLAGS_ARTIFACT_DIR"]
    try:
        checker = model.load_checker(
            artifact_dir=Path(artifact_dir) if artifact_dir else None,
            use_classifier=use_classifier,
            max_html_depth=int(app.config["REDFLAGS_MAX_HTML_DEPTH"]),
        )
    except model.ArtifactError as error:
        raise model.ArtifactError(
            f"{error} (or set REDFLAGS_USE_CLASSIFIER=0 to serve the rules alone)"
        ) from error
    api.canary_check(checker)
    # Under gunicorn the app is loaded in the master: the workers fork with what this builds.
    checker.warm_up()
    return checker


def _excludable_names(checker: Any) -> list[str] | None:
    """What `exclude` accepts: the checker's rule ids and categories (None for a stand-in
    checker without a catalogue)."""
    catalogue = getattr(checker, "rule_catalogue", None)
    if catalogue is None:
        return None
    rules = catalogue()["rules"]
    return [rule["id"] for rule in rules] + list(CATEGORIES)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment; `CHECKER` injects
    a ready checker (tests build one per session)."""
    overrides = dict(config or {})
    # Static files are served by the blueprints that own them (with their headers), not /static.
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(Config.from_env().flask_config())
    app.config.update(
        API_TITLE="clinic-redflags",
        API_VERSION="1.1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": API_DESCRIPTION, "license": {"name": "MIT"}},
            "components": {"securitySchemes": SECURITY_SCHEMES},
        },
    )
    checker = overrides.pop("CHECKER", None)
    app.config.update(overrides)
    if app.config["REDFLAGS_API_KEYS"]:
        # Every operation needs a key unless it says otherwise (health and ready do).
        app.config["API_SPEC_OPTIONS"]["security"] = [{"bearerAuth": []}, {"apiKeyHeader": []}]
    if "REDFLAGS_MAX_BODY_BYTES" in overrides and "MAX_CONTENT_LENGTH" not in overrides:
        app.config["MAX_CONTENT_LENGTH"] = app.config["REDFLAGS_MAX_BODY_BYTES"]
    app.json = OrjsonProvider(app)  # orjson; keeps SPEC's field order (no sorting)
    _configure_logging(app)

    app.extensions["redflags_checker"] = checker or _build_checker(app)

    # Order matters: request ids first (every response carries one), then the metrics timer,
    # then rate limits, then API keys (so key guessing is rate limited too).
    init_request_id(app)
    init_metrics(app)
    init_access_control(app)
    CORS(
        app,
        resources={r"/v1/*": {}, r"/openapi.json": {}},
        origins=origin_patterns(app.config["REDFLAGS_CORS_ORIGINS"]),
        methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", REQUEST_ID_HEADER, "Authorization", KEY_HEADER],
        expose_headers=[REQUEST_ID_HEADER, "Retry-After"],
        max_age=600,
    )
    rest_api = Api(app)
    rest_api.register_blueprint(api.blp)
    document_limits(
        rest_api.spec, app.config, _excludable_names(app.extensions["redflags_checker"])
    )
    app.register_blueprint(docs.blp)
    app.register_blueprint(web.blp)
    return app
