"""Liveness, readiness, and start-up refusal of a tampered or foreign classifier artifact."""

from __future__ import annotations

import json
import shutil

import pytest

import model
import service
from model.classifier import ARTIFACT_DIR, MANIFEST_NAME
from service.api import CANARY_TEXT


def test_ready_reports_the_loaded_checker(client, checker):
    response = client.get("/v1/ready")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "status": "ready",
        "versions": checker.versions,
        "classifier_loaded": checker.classifier is not None,
    }


def test_the_canary_is_flagged_by_rules_alone():
    rules_only = model.load_checker(use_classifier=False)
    assert rules_only.check(CANARY_TEXT)["flags"]


class FailingChecker:
    versions = {"api": "1", "rules": "x", "model": "none", "knowledge_base": "x"}
    classifier = None

    def check(self, text, **kwargs):
        raise RuntimeError("lexicon tables went missing")

    def rule_catalogue(self):
        return {"version": "x", "rules": []}


class SilentChecker(FailingChecker):
    def check(self, text, **kwargs):
        return {"flags": []}


@pytest.mark.parametrize("broken", [FailingChecker(), SilentChecker()])
def test_ready_is_503_when_the_checker_cannot_screen(make_app, broken):
    client = make_app(CHECKER=broken).test_client()
    response = client.get("/v1/ready")
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"]["code"] == "not_ready"
    assert set(body["error"]) == {"code", "message", "details"}
    assert client.get("/v1/health").status_code == 200  # alive, just not ready


# -- artifact integrity -------------------------------------------------------------------------


@pytest.fixture
def artifact_copy(tmp_path, checker_and_mode):
    if not checker_and_mode[1]:
        pytest.skip("no trained classifier artifact in this checkout (run `make train`)")
    target = tmp_path / "artifacts"
    shutil.copytree(ARTIFACT_DIR, target)
    return target


def build_with(artifact_dir):
    config = {"TESTING": True, "REDFLAGS_ARTIFACT_DIR": str(artifact_dir)}
    return service.create_app(config)


def test_a_verified_copy_of_the_artifact_is_served(artifact_copy):
    app = build_with(artifact_copy)
    manifest = json.loads((artifact_copy / MANIFEST_NAME).read_text())
    health = app.test_client().get("/v1/health").get_json()
    assert health["classifier_loaded"] is True
    assert health["versions"]["model"].split("+page.")[0] == manifest["model_version"]


def test_a_tampered_artifact_is_refused_at_start(artifact_copy):
    for path in artifact_copy.iterdir():
        if path.name != MANIFEST_NAME:
            with path.open("ab") as handle:
                handle.write(b"\0")
    with pytest.raises(model.ArtifactError, match="does not match its manifest") as error:
        build_with(artifact_copy)
    assert "REDFLAGS_USE_CLASSIFIER=0" in str(error.value)


def test_an_artifact_built_for_another_scikit_learn_is_refused(artifact_copy):
    manifest_path = artifact_copy / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest["sklearn_version"] = "0.24.2"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(model.ArtifactError, match="0.24.2"):
        build_with(artifact_copy)


@pytest.mark.parametrize("damage", ["delete-manifest", "garble-manifest", "empty-dir"])
def test_a_missing_or_garbled_manifest_is_refused(artifact_copy, damage):
    manifest_path = artifact_copy / MANIFEST_NAME
    if damage == "delete-manifest":
        manifest_path.unlink()
    elif damage == "garble-manifest":
        manifest_path.write_text("{not json")
    else:
        shutil.rmtree(artifact_copy)
        artifact_copy.mkdir()
    with pytest.raises(model.ArtifactError):
        build_with(artifact_copy)


def test_the_artifact_directory_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("REDFLAGS_ARTIFACT_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(model.ArtifactError, match="nowhere"):
        service.create_app({"TESTING": True})
    monkeypatch.setenv("REDFLAGS_USE_CLASSIFIER", "0")  # rules alone need no artifact
    assert service.create_app({"TESTING": True}).test_client().get("/v1/ready").status_code == 200
