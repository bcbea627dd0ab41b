"""`GET /docs`: Swagger UI for `/openapi.json`, served from the `swagger-ui-bundle` package.

Every script, style and icon comes from this server, so the page works offline; its
Content-Security-Policy forbids loading anything from elsewhere.
"""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("docs", __name__)
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
)
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>clinic-redflags API</title>
  <link rel="stylesheet" type="text/css" href="{css}">
  <link rel="icon" type="image/png" href="{icon}" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{bundle}" charset="utf-8"></script>
  <script src="{preset}" charset="utf-8"></script>
  <script src="{init}" charset="utf-8"></script>
</body>
</html>
"""
INITIALIZER = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: %s,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    validatorUrl: null
  });
};
"""


def _asset(name: str) -> str:
    return url_for("docs.asset", filename=name)


@blp.get("/docs")
def page() -> Response:
    html = PAGE.format(
        css=_asset("swagger-ui.css"),
        icon=_asset("favicon-32x32.png"),
        bundle=_asset("swagger-ui-bundle.js"),
        preset=_asset("swagger-ui-standalone-preset.js"),
        init=url_for("docs.initializer"),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


@blp.get("/docs/initializer.js")
def initializer() -> Response:
    spec_url = url_for("api-docs.openapi_json")
    return Response(INITIALIZER % f'"{spec_url}"', mimetype="text/javascript")


@blp.get("/docs/assets/<path:filename>")
def asset(filename: str) -> Response:
    response = send_from_directory(str(swagger_ui_path), filename, max_age=86_400)
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response
