"""POST /v1/check: the body is the checker's report, field for field."""

from __future__ import annotations

import pytest

from model.report import SEVERITY_RANK
from tests.spec_fields import FLAG_KEYS

SPEC_KEYS = {"risk", "flags", "classifier", "page", "language", "text_length", "versions"}


def test_check_returns_the_checkers_report(client, checker, real_ad):
    response = client.post("/v1/check", json={"text": real_ad, "id": "ad-42"})
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = response.get_json()
    assert body == checker.check(real_ad, id="ad-42")
    assert set(body) == SPEC_KEYS | {"id"}
    assert list(body)[:3] == ["id", "risk", "flags"]  # SPEC's order, not alphabetical
    assert body["id"] == "ad-42"
    assert body["risk"]["level"] == "high"
    assert body["text_length"] == len(real_ad)
    assert "extracted_text" not in body


def test_flags_carry_every_spec_field_with_exact_quotes(client, real_ad):
    body = client.post("/v1/check", json={"text": real_ad}).get_json()
    assert "id" not in body
    assert body["flags"], "a clinic ad with disease claims must raise flags"
    for flag in body["flags"]:
        assert set(flag) == FLAG_KEYS
        assert flag["source"] in {"rule", "classifier", "rule+classifier"}
        for span in flag["evidence"]:
            assert real_ad[span["start"] : span["end"]] == span["quote"]
        for context in flag["regulatory_context"]:
            assert set(context) == {"id", "citation", "title", "url", "summary", "relevance"}
        assert len(flag["precedents"]) <= 3
    unapproved = [f for f in body["flags"] if f["category"] == "unapproved_use"]
    assert unapproved
    assert {f["entities"]["condition"]["name"] for f in unapproved} >= {"multiple sclerosis"}
    assert all(f["entities"]["product"]["id"] == "adipose" for f in unapproved)


def test_flags_are_sorted_by_severity_then_offset(client, real_ad):
    flags = client.post("/v1/check", json={"text": real_ad}).get_json()["flags"]
    keys = [(SEVERITY_RANK[f["severity"]], min(s["start"] for s in f["evidence"])) for f in flags]
    assert keys == sorted(keys)


def test_classifier_block_matches_the_loaded_mode(client, checker_and_mode, real_ad):
    _, with_classifier = checker_and_mode
    body = client.post("/v1/check", json={"text": real_ad}).get_json()
    if with_classifier:
        assert set(body["classifier"]) == {"label", "probability", "top_terms", "model_version"}
        classifier_version, page_version = body["versions"]["model"].split("+page.")
        assert classifier_version == body["classifier"]["model_version"]
        assert page_version
    else:
        assert body["classifier"] is None
        assert body["versions"]["model"].startswith("none+page.")


def test_utf16_offsets_index_javascript_strings(client):
    text = "🙂🙂 Adipose stem cell therapy treats multiple sclerosis. 🙂 No side effects!"
    body = client.post("/v1/check", json={"text": text, "offsets": "utf16"}).get_json()
    units = text.encode("utf-16-le")
    assert body["text_length"] == len(units) // 2
    assert body["flags"]
    for flag in body["flags"]:
        for span in flag["evidence"]:
            assert units[2 * span["start"] : 2 * span["end"]].decode("utf-16-le") == span["quote"]
    codepoint = client.post("/v1/check", json={"text": text}).get_json()
    first = codepoint["flags"][0]["evidence"][0]
    assert body["flags"][0]["evidence"][0]["start"] == first["start"] + 2  # two astral emoji


def test_html_is_reduced_to_visible_text(client, real_ad_html):
    body = client.post("/v1/check", json={"text": real_ad_html, "format": "html"}).get_json()
    extracted = body["extracted_text"]
    assert "tracking" not in extracted and "color: red" not in extracted
    assert "hidden keyword" not in extracted
    assert "multiple sclerosis" in extracted
    assert body["text_length"] == len(extracted)
    assert body["flags"]
    for flag in body["flags"]:
        for span in flag["evidence"]:
            assert extracted[span["start"] : span["end"]] == span["quote"]


@pytest.mark.parametrize("level", ["low", "medium", "high"])
def test_min_severity_filters_flags(client, real_ad, level):
    everything = client.post("/v1/check", json={"text": real_ad}).get_json()
    filtered = client.post("/v1/check", json={"text": real_ad, "min_severity": level}).get_json()
    expected = [
        f for f in everything["flags"] if SEVERITY_RANK[f["severity"]] <= SEVERITY_RANK[level]
    ]
    assert filtered["flags"] == expected
    assert filtered["risk"] == everything["risk"]  # the filter hides flags, not risk


def test_exclude_silences_a_category_and_a_rule(client, real_ad):
    everything = client.post("/v1/check", json={"text": real_ad}).get_json()["flags"]
    rule_id = next(f["rule_id"] for f in everything if f["category"] == "safety_claim")
    body = client.post(
        "/v1/check", json={"text": real_ad, "exclude": ["unapproved_use", rule_id]}
    ).get_json()
    assert body["flags"]
    assert all(f["category"] != "unapproved_use" for f in body["flags"])
    assert all(f["rule_id"] != rule_id for f in body["flags"])


def test_nulls_in_optional_fields_mean_not_given(client, checker, real_ad):
    body = client.post(
        "/v1/check",
        json={
            "text": real_ad,
            "id": None,
            "url": None,
            "format": None,
            "offsets": None,
            "min_severity": None,
            "exclude": None,
        },
    ).get_json()
    assert body == checker.check(real_ad)


def test_url_is_informational_only(client, checker, real_ad):
    body = client.post(
        "/v1/check", json={"text": real_ad, "url": "http://192.0.2.1/never-fetched"}
    ).get_json()
    assert body == checker.check(real_ad)


def test_informational_text_is_low_risk(client):
    warning = (
        "FDA warns consumers: stem cell clinics that claim to treat multiple sclerosis are "
        "selling unapproved products. Ask your doctor before any treatment."
    )
    body = client.post("/v1/check", json={"text": warning}).get_json()
    assert body["risk"]["level"] == "low"


def test_text_of_exactly_max_chars_is_accepted(make_app):
    client = make_app(REDFLAGS_MAX_CHARS=50).test_client()
    assert client.post("/v1/check", json={"text": "x" * 50}).status_code == 200
    assert client.post("/v1/check", json={"text": "🙂" * 50}).status_code == 200


def test_json_with_charset_and_vendor_json_types_are_accepted(client, real_ad):
    import json

    payload = json.dumps({"text": real_ad}).encode()
    for content_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = client.post("/v1/check", data=payload, content_type=content_type)
        assert response.status_code == 200, content_type


def test_html_with_no_visible_text_is_a_clean_report(client):
    # Regression: an empty extracted text must not crash the checker (it once raised IndexError).
    for page in ("<p>", "<script>stem cells cure MS</script>", "<div hidden>stem cells</div>"):
        response = client.post("/v1/check", json={"text": page, "format": "html"})
        assert response.status_code == 200, page
        body = response.get_json()
        assert body["extracted_text"] == ""
        assert body["flags"] == [] and body["text_length"] == 0
