"""The committed classifier artifact: fresh, verified before unpickling, refused when tampered."""

from __future__ import annotations

import json
import shutil

import pytest

from model.classifier import (
    ARTIFACT_DIR,
    ARTIFACT_NAME,
    INFERENCE_NAME,
    MANIFEST_NAME,
    ArtifactError,
    load_classifier,
    load_pipeline,
    verify_artifact,
)
from training.dataset import data_hash


def test_committed_artifact_is_trained_on_the_current_data():
    manifest = json.loads((ARTIFACT_DIR / MANIFEST_NAME).read_text())
    assert manifest["training_data_sha256"] == data_hash(), (
        "training/data changed since the artifact was built: run `make train` and commit"
    )


def test_manifest_records_versions_metrics_and_threshold():
    manifest = verify_artifact(ARTIFACT_DIR, files=(ARTIFACT_NAME, INFERENCE_NAME))
    for key in ("model_version", "sklearn_version", "threshold", "columns", "metrics", "sha256"):
        assert key in manifest
    assert manifest["columns"][0] == "violative"
    assert 0.0 < manifest["threshold"] < 1.0
    violative = manifest["metrics"]["cross_validated"]["violative"]
    by_language = manifest["metrics"]["cross_validated_by_language"]
    # English holds most rows and the floor the classifier was built to; the pooled figure also
    # averages in 22 small sets in other languages (16-30 rows each, 0.25-0.90 out of fold),
    # where the character n-grams learn less, so its floor is lower.
    assert by_language["en"]["f1"] >= 0.85
    assert violative["f1"] >= 0.75


@pytest.fixture
def artifact_copy(tmp_path):
    for name in (ARTIFACT_NAME, INFERENCE_NAME, MANIFEST_NAME):
        shutil.copy(ARTIFACT_DIR / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("name", [ARTIFACT_NAME, INFERENCE_NAME])
def test_tampered_artifact_is_refused(artifact_copy, name):
    with (artifact_copy / name).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ArtifactError, match="does not match its manifest"):
        load_classifier(artifact_copy) if name == INFERENCE_NAME else load_pipeline(artifact_copy)


def test_artifact_for_another_sklearn_is_refused(artifact_copy):
    manifest_path = artifact_copy / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest["sklearn_version"] = "0.24.2"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="scikit-learn 0.24.2"):
        load_classifier(artifact_copy)
    with pytest.raises(ArtifactError, match="scikit-learn 0.24.2"):
        load_pipeline(artifact_copy)


def test_missing_artifact_is_refused_with_a_hint(tmp_path):
    with pytest.raises(ArtifactError, match="make train"):
        load_classifier(tmp_path)


def test_loaded_classifier_matches_the_pipeline(artifact_copy):
    classifier = load_classifier(artifact_copy)
    texts = [
        "Our umbilical cord stem cells cure lupus with no side effects.",
        "Ask your doctor before joining any stem cell trial.",
    ]
    fast = classifier.predict_proba(texts)
    reference = load_pipeline(artifact_copy).predict_proba(texts)
    assert fast.shape == reference.shape
    assert abs(fast - reference).max() < 1e-9
    assert fast[0, 0] > fast[1, 0]
