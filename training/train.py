"""Trains the sentence classifier and writes `model/artifacts/` (`make train`, `redflags train`).

One scikit-learn `Pipeline`: a `FeatureUnion` of word (1–2) and character (3–5, within word
boundaries) TF-IDF features, then one-vs-rest logistic regression over the columns `violative`
and one per SPEC category. Evaluation is honest twice over:

* sources (enforcement letters, public pages) are split into a training part and a held-out part
  that the shipped model never sees (`training.dataset.is_held_out`);
* within the training part, `GroupKFold` by source gives out-of-fold predictions, from which
  the decision threshold is chosen; the held-out figures are computed last, at that threshold.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline

from model.classifier import (
    ARTIFACT_DIR,
    ARTIFACT_NAME,
    INFERENCE_NAME,
    MANIFEST_NAME,
    export_inference,
    sha256_of,
)
from model.rules import CATEGORIES
from training.dataset import Row, data_hash, load_rows, split_by_source

SEED = 20261125
MIN_CATEGORY_ROWS = 12
CV_FOLDS = 5
FLAG_PRECISION = 0.95


def build_pipeline(columns: int) -> Pipeline:
    del columns  # the heads adapt to the label matrix; kept for a readable call site
    features = FeatureUnion(
        [
            (
                "word",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                    strip_accents="unicode",
                    lowercase=True,
                    token_pattern=r"(?u)\b\w[\w']*\b",
                    max_features=30_000,
                ),
            ),
            (
                "char",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    min_df=3,
                    sublinear_tf=True,
                    strip_accents="unicode",
                    lowercase=True,
                    max_features=40_000,
                ),
            ),
        ]
    )
    heads = OneVsRestClassifier(
        LogisticRegression(
            C=4.0,
            class_weight="balanced",
            solver="liblinear",
            max_iter=2_000,
            random_state=SEED,
        )
    )
    return Pipeline([("features", features), ("heads", heads)])


def label_columns(rows: list[Row]) -> list[str]:
    counts = {c: sum(c in row.categories for row in rows) for c in CATEGORIES}
    kept = [c for c in CATEGORIES if counts[c] >= MIN_CATEGORY_ROWS and c != "missing_disclosure"]
    return ["violative", *kept]


def label_matrix(rows: list[Row], columns: list[str]) -> np.ndarray:
    matrix = np.zeros((len(rows), len(columns)), dtype=int)
    for i, row in enumerate(rows):
        matrix[i, 0] = int(row.is_violative)
        for j, column in enumerate(columns[1:], start=1):
            matrix[i, j] = int(column in row.categories)
    return matrix


def out_of_fold(rows: list[Row], labels: np.ndarray, folds: int) -> np.ndarray:
    texts = [row.text for row in rows]
    groups = [row.source for row in rows]
    predictions = np.zeros(labels.shape, dtype=float)
    for train_index, test_index in GroupKFold(n_splits=folds).split(texts, labels, groups):
        pipeline = build_pipeline(labels.shape[1])
        pipeline.fit([texts[i] for i in train_index], labels[train_index])
        predictions[test_index] = pipeline.predict_proba([texts[i] for i in test_index])
    return predictions


def best_threshold(truth: np.ndarray, scores: np.ndarray) -> float:
    """The threshold that maximises F1 on out-of-fold scores (ties: the higher threshold)."""
    best, best_f1 = 0.5, -1.0
    for threshold in np.round(np.arange(0.2, 0.91, 0.01), 2):
        predicted = scores >= threshold
        _, _, f1, _ = precision_recall_fscore_support(
            truth, predicted, average="binary", zero_division=0
        )
        if f1 >= best_f1:
            best, best_f1 = float(threshold), float(f1)
    return best


def precision_threshold(truth: np.ndarray, scores: np.ndarray, target: float) -> float:
    """The lowest threshold whose out-of-fold precision reaches `target`."""
    for threshold in np.round(np.arange(0.3, 0.99, 0.01), 2):
        predicted = scores >= threshold
        if predicted.sum() == 0:
            break
        precision, _, _, _ = precision_recall_fscore_support(
            truth, predicted, average="binary", zero_division=0
        )
        if precision >= target:
            return float(threshold)
    return 0.95


def head_metrics(
    truth: np.ndarray, scores: np.ndarray, columns: list[str], threshold: float
) -> dict[str, dict[str, float]]:
    metrics = {}
    for j, column in enumerate(columns):
        cut = threshold if j == 0 else 0.5
        precision, recall, f1, _ = precision_recall_fscore_support(
            truth[:, j], scores[:, j] >= cut, average="binary", zero_division=0
        )
        metrics[column] = {
            "precision": round(float(precision), 3),
            "recall": round(float(recall), 3),
            "f1": round(float(f1), 3),
            "support": int(truth[:, j].sum()),
        }
    return metrics


def by_language(
    rows: list[Row], truth: np.ndarray, scores: np.ndarray, threshold: float
) -> dict[str, dict[str, float]]:
    """The violative head's precision, recall and F1 for each language's rows: the pooled
    figure mixes English (most rows) with small sets in 22 other languages, where it is lower."""
    figures: dict[str, dict[str, float]] = {}
    for language in sorted({row.lang for row in rows}):
        mask = np.asarray([row.lang == language for row in rows])
        precision, recall, f1, _ = precision_recall_fscore_support(
            truth[mask, 0], scores[mask, 0] >= threshold, average="binary", zero_division=0
        )
        figures[language] = {
            "rows": int(mask.sum()),
            "precision": round(float(precision), 3),
            "recall": round(float(recall), 3),
            "f1": round(float(f1), 3),
        }
    return figures


def train(artifact_dir: Path = ARTIFACT_DIR, folds: int = CV_FOLDS, quiet: bool = False) -> dict:
    def say(message: str) -> None:
        if not quiet:
            print(message, file=sys.stderr)

    rows = load_rows()
    train_rows, held_out_rows = split_by_source(rows)
    columns = label_columns(train_rows)
    labels = label_matrix(train_rows, columns)
    say(
        f"{len(train_rows)} training rows from {len({r.source for r in train_rows})} sources; "
        f"{len(held_out_rows)} held-out rows from {len({r.source for r in held_out_rows})}"
    )

    say(f"cross-validating ({folds} folds grouped by source)…")
    oof = out_of_fold(train_rows, labels, folds)
    threshold = best_threshold(labels[:, 0], oof[:, 0])
    flag_threshold = max(threshold, precision_threshold(labels[:, 0], oof[:, 0], FLAG_PRECISION))
    cv_metrics = head_metrics(labels, oof, columns, threshold)

    say("fitting the final model…")
    pipeline = build_pipeline(len(columns))
    pipeline.fit([row.text for row in train_rows], labels)

    held_labels = label_matrix(held_out_rows, columns)
    held_scores = pipeline.predict_proba([row.text for row in held_out_rows])
    held_metrics = head_metrics(held_labels, held_scores, columns, threshold)

    artifact_dir.mkdir(parents=True, exist_ok=True)
    artifact = artifact_dir / ARTIFACT_NAME
    joblib.dump(pipeline, artifact, compress=3)
    inference = artifact_dir / INFERENCE_NAME
    arrays: dict[str, Any] = export_inference(pipeline)
    np.savez_compressed(inference, **arrays)
    training_hash = data_hash()
    manifest: dict[str, Any] = {
        "model_version": f"{dt.date.today():%Y.%m.%d}-{training_hash[:8]}",
        "artifact": ARTIFACT_NAME,
        "inference": INFERENCE_NAME,
        "sha256": {ARTIFACT_NAME: sha256_of(artifact), INFERENCE_NAME: sha256_of(inference)},
        "sklearn_version": sklearn.__version__,
        "training_data_sha256": training_hash,
        "columns": columns,
        "threshold": threshold,
        "flag_threshold": flag_threshold,
        "seed": SEED,
        "rows": {"train": len(train_rows), "held_out": len(held_out_rows)},
        "sources": {
            "train": len({r.source for r in train_rows}),
            "held_out": len({r.source for r in held_out_rows}),
        },
        "metrics": {
            "cross_validated": cv_metrics,
            "cross_validated_by_language": by_language(train_rows, labels, oof, threshold),
            "held_out": held_metrics,
        },
    }
    (artifact_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n")
    violative_cv, violative_held = cv_metrics["violative"], held_metrics["violative"]
    say(
        f"threshold {threshold:.2f} (flag {flag_threshold:.2f}); violative head: "
        f"CV P/R/F1 {violative_cv['precision']}/{violative_cv['recall']}/{violative_cv['f1']}, "
        f"held-out {violative_held['precision']}/{violative_held['recall']}/{violative_held['f1']}"
    )
    say(
        f"wrote {artifact} ({artifact.stat().st_size // 1024} KiB), {INFERENCE_NAME} "
        f"({inference.stat().st_size // 1024} KiB) and {MANIFEST_NAME}"
    )
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="redflags train", description=__doc__.split("\n")[0])
    parser.add_argument("--artifact-dir", type=Path, default=ARTIFACT_DIR)
    parser.add_argument("--folds", type=int, default=CV_FOLDS)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    train(args.artifact_dir, args.folds, args.quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
