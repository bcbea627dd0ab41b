"""The page judgement: does this page offer a treatment, or report, study or warn about one?

A claim sentence means different things on a clinic's page and in a news report that quotes
it. This stage reads the page as a whole, after every claim has been found and every sentence
scored, and decides its `kind` (SPEC API 1.1 `page` block) with a small logistic model over
named features the project computes itself: who speaks and whether they offer (provider voice,
offers, calls to action, prices, contact details, protocol talk, "our patients"), against
reporting (attribution, quotation, third-person talk of clinics, study design, registry fields,
citations, news furniture, critical stance, approved products), plus the claims found and the
sentence classifier's statistics. Features count sentences (log(1 + n); a share only of a page of
ten sentences or more); a reporting sentence is credited to one source only, a critic's or
reporter's stance counts from its second sentence, and every coefficient keeps the sign its
feature declares (`Feature.direction`), so that one sentence appended to an ad (a disclaimer, a
line of research, a free consultation) moves the page little, and only the way it points.

Two heads share the features: `promotional` (the page offers a treatment: `page.kind`, with its
calibrated probability) and `violative` (the page's own claims call for review). The
coefficients are fitted by `training/page_model.py` (cross-validated by site) and live in
`model/artifacts/page_model.json`, checked against its manifest at load like the classifier.
Veterinary and plant-cosmetic pages are out of scope by rule, before the model.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.analysis import Document
from model.evasion import ObfuscationKind
from model.language import UNDETERMINED
from model.lexicons import PageFamily
from model.matcher import Mention
from model.page_features import (
    EITHER,
    FEATURE_NAMES,
    FEATURES,
    OFFERS,
    REPORTS,
    PageInputs,
    page_features,
    sentences_with,
)
from model.report import Span
from model.vocabulary import PAGE_SIGNALS

PAGE_MODEL_PATH = Path(__file__).parent / "artifacts" / "page_model.json"
SIGNALS = PAGE_SIGNALS
MAX_SIGNALS = 5
# A page is about animals when this share of its sentences (and at least 3) names them.
VETERINARY_SHARE = 0.2
# The lexicon's product of stem cell supplements and cosmetics ("stem cell serum", "apple stem
# cells"): on a plant skin-care page it is the cosmetic itself, not a human cell product.
COSMETIC_PRODUCT = "stem_cell_supplement"
# Cosmetics vocabulary in three sentences makes a skin-care page, or in this share of a short one.
COSMETIC_SHARE = 1 / 3


@dataclass(frozen=True)
class Signal:
    name: str
    evidence: Span


@dataclass(frozen=True)
class PageJudgement:
    kind: str
    probability: float
    signals: tuple[Signal, ...]
    features: dict[str, float]
    # The page offers something and its own claims call for review (the `violative` head):
    # its claims stand as flags. False on an approved product's or a transplant centre's page.
    claims_stand: bool = False


# --- the model ---------------------------------------------------------------------------------


class PageModelError(RuntimeError):
    """The page model artifact is missing, altered, or does not fit this code's features."""


@dataclass(frozen=True)
class Head:
    """One logistic head over the standardised features."""

    coefficients: tuple[float, ...]
    intercept: float
    threshold: float


@dataclass(frozen=True)
class PageModel:
    """Two heads over the same features. `promotional`: the page offers a cell, tissue or
    biologic treatment (SPEC's `page.kind`, calibrated). `violative`: the page's own claims call
    for review; it separates a clinic selling unproven cells from a transplant centre, a cord
    blood bank or an approved product's page, which are promotional and low risk."""

    version: str
    features: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    heads: dict[str, Head]
    # The model for pages in a language other than English (fitted on pages in every language:
    # `training/page_model.py` says why). None: this model judges every page.
    other_languages: PageModel | None = None

    def for_language(self, code: str) -> PageModel:
        """The model that judges a page identified as `code` (an undetermined page: English)."""
        if self.other_languages is None or code in ("en", UNDETERMINED):
            return self
        return self.other_languages

    @classmethod
    def untrained(cls) -> PageModel:
        """A model that calls every page promotional: for computing features to fit one."""
        n = len(FEATURE_NAMES)
        head = Head((0.0,) * n, 1.0, 0.5)
        return cls(
            "untrained",
            FEATURE_NAMES,
            (0.0,) * n,
            (1.0,) * n,
            {"promotional": head, "violative": head},
        )

    def contributions(self, values: dict[str, float], head: str) -> dict[str, float]:
        """Each feature's share of a head's log-odds: coefficient times standardised value."""
        coefficients = self.heads[head].coefficients
        return {
            name: 0.0 if math.isnan(values[name]) else coefficient * (values[name] - mean) / scale
            for name, mean, scale, coefficient in zip(
                self.features, self.means, self.scales, coefficients, strict=True
            )
        }

    def probability(self, values: dict[str, float], head: str) -> float:
        logit = self.heads[head].intercept + sum(self.contributions(values, head).values())
        return 1.0 / (1.0 + math.exp(-max(min(logit, 30.0), -30.0)))


def load_page_model(path: Path = PAGE_MODEL_PATH) -> PageModel:
    """Load the page model, refusing an artifact whose hash or features do not match."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PageModelError(f"page model missing at {path}: run `redflags train`") from error
    data = json.loads(raw)
    body = json.dumps(data["model"], sort_keys=True).encode()
    if hashlib.sha256(body).hexdigest() != data["manifest"]["model_sha256"]:
        raise PageModelError("page model does not match its manifest hash")
    model = data["model"]
    if tuple(model["features"]) != FEATURE_NAMES:
        raise PageModelError("page model was fitted on other features: retrain it")
    other = model.get("other_languages")
    return _page_model(model, None if other is None else _page_model({**model, **other}, None))


def _page_model(body: dict[str, Any], other_languages: PageModel | None) -> PageModel:
    return PageModel(
        version=str(body["version"]),
        features=tuple(body["features"]),
        means=tuple(body["means"]),
        scales=tuple(body["scales"]),
        heads={
            name: Head(
                tuple(head["coefficients"]), float(head["intercept"]), float(head["threshold"])
            )
            for name, head in body["heads"].items()
        },
        other_languages=other_languages,
    )


# --- the judgement -----------------------------------------------------------------------------


def _out_of_scope(document: Document) -> str | None:
    """The signal that puts the page out of scope, if any: animals named throughout (one
    sentence about animals more or less never decides it), or plant "stem cells" named in two
    sentences or more amid cosmetics vocabulary (in three sentences, or a third of a short
    page's), with no named human cell product (a generic "stem cells" on such a page is the
    plant's)."""
    veterinary = sentences_with(document, document.cues("veterinary"))
    if veterinary - 1 >= max(3, VETERINARY_SHARE * len(document.sentences)):
        return "veterinary"
    cosmetic = document.page_cues("cosmetic")
    if len(_plant_stem_cell_sentences(document, cosmetic)) >= 2:
        if sentences_with(document, cosmetic) >= min(3, COSMETIC_SHARE * len(document.sentences)):
            named = [
                m
                for m in document.products
                if m.key not in document.generic_product_keys and m.key != COSMETIC_PRODUCT
            ]
            return None if named else "cosmetic"
    return None


def _plant_stem_cell_sentences(document: Document, cosmetic: Sequence[Mention]) -> set[int]:
    """Sentences that speak of plant "stem cells": a named plant stem cell ("apple stem
    cells"), or a plant or fruit beside a generic or cosmetic stem cell mention ("stem cells
    taken from a rare apple", "células madre vegetales")."""
    sentence_of = document.sentence_of
    named_plants = {sentence_of[m] for m in cosmetic if "stem cell" in document.quote(m).lower()}
    plants = {sentence_of[m] for m in document.page_cues("plant_source")}
    generic = {
        sentence_of[m]
        for m in document.products
        if m.key in document.generic_product_keys or m.key == COSMETIC_PRODUCT
    }
    return named_plants | (plants & generic)


# The promotional and informational context cues are catch-all lists: words of booking, calls
# to action and "our patients" on one side, of research, attribution, registries and news on the
# other. Their features stand for `offer` and `news_report`, but a signal quoting "Schedule",
# "Researchers" or "According to" says more truly what it is when it takes the name of the page
# cue family its evidence also belongs to (the first that does, in this order).
SIGNAL_OF_FAMILY: dict[str, tuple[tuple[PageFamily, str], ...]] = {
    "promotional_cues": (
        ("call_to_action", "call_to_action"),
        ("booking", "booking_or_contact"),
        ("own_patients", "patient_story"),
        ("provider_voice", "provider_voice"),
        ("first_person_plural", "provider_voice"),
    ),
    "informational_cues": (
        ("registry", "registry_fields"),
        ("research", "research_report"),
        ("attribution", "reported_speech"),
        ("third_party", "critical_stance"),
        ("news", "news_report"),
    ),
}


# Features whose evidence is quoted only after every other feature's. The kinds of claim a page
# makes weigh most in calling it promotional, but "we offer", a price or the title's product and
# condition say so more plainly; a claim's sentence is quoted when nothing plainer is there, so
# that a page called promotional on its claims alone still says why.
LAST_RESORT_EVIDENCE = frozenset({"claim_categories"})


def _signal_name(document: Document, feature: str, signal: str, evidence: Span) -> str:
    """The SPEC signal a feature's evidence stands for (`SIGNAL_OF_FAMILY`)."""
    for family, name in SIGNAL_OF_FAMILY.get(feature, ()):
        if any(
            m.start < evidence.end and evidence.start < m.end for m in document.page_cues(family)
        ):
            return name
    return signal


def _obfuscation_signals(document: Document) -> list[Signal]:
    """The first product or condition name disguised to slip past screening (invisible
    characters, look-alike letters, spaced letters, digits for letters), as a signal."""
    if document.folded is None:
        return []
    names = sorted(
        (m.start, m.end) for m in [*document.products, *document.conditions, *document.approved]
    )
    for record in document.folded.obfuscations:
        if record.kind == ObfuscationKind.LINE_BREAK_HYPHEN:
            continue
        if any(start < record.end and record.start < end for start, end in names):
            return [Signal("obfuscation", Span(record.start, record.end))]
    return []


def judge_page(inputs: PageInputs, model: PageModel, language: str = "en") -> PageJudgement:
    """The page's kind, signals and whether its claims stand, by the model of its language."""
    model = model.for_language(language)
    values = page_features(inputs)
    plain = {name: v.value for name, v in values.items()}
    probability = model.probability(plain, "promotional")
    screened = model.probability(plain, "violative") >= model.heads["violative"].threshold
    out_of_scope = _out_of_scope(inputs.document)
    if out_of_scope is not None:
        kind = "out_of_scope"
        ranked = [out_of_scope]
    else:
        promotional = probability >= model.heads["promotional"].threshold
        kind = "promotional" if promotional else "informational"
        # The features present on the page that point the way it was decided, strongest first.
        contributions = model.contributions(plain, "promotional")
        pointing = OFFERS if kind == "promotional" else REPORTS
        ranked = [
            feature.name
            for feature in sorted(FEATURES, key=lambda f: -abs(contributions[f.name]))
            if plain[feature.name] > 0
            and (
                feature.direction == pointing
                or (feature.direction == EITHER and contributions[feature.name] * pointing > 0)
            )
        ]
    signals: list[Signal] = _obfuscation_signals(inputs.document)
    seen: set[str] = {s.name for s in signals}
    quoted: set[Span] = {s.evidence for s in signals}
    by_name = {f.name: f for f in FEATURES}
    ranked.sort(key=lambda name: name in LAST_RESORT_EVIDENCE)  # stable: the rest keep their order
    for name in ranked:  # feature names (the out-of-scope signals are features too)
        signal = by_name[name].signal
        evidence = values[name].evidence
        if signal is None or evidence is None:
            continue
        signal = _signal_name(inputs.document, name, signal, evidence)
        # One quote is one reason: two signals quoting the same words would repeat it.
        if signal in seen or evidence in quoted:
            continue
        seen.add(signal)
        quoted.add(evidence)
        signals.append(Signal(signal, evidence))
        if len(signals) == MAX_SIGNALS:
            break
    claims_stand = kind == "promotional" and screened
    return PageJudgement(kind, round(probability, 3), tuple(signals), plain, claims_stand)
