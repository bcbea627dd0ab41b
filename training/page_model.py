"""Fits the page model (`model/page.py`) and writes `model/artifacts/page_model.json`.

Pages: the written development set (`evaluation/dev_set.jsonl`) and the development part of the
real pages (`../shared/real_pages/`, ids in `evaluation/real_split.json`); never the holdout or
blind sets, never the set-aside real pages. The target is SPEC's `page.kind == "promotional"`:
the page offers a cell, tissue or biologic treatment to patients, approved or not. So a cord
blood bank's or a transplant centre's own page is promotional (and low risk: none of its claims
is a flag), a news report or registry entry is not, and out-of-scope pages (veterinary, plant
cosmetics) are left out of the fit: a rule decides them before the model.

The features are computed by the checker itself (its stages up to the claims), so what is fitted
is what runs. Cross-validation is grouped by site (a written page is its own site), five folds;
the regularisation is chosen by out-of-fold log loss, the threshold by out-of-fold F1 on the
real pages, and calibration is reported from the same out-of-fold probabilities: Brier score,
expected calibration error, base rate, and figures by length.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from evaluation.real_pages import load_real_pages, load_split, real_pages_available
from model.page import (
    FEATURE_NAMES,
    PAGE_MODEL_PATH,
    PageInputs,
    PageModel,
    page_features,
)
from model.pipeline import CheckState, run_pipeline

DEV_SET = Path(__file__).resolve().parents[1] / "evaluation" / "dev_set.jsonl"
SEED = 20261202
FOLDS = 5
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.3, 0.71, 0.05))
# Written hard negatives whose page offers a legitimate cell treatment or service.
PROMOTIONAL_NEGATIVE_TYPES = frozenset() or frozenset(
    {"ordinary_clinic", "approved_product", "hsct_cancer", "cord_blood_banking"}
)
# Real informational-label genres whose page offers a legitimate treatment, product or service.
PROMOTIONAL_OK_GENRES = frozenset() or frozenset(
    {
        "approved product",
        "banking",
        "hospital transplant",
        "hospital",
        "physical therapy",
        "hair restoration",
    }
)
OUT_OF_SCOPE_GENRES = frozenset({"veterinary", "cosmetic"})


@dataclass(frozen=True)
class TrainingPage:
    id: str
    group: str
    source: str  # "written" or "real"
    text: str
    format: str
    promotional: bool
    violative: bool


def length_bucket(text: str) -> str:
    return "one-liner" if len(text) < 200 else "short ad" if len(text) < 1500 else "page"


def training_pages() -> list[TrainingPage]:
    pages = []
    with DEV_SET.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            violative = item["expected_risk"] != "low"
            pages.append(
                TrainingPage(
                    id=item["id"],
                    group=item["id"],
                    source="written",
                    text=item["text"],
                    format=item.get("format", "text"),
                    promotional=violative or item["negative_type"] in PROMOTIONAL_NEGATIVE_TYPES,
                    violative=violative,
                )
            )
    if not real_pages_available():
        raise SystemExit("the page model is fitted on ../shared/real_pages: not found here")
    development = set(load_split()["development"])
    for page in load_real_pages():
        if page.id not in development or page.genre in OUT_OF_SCOPE_GENRES:
            continue
        pages.append(
            TrainingPage(
                id=page.id,
                group=page.site,
                source="real",
                text=page.text,
                format=page.format,
                promotional=page.violative or page.genre in PROMOTIONAL_OK_GENRES,
                violative=page.violative,
            )
        )
    return pages


def feature_matrix(pages: list[TrainingPage]) -> np.ndarray:
    """The page features, computed by the checker's own stages (with an untrained page model)."""
    from model import load_checker
    from model.html_text import html_to_text

    checker = load_checker(page_model=PageModel.untrained())
    rows = []
    for page in pages:
        text = html_to_text(page.text) if page.format == "html" else page.text
        state = run_pipeline(
            CheckState(text, frozenset(), False), checker.parts, until="find_claims"
        )
        assert state.document is not None
        probabilities = []
        if state.scores is not None:
            probabilities = [
                float(state.scores.probabilities[row, 0])
                for row, index in enumerate(state.scores.indexes)
                if not state.document.sentences[index].is_heading
            ]
        values = page_features(PageInputs(state.document, state.claims, probabilities))
        rows.append([values[name].value for name in FEATURE_NAMES])
    return np.asarray(rows, dtype=np.float64)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    means = x.mean(axis=0)
    scales = x.std(axis=0)
    scales[scales < 1e-9] = 1.0
    return means, scales


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray, Any]:
    means, scales = _standardise(x)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit((x - means) / scales, y)
    return means, scales, model


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float) -> np.ndarray:
    predictions = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        means, scales, model = _fit(x[train], y[train], c)
        predictions[test] = model.predict_proba((x[test] - means) / scales)[:, 1]
    return predictions


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict[str, float]:
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (p >= low) & ((p < high) if high < 1 else (p <= high))
        if inside.any():
            ece += inside.mean() * abs(p[inside].mean() - y[inside].mean())
    return {
        "n": int(len(y)),
        "base_rate": round(float(y.mean()), 3) if len(y) else 0.0,
        "brier": round(float(np.mean((p - y) ** 2)), 4) if len(y) else 0.0,
        "ece": round(float(ece), 4),
    }


def f1_at(y: np.ndarray, predicted: np.ndarray) -> float:
    tp = int(np.sum(predicted & (y == 1)))
    fp = int(np.sum(predicted & (y == 0)))
    fn = int(np.sum(~predicted & (y == 1)))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def fit_head(
    x: np.ndarray, y: np.ndarray, groups: np.ndarray, real: np.ndarray, buckets: np.ndarray
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One head: C by out-of-fold log loss, threshold by out-of-fold F1 on the real pages."""
    losses = {c: log_loss(y, out_of_fold(x, y, groups, c)) for c in C_GRID}
    best_c = min(losses, key=lambda c: (losses[c], c))
    oof = out_of_fold(x, y, groups, best_c)
    threshold = max(THRESHOLDS, key=lambda t: (f1_at(y[real], oof[real] >= t), -abs(t - 0.5)))
    _, _, model = _fit(x, y, best_c)  # standardised as `fit_page_model` standardises
    metrics: dict[str, Any] = {
        "C": best_c,
        "out_of_fold_log_loss": {str(c): round(v, 4) for c, v in losses.items()},
        "threshold": threshold,
        "calibration": {
            "all": calibration(y, oof),
            **{
                f"{source} pages": calibration(y[mask], oof[mask])
                for source, mask in (("written", ~real), ("real", real))
            },
            **{b: calibration(y[buckets == b], oof[buckets == b]) for b in sorted(set(buckets))},
        },
        "out_of_fold_f1": {
            "written": round(f1_at(y[~real], oof[~real] >= threshold), 3),
            "real": round(f1_at(y[real], oof[real] >= threshold), 3),
        },
    }
    head = {
        "coefficients": [round(float(v), 6) for v in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "threshold": threshold,
    }
    return head, metrics


def fit_page_model(pages: list[TrainingPage]) -> dict[str, Any]:
    x = feature_matrix(pages)
    groups = np.asarray([p.group for p in pages])
    real = np.asarray([p.source == "real" for p in pages])
    buckets = np.asarray([length_bucket(p.text) for p in pages])
    means, scales = _standardise(x)
    heads: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    for name, target in (
        ("promotional", [p.promotional for p in pages]),
        ("violative", [p.violative for p in pages]),
    ):
        y = np.asarray(target, dtype=np.float64)
        heads[name], metrics[name] = fit_head(x, y, groups, real, buckets)
    body = {
        "version": dt.date.today().strftime("%Y.%m.%d"),
        "features": list(FEATURE_NAMES),
        "means": [round(float(v), 6) for v in means],
        "scales": [round(float(v), 6) for v in scales],
        "heads": heads,
    }
    return {"model": body, "metrics": metrics}


def data_hash(pages: list[TrainingPage]) -> str:
    digest = hashlib.sha256()
    for page in sorted(pages, key=lambda p: p.id):
        digest.update(f"{page.id}\t{page.promotional}\t".encode())
        digest.update(hashlib.sha256(page.text.encode("utf-8", "surrogatepass")).digest())
    return digest.hexdigest()


def write_artifact(fitted: dict[str, Any], pages: list[TrainingPage], classifier: str) -> None:
    body = fitted["model"]
    manifest = {
        "model_sha256": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
        "data_sha256": data_hash(pages),
        "classifier_version": classifier,
        "pages": {
            "written": sum(p.source == "written" for p in pages),
            "real": sum(p.source == "real" for p in pages),
        },
        "sklearn_version": sklearn.__version__,
        "metrics": fitted["metrics"],
    }
    PAGE_MODEL_PATH.write_text(
        json.dumps({"model": body, "manifest": manifest}, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )


def main() -> int:
    from model.classifier import load_classifier

    pages = training_pages()
    fitted = fit_page_model(pages)
    write_artifact(fitted, pages, load_classifier().version)
    print(json.dumps(fitted["metrics"], indent=1))
    heads = fitted["model"]["heads"]
    for name in fitted["model"]["features"]:
        index = fitted["model"]["features"].index(name)
        weights = "  ".join(f"{h} {heads[h]['coefficients'][index]:+.3f}" for h in heads)
        print(f"{name:>22}  {weights}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
