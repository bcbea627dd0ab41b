"""`GET /`: the reviewer's page, plain HTML, CSS and a little JavaScript from `service/static`.

The page is a client of `POST /v1/check` like any other (same origin, `fetch`). Everything it
loads comes from this server, so it works offline; its Content-Security-Policy forbids scripts,
styles, fonts and connections to anywhere else, and forbids inline script.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

STATIC_DIR = Path(__file__).resolve().parent / "static"
# Assets live under /ui/ (the app's own /static route is not relied on).
ASSET_PREFIX = "/ui"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

blp = Blueprint("web", __name__)


def _secured(response: Response) -> Response:
    for name, value in _HEADERS.items():
        response.headers[name] = value
    return response


@blp.get("/")
def page() -> Response:
    """The reviewer page."""
    return _secured(send_from_directory(STATIC_DIR, "index.html", max_age=0))


@blp.get(f"{ASSET_PREFIX}/<path:filename>")
def asset(filename: str) -> Response:
    """The page's stylesheet, script and icon."""
    return _secured(send_from_directory(STATIC_DIR, filename, max_age=300))
