"""The page judgement: does this page offer a treatment, or report, study or warn about one?

A claim sentence means different things on a clinic's page and in a news report that quotes
it. This stage reads the page as a whole, after every claim has been found and every sentence
scored, and decides its `kind` (SPEC API 1.1 `page` block) with a small logistic model over
named features the project computes itself: who speaks and whether they offer (provider voice,
offers, calls to action, prices, contact details, protocol talk, "our patients"), against
reporting (attribution, quotation, third-person talk of clinics, study design, registry fields,
citations, news furniture, critical stance, approved products), plus the claims found and the
sentence classifier's statistics. Every feature counts sentences (log(1 + n)), never a share of
them, and reporting cues count from their second sentence on, so that one sentence appended to
an ad (a disclaimer, a line of research, a free consultation) moves the page by little.

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
from functools import cached_property
from pathlib import Path
from typing import Any

from model.analysis import Document
from model.evasion import ObfuscationKind
from model.report import Flag, Span
from model.vocabulary import PAGE_SIGNALS

PAGE_MODEL_PATH = Path(__file__).parent / "artifacts" / "page_model.json"
SIGNALS = PAGE_SIGNALS
MAX_SIGNALS = 5
# A page is about animals when this share of its sentences (and at least 3) names them.
VETERINARY_SHARE = 0.25
# A missing disclosure is the absence of a sentence, not a claim: a disclaimer appended to an ad
# removes it, and must not make the page read as less of an ad.
NOT_CLAIMS = frozenset({"missing_disclosure"})
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
    the sentence classifier's violative probabilities of the body sentences."""

    document: Document
    claims: list[Flag]
    sentence_probabilities: list[float] | None  # None: the checker runs without a classifier
    # Where the seen text ends (html: text after it is of undecided visibility). Undecided text
    # may add to the offer, never to the report: it cannot make a page informational.
    seen_length: int | None = None

    @cached_property
    def reporting(self) -> dict[str, tuple[set[int], Span | None]]:
        """Per reporting source, the sentences it is the first of `REPORTING_SOURCES` to hit,
        and its first evidence. A sentence is one piece of evidence: a line that reads as a
        critic, a study and a quotation at once counts once, for the first of these."""
        taken: set[int] = set()
        found: dict[str, tuple[set[int], Span | None]] = {}
        seen = len(self.document.text) if self.seen_length is None else self.seen_length
        for name, locate in REPORTING_SOURCES:
            spans = [span for span in locate(self.document) if span.start < seen]
            sentences = {self.document.sentence_at(span.start) for span in spans} - taken
            taken |= sentences
            found[name] = (sentences, spans[0] if spans else None)
        return found


# --- features ----------------------------------------------------------------------------------


def _first(mentions: list[Any]) -> Span | None:
    return Span(mentions[0].start, mentions[0].end) if mentions else None


def _sentences_with(document: Document, mentions: list[Any]) -> int:
    return len({document.sentence_of[m] for m in mentions})


def _count(count: int, informing: bool) -> float:
    """log(1 + n) of the sentences showing a cue; a reporting cue counts from its second
    sentence on (`informing`): one sentence of attribution, research or disclaimer appended to
    an ad does not make it a report, while a real report repeats them."""
    return math.log1p(max(0, count - 1) if informing else count)


def _sentences_of(group: str) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a mention of a matcher group: a `page_cues.yaml` family
    ("page:<family>") or a `context_cues.yaml` cue ("cue:<kind>")."""

    def compute(inputs: PageInputs) -> FeatureValue:
        document = inputs.document
        mentions = document.group(group)
        return FeatureValue(math.log1p(_sentences_with(document, mentions)), _first(mentions))

    return compute


def _family(name: str) -> Callable[[PageInputs], FeatureValue]:
    return _sentences_of(f"page:{name}")


def _cue(kind: str) -> Callable[[PageInputs], FeatureValue]:
    return _sentences_of(f"cue:{kind}")


def _find(document: Document, pattern: re.Pattern[str]) -> list[Span]:
    """Matches of `pattern` as original spans, read on the folded text with its case kept (a
    disguised "𝐎𝐮𝐫" or "Y​our" reads as it looks), or on the text when it was not folded."""
    folded = document.folded
    if folded is None:
        return [Span(m.start(), m.end()) for m in pattern.finditer(document.text)]
    spans = []
    for match in pattern.finditer(folded.cased):
        if match.end() > match.start():
            spans.append(Span(*folded.span_in_original(match.start(), match.end())))
    return spans


def _pattern(pattern: re.Pattern[str]) -> Callable[[PageInputs], FeatureValue]:
    """Sentences holding a match of `pattern`."""

    def compute(inputs: PageInputs) -> FeatureValue:
        document = inputs.document
        matches = _find(document, pattern)
        sentences = {document.sentence_at(m.start) for m in matches}
        evidence = matches[0] if matches else None
        return FeatureValue(math.log1p(len(sentences)), evidence)

    return compute


def _cue_spans(group: str) -> Callable[[Document], list[Span]]:
    def locate(document: Document) -> list[Span]:
        return [Span(m.start, m.end) for m in document.group(group)]

    return locate


def _pattern_spans(
    *patterns: re.Pattern[str], on_lines: bool = False
) -> Callable[[Document], list[Span]]:
    """Matches of the patterns as original spans; `on_lines`: read on the text itself, whose
    line breaks the pattern needs (folding reads them as spaces)."""

    def locate(document: Document) -> list[Span]:
        if on_lines:
            spans = [Span(m.start(), m.end()) for p in patterns for m in p.finditer(document.text)]
        else:
            spans = [span for p in patterns for span in _find(document, p)]
        return sorted(spans, key=lambda span: span.start)

    return locate


def _registry_spans(document: Document) -> list[Span]:
    return sorted(
        _cue_spans("page:registry")(document) + _pattern_spans(_NCT)(document),
        key=lambda span: span.start,
    )


# Sentences of one reporting source that a page may hold before they count: an ad may carry a
# disclaimer and cite a study, and one more such sentence appended to it changes nothing.
REPORTING_ALLOWANCE = 0
# A share is taken of at least this many sentences: one sentence of a one-line ad is no share.
SHARE_MIN_SENTENCES = 10
# A critic's or a reporter's stance counts from its second sentence: one line of warning
# appended to an ad ("ask whether a product is approved") is how a clinic would slip past.
STANCE_SOURCES = frozenset({"critical", "informational_cues"})
STANCE_ALLOWANCE = 1
# Where a page shows that it reports, in the order a sentence is credited to them.
REPORTING_SOURCES: tuple[tuple[str, Callable[[Document], list[Span]]], ...] = (
    ("critical", _cue_spans("cue:critical")),
    ("informational_cues", _cue_spans("cue:informational")),
    ("registry", _registry_spans),
    ("research", _cue_spans("page:research")),
    ("citations", _pattern_spans(_CITATION)),
    ("attribution", _cue_spans("page:attribution")),
    ("quotation", _pattern_spans(_QUOTATION)),
    ("third_party", _cue_spans("page:third_party")),
    ("news", _cue_spans("page:news")),
    ("dateline", _pattern_spans(_DATELINE, on_lines=True)),
    ("disclosure", _cue_spans("cue:disclosure")),
    ("cosmetic", _cue_spans("page:cosmetic")),
    ("veterinary", _cue_spans("cue:veterinary")),
)


def _reporting_value(inputs: PageInputs, name: str, share: bool) -> FeatureValue:
    """Sentences credited to a reporting source beyond its allowance: log(1 + n), or as a share
    of the page's sentences."""
    sentences, evidence = inputs.reporting[name]
    allowance = STANCE_ALLOWANCE if name in STANCE_SOURCES else REPORTING_ALLOWANCE
    count = max(0, len(sentences) - allowance)
    value = (
        count / max(_body_count(inputs.document), SHARE_MIN_SENTENCES)
        if share
        else (math.log1p(count))
    )
    return FeatureValue(value, evidence)


def _contact(inputs: PageInputs) -> FeatureValue:
    text = inputs.document.text
    matches = [m for m in _PHONE.finditer(text) if sum(c.isdigit() for c in m.group()) >= 7]
    matches += list(_EMAIL.finditer(text))
    matches.sort(key=lambda m: m.start())
    evidence = Span(matches[0].start(), matches[0].end()) if matches else None
    return FeatureValue(math.log1p(len(matches)), evidence)


def _approved(inputs: PageInputs) -> FeatureValue:
    """Sentences naming an FDA-approved product or an established procedure, from the second
    on: a page about a transplant or a licensed product names it throughout."""
    document = inputs.document
    approved = [m for m in document.approved if m.key not in document.cover_only_keys]
    return FeatureValue(_count(_sentences_with(document, approved), True), _first(approved))


def _products(inputs: PageInputs) -> FeatureValue:
    return FeatureValue(math.log1p(len(inputs.document.products)), _first(inputs.document.products))


def _conditions(inputs: PageInputs) -> FeatureValue:
    distinct = {m.key for m in inputs.document.conditions}
    return FeatureValue(math.log1p(len(distinct)))


def _claims(predicate: Callable[[Flag], bool]) -> Callable[[PageInputs], FeatureValue]:
    def compute(inputs: PageInputs) -> FeatureValue:
        chosen = [f for f in inputs.claims if f.category not in NOT_CLAIMS and predicate(f)]
        return FeatureValue(math.log1p(len(chosen)), chosen[0].evidence[0] if chosen else None)

    return compute


def _claim_categories(inputs: PageInputs) -> FeatureValue:
    categories = {
        f.category
        for f in inputs.claims
        if f.source != "classifier" and f.category not in NOT_CLAIMS
    }
    return FeatureValue(float(len(categories)))


def _testimonials(inputs: PageInputs) -> FeatureValue:
    stories = [f for f in inputs.claims if f.category == "testimonial"]
    own = inputs.document.group("page:own_patients")
    value = math.log1p(len(stories) + _sentences_with(inputs.document, own))
    evidence = stories[0].evidence[0] if stories else _first(own)
    return FeatureValue(value, evidence)


# The classifier's features are missing (NaN) when the checker runs without the classifier: the
# model then reads them at their mean, so they weigh neither way. A page with no sentence long
# enough to score reads as 0 (nothing violative found), so that a sentence appended to it can
# only raise them: each is a maximum, a top-3 sum or a count.
MISSING = math.nan


def _classifier_top(inputs: PageInputs) -> FeatureValue:
    values = inputs.sentence_probabilities
    if values is None:
        return FeatureValue(MISSING)
    return FeatureValue(sum(sorted(values, reverse=True)[:3]) / 3)


def _classifier_max(inputs: PageInputs) -> FeatureValue:
    values = inputs.sentence_probabilities
    return FeatureValue(MISSING if values is None else max(values, default=0.0))


def _classifier_count(inputs: PageInputs) -> FeatureValue:
    """Sentences the classifier reads as violative (counted, not averaged: neutral sentences
    added to an ad do not dilute it)."""
    values = inputs.sentence_probabilities
    return FeatureValue(MISSING if values is None else math.log1p(sum(v >= 0.5 for v in values)))


def _product_offer(inputs: PageInputs) -> FeatureValue:
    """Sentences in which the page speaks as the provider ("we", "our", an offer verb) and
    names a cell product: "We use bone marrow stem cells to…" is an offer in one line."""
    document = inputs.document
    voice = {
        document.sentence_of[m]
        for group in ("page:provider_voice", "page:offer")
        for m in document.group(group)
    }
    voice |= {document.sentence_at(span.start) for span in _find(document, _FIRST_PLURAL)}
    offered = sorted(
        document.sentence_of[m] for m in document.products if document.sentence_of[m] in voice
    )
    evidence = None
    if offered:
        first = document.sentences[offered[0]]
        evidence = Span(first.start, first.end)
    return FeatureValue(math.log1p(len(set(offered))), evidence)


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


def _body_count(document: Document) -> int:
    return max(1, sum(1 for s in document.sentences if not s.is_heading))


OFFERS, REPORTS, EITHER = 1, -1, 0


@dataclass(frozen=True)
class Feature:
    """A named page feature. `direction` is the sign its coefficient is fitted under: a cue
    of offering can only raise the probability that the page offers, a cue of reporting can
    only lower it. With every feature counting sentences, a sentence appended to a page can
    only move it the way that sentence points, and a lone reporting sentence not at all."""

    name: str
    signal: str | None  # the SPEC signal this feature's evidence stands for, if any
    compute: Callable[[PageInputs], FeatureValue]
    direction: int = OFFERS
    # The sign under the `violative` head when it differs (an approved product's page offers
    # it, and is the less likely to make claims that call for review).
    violative: int | None = None

    # For a reporting feature: the source it counts, and whether as a share.
    source: str | None = None
    share: bool = False

    def direction_for(self, head: str) -> int:
        return (
            self.violative
            if head == "violative" and self.violative is not None
            else (self.direction)
        )


def _reports(name: str, signal: str | None, source: str, *, share: bool = False) -> Feature:
    def compute(inputs: PageInputs) -> FeatureValue:
        return _reporting_value(inputs, source, share)

    return Feature(name, signal, compute, REPORTS, source=source, share=share)


FEATURES: tuple[Feature, ...] = (
    Feature("provider_voice", "provider_voice", _family("provider_voice")),
    Feature("first_person_plural", "provider_voice", _pattern(_FIRST_PLURAL)),
    Feature("second_person", None, _pattern(_SECOND_PERSON)),
    Feature("offer", "offer", _family("offer")),
    Feature("product_offer", "offer", _product_offer),
    Feature("call_to_action", "call_to_action", _family("call_to_action")),
    Feature("booking", "booking_or_contact", _family("booking")),
    Feature("contact_details", "booking_or_contact", _contact),
    Feature("price", "price", _pattern(_PRICE)),
    Feature("protocol", None, _family("protocol")),
    Feature("patient_story", "patient_story", _testimonials),
    Feature("promotional_cues", "offer", _cue("promotional")),
    Feature("title_pair", "offer", _title_pair),
    Feature("products", None, _products),
    Feature("conditions", None, _conditions),
    Feature("high_claims", "offer", _claims(lambda f: f.severity == "high")),
    Feature("dangerous_claims", None, _claims(lambda f: f.category in DANGEROUS_CATEGORIES)),
    Feature("claim_categories", "offer", _claim_categories),
    Feature("classifier_top3", None, _classifier_top),
    Feature("classifier_max", None, _classifier_max),
    Feature("classifier_count", None, _classifier_count),
    _reports("attribution", "reported_speech", "attribution"),
    _reports("attribution_share", "reported_speech", "attribution", share=True),
    _reports("quotation", "reported_speech", "quotation"),
    _reports("third_party", "critical_stance", "third_party"),
    _reports("third_party_share", "critical_stance", "third_party", share=True),
    _reports("critical", "critical_stance", "critical"),
    _reports("informational_cues", "news_report", "informational_cues"),
    _reports("research", "research_report", "research"),
    _reports("research_share", "research_report", "research", share=True),
    _reports("citations", "research_report", "citations"),
    _reports("registry", "registry_fields", "registry"),
    _reports("news", "news_report", "news"),
    _reports("dateline", "news_report", "dateline"),
    _reports("cosmetic", "cosmetic", "cosmetic"),
    _reports("veterinary", "veterinary", "veterinary"),
    _reports("disclosure", None, "disclosure"),
    Feature("approved", "approved_product", _approved, EITHER, violative=REPORTS),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
HEADS: tuple[str, ...] = ("promotional", "violative")


def feature_directions(head: str) -> tuple[int, ...]:
    return tuple(f.direction_for(head) for f in FEATURES)


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
    """The signal that puts the page out of scope, if any: animals named throughout (one
    sentence about animals more or less never decides it), or plant "stem cells" named in two
    sentences or more amid cosmetics vocabulary, with no named human cell product (a generic
    "stem cells" on such a page is the plant's)."""
    veterinary = _sentences_with(document, document.group("cue:veterinary"))
    if veterinary - 1 >= max(3, VETERINARY_SHARE * len(document.sentences)):
        return "veterinary"
    cosmetic = document.group("page:cosmetic")
    plant = [m for m in cosmetic if "stem cell" in document.text[m.start : m.end].lower()]
    named = [m for m in document.products if m.key not in document.generic_product_keys]
    if _sentences_with(document, plant) >= 2 and _sentences_with(document, cosmetic) >= 3:
        return None if named else "cosmetic"
    return None


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
