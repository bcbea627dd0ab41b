"""Fits the page model (`model/page.py`) and writes `model/artifacts/page_model.json`.

Pages: the written development set (`evaluation/dev_set.jsonl`), short written pages in thirteen
other languages (`training/pages/languages.jsonl`) and the development part of the real
pages (`../shared/real_pages/`, ids in `evaluation/real_split.json`); never the holdout or
blind sets, never the set-aside real pages. Two models are fitted, the checker choosing one by
the page's identified language (`fit_page_model` says why): the English one on the English
written and real pages, the other-language one on every page, written and real. The target is
SPEC's `page.kind == "promotional"`: the page offers a cell, tissue or biologic treatment to
patients, approved or not. So a cord blood bank's or a transplant centre's own page is
promotional (and low risk: none of its claims is a flag), a news report or registry entry is
not, and out-of-scope pages (veterinary, plant cosmetics) are left out of the fit: a rule
decides them before the model.

The features are computed by the checker itself (its stages up to the claims), so what is fitted
is what runs. Each coefficient keeps the sign its feature declares (offering cues raise,
reporting cues lower), so that no single appended sentence can push a page the wrong way.

Two heads: `promotional` learns from every page; `violative` from the promotional pages only,
and only its decision makes claims stand. Cross-validation is grouped by site (a written page is
its own site), five folds; the regularisation is chosen by out-of-fold log loss, the two
thresholds together by the out-of-fold F1 of the decision (averaged over each pair's neighbours
on the grid) over the pages the model will judge,
among the pairs that keep false alarms on their real informational pages within 10%; the
pair in force (the committed artifact's) stays unless another is better by more than a page.
Calibration is reported from the same out-of-fold probabilities: Brier score, expected
calibration error, base rate, by length.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from scipy import optimize
from sklearn.model_selection import GroupKFold

from evaluation.evaluate import TARGETS
from evaluation.real_pages import f1_of, load_real_pages, load_split, real_pages_available
from model.page import PAGE_MODEL_PATH, PageModel, PageModelError, load_page_model
from model.page_features import FEATURE_NAMES, feature_directions, page_features
from model.pipeline import CheckState, page_inputs, run_pipeline

DEV_SET = Path(__file__).resolve().parents[1] / "evaluation" / "dev_set.jsonl"
# Short ads and legitimate pages written for the page model in thirteen other languages (the
# written sets are English and Spanish): what a short ad looks like where the sentence
# classifier reads less.
LANGUAGE_PAGES = Path(__file__).resolve().parent / "pages" / "languages.jsonl"
SEED = 20261202
FOLDS = 5
C_GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
MAX_FALSE_ALARMS = 0.10
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.91, 0.02))
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
    language: str = "en"


def length_bucket(text: str) -> str:
    return "one-liner" if len(text) < 200 else "short ad" if len(text) < 1500 else "page"


def written_pages(path: Path) -> list[TrainingPage]:
    """Pages in the written sets' format: each its own site, in the language it is written in."""
    pages = []
    with path.open(encoding="utf-8") as handle:
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
                    language=item.get("lang", "en"),
                )
            )
    return pages


def training_pages() -> list[TrainingPage]:
    pages = written_pages(DEV_SET) + written_pages(LANGUAGE_PAGES)
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
                language=page.lang,
            )
        )
    return pages


def feature_matrix(pages: list[TrainingPage]) -> np.ndarray:
    """The page features, computed by the checker's own stages (with an untrained page model)."""
    from model import load_checker
    from model.html_text import PageText, html_to_page_text

    checker = load_checker(page_model=PageModel.untrained())
    rows = []
    for page in pages:
        seen = (
            html_to_page_text(page.text)
            if page.format == "html"
            else PageText(page.text, len(page.text))
        )
        state = run_pipeline(
            CheckState(seen.text, frozenset(), False, seen.seen_length),
            checker.parts,
            until="find_claims",
        )
        values = page_features(page_inputs(state))
        rows.append([values[name].value for name in FEATURE_NAMES])
    return np.asarray(rows, dtype=np.float64)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Feature means and scales over the values present (a constant feature keeps scale 1)."""
    means = np.nanmean(x, axis=0)
    scales = np.nanstd(x, axis=0)
    scales[scales < 1e-9] = 1.0
    return means, scales


class SignConstrainedLogistic:
    """L2-regularised logistic regression (classes weighted to balance, or not: an unweighted
    head's probabilities stay calibrated to the base rate) whose coefficients keep the sign each
    feature declares (`model.page.Feature.direction`): scikit-learn's objective,
    C * sum(weighted log loss) + |w|^2 / 2, minimised by L-BFGS-B under bounds."""

    def __init__(self, c: float, directions: tuple[int, ...], balanced: bool) -> None:
        self.c = c
        self.directions = directions
        self.balanced = balanced

    def fit(self, x: np.ndarray, y: np.ndarray) -> SignConstrainedLogistic:
        weights = np.ones(len(y))
        if self.balanced:
            positives = max(float(y.sum()), 1.0)
            negatives = max(float(len(y) - y.sum()), 1.0)
            weights = np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * negatives))

        def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
            w, b = theta[:-1], theta[-1]
            z = x @ w + b
            p = 1.0 / (1.0 + np.exp(-z))
            loss = np.logaddexp(0.0, z) - y * z
            value = self.c * float(weights @ loss) + 0.5 * float(w @ w)
            residual = self.c * weights * (p - y)
            gradient = np.concatenate([x.T @ residual + w, [residual.sum()]])
            return value, gradient

        bounds = [
            (0.0, None) if d > 0 else (None, 0.0) if d < 0 else (None, None)
            for d in self.directions
        ] + [(None, None)]
        result = optimize.minimize(
            objective,
            np.zeros(x.shape[1] + 1),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 5000},
        )
        self.coef_ = result.x[:-1]
        self.intercept_ = float(result.x[-1])
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(x @ self.coef_ + self.intercept_)))


def _fit(
    x: np.ndarray, y: np.ndarray, c: float, head: str, means: np.ndarray, scales: np.ndarray
) -> SignConstrainedLogistic:
    model = SignConstrainedLogistic(c, feature_directions(head), balanced=head == "violative")
    return model.fit(standardised(x, means, scales), y)


def standardised(x: np.ndarray, means: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """Standardised features, a missing value (NaN) at its mean, as the checker reads it."""
    return np.nan_to_num((x - means) / scales, nan=0.0)


def out_of_fold(
    x: np.ndarray,
    y: np.ndarray,
    learns: np.ndarray,
    groups: np.ndarray,
    c: float,
    head: str,
) -> np.ndarray:
    """Out-of-fold probabilities for every page; each fold's head learns from the pages of its
    training part that `learns` marks, standardised over the whole training part."""
    predictions = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        means, scales = _standardise(x[train])
        fit = train[learns[train]]
        model = _fit(x[fit], y[fit], c, head, means, scales)
        predictions[test] = model.predict_proba(standardised(x[test], means, scales))
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
    """`evaluation.real_pages.f1_of` for arrays of labels and decisions."""
    return f1_of(list(zip(predicted.astype(bool).tolist(), (y == 1).tolist(), strict=True)))


def false_alarm_rate(y: np.ndarray, predicted: np.ndarray) -> float:
    negatives = y == 0
    return float(np.mean(predicted[negatives])) if negatives.any() else 0.0


def choose_thresholds(
    y: np.ndarray,
    promotional: np.ndarray,
    violative: np.ndarray,
    real: np.ndarray,
    written_false_alarms: float | None = None,
    incumbent: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """The two thresholds, chosen together, on the out-of-fold decision they make (claims stand
    where both heads pass) over the pages given, written and real (written ads are short, real
    pages long: both count). Allowed are the pairs that keep false alarms on the real
    informational pages within MAX_FALSE_ALARMS (and, given `written_false_alarms`, on the
    written ones within it). Each is scored by the out-of-fold F1 of its neighbourhood on the
    grid (its own and that of the pairs one step away on either threshold, averaged), and the
    best wins; ties go to the pair nearest both heads' decision point, 0.5 (the promotional head
    is calibrated, the violative head class-balanced), then to the fewest false alarms over all
    informational pages.

    The F1 surface is flat near its top and ragged: a point a page above its neighbours is
    chance. Taking the bare maximum moved the thresholds by 0.1-0.2 from one refit to the next;
    taking any pair within a page and a half of it, nearest 0.5, still moved the other
    languages' violative threshold 0.44 -> 0.46 when one written page lost a false claim, and
    cost six clinic pages of the study samples. The centre of the flat top holds still.

    It held still less than hoped: one rule that adds a flag to a few training pages still moved
    a threshold by 0.02-0.04 (the other languages' promotional 0.68 -> 0.72 on a neighbourhood F1
    0.0003 higher, the English violative 0.60 -> 0.58 on 0.001), and tens of sample pages with
    it. So the thresholds in force (`incumbent`, those of the artifact being replaced) stay
    unless the best allowed pair beats them by more than one page's worth of F1 (flipping one
    violative page moves F1 by about 1 / (2 x violative pages)). A refit is then path-dependent:
    it starts from the committed artifact, as a clean clone does."""
    negatives = y == 0
    real_negatives = real & negatives
    written_negatives = ~real & negatives
    size = len(THRESHOLDS)
    f1 = np.zeros((size, size))
    alarms = np.zeros((size, size))
    allowed = np.zeros((size, size), dtype=bool)
    for i, t_promotional in enumerate(THRESHOLDS):
        passed = promotional >= t_promotional
        for j, t_violative in enumerate(THRESHOLDS):
            decided = passed & (violative >= t_violative)
            f1[i, j] = f1_at(y, decided)
            alarms[i, j] = float(np.mean(decided[negatives])) if negatives.any() else 0.0
            allowed[i, j] = not (
                real_negatives.any() and float(np.mean(decided[real_negatives])) > MAX_FALSE_ALARMS
            ) and not (
                written_false_alarms is not None
                and written_negatives.any()
                and float(np.mean(decided[written_negatives])) > written_false_alarms
            )
    if not allowed.any():
        return (0.5, 0.5)
    neighbourhood = np.array(
        [
            [f1[max(0, i - 1) : i + 2, max(0, j - 1) : j + 2].mean() for j in range(size)]
            for i in range(size)
        ]
    )
    i, j = min(
        zip(*np.nonzero(allowed), strict=True),
        key=lambda ij: (
            -round(float(neighbourhood[ij]), 6),
            round(abs(THRESHOLDS[ij[0]] - 0.5) + abs(THRESHOLDS[ij[1]] - 0.5), 6),
            float(alarms[ij]),
        ),
    )
    if incumbent is not None and all(t in THRESHOLDS for t in incumbent):
        kept = (THRESHOLDS.index(incumbent[0]), THRESHOLDS.index(incumbent[1]))
        one_page = 1.0 / (2.0 * max(float(y.sum()), 1.0))
        if allowed[kept] and neighbourhood[kept] >= neighbourhood[i, j] - one_page:
            i, j = kept
    return (THRESHOLDS[i], THRESHOLDS[j])


def thresholds_in_force(path: Path = PAGE_MODEL_PATH) -> dict[str, tuple[float, float]]:
    """The (promotional, violative) thresholds of the model the checker runs now (the artifact a
    refit replaces, read as the checker reads it), per model (`english`, `other_languages`); none
    where the checker would refuse the artifact (missing, altered, or fitted on other features)."""
    try:
        model = load_page_model(path)
    except (PageModelError, ValueError, KeyError, TypeError):  # refused, or not JSON of a model
        return {}
    if model.other_languages is None:  # an artifact of one model: no pair for each of two
        return {}
    models = {"english": model, "other_languages": model.other_languages}
    return {
        name: (body.heads["promotional"].threshold, body.heads["violative"].threshold)
        for name, body in models.items()
    }


@dataclass
class FittedHead:
    head: dict[str, Any]
    metrics: dict[str, Any]
    out_of_fold: np.ndarray


def fit_head(
    x: np.ndarray,
    y: np.ndarray,
    learns: np.ndarray,
    data: dict[str, np.ndarray],
    head: str,
) -> FittedHead:
    """One head: C by out-of-fold log loss over the pages it learns from, and its calibration
    from the same out-of-fold probabilities (its threshold is set with the other head's)."""
    groups, real, buckets = data["groups"], data["real"], data["buckets"]
    losses = {
        c: log_loss(y[learns], out_of_fold(x, y, learns, groups, c, head)[learns]) for c in C_GRID
    }
    best_c = min(losses, key=lambda c: (losses[c], c))
    oof = out_of_fold(x, y, learns, groups, best_c, head)
    model = _fit(x[learns], y[learns], best_c, head, data["means"], data["scales"])
    metrics: dict[str, Any] = {
        "learns_from": int(learns.sum()),
        "C": best_c,
        "out_of_fold_log_loss": {str(c): round(v, 4) for c, v in losses.items()},
        "calibration": {
            "all": calibration(y[learns], oof[learns]),
            **{
                f"{source} pages": calibration(y[learns & mask], oof[learns & mask])
                for source, mask in (("written", ~real), ("real", real))
            },
            **{
                b: calibration(y[learns & (buckets == b)], oof[learns & (buckets == b)])
                for b in sorted(set(buckets))
            },
        },
    }
    body = {
        "coefficients": [round(float(v), 6) for v in model.coef_],
        "intercept": round(model.intercept_, 6),
    }
    return FittedHead(body, metrics, oof)


@dataclass
class FittedHeads:
    """Both heads fitted on some pages, their thresholds, and their out-of-fold decisions."""

    body: dict[str, Any]  # means, scales, heads (with thresholds)
    metrics: dict[str, Any]
    decided: dict[str, bool]  # page id -> claims stand, out of fold
    kind: dict[str, bool]  # page id -> promotional, out of fold


def fit_heads(
    pages: list[TrainingPage],
    x: np.ndarray,
    judges: Callable[[TrainingPage], bool],
    written_false_alarms: float | None = None,
    incumbent: tuple[float, float] | None = None,
) -> FittedHeads:
    """The promotional head learns from every page, the violative head from the promotional
    pages (it tells a clinic selling unproven cells from a transplant centre: both offer); the
    two thresholds are chosen together, on the decision they make on the pages this model
    will judge (`judges`), within `written_false_alarms` on the written pages if given, the
    `incumbent` pair kept unless beaten by more than a page (`choose_thresholds`)."""
    means, scales = _standardise(x)
    real = np.asarray([p.source == "real" for p in pages])
    data = {
        "groups": np.asarray([p.group for p in pages]),
        "real": real,
        "buckets": np.asarray([length_bucket(p.text) for p in pages]),
        "means": means,
        "scales": scales,
    }
    promotional = np.asarray([p.promotional for p in pages], dtype=np.float64)
    violative = np.asarray([p.violative for p in pages], dtype=np.float64)
    first = fit_head(x, promotional, np.ones(len(pages), dtype=bool), data, "promotional")
    second = fit_head(x, violative, promotional == 1, data, "violative")
    judged = np.asarray([judges(p) for p in pages])
    t_promotional, t_violative = choose_thresholds(
        violative[judged],
        first.out_of_fold[judged],
        second.out_of_fold[judged],
        real[judged],
        written_false_alarms,
        incumbent,
    )
    first.head["threshold"], second.head["threshold"] = t_promotional, t_violative
    decided = (first.out_of_fold >= t_promotional) & (second.out_of_fold >= t_violative)
    kind = first.out_of_fold >= t_promotional
    body = {
        "means": [round(float(v), 6) for v in means],
        "scales": [round(float(v), 6) for v in scales],
        "heads": {"promotional": first.head, "violative": second.head},
    }
    ids = [p.id for p in pages]
    return FittedHeads(
        body,
        {"promotional": first.metrics, "violative": second.metrics},
        dict(zip(ids, decided.tolist(), strict=True)),
        dict(zip(ids, kind.tolist(), strict=True)),
    )


def fit_page_model(pages: list[TrainingPage]) -> dict[str, Any]:
    """Two models over the same features, chosen by the page's language when it is judged. The
    English one learns from the English pages, written and real; the other, for pages in any
    other language, from every page. Fitted on every language at once, the violative
    head learnt to trust the sentence classifier less (its scores are weaker outside English)
    and English one-line ads fell under it; fitted on English alone, it missed most clinic
    pages in other languages (out of fold, F1 0.54 against 0.68)."""
    x = feature_matrix(pages)
    english_rows = [i for i, p in enumerate(pages) if p.language == "en"]
    # The English written development set has its own target for false alarms on its hard
    # negatives (`evaluation.evaluate.TARGETS`), held out of fold too.
    in_force = thresholds_in_force()
    english = fit_heads(
        [pages[i] for i in english_rows],
        x[english_rows],
        lambda page: True,
        written_false_alarms=TARGETS["hard_negative_fp_rate"],
        incumbent=in_force.get("english"),
    )
    # The other model learns from every page, and its thresholds are chosen on the written
    # pages and the real pages it will judge (those not in English).
    other = fit_heads(
        pages,
        x,
        lambda page: page.source == "written" or page.language != "en",
        incumbent=in_force.get("other_languages"),
    )
    body = {
        "version": dt.date.today().strftime("%Y.%m.%d"),
        "features": list(FEATURE_NAMES),
        **english.body,
        "other_languages": other.body,
    }
    metrics = {
        "english": english.metrics,
        "other_languages": other.metrics,
        "decision": routed_decision(pages, english, other),
    }
    return {"model": body, "metrics": metrics, "features_sha256": features_hash(x)}


def routed_decision(
    pages: list[TrainingPage], english: FittedHeads, other: FittedHeads
) -> dict[str, Any]:
    """Out-of-fold figures of the decision as the checker makes it: each page judged by the
    model of its language."""
    parts: dict[str, list[TrainingPage]] = {
        "written": [],
        "written other": [],
        "real en": [],
        "real other": [],
    }
    for page in pages:
        if page.source == "written":
            part = "written" if page.language == "en" else "written other"
        else:
            part = f"real {'en' if page.language == 'en' else 'other'}"
        parts[part].append(page)

    def routed(page: TrainingPage) -> FittedHeads:
        return other if page.language != "en" else english

    figures: dict[str, Any] = {
        "thresholds": {
            name: {head: fitted.body["heads"][head]["threshold"] for head in fitted.body["heads"]}
            for name, fitted in (("english", english), ("other_languages", other))
        }
    }
    for name, members in parts.items():
        y_violative = np.asarray([p.violative for p in members])
        y_promotional = np.asarray([p.promotional for p in members])
        decided = np.asarray([routed(p).decided[p.id] for p in members])
        kind = np.asarray([routed(p).kind[p.id] for p in members])
        figures[name] = {
            "pages": len(members),
            "kind_f1": round(f1_at(y_promotional, kind), 3),
            "claims_stand_f1": round(f1_at(y_violative, decided), 3),
            "false_alarms": round(false_alarm_rate(y_violative, decided), 3),
        }
    return figures


def data_hash(pages: list[TrainingPage]) -> str:
    digest = hashlib.sha256()
    for page in sorted(pages, key=lambda p: p.id):
        digest.update(f"{page.id}\t{page.promotional}\t".encode())
        digest.update(hashlib.sha256(page.text.encode("utf-8", "surrogatepass")).digest())
    return digest.hexdigest()


def features_hash(x: np.ndarray) -> str:
    """The feature matrix the model was fitted on, to six decimals: it changes when a lexicon,
    rule or cue change moves what the checker reads on the training pages, though the pages are
    the same (the data hash does not see that)."""
    return hashlib.sha256(json.dumps(np.round(x, 6).tolist()).encode()).hexdigest()


def write_artifact(fitted: dict[str, Any], pages: list[TrainingPage], classifier: str) -> None:
    body = fitted["model"]
    manifest = {
        "model_sha256": hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest(),
        "data_sha256": data_hash(pages),
        "features_sha256": fitted["features_sha256"],
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


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(
        description="Fit the page model on the written pages and the real pages' development "
        "part; writes model/artifacts/page_model.json and prints its out-of-fold figures."
    ).parse_args(argv)
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
