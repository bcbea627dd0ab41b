"""The checker: text in, the JSON body of POST /v1/check out.

Everything expensive (lexicons, the phrase automaton, rules, knowledge base, classifier) is built
once in `Checker.__init__`; `check` only reads it, so one checker serves many threads.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import Any

from model.analysis import Document
from model.budget import check_deadline
from model.characters import without_surrogates
from model.classifier import SentenceClassifier
from model.detectors import (
    AGREEMENT,
    AGREEMENT_FORMS,
    Placeholders,
    fill,
    is_normal,
    is_plural,
    normal_spaces,
)
from model.html_text import DEFAULT_MAX_DEPTH, PageText, html_to_page_text
from model.knowledge_base import KnowledgeBase
from model.lexicons import Lexicons, check_rule_false_friends
from model.matcher import Phrase, PhraseMatcher
from model.offsets import Utf16Offsets
from model.page import PageJudgement, PageModel, load_page_model
from model.pipeline import CheckState, PipelineParts, run_pipeline
from model.report import SEVERITY_RANK, Flag, Span
from model.rules import Rule, RuleCatalogue
from model.vocabulary import DETAIL_LEVELS, FORMATS, OFFSET_MODES

API_VERSION = "1.1"
DETAILS = DETAIL_LEVELS
# What a relevance's {product} and {condition} read when the flag names none.
DEFAULT_PRODUCT = "the cell product"
DEFAULT_CONDITION = "the conditions named"
# (category, product, condition) keys are few (13 x 7 x ~120 at most); the bound is a guard.
MAX_CACHED_PRECEDENT_KEYS = 20_000


class UnknownExclusionError(ValueError):
    """`exclude` named rule ids or categories that do not exist."""

    def __init__(self, unknown: list[str]) -> None:
        super().__init__(f"unknown rule ids or categories: {', '.join(unknown)}")
        self.unknown = unknown


# Texts of our own for `Checker.warm_up`: look-alike letters, digit-for-letter swaps, a page in
# another language.
WARM_UP_TEXTS = (
    "Our st\u0435m c\u0435ll shots ease knee pain. Call us.",
    "Our st3m c3ll shots ease kn33 pain. Call us.",
    "Nuestras c\u00e9lulas madre alivian el dolor de rodilla. Ll\u00e1menos hoy.",
)


class Checker:
    def __init__(
        self,
        lexicons: Lexicons,
        rules: RuleCatalogue,
        knowledge_base: KnowledgeBase,
        classifier: SentenceClassifier | None = None,
        *,
        page_model: PageModel | None = None,
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
        self.matcher = PhraseMatcher(phrases, keep=True)
        check_rule_false_friends(lexicons.phrases, self.matcher)
        self.page_model = page_model or load_page_model()
        self.parts = PipelineParts(
            matcher=self.matcher,
            lexicons=lexicons,
            rules=rules,
            classifier=classifier,
            page_model=self.page_model,
            cover_only_keys=frozenset(k for k, a in lexicons.approved.items() if a.cover_only),
            generic_product_keys=frozenset(
                k for k, p in lexicons.products.items() if p.id == "stem_cell_unspecified"
            ),
            harm_denials=tuple(
                rule for rule in rules.rules if rule.category == "safety_claim" and rule.patterns
            ),
        )
        # Per rule, its references' response fields for each detail level and their relevance
        # templates, built once here (a dangling reference fails at start-up).
        self._contexts = {rule.id: self._context_templates(rule) for rule in rules.rules}
        rules.regexes_matching("")  # compiles the rules' regex set now rather than at a check
        # What filling a relevance asks of a product label (whether it is normal, its verb
        # endings) and of a condition name (whether it is normal), for each label and name of
        # the lexicons, read once here; another text is read when met.
        labels = {p.label for p in lexicons.products.values()}
        labels |= {a.name for a in lexicons.approved.values()} | {DEFAULT_PRODUCT}
        self._label_forms = {
            label: (is_normal(label), AGREEMENT_FORMS[is_plural(label)]) for label in labels
        }
        # Relevance texts name a condition as prose writes it (`Condition.display`).
        self._displays = {name: c.display for name, c in lexicons.conditions.items()}
        self._normal_names = frozenset(
            name for name in [*self._displays.values(), DEFAULT_CONDITION] if is_normal(name)
        )
        self._precedent_dicts: dict[
            tuple[str, str | None, str | None, bool], list[dict[str, str | None]]
        ] = {}
        self.versions = {
            "api": API_VERSION,
            "rules": f"{rules.version}+lexicons.{lexicons.version}",
            "model": (
                f"{classifier.version if classifier else 'none'}+page.{self.page_model.version}"
            ),
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
        detail: str = "full",
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """Screen one ad; returns the response body of POST /v1/check as a dict.

        Raises `ValueError` subclasses for input the contract rejects (unknown format, offset
        mode, detail or exclusion; html nested too deep), and `TimeBudgetExceeded` when
        `deadline` (a `time.monotonic()` instant) passes between two stages. Any str is
        screened: surrogate code points, which the HTTP and batch contracts refuse, are read as
        U+FFFD (offsets unchanged; `model.characters.without_surrogates`).
        """
        if format not in FORMATS:
            raise ValueError(f"format must be one of {FORMATS}")
        if offsets not in OFFSET_MODES:
            raise ValueError(f"offsets must be one of {OFFSET_MODES}")
        if detail not in DETAILS:
            raise ValueError(f"detail must be one of {DETAILS}")
        if min_severity is not None and min_severity not in SEVERITY_RANK:
            raise ValueError("min_severity must be low, medium or high")
        excluded = frozenset(exclude or ())
        unknown = self.rules.unknown_exclusions(excluded)
        if unknown:
            raise UnknownExclusionError(unknown)
        check_deadline(deadline)
        page = self._page_text(text, format)
        analysed = page.text
        compact = detail == "compact"
        # A compact answer drops the classifier's `top_terms`: they are not computed for it.
        state = run_pipeline(
            CheckState(analysed, excluded, explain and not compact, page.seen_length),
            self.parts,
            deadline=deadline,
        )
        check_deadline(deadline)
        flags = state.flags
        if min_severity is not None:
            flags = [f for f in flags if SEVERITY_RANK[f.severity] <= SEVERITY_RANK[min_severity]]
        to_offset = Utf16Offsets(analysed) if offsets == "utf16" else None
        body: dict[str, Any] = {"id": id} if id is not None else {}
        body["risk"] = state.risk
        context = detail if explain else None
        body["flags"] = [self._flag_json(f, analysed, to_offset, context) for f in flags]
        classifier_block = state.classifier_block
        if classifier_block is not None and compact:
            classifier_block = {k: v for k, v in classifier_block.items() if k != "top_terms"}
        body["classifier"] = classifier_block
        assert state.page is not None and state.language is not None
        body["page"] = _page_json(state.page, analysed, to_offset)
        body["language"] = state.language.as_json()
        body["text_length"] = to_offset(len(analysed)) if to_offset else len(analysed)
        if format == "html":
            body["extracted_text"] = analysed
        body["versions"] = dict(self.versions)
        return body

    def warm_up(self) -> None:
        """Check a few texts of our own that reach what the checker builds only when a page first
        needs it: the table of look-alike letters (a Cyrillic "е" in "stem") and the prefixes of
        digit-for-letter spellings ("st3m c3ll"), with the language identifier. A server calls
        this before its workers fork, so that they share these and no first request pays for
        them (about 80 ms)."""
        for text in WARM_UP_TEXTS:
            self.check(text, explain=False)

    def document(self, text: str) -> Document:
        """`text` analysed as the pipeline's first stage leaves it: for tests and tools that
        ask what the lexicons found where."""
        text = without_surrogates(text)
        state = run_pipeline(CheckState(text, frozenset(), False), self.parts, until="analyse")
        assert state.document is not None
        return state.document

    def claims_before_judgement(self, text: str, *, format: str = "text") -> list[dict[str, Any]]:
        """Every claim the detectors find, before the page judgement decides which stand: for
        evaluation (a trap on a news page is a claim found, even when the page hides it)."""
        page = self._page_text(text, format)
        analysed = page.text
        state = run_pipeline(
            CheckState(analysed, frozenset(), False, page.seen_length),
            self.parts,
            until="find_claims",
        )
        return [self._flag_json(f, analysed, None, None) for f in state.claims]

    def _page_text(self, text: str, format: str) -> PageText:
        text = without_surrogates(text)
        if format == "html":
            return html_to_page_text(text, max_depth=self.max_html_depth)
        return PageText(text, len(text))

    def rule_catalogue(self) -> dict[str, Any]:
        return {"version": self.rules.version, "rules": [r.as_dict() for r in self.rules.rules]}

    # -- internals ------------------------------------------------------------------------------

    def _context_templates(self, rule: Rule) -> list[ContextTemplate]:
        """Per reference of `rule`: its fixed fields, full and compact, and its relevance: the
        text when the template has no placeholders, else the template in printf style (a
        check fills some 140 of them: `%` costs a third of `str.format_map`)."""
        templates = []
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
            printf, fields = _printf_template(template, f"rule {rule.id}, reference {ref_id}")
            templates.append(
                ContextTemplate(
                    full={
                        "id": ref.id,
                        "citation": ref.citation,
                        "title": ref.title,
                        "url": ref.url,
                        "summary": ref.summary,
                    },
                    compact={"id": ref.id, "citation": ref.citation, "url": ref.url},
                    relevance=printf if fields else fill(template, Placeholders()),
                    arguments=itemgetter(*fields) if fields else None,
                    normal=is_normal(printf % (("x",) * len(fields))),
                )
            )
        return templates

    def _precedents(
        self, category: str, product: str | None, condition: str | None, compact: bool
    ) -> list[dict[str, str | None]]:
        """The closest precedents as response dicts, fresh copies of ones built once per
        (category, product, condition) and detail level."""
        key = (category, product, condition, compact)
        cached = self._precedent_dicts.get(key)
        if cached is None:
            closest = self.knowledge_base.closest_precedents(
                category=category, product=product, condition=condition, limit=3
            )
            if compact:
                cached = [
                    {
                        "id": p.id,
                        "kind": p.kind,
                        "recipient": p.recipient,
                        "date": p.date,
                        "url": p.url,
                    }
                    for p in closest
                ]
            else:
                cached = [
                    {
                        "id": p.id,
                        "kind": p.kind,
                        "recipient": p.recipient,
                        "date": p.date,
                        "reference": p.reference,
                        "url": p.url,
                        "summary": p.summary,
                    }
                    for p in closest
                ]
            if len(self._precedent_dicts) < MAX_CACHED_PRECEDENT_KEYS:
                self._precedent_dicts[key] = cached
        return [p.copy() for p in cached]

    def _regulatory_context(self, flag: Flag, text: str, compact: bool) -> list[dict[str, str]]:
        """The flag's references as the response carries them at this detail level (SPEC:
        compact keeps ids, citations, urls and relevance), each with its relevance filled."""
        values: tuple[str, ...] | None = None
        normal_values = False
        context = []
        for reference in self._contexts[flag.rule_id]:
            relevance = reference.relevance
            if reference.arguments is not None:
                if values is None:
                    first = min(flag.evidence, key=_start_of)
                    product = flag.product["label"] if flag.product else DEFAULT_PRODUCT
                    named = flag.condition["name"] if flag.condition else None
                    condition = self._displays.get(named, named) if named else DEFAULT_CONDITION
                    quote = " ".join(text[first.start : first.end].split())[:120]
                    forms = self._label_forms.get(product)
                    if forms is None:
                        forms = (is_normal(product), AGREEMENT_FORMS[is_plural(product)])
                    values = (product, condition, quote, *forms[1])
                    # The agreement values are words, or the empty {s} right after a letter
                    # (checked at start-up): they change no space.
                    normal_values = (
                        forms[0]
                        and (condition in self._normal_names or is_normal(condition))
                        and is_normal(quote)
                    )
                relevance = relevance % reference.arguments(values)
                # Normal values in a normal template make a normal text (see `is_normal`).
                if not (normal_values and reference.normal):
                    relevance = normal_spaces(relevance)
            item = (reference.compact if compact else reference.full).copy()
            item["relevance"] = relevance
            context.append(item)
        return context

    def _flag_json(
        self, flag: Flag, text: str, to_offset: Utf16Offsets | None, context: str | None
    ) -> dict[str, Any]:
        """The flag as the response carries it, with its regulatory context and precedents at
        detail level `context` ("full" or "compact"), or with none."""
        if to_offset is None:
            evidence = [
                {"start": span.start, "end": span.end, "quote": text[span.start : span.end]}
                for span in flag.evidence
            ]
        else:
            evidence = [_span_json(span, text, to_offset) for span in flag.evidence]
        product, condition = flag.product, flag.condition
        entities: dict[str, Any] = {}
        if product is not None:
            entities["product"] = product.copy()
        if condition is not None:
            entities["condition"] = condition.copy()
        if context is None:
            references: list[dict[str, str]] = []
            precedents: list[dict[str, str | None]] = []
        else:
            compact = context == "compact"
            references = self._regulatory_context(flag, text, compact)
            precedents = self._precedents(
                flag.category,
                product["id"] if product else None,
                condition["name"] if condition else None,
                compact,
            )
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
            "regulatory_context": references,
            "precedents": precedents,
        }


# The placeholders a relevance template may use, in the order `_regulatory_context` fills them:
# the flag's product, condition and quote, then the verb endings that agree with the product.
RELEVANCE_FIELDS = ("product", "condition", "quote", *AGREEMENT)


@dataclass(frozen=True, slots=True)
class ContextTemplate:
    """One reference of a rule, ready to write: its fields at each detail level (the response
    adds `relevance`), and its relevance: the text, or a printf-style template and the getter
    of its arguments from the flag's (product, condition, quote, verb endings)."""

    full: dict[str, str]
    compact: dict[str, str]
    relevance: str
    arguments: Callable[[tuple[str, ...]], Any] | None
    normal: bool  # the template filled with "x" is `is_normal`


def _printf_template(template: str, where: str) -> tuple[str, tuple[int, ...]]:
    """`template` in printf style, and the index in `RELEVANCE_FIELDS` of each `%s`: filled, it
    equals `template.format_map(Placeholders(...))`. Another name fills as empty (it is left
    out); a format spec, conversion or non-name field is refused."""
    printf: list[str] = []
    fields: list[int] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        printf.append(literal.replace("%", "%%"))
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(
                f"{where}: a relevance placeholder is a plain name such as {{quote}}, without "
                f"a format spec or conversion: {template!r}"
            )
        if name == "s" and not literal[-1:].isalpha():
            raise ValueError(f"{where}: {{s}} ends a word, right after its letters: {template!r}")
        if name in RELEVANCE_FIELDS:
            printf.append("%s")
            fields.append(RELEVANCE_FIELDS.index(name))
    return "".join(printf), tuple(fields)


_start_of = attrgetter("start")


def _span_json(span: Span, text: str, to_offset: Utf16Offsets | None) -> dict[str, Any]:
    start, end = span.start, span.end
    if to_offset is None:
        return {"start": start, "end": end, "quote": text[start:end]}
    return {"start": to_offset(start), "end": to_offset(end), "quote": text[start:end]}


def _page_json(page: PageJudgement, text: str, to_offset: Utf16Offsets | None) -> dict[str, Any]:
    return {
        "kind": page.kind,
        "probability": page.probability,
        "signals": [
            {"signal": s.name, "evidence": _span_json(s.evidence, text, to_offset)}
            for s in page.signals
        ],
    }
