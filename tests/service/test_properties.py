"""Property tests: spans index the analysed text exactly, and no JSON body is ever a 500.

Examples are derandomized (same examples on every run) and bounded, so CI is stable and fast.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from service import create_app
from tests.property_settings import reproducible

PROPERTY_SETTINGS = reproducible(150, [HealthCheck.data_too_large])
# Phrases that make rules fire, so that spans are actually produced and checked.
AD_PHRASES = [
    "stem cell therapy",
    "Adipose-derived stem cells",
    "SVF",
    "umbilical cord MSCs",
    "exosomes",
    "Wharton's jelly",
    " treats multiple sclerosis",
    " cures MS",
    " for autism",
    " and COPD",
    " reverse Parkinson's",
    " no side effects",
    " FDA approved",
    " 100% safe",
    " miracle breakthrough",
    " stop taking your insulin",
    " patients pay to join our study",
    " culture-expanded",
    " IV infusion",
    ". ",
    "\n",
    "!",
    " ",
    "\u00a0",
]
EMOJI = ["🙂", "👩🏽‍⚕️", "🇺🇸", "💉", "𝔖𝔱𝔢𝔪", "é", "e\u0301", "\u200d", "\ufeff", "\r\n"]
UNICODE = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
AD_TEXT = (
    st.lists(
        st.one_of(st.sampled_from(AD_PHRASES), st.sampled_from(EMOJI), UNICODE),
        min_size=1,
        max_size=24,
    )
    .map("".join)
    .filter(bool)
)

HTML_PIECE = st.one_of(
    st.sampled_from(AD_PHRASES),
    st.sampled_from(EMOJI),
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<br>",
            "<li>",
            "<h1>",
            "</h1>",
            "<b>",
            "</b>",
            "<script>var x = 'MS';</script>",
            "<style>p{}</style>",
            "<span hidden>hidden cure</span>",
            "&amp;",
            "&nbsp;",
            "&#128512;",
            "&lt;p&gt;",
            "<!-- stem cells -->",
            "<td>",
            "<table><tr>",
            "<",
            ">",
        ]
    ),
    UNICODE,
)
HTML_TEXT = st.lists(HTML_PIECE, min_size=1, max_size=30).map("".join).filter(bool)


@pytest.fixture(scope="module")
def api(checker):
    return create_app({"TESTING": True, "CHECKER": checker}).test_client()


def assert_spans_index(body: dict, analysed: str, offsets: str) -> None:
    units = analysed.encode("utf-16-le", "surrogatepass")
    if offsets == "utf16":
        assert body["text_length"] == len(units) // 2
    else:
        assert body["text_length"] == len(analysed)
    for flag in body["flags"]:
        assert flag["evidence"]
        for span in flag["evidence"]:
            start, end, quote = span["start"], span["end"], span["quote"]
            assert 0 <= start < end <= body["text_length"]
            if offsets == "codepoint":
                assert analysed[start:end] == quote
            else:
                assert units[2 * start : 2 * end].decode("utf-16-le") == quote


@PROPERTY_SETTINGS
@given(text=AD_TEXT, offsets=st.sampled_from(["codepoint", "utf16"]))
def test_text_spans_index_the_text(api, text, offsets):
    response = api.post("/v1/check", json={"text": text, "offsets": offsets})
    assert response.status_code == 200
    assert_spans_index(response.get_json(), text, offsets)


@PROPERTY_SETTINGS
@given(page=HTML_TEXT, offsets=st.sampled_from(["codepoint", "utf16"]))
def test_html_spans_index_the_extracted_text(api, page, offsets):
    response = api.post("/v1/check", json={"text": page, "format": "html", "offsets": offsets})
    assert response.status_code == 200
    body = response.get_json()
    assert "<script" not in body["extracted_text"]
    assert_spans_index(body, body["extracted_text"], offsets)


def test_the_strategies_do_produce_flags(api):
    # Guard against a vacuous property: the phrase pool must make rules fire.
    text = "".join(AD_PHRASES[:8])
    assert api.post("/v1/check", json={"text": text}).get_json()["flags"]


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(
        ["text", "html", "utf16", "codepoint", "high", "hype_language", "no.such-rule", ""]
    ),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
CHECK_KEYS = st.sampled_from(
    ["text", "format", "id", "url", "offsets", "min_severity", "exclude", "items", "other"]
)
REQUEST_LIKE = st.dictionaries(CHECK_KEYS, JSON_VALUES, max_size=7)
ALLOWED_STATUSES = {200, 400, 413, 415, 422}


def assert_contract_response(response) -> None:
    assert response.status_code in ALLOWED_STATUSES, response.data[:500]
    assert response.content_type == "application/json"
    body = response.get_json()
    if response.status_code != 200:
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "details"}


@PROPERTY_SETTINGS
@given(
    body=st.one_of(REQUEST_LIKE, JSON_VALUES),
    path=st.sampled_from(["/v1/check", "/v1/check/batch"]),
)
def test_no_json_body_is_a_500(api, body, path):
    assert_contract_response(api.post(path, json=body))


@PROPERTY_SETTINGS
@given(items=st.lists(st.one_of(REQUEST_LIKE, JSON_VALUES), min_size=1, max_size=5))
def test_batch_items_never_fail_each_other(api, items):
    response = api.post("/v1/check/batch", json={"items": items})
    assert_contract_response(response)
    if response.status_code == 200:
        body = response.get_json()
        assert [entry["index"] for entry in body["results"]] == list(range(len(items)))
        assert body["counts"]["ok"] + body["counts"]["error"] == len(items)


@PROPERTY_SETTINGS
@given(
    raw=st.one_of(
        st.binary(max_size=64),
        st.text(max_size=64).map(lambda s: s.encode("utf-8", "surrogatepass")),
        REQUEST_LIKE.map(lambda d: json.dumps(d).encode()[: len(json.dumps(d)) // 2]),
    )
)
def test_no_byte_body_is_a_500(api, raw):
    assert_contract_response(api.post("/v1/check", data=raw, content_type="application/json"))
