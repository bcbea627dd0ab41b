"""/openapi.json is generated from the schemas, valid, complete; /docs works offline."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from openapi_spec_validator import validate

from tests.spec_fields import FLAG_KEYS

ENDPOINTS = {
    ("/v1/check", "post"),
    ("/v1/check/batch", "post"),
    ("/v1/rules", "get"),
    ("/v1/regulations", "get"),
    ("/v1/health", "get"),
    ("/v1/ready", "get"),
}


@pytest.fixture
def document(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    return response.get_json()


def test_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.")
    validate(document)


def test_document_lists_every_endpoint(document):
    listed = {(path, method) for path, item in document["paths"].items() for method in item}
    assert listed == ENDPOINTS
    for path, method in ENDPOINTS:
        operation = document["paths"][path][method]
        assert operation.get("summary"), (path, method)
        assert "200" in operation["responses"]


def _resolve(document: dict, node: dict) -> dict:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = document["components"][kind][name]
    return node


def test_check_request_and_response_are_described_in_full(document):
    schemas = document["components"]["schemas"]
    request = schemas["CheckRequest"]
    assert set(request["properties"]) == {
        "text",
        "format",
        "id",
        "url",
        "offsets",
        "min_severity",
        "exclude",
        "detail",
    }
    assert request["required"] == ["text"]
    assert request["properties"]["format"]["enum"] == ["text", "html", None]  # null: default
    assert request["properties"]["offsets"]["enum"] == ["codepoint", "utf16", None]
    assert request["properties"]["detail"]["enum"] == ["full", "compact", None]
    assert request["additionalProperties"] is False
    response = schemas["CheckResponse"]
    assert set(response["properties"]) == {
        "id",
        "risk",
        "flags",
        "classifier",
        "page",
        "language",
        "text_length",
        "extracted_text",
        "versions",
    }
    assert schemas["Page"]["properties"]["kind"]["enum"] == [
        "promotional",
        "informational",
        "out_of_scope",
    ]
    assert len(schemas["PageSignal"]["properties"]["signal"]["enum"]) == 15
    assert set(schemas["Language"]["properties"]) == {"code", "confidence"}
    flag = schemas["Flag"]
    assert set(flag["properties"]) == FLAG_KEYS
    assert len(flag["properties"]["category"]["enum"]) == 13
    for name in (
        "Evidence",
        "Entities",
        "RegulatoryContext",
        "FlagPrecedent",
        "Classifier",
        "Versions",
        "BatchRequest",
        "BatchResponse",
        "RulesResponse",
        "RegulationsResponse",
        "HealthResponse",
        "Error",
    ):
        assert name in schemas, name
    # A batch item is any value: a bad one gets its own error entry in a 200, not a 422.
    batch_items = schemas["BatchRequest"]["properties"]["items"]["items"]
    assert "type" not in batch_items and "$ref" not in batch_items
    assert "CheckRequest" in batch_items["description"]


def test_errors_are_documented_with_the_error_shape(document):
    operation = document["paths"]["/v1/check"]["post"]
    for status in ("400", "413", "415", "422", "default"):
        response = _resolve(document, operation["responses"][status])
        schema = _resolve(document, response["content"]["application/json"]["schema"])
        assert set(schema["properties"]) == {"error"}


def test_docs_page_loads_only_local_assets(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.content_type.startswith("text/html")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert len(urls) >= 4
    for url in urls:
        assert not urlparse(url).scheme and not urlparse(url).netloc, url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.data
    assert "cdn" not in page.lower() and "//" not in page.replace("://", "")


def test_docs_initializer_points_at_the_local_document(client):
    script = client.get("/docs/initializer.js").get_data(as_text=True)
    assert '"/openapi.json"' in script
    assert "http" not in script


def test_docs_assets_cannot_escape_their_directory(client):
    assert client.get("/docs/assets/../__init__.py").status_code == 404
    assert client.get("/docs/assets/%2e%2e/__init__.py").status_code == 404


@pytest.mark.parametrize(
    "settings",
    [{}, {"REDFLAGS_MAX_CHARS": 500, "REDFLAGS_MAX_BATCH": 3}],
    ids=["defaults", "configured"],
)
def test_the_document_states_exactly_the_limits_the_service_enforces(make_app, settings):
    # Each bound the document states is probed on both sides: at the bound the service
    # accepts, one past it refuses. Neither can be narrowed (or widened) alone.
    client = make_app(**settings).test_client()
    schemas = client.get("/openapi.json").get_json()["components"]["schemas"]
    check = schemas["CheckRequest"]["properties"]

    def status(body: dict, path: str = "/v1/check") -> int:
        return client.post(path, json=body).status_code

    max_chars = check["text"]["maxLength"]
    assert max_chars == client.application.config["REDFLAGS_MAX_CHARS"]
    assert check["text"]["minLength"] == 1
    assert status({"text": "a" * max_chars}) == 200
    assert status({"text": "a" * (max_chars + 1)}) == 422
    assert status({"text": ""}) == 422
    for name in ("id", "url"):
        bound = check[name]["maxLength"]
        assert status({"text": "a", name: "b" * bound}) == 200
        assert status({"text": "a", name: "b" * (bound + 1)}) == 422
    exclude = check["exclude"]
    names = exclude["items"]["enum"]
    checker = client.application.extensions["redflags_checker"]
    rule_ids = [rule["id"] for rule in checker.rule_catalogue()["rules"]]
    assert set(names) == set(rule_ids) | set(schemas["Flag"]["properties"]["category"]["enum"])
    assert status({"text": "a", "exclude": names}) == 200  # every documented name is accepted
    assert status({"text": "a", "exclude": ["no.such-rule"]}) == 422
    assert status({"text": "a", "exclude": [""]}) == 422
    assert status({"text": "a", "exclude": [names[0]] * exclude["maxItems"]}) == 200
    assert status({"text": "a", "exclude": [names[0]] * (exclude["maxItems"] + 1)}) == 422
    items = schemas["BatchRequest"]["properties"]["items"]
    assert items["maxItems"] == client.application.config["REDFLAGS_MAX_BATCH"]
    assert items["minItems"] == 1
    batch = "/v1/check/batch"
    assert status({"items": [{"text": "a"}] * items["maxItems"]}, batch) == 200
    assert status({"items": [{"text": "a"}] * (items["maxItems"] + 1)}, batch) == 422
    assert status({"items": []}, batch) == 422
    # a batch item that breaks the contract is that item's error in a 200, as documented
    response = client.post(batch, json={"items": [{"text": "a", "colour": "red"}]})
    assert response.status_code == 200
    assert response.get_json()["results"][0]["error"]["code"] == "validation_error"
