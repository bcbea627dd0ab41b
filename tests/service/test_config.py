"""Config: environment variables with SPEC's defaults; request ids."""

from __future__ import annotations

import pytest

import model
import service
from service.config import DEFAULT_CORS_ORIGINS, Config, ConfigError


def test_defaults_follow_spec():
    settings = Config.from_env({})
    assert settings.REDFLAGS_MAX_CHARS == 100_000
    assert settings.REDFLAGS_MAX_BATCH == 256
    assert settings.REDFLAGS_MAX_BODY_BYTES == 8 * 1024 * 1024
    assert settings.REDFLAGS_CORS_ORIGINS == DEFAULT_CORS_ORIGINS
    assert settings.REDFLAGS_USE_CLASSIFIER is True
    assert settings.REDFLAGS_MAX_HTML_DEPTH == 2_000
    assert settings.flask_config()["MAX_CONTENT_LENGTH"] == settings.REDFLAGS_MAX_BODY_BYTES


def test_environment_overrides():
    settings = Config.from_env(
        {
            "REDFLAGS_MAX_CHARS": "500",
            "REDFLAGS_MAX_BATCH": " 8 ",
            "REDFLAGS_MAX_BODY_BYTES": "4096",
            "REDFLAGS_USE_CLASSIFIER": "0",
            "REDFLAGS_CORS_ORIGINS": "https://a.example, https://b.example/ ,",
            "REDFLAGS_MAX_HTML_DEPTH": "50",
            "REDFLAGS_LOG_LEVEL": "debug",
        }
    )
    assert settings.REDFLAGS_MAX_CHARS == 500
    assert settings.REDFLAGS_MAX_BATCH == 8
    assert settings.REDFLAGS_MAX_BODY_BYTES == 4096
    assert settings.REDFLAGS_USE_CLASSIFIER is False
    assert settings.REDFLAGS_CORS_ORIGINS == ("https://a.example", "https://b.example")
    assert settings.REDFLAGS_MAX_HTML_DEPTH == 50
    assert settings.REDFLAGS_LOG_LEVEL == "DEBUG"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REDFLAGS_MAX_CHARS", "lots"),
        ("REDFLAGS_MAX_CHARS", "0"),
        ("REDFLAGS_MAX_BATCH", "-1"),
        ("REDFLAGS_MAX_BODY_BYTES", "10"),
        ("REDFLAGS_USE_CLASSIFIER", "maybe"),
        ("REDFLAGS_LOG_LEVEL", "chatty"),
    ],
)
def test_bad_values_fail_at_start_up_naming_the_variable(name, value):
    with pytest.raises(ConfigError, match=name):
        Config.from_env({name: value})


def test_create_app_reads_the_environment(monkeypatch, checker):
    monkeypatch.setenv("REDFLAGS_MAX_CHARS", "5")
    monkeypatch.setenv("REDFLAGS_MAX_BODY_BYTES", "2048")
    app = service.create_app({"CHECKER": checker})
    assert app.config["REDFLAGS_MAX_CHARS"] == 5
    assert app.config["MAX_CONTENT_LENGTH"] == 2048
    client = app.test_client()
    assert client.post("/v1/check", json={"text": "123456"}).status_code == 422


def test_create_app_builds_a_rules_only_checker_when_told(monkeypatch):
    monkeypatch.setenv("REDFLAGS_USE_CLASSIFIER", "0")
    app = service.create_app()
    checker = app.extensions["redflags_checker"]
    assert checker.classifier is None
    assert app.test_client().get("/v1/health").get_json()["classifier_loaded"] is False


def test_a_missing_artifact_fails_start_up_with_advice(monkeypatch):
    def missing(**kwargs):
        raise model.ArtifactError("no classifier artifact")

    monkeypatch.setattr(model, "load_checker", missing)
    with pytest.raises(model.ArtifactError, match="REDFLAGS_USE_CLASSIFIER=0"):
        service.create_app()


def test_request_ids_are_echoed_or_generated(client):
    echoed = client.get("/v1/health", headers={"X-Request-ID": "batch-7.item:3"})
    assert echoed.headers["X-Request-ID"] == "batch-7.item:3"
    generated = client.get("/v1/health")
    assert len(generated.headers["X-Request-ID"]) == 32
    for hostile in ("a b", "x" * 200, "<script>", "id\u00e9"):
        response = client.get("/v1/health", headers={"X-Request-ID": hostile})
        assert response.headers["X-Request-ID"] != hostile
    assert client.get("/nope").headers["X-Request-ID"]
