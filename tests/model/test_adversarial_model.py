"""Property tests of `model` itself on arbitrary Unicode: it never raises, its spans are exact in
both offset modes, and its report is internally consistent (levels, scores, order, vocabulary).

tests/service/test_properties.py checks spans through HTTP with ad-like text; these call the
checker directly, on any code point (controls, NUL, astral, combining marks, bidi controls,
lone surrogates: the service rejects those, the Python API must still not crash).
Examples are derandomized and bounded.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

import model
from model.html_text import HtmlTooDeepError
from model.knowledge_base import PRODUCTS
from model.report import SEVERITY_RANK
from model.risk import LEVEL_BANDS
from model.rules import CATEGORIES, SEVERITIES
from tests.property_settings import reproducible

PROPERTY_SETTINGS = reproducible(200, [HealthCheck.data_too_large])
# Pieces that make rules fire, so that spans exist to be checked.
CLAIMS = [
    "stem cell therapy",
    "our own fat-derived stem cells (SVF)",
    "umbilical cord MSCs",
    "exosomes",
    " cure multiple sclerosis",
    " treats MS, COPD and autism",
    " reverses Parkinson's",
    " no side effects",
    " FDA approved",
    " stop taking your insulin",
    " pay to join our study",
    " miracle breakthrough",
    " IV infusion",
    " culture-expanded",
    ". ",
    "\n",
    "\u2022 ",
]
NASTY = [
    "\x00",
    "\r\n",
    "\r",
    "\u200d",
    "\u200b",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u2028",
    "\u0301",
    "🙂",
    "👩🏽‍⚕️",
    "🇺🇸",
    "𝔖𝔱𝔢𝔪",
    "ＳＴＥＭ",
    "ѕtеm",  # Cyrillic look-alikes
    "İ",
    "ß",
    "ǅ",
    "\ufdfd",
    "\U0010ffff",
]
ANY_CHAR = st.characters()  # every code point, surrogates included
ANY_TEXT = st.text(ANY_CHAR, min_size=1, max_size=400)
MIXED_TEXT = (
    st.lists(
        st.one_of(st.sampled_from(CLAIMS), st.sampled_from(NASTY), st.text(ANY_CHAR, max_size=8)),
        min_size=1,
        max_size=30,
    )
    .map("".join)
    .filter(bool)
)
TEXTS = st.one_of(ANY_TEXT, MIXED_TEXT)
OFFSETS = st.sampled_from(["codepoint", "utf16"])


@pytest.fixture(scope="module")
def checker():
    try:
        return model.load_checker()
    except model.ArtifactError:
        return model.load_checker(use_classifier=False)


def utf16_units(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def assert_spans_exact(body: dict, analysed: str, offsets: str) -> None:
    units = utf16_units(analysed)
    length = len(units) // 2 if offsets == "utf16" else len(analysed)
    assert body["text_length"] == length
    for flag in body["flags"]:
        assert flag["evidence"], flag["rule_id"]
        for span in flag["evidence"]:
            start, end, quote = span["start"], span["end"], span["quote"]
            assert 0 <= start < end <= length
            if offsets == "codepoint":
                assert analysed[start:end] == quote
            else:
                piece = units[2 * start : 2 * end].decode("utf-16-le", "surrogatepass")
                assert piece == quote


def assert_report_consistent(checker, body: dict) -> None:
    flags = body["flags"]
    level = body["risk"]["level"]
    assert level in LEVEL_BANDS
    low, high = LEVEL_BANDS[level]
    assert low <= body["risk"]["score"] <= high
    expected = min((SEVERITY_RANK[f["severity"]] for f in flags), default=SEVERITY_RANK["low"])
    if expected == SEVERITY_RANK["low"] and len({f["category"] for f in flags}) >= 2:
        expected = SEVERITY_RANK["medium"]  # low flags of several kinds add up (model.risk)
    assert SEVERITY_RANK[level] == expected, "the level follows the flags' severities"
    keys = [(SEVERITY_RANK[f["severity"]], min(e["start"] for e in f["evidence"])) for f in flags]
    assert keys == sorted(keys), "flags sorted by severity, then first offset"
    for flag in flags:
        assert flag["category"] in CATEGORIES
        assert flag["severity"] in SEVERITIES
        assert flag["source"] in ("rule", "classifier", "rule+classifier")
        assert 0.0 <= flag["confidence"] <= 1.0
        product = flag["entities"].get("product")
        if product is not None:
            assert product["id"] in PRODUCTS
        condition = flag["entities"].get("condition")
        if condition is not None:
            assert condition["name"] in checker.lexicons.conditions
        assert len(flag["precedents"]) <= 3
    assert body["versions"] == checker.versions


@PROPERTY_SETTINGS
@given(text=TEXTS, offsets=OFFSETS)
def test_any_text_is_screened_with_exact_spans(checker, text, offsets):
    body = checker.check(text, offsets=offsets)
    assert_spans_exact(body, text, offsets)
    assert_report_consistent(checker, body)


@PROPERTY_SETTINGS
@given(text=TEXTS, severity=st.sampled_from(SEVERITIES))
def test_min_severity_only_removes_flags(checker, text, severity):
    full = checker.check(text)
    filtered = checker.check(text, min_severity=severity)
    kept = [f for f in full["flags"] if SEVERITY_RANK[f["severity"]] <= SEVERITY_RANK[severity]]
    assert filtered["flags"] == kept
    assert filtered["risk"] == full["risk"]


HTML_PIECES = st.one_of(
    st.sampled_from(CLAIMS),
    st.sampled_from(NASTY),
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div>",
            "</div>",
            "<li>",
            "<br>",
            "<b>",
            "</b>",
            "<script>",
            "</script>",
            "<style>",
            "<!--",
            "-->",
            "<span hidden>",
            "</span>",
            "&amp;",
            "&#0;",
            "&#xD800;",
            "&#x10FFFF;",
            "&nbsp;",
            "<",
            ">",
            "<table><tr><td>",
            "<![CDATA[",
            "<?xml ?>",
            "<svg>",
            "<template>",
            "<div style='display:none'>",
            "<p aria-hidden=true>",
        ]
    ),
    st.text(ANY_CHAR, max_size=8),
)
HTML = st.lists(HTML_PIECES, min_size=1, max_size=40).map("".join).filter(bool)


@PROPERTY_SETTINGS
@given(page=st.one_of(HTML, ANY_TEXT), offsets=OFFSETS)
def test_any_html_is_reduced_and_screened_with_exact_spans(checker, page, offsets):
    try:
        body = checker.check(page, format="html", offsets=offsets)
    except HtmlTooDeepError:  # the only error html may raise, and not at these sizes
        pytest.fail("a 40-piece page is not too deep")
    analysed = body["extracted_text"]
    assert_spans_exact(body, analysed, offsets)
    assert_report_consistent(checker, body)


@pytest.fixture(scope="module")
def rules_only():
    # Its own checker: the tests below change its html depth limit.
    return model.load_checker(use_classifier=False)


@PROPERTY_SETTINGS
@given(depth=st.integers(min_value=0, max_value=60), limit=st.integers(min_value=1, max_value=40))
def test_html_depth_limit_is_exact_for_nested_blocks(rules_only, depth, limit):
    rules_only.max_html_depth = limit
    page = "<div>" * depth + "stem cells cure MS" + "</div>" * depth
    if depth > limit:
        with pytest.raises(HtmlTooDeepError):
            rules_only.check(page, format="html")
    else:
        assert rules_only.check(page, format="html")["extracted_text"] == "stem cells cure MS"


def test_the_claim_pieces_do_produce_flags(checker):
    # Guard against vacuous properties: the pieces must make rules fire.
    assert checker.check("".join(CLAIMS))["flags"]
