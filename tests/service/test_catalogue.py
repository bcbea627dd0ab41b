"""GET /v1/rules, /v1/regulations and /v1/health."""

from __future__ import annotations

from model.vocabulary import CATEGORIES

SPEC_CATEGORIES = set(CATEGORIES)


def test_rules_lists_the_catalogue(client, checker):
    response = client.get("/v1/rules")
    assert response.status_code == 200
    body = response.get_json()
    assert body == checker.rule_catalogue()
    assert body["rules"]
    references = {r["id"] for r in checker.knowledge_base.as_dict()["references"]}
    for rule in body["rules"]:
        assert set(rule) == {"id", "category", "severity", "title", "description", "references"}
        assert rule["category"] in SPEC_CATEGORIES
        assert rule["severity"] in {"low", "medium", "high"}
        assert set(rule["references"]) <= references


def test_every_listed_rule_and_category_can_be_excluded(client):
    rules = client.get("/v1/rules").get_json()["rules"]
    names = [rule["id"] for rule in rules] + sorted(SPEC_CATEGORIES)
    response = client.post("/v1/check", json={"text": "stem cells", "exclude": names})
    assert response.status_code == 200
    assert response.get_json()["flags"] == []


def test_regulations_lists_the_knowledge_base(client, checker):
    response = client.get("/v1/regulations")
    assert response.status_code == 200
    body = response.get_json()
    assert body == checker.knowledge_base.as_dict()
    assert body["references"] and body["precedents"]
    assert {"id", "citation", "title", "url", "summary"} <= set(body["references"][0])
    assert {"kind", "recipient", "date", "url", "summary", "verified"} <= set(body["precedents"][0])


def test_health_reports_versions(client, checker_and_mode):
    checker, with_classifier = checker_and_mode
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "status": "ok",
        "versions": checker.versions,
        "rule_count": len(checker.rule_catalogue()["rules"]),
        "classifier_loaded": with_classifier,
    }
    assert set(body["versions"]) == {"api", "rules", "model", "knowledge_base"}
    assert body["versions"]["api"] == "1.1"


def test_head_requests_work_for_get_endpoints(client):
    for path in ("/v1/health", "/v1/rules", "/v1/regulations", "/openapi.json", "/docs"):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.data == b""
