"""The checker: text in, the JSON body of POST /v1/check out.

Everything expensive (lexicons, the phrase automaton, rules, knowledge base, classifier) is built
once in `Checker.__init__`; `check` only reads it, so one checker serves many threads.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from model.analysis import analyse, is_informational
from model.budget import check_deadline
from model.classifier import SentenceClassifier
from model.detectors import (
    SENTENCE_DETECTORS,
    Placeholders,
    detect_missing_disclosure,
    fill,
)
from model.html_text import DEFAULT_MAX_DEPTH, html_to_text
from model.knowledge_base import KnowledgeBase
from model.lexicons import Lexicons
from model.matcher import Phrase, PhraseMatcher
from model.offsets import Utf16Offsets
from model.report import SEVERITY_RANK, Flag
from model.risk import risk_level, risk_score
from model.rules import Rule, RuleCatalogue

API_VERSION = "1"
FORMATS = ("text", "html")
OFFSET_MODES = ("codepoint", "utf16")
# (category, product, condition) keys are few (13 x 7 x ~120 at most); the bound is a guard.
MAX_CACHED_PRECEDENT_KEYS = 20_000


class UnknownExclusionError(ValueError):
    """`exclude` named rule ids or categories that do not exist."""

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(f"unknown rule ids or categories: {', '.join(unknown)}")
        self.unknown = unknown


class Checker:
    def __init__(
        self,
        lexicons: Lexicons,
        rules: RuleCatalogue,
        knowledge_base: KnowledgeBase,
        classifier: SentenceClassifier | None = None,
        *,
        max_html_depth: int = DEFAULT_MAX_DEPTH,
    ) -> None:
        self.lexicons = lexicons
        self.rules = rules
        self.knowledge_base = knowledge_base
        self.classifier = classifier
        self.max_html_depth = max_html_depth
        phrases = list(lexicons.phrases)
        for rule in rules.rules:
            for group, expanded in rule.phrase_groups():
                phrases.extend(Phrase(group, rule.id, text) for text in expanded)
        self.matcher = PhraseMatcher(phrases)
        self._cover_only_keys = frozenset(k for k, a in lexicons.approved.items() if a.cover_only)
        self._generic_product_keys = frozenset(
            k for k, p in lexicons.products.items() if p.id == "stem_cell_unspecified"
        )
        self._templates: dict[str, list[tuple[dict[str, str], str]]] = {}
        self._precedent_dicts: dict[
            tuple[str, str | None, str | None], list[dict[str, str | None]]
        ] = {}
        for rule in rules.rules:
            self._context_templates(rule)  # fail at start-up on a dangling reference
        self.versions = {
            "api": API_VERSION,
            "rules": f"{rules.version}+lexicons.{lexicons.version}",
            "model": classifier.version if classifier else "none",
            "knowledge_base": knowledge_base.version,
        }

    # -- public ---------------------------------------------------------------------------------

    def check(
        self,
        text: str,
        *,
        format: str = "text",
        offsets: str = "codepoint",
        min_severity: str | None = None,
        exclude: Iterable[str] | None = None,
        id: str | None = None,
        url: str | None = None,
        explain: bool = True,
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """Screen one ad; returns the response body of POST /v1/check as a dict.

        Raises `ValueError` subclasses for input the contract rejects (unknown format, offset
        mode or exclusion; html nested too deep), and `model.budget.TimeBudgetExceeded` once
        `time.monotonic()` passes `deadline` (checked between stages).
        """
        check_deadline(deadline)
        if format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}")
        if offsets not in OFFSET_MODES:
            raise ValueError(f"offsets must be one of {OFFSET_MODES}")
        if min_severity is not None and min_severity not in SEVERITY_RANK:
            raise ValueError("min_severity must be low, medium or high")
        excluded = frozenset(exclude or ())
        unknown = self.rules.unknown_exclusions(excluded)
        if unknown:
            raise UnknownExclusionError(unknown)
        analysed = html_to_text(text, max_depth=self.max_html_depth) if format == "html" else text
        check_deadline(deadline)
        flags, informational, classifier_block = self._flags(analysed, excluded, explain)
        level = risk_level(flags)
        probability = classifier_block["probability"] if classifier_block else None
        score = risk_score(flags, probability, informational)
        if min_severity is not None:
            flags = [f for f in flags if SEVERITY_RANK[f.severity] <= SEVERITY_RANK[min_severity]]
        to_offset = Utf16Offsets(analysed) if offsets == "utf16" else None
        body: dict[str, Any] = {"id": id} if id is not None else {}
        body["risk"] = {"level": level, "score": score}
        body["flags"] = [self._flag_json(f, analysed, to_offset) for f in flags]
        body["classifier"] = classifier_block
        body["text_length"] = to_offset(len(analysed)) if to_offset else len(analysed)
        if format == "html":
            body["extracted_text"] = analysed
        body["versions"] = dict(self.versions)
        return body

    def rule_catalogue(self) -> dict[str, Any]:
        return {"version": self.rules.version, "rules": [r.as_dict() for r in self.rules.rules]}

    # -- internals ------------------------------------------------------------------------------

    def _flags(
        self, text: str, excluded: frozenset[str], explain: bool
    ) -> tuple[list[Flag], bool, dict[str, Any] | None]:
        document = analyse(
            text,
            self.matcher,
            self.lexicons.composed_window,
            composed_heads=self.lexicons.composed_heads,
            cover_only_keys=self._cover_only_keys,
            generic_product_keys=self._generic_product_keys,
        )
        scores = self.classifier.score(document) if self.classifier is not None else None
        document.informational = is_informational(
            document, promotion=scores.promotion if scores is not None else None
        )
        rules = self.rules.select(excluded)
        flags: list[Flag] = []
        disclosure_rules: list[Rule] = []
        classifier_enabled = False
        for rule in rules:
            if rule.kind == "disclosure":
                disclosure_rules.append(rule)
            elif rule.kind == "classifier":
                classifier_enabled = True
            else:
                flags.extend(SENTENCE_DETECTORS[rule.kind](rule, document, self.lexicons))
        classifier_block = None
        if self.classifier is not None and scores is not None:
            classifier_block = self.classifier.assess(document, flags, scores, explain=explain)
            classifier_flags = classifier_block.pop("_flags", [])
            if classifier_enabled:
                flags.extend(classifier_flags)
        for rule in disclosure_rules:
            flags.extend(detect_missing_disclosure(rule, document, self.lexicons, flags))
        flags = _without_repeats(flags)
        by_id = self.rules.by_id()
        for flag in flags:
            flag_rule = by_id.get(flag.rule_id)
            if flag_rule is not None and explain:
                self._attach_context(flag, flag_rule, text)
        flags.sort(key=Flag.sort_key)
        return flags, document.informational, classifier_block

    def _context_templates(self, rule: Rule) -> list[tuple[dict[str, str], str]]:
        """Per reference of `rule`: its fixed fields and the relevance template (built once)."""
        cached = self._templates.get(rule.id)
        if cached is None:
            cached = []
            for ref_id in rule.references:
                ref = self.knowledge_base.reference(ref_id)
                template = (
                    rule.relevance.get(ref_id)
                    or self.rules.relevance_defaults.get(ref_id)
                    or (
                        f"{ref.citation} bears on this {rule.category.replace('_', ' ')}: "
                        "\u201c{quote}\u201d."
                    )
                )
                fixed = {
                    "id": ref.id,
                    "citation": ref.citation,
                    "title": ref.title,
                    "url": ref.url,
                    "summary": ref.summary,
                }
                cached.append((fixed, template))
            self._templates[rule.id] = cached
        return cached

    def _precedents(
        self, category: str, product: str | None, condition: str | None
    ) -> list[dict[str, str | None]]:
        """The closest precedents as response dicts, fresh copies of ones built once per
        (category, product, condition)."""
        key = (category, product, condition)
        cached = self._precedent_dicts.get(key)
        if cached is None:
            cached = [
                {
                    "kind": p.kind,
                    "recipient": p.recipient,
                    "date": p.date,
                    "reference": p.reference,
                    "url": p.url,
                    "summary": p.summary,
                }
                for p in self.knowledge_base.closest_precedents(
                    category=category, product=product, condition=condition, limit=3
                )
            ]
            if len(self._precedent_dicts) < MAX_CACHED_PRECEDENT_KEYS:
                self._precedent_dicts[key] = cached
        return [dict(p) for p in cached]

    def _attach_context(self, flag: Flag, rule: Rule, text: str) -> None:
        product = flag.product["id"] if flag.product else None
        condition = flag.condition["name"] if flag.condition else None
        first = min(flag.evidence, key=lambda s: s.start)
        values = Placeholders(
            product=flag.product["label"] if flag.product else "the cell product",
            condition=condition or "the conditions named",
            quote=" ".join(text[first.start : first.end].split())[:120],
        )
        flag.regulatory_context = [
            {**fixed, "relevance": fill(template, values)}
            for fixed, template in self._context_templates(rule)
        ]
        flag.precedents = self._precedents(flag.category, product, condition)

    @staticmethod
    def _flag_json(flag: Flag, text: str, to_offset: Utf16Offsets | None) -> dict[str, Any]:
        evidence = []
        for span in flag.evidence:
            start, end = (
                (to_offset(span.start), to_offset(span.end))
                if to_offset
                else (span.start, span.end)
            )
            evidence.append({"start": start, "end": end, "quote": text[span.start : span.end]})
        entities: dict[str, Any] = {}
        if flag.product is not None:
            entities["product"] = dict(flag.product)
        if flag.condition is not None:
            entities["condition"] = dict(flag.condition)
        return {
            "rule_id": flag.rule_id,
            "category": flag.category,
            "severity": flag.severity,
            "title": flag.title,
            "explanation": flag.explanation,
            "evidence": evidence,
            "entities": entities,
            "source": flag.source,
            "confidence": round(flag.confidence, 3),
            "regulatory_context": flag.regulatory_context,
            "precedents": flag.precedents,
        }


def _without_repeats(flags: list[Flag]) -> list[Flag]:
    """Drop a flag that repeats an earlier one: same category, same evidence spans.

    Two rules of one category can catch the same words ("Studies show" is both vague research
    and unnamed results); the reviewer needs it once. Catalogue order decides which stays.
    """
    seen: set[tuple[str, tuple[tuple[int, int], ...]]] = set()
    kept = []
    for flag in flags:
        key = (flag.category, tuple(sorted((s.start, s.end) for s in flag.evidence)))
        if key in seen:
            continue
        seen.add(key)
        kept.append(flag)
    return kept
