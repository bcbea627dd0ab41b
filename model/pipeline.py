"""The order of a check, in one place.

    analyse          text -> Document (sentences, sections, every lexicon phrase); read-only after
    score_sentences  the sentence classifier's probabilities
    find_claims      every detector over every sentence, whatever the page: rule phrases, pairs,
                     broad claims, classifier-only sentences, then the missing disclosure
    judge_page       the page model: promotional, informational or out of scope
    decide           which claims stand as flags on this page, and the risk they add up to
    explain          (the checker) regulatory context and precedents for the flags that stand

Each stage reads what earlier stages wrote to `CheckState` and writes its own field; none edits
another's results. The time budget is checked between stages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from model.analysis import Document, analyse
from model.budget import check_deadline
from model.classifier import SentenceClassifier, SentenceScores
from model.detectors import ClaimContext, run_detectors
from model.language import LanguageGuess, identify_language
from model.lexicons import Lexicons
from model.matcher import PhraseMatcher
from model.page import PageJudgement, PageModel, judge_page
from model.page_features import PageInputs, Quotations
from model.report import Flag
from model.risk import risk_level, risk_score
from model.rules import Rule, RuleCatalogue

# Claims that endanger patients: a red flag wherever they stand on a promotional page.
ENDANGERING_CATEGORIES = frozenset(
    {
        "medication_discontinuation",
        "regulatory_misrepresentation",
        "safety_claim",
        "pay_to_participate",
    }
)


@dataclass(frozen=True)
class PipelineParts:
    """What the checker built once: every stage reads it, none changes it."""

    matcher: PhraseMatcher
    lexicons: Lexicons
    rules: RuleCatalogue
    classifier: SentenceClassifier | None
    page_model: PageModel
    cover_only_keys: frozenset[str]
    generic_product_keys: frozenset[str]
    harm_denials: tuple[Rule, ...] = ()  # rules whose phrases deny any harm


@dataclass
class CheckState:
    text: str
    excluded: frozenset[str]
    explain: bool
    seen_length: int | None = None  # html: where the seen text ends (then undecided text)
    document: Document | None = None
    scores: SentenceScores | None = None
    claims: list[Flag] = field(default_factory=list)
    classifier_block: dict[str, Any] | None = None
    language: LanguageGuess | None = None
    page: PageJudgement | None = None
    flags: list[Flag] = field(default_factory=list)
    risk: dict[str, Any] = field(default_factory=dict)


def stage_analyse(state: CheckState, parts: PipelineParts) -> None:
    """The page's language (SPEC's `language` block, which page cues count, and which page
    model judges it), then the document."""
    state.language = identify_language(state.text)
    state.document = analyse(
        state.text,
        parts.matcher,
        parts.lexicons.composed_window,
        composed_heads=parts.lexicons.composed_heads,
        composed_source_after=parts.lexicons.composed_source_after,
        cover_only_keys=parts.cover_only_keys,
        generic_product_keys=parts.generic_product_keys,
        harm_denials=parts.harm_denials,
        language=state.language.code,
    )


def stage_score_sentences(state: CheckState, parts: PipelineParts) -> None:
    if parts.classifier is not None and state.document is not None:
        state.scores = parts.classifier.score(state.document)


def stage_find_claims(state: CheckState, parts: PipelineParts) -> None:
    assert state.document is not None
    context = ClaimContext(
        state.document,
        parts.lexicons,
        parts.classifier,
        state.scores,
        regex_matches=parts.rules.regexes_matching(state.document.text),
    )
    state.claims, state.classifier_block = run_detectors(
        parts.rules.rules, context, explain=state.explain
    )


def page_inputs(state: CheckState) -> PageInputs:
    """The claims and the body sentences' violative probabilities, for the page stage."""
    assert state.document is not None
    if state.scores is None:
        return PageInputs(state.document, state.claims, None, state.seen_length)
    sentences = state.document.sentences
    probabilities = [
        violative
        for violative, index in zip(
            state.scores.violative.tolist(), state.scores.indexes, strict=True
        )
        if not sentences[index].is_heading
    ]
    return PageInputs(state.document, state.claims, probabilities, state.seen_length)


def stage_judge_page(state: CheckState, parts: PipelineParts) -> None:
    """The page's kind and whether its claims stand."""
    assert state.language is not None
    state.page = judge_page(page_inputs(state), parts.page_model, state.language.code)


def stage_decide(state: CheckState, parts: PipelineParts) -> None:
    """Which claims stand as flags. On a page that offers a treatment and whose own claims call
    for review (`claims_stand`), every claim whose rule applies there. On any other page that
    offers a treatment, only the claims that endanger patients, said of a cell product (SPEC:
    stop your medication, "FDA approved", "no risk", paying to join a study stand wherever they
    appear on a promotional page). On an informational or out-of-scope page, none: reported
    claims are not the page's own."""
    assert state.document is not None and state.page is not None
    flags: list[Flag] = []
    if state.page.kind == "promotional":
        selected = (
            {rule.id: rule for rule in parts.rules.select(state.excluded)}
            if state.excluded
            else parts.rules.by_id()
        )
        # A product × condition claim is a cell product named for a condition it is not
        # approved for: an approved procedure named off-label ("a stem cell transplant for
        # spinal cord injury") is offered as a cell product, though the page names no other.
        # (An efficacy claim names its condition too, but not which product is offered.)
        promotes_cell_product = state.document.promotes_cell_product or any(
            claim.condition is not None and claim.category == "unapproved_use"
            for claim in state.claims
        )
        # Where the page's own claims do not stand, a claim it only quotes does not endanger.
        quotations = None if state.page.claims_stand else Quotations.of(state.document.text)
        for claim in state.claims:
            rule = selected.get(claim.rule_id)
            if rule is None:  # excluded by the request
                continue
            if not (
                quotations is None
                or (_endangers_patients(claim, state.document) and not quotations.hold(claim))
            ):
                continue
            if rule.scope == "any" or promotes_cell_product:
                flags.append(claim)
    flags.sort(key=Flag.sort_key)
    state.flags = flags
    probability = state.classifier_block["probability"] if state.classifier_block else None
    state.risk = {
        "level": risk_level(flags),
        "score": risk_score(flags, probability, not state.page.claims_stand),
    }


def _endangers_patients(claim: Flag, document: Document) -> bool:
    """A rule's high-severity claim of an endangering kind, made in a sentence that names a
    cell product and no approved use ("our stem cells are FDA approved", "with our cells you
    can stop insulin"): "FDA-approved" said of a clinic's licensed drugs is no
    misrepresentation, and "no rejection" said of a transplant of one's own banked cells is
    said of an approved use."""
    if (
        claim.source == "classifier"
        or claim.severity != "high"
        or claim.category not in ENDANGERING_CATEGORIES
    ):
        return False
    return any(
        document.in_sentence(document.products, i)
        and not document.in_sentence(document.approved, i)
        for i in claim.sentence_indexes
    )


Stage = Callable[[CheckState, PipelineParts], None]
STAGES: tuple[tuple[str, Stage], ...] = (
    ("analyse", stage_analyse),
    ("score_sentences", stage_score_sentences),
    ("find_claims", stage_find_claims),
    ("judge_page", stage_judge_page),
    ("decide", stage_decide),
)


def run_pipeline(
    state: CheckState, parts: PipelineParts, *, deadline: float | None = None, until: str = ""
) -> CheckState:
    """Run the stages in order (through `until`, when given)."""
    for name, stage in STAGES:
        check_deadline(deadline)
        stage(state, parts)
        if name == until:
            break
    return state
