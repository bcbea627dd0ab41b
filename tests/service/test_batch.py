"""POST /v1/check/batch: order kept, one bad item never fails the others."""

from __future__ import annotations

import pytest


def test_batch_returns_results_in_request_order(client, checker, real_ad):
    items = [
        {"text": real_ad, "id": "a"},
        {"text": "Nothing to see here."},
        {"text": real_ad, "id": "c", "offsets": "utf16", "min_severity": "high"},
    ]
    response = client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 200
    body = response.get_json()
    assert body["counts"] == {"ok": 3, "error": 0}
    assert [entry["index"] for entry in body["results"]] == [0, 1, 2]
    assert [entry["id"] for entry in body["results"]] == ["a", None, "c"]
    assert body["results"][0]["result"] == checker.check(real_ad, id="a")
    assert body["results"][1]["result"] == checker.check("Nothing to see here.")
    assert body["results"][2]["result"] == checker.check(
        real_ad, id="c", offsets="utf16", min_severity="high"
    )
    assert all("error" not in entry for entry in body["results"])


def test_bad_items_get_their_own_errors(client, real_ad):
    items = [
        {"text": real_ad, "id": "good"},
        {"text": "", "id": "empty"},
        {"text": real_ad, "id": "unknown-field", "colour": "red"},
        "not an object",
        None,
        {"text": real_ad, "id": "bad-exclude", "exclude": ["no.such-rule"]},
        {"text": "<div>" * 50 + "x", "format": "html", "id": "deep"},
        {"text": "lone \ud800 surrogate", "id": "surrogate"},
        {"text": real_ad, "id": "x" * 201},
        {"text": real_ad, "id": "last"},
    ]
    response = client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 200
    body = response.get_json()
    results = body["results"]
    assert [entry["index"] for entry in results] == list(range(len(items)))
    ok = [entry["index"] for entry in results if "result" in entry]
    assert ok == [0, 6, 9]
    assert body["counts"] == {"ok": 3, "error": 7}
    for entry in results:
        assert ("result" in entry) != ("error" in entry)
        if "error" in entry:
            error = entry["error"]
            assert set(error) == {"code", "message", "details"}
            assert error["code"] == "validation_error"
    assert results[1]["error"]["details"] == {"text": ["Shorter than minimum length 1."]}
    assert results[2]["error"]["details"] == {"colour": ["Unknown field."]}
    assert "_schema" in results[3]["error"]["details"]
    assert results[3]["id"] is None and results[4]["id"] is None
    assert results[5]["error"]["details"]["exclude"]
    assert "surrogate" in results[7]["error"]["details"]["text"][0]
    assert results[8]["id"] is None and "id" in results[8]["error"]["details"]
    assert results[9]["id"] == "last"


def test_an_item_that_crashes_the_checker_is_isolated(make_app, checker, real_ad, caplog):
    class Fragile:
        def __getattr__(self, name):
            return getattr(checker, name)

        def check(self, text, **kwargs):
            if "boom" in text:
                raise RuntimeError(f"could not process {text}")
            return checker.check(text, **kwargs)

    client = make_app(CHECKER=Fragile()).test_client()
    body = client.post(
        "/v1/check/batch",
        json={"items": [{"text": real_ad}, {"text": "boom secret-ad-text"}, {"text": real_ad}]},
    ).get_json()
    assert body["counts"] == {"ok": 2, "error": 1}
    assert body["results"][1]["error"]["code"] == "internal"
    assert "RuntimeError" in caplog.text
    assert "secret-ad-text" not in caplog.text


def test_html_too_deep_is_an_item_error(make_app, checker):
    client = make_app().test_client()
    checker_depth = checker.max_html_depth
    deep = "<div>" * (checker_depth + 10) + "stem cells" + "</div>" * (checker_depth + 10)
    body = client.post(
        "/v1/check/batch", json={"items": [{"text": deep, "format": "html"}]}
    ).get_json()
    error = body["results"][0]["error"]
    assert error["code"] == "validation_error"
    assert "text" in error["details"]


@pytest.mark.parametrize("items", [[], "text", None, {"text": "x"}])
def test_items_must_be_a_non_empty_list(client, items):
    response = client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert "items" in error["details"]


def test_items_are_limited_to_max_batch(make_app):
    client = make_app(REDFLAGS_MAX_BATCH=3).test_client()
    item = {"text": "stem cells"}
    assert client.post("/v1/check/batch", json={"items": [item] * 3}).status_code == 200
    response = client.post("/v1/check/batch", json={"items": [item] * 4})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"]["items"] == ["Send between 1 and 3 items."]


def test_batch_rejects_unknown_top_level_fields(client):
    response = client.post("/v1/check/batch", json={"items": [{"text": "x"}], "extra": 1})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"extra": ["Unknown field."]}


def test_default_max_batch_is_256(client):
    items = [{"text": "Adipose stem cells for knee arthritis."}] * 256
    response = client.post("/v1/check/batch", json={"items": items})
    assert response.status_code == 200
    assert response.get_json()["counts"] == {"ok": 256, "error": 0}
    too_many = client.post("/v1/check/batch", json={"items": items + items[:1]})
    assert too_many.status_code == 422
