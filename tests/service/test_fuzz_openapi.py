"""Fuzzing from the OpenAPI document: for every documented operation, schemathesis generates
requests that follow the schema (positive) and requests that break it (negative), and sends them
in-process over WSGI, with every check schemathesis has (`--checks all`): no 5xx, every status,
content type, header and body as documented, schema-valid requests accepted and schema-invalid
ones refused, unsupported methods answered 405 with `Allow`.

Examples are derandomized and bounded (REDFLAGS_FUZZ_EXAMPLES per operation and mode, default
100), so a run is the same every time and fits in `make test`; raise the number for a deeper run,
or deselect these with `-m "not fuzz"`. (schemathesis' own `from_fixture` pytest hook does not
run under pytest 9, hence the explicit hypothesis loop.)
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as CHECK_REGISTRY
from schemathesis.checks import load_all_checks
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.openapi.checks import JsonSchemaError

from service import create_app
from tests.conftest import REAL_AD, REAL_AD_HTML

EXAMPLES = int(os.environ.get("REDFLAGS_FUZZ_EXAMPLES", "100"))
load_all_checks()
CHECKS = CHECK_REGISTRY.get_all()  # every check: the CLI's `--checks all`
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# (method, path, modes): an operation without parameters or body has no invalid request.
OPERATIONS = [
    ("POST", "/v1/check", (POSITIVE, NEGATIVE)),
    ("POST", "/v1/check/batch", (POSITIVE, NEGATIVE)),
    ("GET", "/v1/rules", (POSITIVE,)),
    ("GET", "/v1/regulations", (POSITIVE,)),
    ("GET", "/v1/health", (POSITIVE,)),
    ("GET", "/v1/ready", (POSITIVE,)),
]
CASES = [
    pytest.param(method, path, mode, id=f"{method} {path} {mode.value}")
    for method, path, modes in OPERATIONS
    for mode in modes
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def openapi_schema(checker):
    app = create_app({"TESTING": True, "CHECKER": checker})
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


def test_every_documented_operation_is_fuzzed(openapi_schema):
    documented = {
        (method.upper(), path)
        for path, item in openapi_schema.raw_schema["paths"].items()
        for method in item
    }
    assert documented == {(method, path) for method, path, _ in OPERATIONS}


def fuzz(operation, mode, examples=EXAMPLES) -> list:
    """Run the generated cases of one operation; return them (for the counts)."""
    seen = []

    @settings(FUZZ_SETTINGS, max_examples=examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        seen.append(case)
        case.call_and_validate(checks=CHECKS)

    run()
    return seen


@pytest.mark.fuzz
@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_operation_answers_5xx_or_off_schema(
    openapi_schema, method, path, mode, record_property
):
    cases = fuzz(openapi_schema[path][method], mode)
    assert cases
    record_property("cases", len(cases))  # `--junitxml` reports how many were sent


@pytest.mark.fuzz
def test_the_fuzzer_does_catch_a_server_error():
    # Guard against a vacuous fuzz: a checker that fails must fail the run.
    class Broken:
        versions: dict = {}

        def check(self, text, **kwargs):
            raise RuntimeError("boom")

    app = create_app({"TESTING": True, "CHECKER": Broken()})
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    with pytest.raises(FailureGroup) as failure:
        fuzz(schema["/v1/check"]["POST"], POSITIVE, examples=5)
    assert any(isinstance(error, ServerError) for error in failure.value.exceptions)


@pytest.mark.fuzz
def test_the_fuzzer_does_catch_an_off_schema_response(checker):
    # The views send the checker's dicts without a schema dump: the conformance check is what
    # holds them to the document. A 200 body with an undocumented level and no `versions` fails.
    class OffSchema:
        versions = checker.versions

        def check(self, text, **kwargs):
            return {"risk": {"level": "extreme", "score": 1.0}, "flags": [], "text_length": 1}

    app = create_app({"TESTING": True, "CHECKER": OffSchema()})
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    with pytest.raises(FailureGroup) as failure:
        fuzz(schema["/v1/check"]["POST"], POSITIVE, examples=5)
    assert any(isinstance(error, JsonSchemaError) for error in failure.value.exceptions)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/check", {"text": REAL_AD, "id": "ad-1"}),
        ("/v1/check", {"text": REAL_AD_HTML, "format": "html", "offsets": "utf16"}),
        ("/v1/check/batch", {"items": [{"text": REAL_AD}, {"text": ""}, {"text": "x", "a": 1}]}),
    ],
    ids=["check", "check-html", "batch"],
)
def test_real_ads_answer_on_schema(openapi_schema, path, body):
    # Random text rarely raises many flags; real ads fill every part of the report (evidence,
    # entities, regulatory context, precedents, classifier terms).
    case = openapi_schema[path]["POST"].Case(body=body, media_type="application/json")
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code == 200
    assert b'"regulatory_context":[{' in response.content
