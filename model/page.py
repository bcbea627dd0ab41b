"""The page judgement: does this page offer a treatment, or report, study or warn about one?

A claim sentence means different things on a clinic's page and in a news report that quotes
it. This stage reads the page as a whole, after every claim has been found and every sentence
scored, and decides its `kind` (SPEC API 1.1 `page` block) with a small logistic model over
named features the project computes itself: who speaks and whether they offer (provider voice,
offers, calls to action, prices, contact details, protocol talk, "our patients"), against
reporting (attribution, quotation, third-person talk of clinics, study design, registry fields,
citations, news furniture, critical stance, approved products), plus the claims found and the
sentence classifier's statistics. Counts enter as log(1 + n) and as shares of the page's
sentences, so one appended sentence moves a feature by little.

The coefficients are fitted by `training/page_model.py` (cross-validated by site) and live in
`model/artifacts/page_model.json`, checked against its manifest at load like the classifier.
Veterinary and plant-cosmetic pages are out of scope by rule, before the model.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.analysis import Document
from model.report import Flag, Span

PAGE_MODEL_PATH = Path(__file__).parent / "artifacts" / "page_model.json"
PAGE_KINDS: tuple[str, ...] = ("promotional", "informational", "out_of_scope")
SIGNALS: tuple[str, ...] = (
    "offer",
    "call_to_action",
    "price",
    "booking_or_contact",
    "provider_voice",
    "patient_story",
    "reported_speech",
    "critical_stance",
    "research_report",
    "registry_fields",
    "approved_product",
    "news_report",
    "veterinary",
    "cosmetic",
    "obfuscation",
)
MAX_SIGNALS = 5
# A page is about animals when this share of its sentences (and at least 3) names them.
VETERINARY_SHARE = 0.25
DANGEROUS_CATEGORIES = frozenset(
    {"medication_discontinuation", "regulatory_misrepresentation", "pay_to_participate"}
)

_PRICE = re.compile(
    r"(?:[$\u20ac\u00a3\u00a5\u20a9\u20b9]|\b(?:usd|eur|gbp|mxn|cad|aud|us\$|r\$))\s?\d[\d.,]{0,12}"
    r"|\b\d[\d.,]{0,12}\s?(?:[$\u20ac\u00a3]|(?:usd|eur|dollars|euros|pesos|reais)\b)",
    re.IGNORECASE,
)
_PHONE = re.compile(r"\+?\(?\d{1,4}\)?[ .\-]\d{2,4}[ .\-]\d{3,4}(?:[ .\-]\d{2,4})?")
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}\.[\w.]{2,20}")
_NCT = re.compile(r"\bNCT\d{8}\b")
_CITATION = re.compile(r"\bet al\b|\bdoi[:\s]|\[\d{1,3}\]|\(\d{4}\)", re.IGNORECASE)
_QUOTATION = re.compile(r"[\"\u201c\u201d\u00ab\u00bb\u201e]")
_DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,30}(?:\([A-Z]{2,10}\))?\s?[-\u2013\u2014]\s", re.M)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you'll|yourself)\b", re.IGNORECASE)
_FIRST_PLURAL = re.compile(r"\b(?:we|our|us|we're|we've)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FeatureValue:
    value: float
    evidence: Span | None = None


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


@dataclass(frozen=True)
class PageInputs:
    """What the page stage reads: the analysed document, the claims every detector found, and
    the sentence classifier's violative probabilities (body sentences only)."""

    document: Document
    claims: list[Flag]
    sentence_probabilities: list[float]


# --- features ----------------------------------------------------------------------------------


def _first(mentions: list[Any]) -> Span | None:
    return Span(mentions[0].start, mentions[0].end) if mentions else None


def _sentences_with(document: Document, mentions: list[Any]) -> int:
    return len({document.sentence_of[m] for m in mentions})


def _family(name: str, *, share: bool = False) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a cue of a `page_cues.yaml` family: log(1 + n), or their share."""

    def compute(inputs: PageInputs) -> FeatureValue:
        document = inputs.document
        mentions = document.group(f"page:{name}")
        count = _sentences_with(document, mentions)
        value = count / _body_count(document) if share else math.log1p(count)
        return FeatureValue(value, _first(mentions))

    return compute


def _cue(kind: str, *, share: bool = True) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a `context_cues.yaml` cue (critical, informational, promotional…)."""

    def compute(inputs: PageInputs) -> FeatureValue:
        document = inputs.document
        mentions = document.group(f"cue:{kind}")
        count = _sentences_with(document, mentions)
        value = count / _body_count(document) if share else math.log1p(count)
        return FeatureValue(value, _first(mentions))

    return compute


def _pattern(pattern: re.Pattern[str], *, share: bool = False) -> Callable[..., FeatureValue]:
    def compute(inputs: PageInputs) -> FeatureValue:
        document = inputs.document
        matches = list(pattern.finditer(document.text))
        if share:
            sentences = {document.sentence_at(m.start()) for m in matches}
            value = len(sentences) / _body_count(document)
        else:
            value = math.log1p(len(matches))
        evidence = Span(matches[0].start(), matches[0].end()) if matches else None
        return FeatureValue(value, evidence)

    return compute


def _contact(inputs: PageInputs) -> FeatureValue:
    text = inputs.document.text
    matches = [m for m in _PHONE.finditer(text) if sum(c.isdigit() for c in m.group()) >= 7]
    matches += list(_EMAIL.finditer(text))
    matches.sort(key=lambda m: m.start())
    evidence = Span(matches[0].start(), matches[0].end()) if matches else None
    return FeatureValue(math.log1p(len(matches)), evidence)


def _registry(inputs: PageInputs) -> FeatureValue:
    document = inputs.document
    mentions = document.group("page:registry")
    ids = list(_NCT.finditer(document.text))
    value = math.log1p(_sentences_with(document, mentions) + len(ids))
    evidence = _first(mentions) or (Span(ids[0].start(), ids[0].end()) if ids else None)
    return FeatureValue(value, evidence)


def _approved_share(inputs: PageInputs) -> FeatureValue:
    document = inputs.document
    approved = [m for m in document.approved if m.key not in document.cover_only_keys]
    value = len(approved) / (len(approved) + len(document.products) + 1)
    return FeatureValue(value, _first(approved))


def _products(inputs: PageInputs) -> FeatureValue:
    return FeatureValue(math.log1p(len(inputs.document.products)), _first(inputs.document.products))


def _conditions(inputs: PageInputs) -> FeatureValue:
    distinct = {m.key for m in inputs.document.conditions}
    return FeatureValue(math.log1p(len(distinct)))


def _claims(predicate: Callable[[Flag], bool]) -> Callable[[PageInputs], FeatureValue]:
    def compute(inputs: PageInputs) -> FeatureValue:
        chosen = [f for f in inputs.claims if predicate(f)]
        return FeatureValue(math.log1p(len(chosen)), chosen[0].evidence[0] if chosen else None)

    return compute


def _claim_categories(inputs: PageInputs) -> FeatureValue:
    return FeatureValue(float(len({f.category for f in inputs.claims if f.source != "classifier"})))


def _testimonials(inputs: PageInputs) -> FeatureValue:
    stories = [f for f in inputs.claims if f.category == "testimonial"]
    own = inputs.document.group("page:own_patients")
    value = math.log1p(len(stories) + _sentences_with(inputs.document, own))
    evidence = stories[0].evidence[0] if stories else _first(own)
    return FeatureValue(value, evidence)


def _top_mean(values: list[float], k: int) -> float:
    return sum(sorted(values, reverse=True)[:k]) / k if values else 0.0


def _classifier_top(inputs: PageInputs) -> FeatureValue:
    return FeatureValue(_top_mean(inputs.sentence_probabilities, 3))


def _classifier_mean(inputs: PageInputs) -> FeatureValue:
    values = inputs.sentence_probabilities
    return FeatureValue(sum(values) / len(values) if values else 0.0)


def _classifier_share(inputs: PageInputs) -> FeatureValue:
    values = inputs.sentence_probabilities
    return FeatureValue(sum(v >= 0.5 for v in values) / len(values) if values else 0.0)


def _title_pair(inputs: PageInputs) -> FeatureValue:
    """The page's first line names a cell product and a condition ("Stem cells for COPD"),
    with no critical or reporting cue: a page titled as an offer."""
    document = inputs.document
    if not document.sentences:
        return FeatureValue(0.0)
    first = document.sentences[0]
    if document.cues_by_sentence.get(0, set()) & {"critical", "informational", "negation"}:
        return FeatureValue(0.0)
    products = document.in_sentence(document.products, 0)
    conditions = document.in_sentence(document.conditions, 0)
    if products and conditions:
        return FeatureValue(1.0, Span(first.start, first.end))
    return FeatureValue(0.0)


def _length(inputs: PageInputs) -> FeatureValue:
    return FeatureValue(math.log1p(_body_count(inputs.document)))


def _body_count(document: Document) -> int:
    return max(1, sum(1 for s in document.sentences if not s.is_heading))


@dataclass(frozen=True)
class Feature:
    name: str
    signal: str | None  # the SPEC signal this feature's evidence stands for, if any
    compute: Callable[[PageInputs], FeatureValue]


FEATURES: tuple[Feature, ...] = (
    Feature("provider_voice", "provider_voice", _family("provider_voice")),
    Feature("first_person_plural", "provider_voice", _pattern(_FIRST_PLURAL, share=True)),
    Feature("second_person", None, _pattern(_SECOND_PERSON, share=True)),
    Feature("offer", "offer", _family("offer")),
    Feature("call_to_action", "call_to_action", _family("call_to_action")),
    Feature("booking", "booking_or_contact", _family("booking")),
    Feature("contact_details", "booking_or_contact", _contact),
    Feature("price", "price", _pattern(_PRICE)),
    Feature("protocol", None, _family("protocol")),
    Feature("patient_story", "patient_story", _testimonials),
    Feature("promotional_cues", "offer", _cue("promotional", share=False)),
    Feature("attribution", "reported_speech", _family("attribution", share=True)),
    Feature("quotation", "reported_speech", _pattern(_QUOTATION, share=True)),
    Feature("third_party", "critical_stance", _family("third_party", share=True)),
    Feature("critical", "critical_stance", _cue("critical")),
    Feature("informational_cues", "news_report", _cue("informational")),
    Feature("research", "research_report", _family("research", share=True)),
    Feature("citations", "research_report", _pattern(_CITATION)),
    Feature("registry", "registry_fields", _registry),
    Feature("news", "news_report", _family("news")),
    Feature("dateline", "news_report", _pattern(_DATELINE)),
    Feature("approved_share", "approved_product", _approved_share),
    Feature("products", None, _products),
    Feature("conditions", None, _conditions),
    Feature("title_pair", "offer", _title_pair),
    Feature("cosmetic", "cosmetic", _family("cosmetic")),
    Feature("veterinary", "veterinary", _cue("veterinary")),
    Feature("free_trial", None, _cue("free_trial", share=False)),
    Feature("disclosure", None, _cue("disclosure", share=False)),
    Feature("high_claims", None, _claims(lambda f: f.severity == "high")),
    Feature("dangerous_claims", None, _claims(lambda f: f.category in DANGEROUS_CATEGORIES)),
    Feature("claim_categories", None, _claim_categories),
    Feature("classifier_top3", None, _classifier_top),
    Feature("classifier_mean", None, _classifier_mean),
    Feature("classifier_share", None, _classifier_share),
    Feature("length", None, _length),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def page_features(inputs: PageInputs) -> dict[str, FeatureValue]:
    return {feature.name: feature.compute(inputs) for feature in FEATURES}


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
            name: coefficient * (values[name] - mean) / scale
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
    return PageModel(
        version=str(model["version"]),
        features=tuple(model["features"]),
        means=tuple(model["means"]),
        scales=tuple(model["scales"]),
        heads={
            name: Head(
                tuple(head["coefficients"]), float(head["intercept"]), float(head["threshold"])
            )
            for name, head in model["heads"].items()
        },
    )


# --- the judgement -----------------------------------------------------------------------------


def _out_of_scope(document: Document, values: dict[str, FeatureValue]) -> str | None:
    """The signal that puts the page out of scope, if any: animals named throughout, or plant
    "stem cell" cosmetics with no human cell product."""
    veterinary = {document.sentence_of[m] for m in document.group("cue:veterinary")}
    if len(veterinary) >= max(3, VETERINARY_SHARE * len(document.sentences)):
        return "veterinary"
    cosmetic = document.group("page:cosmetic")
    plant = [m for m in cosmetic if "stem cell" in document.text[m.start : m.end].lower()]
    if plant and len(cosmetic) >= 3 and not document.products:
        return "cosmetic"
    return None


def judge_page(inputs: PageInputs, model: PageModel) -> PageJudgement:
    values = page_features(inputs)
    plain = {name: v.value for name, v in values.items()}
    probability = model.probability(plain, "promotional")
    screened = model.probability(plain, "violative") >= model.heads["violative"].threshold
    out_of_scope = _out_of_scope(inputs.document, values)
    if out_of_scope is not None:
        kind = "out_of_scope"
        ranked = [out_of_scope]
    else:
        promotional = probability >= model.heads["promotional"].threshold
        kind = "promotional" if promotional else "informational"
        contributions = model.contributions(plain, "promotional")
        direction = 1.0 if kind == "promotional" else -1.0
        ranked = [
            name
            for name in sorted(contributions, key=lambda n: -direction * contributions[n])
            if direction * contributions[name] > 0
        ]
    signals: list[Signal] = []
    seen: set[str] = set()
    by_name = {f.name: f for f in FEATURES}
    for name in ranked:
        feature = by_name.get(name)
        signal = feature.signal if feature else name
        evidence = values[name].evidence if name in values else None
        if signal is None or signal in seen or evidence is None:
            continue
        seen.add(signal)
        signals.append(Signal(signal, evidence))
        if len(signals) == MAX_SIGNALS:
            break
    claims_stand = kind == "promotional" and screened
    return PageJudgement(kind, round(probability, 3), tuple(signals), plain, claims_stand)
