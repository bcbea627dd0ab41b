"""Rule families: each turns a rule record and an analysed document into flags.

`phrase` rules fire on cue phrases in promotional sentences; `pair` pairs cell products with the
conditions they are marketed for; `broad` catches one product offered for many unrelated
diseases; `disclosure` notices a promotional page that never states risks or unapproved status.
"""

from __future__ import annotations

import bisect
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from model.analysis import Document
from model.classifier import SentenceClassifier, SentenceScores
from model.lexicons import Lexicons, Product
from model.linear_regex import compiled_spans
from model.matcher import CONDITION_GROUP, PRODUCT_GROUP, Mention
from model.report import Flag, Span
from model.rules import Rule

GENERIC_PRODUCT = "stem_cell_unspecified"
# Product ids that are not cells: a generic "stem cells" never stands for them.
ACELLULAR_PRODUCTS = frozenset({"exosome"})
SCOPE_CONFIDENCE = {"sentence": 0.95, "section": 0.85, "document": 0.75}
DISCLOSURE_EVIDENCE_PRIORITY = {"efficacy_claim": 0, "safety_claim": 1, "unapproved_use": 2}
# A missing risk or status statement qualifies any promotional claim, hype included.
CLAIM_CATEGORIES = frozenset(
    {
        "unapproved_use",
        "efficacy_claim",
        "safety_claim",
        "medication_discontinuation",
        "broad_claims",
        "nonhomologous_or_systemic_use",
        "unsupported_evidence",
        "testimonial",
        "hype_language",
    }
)


# Verb endings and pronouns that agree with the product named: "{product} cure{s}", "{product}
# {is}", "a tissue {it} {does} not come from"; the singular form, then the plural one.
AGREEMENT = {
    "s": ("s", ""),
    "is": ("is", "are"),
    "does": ("does", "do"),
    "it": ("it", "they"),
    "its": ("its", "their"),
}
# The values of the `AGREEMENT` placeholders in its order: singular, then plural forms.
AGREEMENT_FORMS = (
    tuple(forms[0] for forms in AGREEMENT.values()),
    tuple(forms[1] for forms in AGREEMENT.values()),
)


def is_plural(label: str) -> bool:
    """Whether a product label names things in the plural ("adipose-derived stem cells"), read
    from its last word before any bracket ("stromal vascular fraction (SVF)" is singular)."""
    words = label.split("(", 1)[0].split()
    return bool(words) and words[-1].endswith("s") and not words[-1].endswith("ss")


def verb_endings(product: str) -> dict[str, str]:
    """The value of each `AGREEMENT` placeholder for `product`, in `AGREEMENT`'s order."""
    return dict(zip(AGREEMENT, AGREEMENT_FORMS[is_plural(product)], strict=True))


class Placeholders(dict):
    """Values for a template's {placeholders}: a missing one fills in as empty, but for the
    verb endings of `AGREEMENT`, which agree with the `product` value."""

    def __missing__(self, key: str) -> str:
        if key not in AGREEMENT:
            return ""
        return verb_endings(self.get("product", ""))[key]


def _reads_field(template: str, name: str) -> bool:
    """Whether filling `template` may read the value `name` (a field that starts with it)."""
    return any(
        field is not None and field.startswith(name)
        for _, field, _, _ in string.Formatter().parse(template)
    )


def render(template: str, **values: str) -> str:
    """Fill {quote}/{product}/{condition} placeholders; unknown ones become empty."""
    return fill(template, Placeholders(values))


def fill(template: str, values: Placeholders) -> str:
    """`render` with the values already wrapped (one wrapper serves many templates); the
    result's whitespace is normalised (runs to one space, none at the ends).

    A check fills some two hundred templates, nearly all of them normal already (`is_normal`):
    those are returned as they are, without splitting them into words."""
    return normal_spaces(template.format_map(values))


def is_normal(text: str) -> bool:
    """Whether `text` is non-empty and its whitespace normal: printable (every whitespace
    character but the space is unprintable), no double space, none at its ends. A template that
    is normal filled with "x" stays normal filled with normal texts: a double space or a space
    at an end would have to be in the template or in a text, or at a text's end, which a normal
    text does not have."""
    return (
        text != ""
        and text.isprintable()
        and "  " not in text
        and text[0] != " "
        and text[-1] != " "
    )


def normal_spaces(text: str) -> str:
    """`text` with its whitespace normalised: runs to one space, none at the ends."""
    return text if is_normal(text) else " ".join(text.split())


def _short_quote(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


@dataclass(frozen=True)
class ClaimContext:
    """What detectors read: the analysed document, the lexicons, and the sentence classifier
    with its scores (absent when the checker runs without one); and what detectors derive from
    the document and the lexicons, computed when a rule first asks and kept for the others
    (caches of values that depend on these two only)."""

    document: Document
    lexicons: Lexicons
    classifier: SentenceClassifier | None = None
    scores: SentenceScores | None = None
    # The rule regexes (rule id, index) with a match somewhere in the text
    # (`RuleCatalogue.regexes_matching`); None: not known, each is searched.
    regex_matches: frozenset[tuple[str, int]] | None = None
    # Cache of `reference_sentences`, by reference.
    _reference_sentences: dict[str, frozenset[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def main_product(self) -> Product | None:
        """The page's main cell product: the most mentioned (named products before a generic
        "stem cells"), then the first mentioned."""
        document, products = self.document, self.lexicons.products
        if not document.products:
            return None
        counts: dict[str, int] = {}
        specific = [m for m in document.products if products[m.key].id != GENERIC_PRODUCT]
        for mention in specific or document.products:
            counts[mention.key] = counts.get(mention.key, 0) + 1
        key = max(
            counts,
            key=lambda k: (counts[k], -min(m.start for m in document.products if m.key == k)),
        )
        return products[key]

    @cached_property
    def denied_questions(self) -> frozenset[int]:
        """Questions the page answers with a denial (`_answered_critically`): such a question
        claims nothing, names no target and offers no product. Found once for every detector."""
        document = self.document
        return frozenset(
            i
            for i in range(len(document.sentences))
            if document.is_question(i) and _answered_critically(document, i)
        )

    def reference_sentences(self, reference: str) -> frozenset[int]:
        """Sentences holding a mention that an `all_of` reference, `@product[:id]` or
        `@condition[:group]`, stands for."""
        found = self._reference_sentences.get(reference)
        if found is None:
            document, lexicons = self.document, self.lexicons
            kind, _, narrow = reference[1:].partition(":")
            if kind == "product":
                mentions = [
                    m
                    for m in document.products
                    if not narrow or lexicons.products[m.key].id == narrow
                ]
            else:
                mentions = [
                    m
                    for m in document.conditions
                    if not narrow or lexicons.conditions[m.key].group == narrow
                ]
            found = frozenset(document.sentence_of[m] for m in mentions)
            self._reference_sentences[reference] = found
        return found


def _rule_flag(
    rule: Rule,
    context: ClaimContext,
    evidence: list[Span],
    *,
    confidence: float,
    sentence_indexes: set[int],
    condition_entity: dict[str, str | None] | None = None,
    **values: str,
) -> Flag:
    """A flag of a whole-page or phrase rule: about the page's main product (and the condition
    its claim names, if given), explained from the rule's template with `values` and that
    product's label."""
    main = context.main_product
    product = None if main is None else {"id": main.id, "label": main.label}
    values.setdefault("product", product["label"] if product else "the cell product")
    return Flag(
        rule_id=rule.id,
        category=rule.category,
        severity=rule.severity,
        title=rule.title,
        explanation=render(rule.explanation, **values),
        evidence=evidence,
        confidence=confidence,
        product=product,
        condition=condition_entity,
        sentence_indexes=sentence_indexes,
    )


# --- phrase rules ------------------------------------------------------------------------------


MAX_CHARS_PER_WORD = 40


def _words_between(text: str, first: Mention, second: Mention, limit: int = 1_000) -> int:
    """Words between two mentions, counted only when they could be within `limit` words:
    beyond `limit` * MAX_CHARS_PER_WORD characters the gap is reported as `limit` + 1
    without reading it, so window checks cost nothing on huge sentences."""
    left, right = (first, second) if first.start <= second.start else (second, first)
    if right.start <= left.end:
        return 0
    if right.start - left.end > (limit + 1) * MAX_CHARS_PER_WORD:
        return limit + 1
    return len(text[left.end : right.start].split())


def _lexicon_mentions(
    references: tuple[str, ...], document: Document, lexicons: Lexicons, sentence: int
) -> list[Mention]:
    """Mentions in `sentence` that `@product[:id]` / `@condition[:group]` references stand for."""
    found: list[Mention] = []
    for reference in references:
        kind, _, narrow = reference[1:].partition(":")
        if kind == "product":
            found += [
                m
                for m in document.in_sentence(document.products, sentence)
                if not narrow or lexicons.products[m.key].id == narrow
            ]
        else:
            found += [
                m
                for m in document.in_sentence(document.conditions, sentence)
                if not narrow or lexicons.conditions[m.key].group == narrow
            ]
    return found


def _all_of_sentences(rule: Rule, context: ClaimContext) -> set[int]:
    """The sentences where every `all_of` entry has at least one match: the only ones
    `_all_of_hit` can accept, so the others are never examined."""
    document = context.document
    candidates: set[int] | None = None
    for entry, references in enumerate(rule.groups.references):
        sentences = {document.sentence_of[m] for m in document.rule_all_of(rule, entry)}
        for reference in references:
            sentences |= context.reference_sentences(reference)
        candidates = sentences if candidates is None else candidates & sentences
        if not candidates:
            return set()
    return candidates or set()


def _all_of_hit(
    rule: Rule, document: Document, lexicons: Lexicons, sentence: int
) -> list[Mention] | None:
    """The first anchor (a match of the first entry) around which every later entry has a
    match within the window: one anchor too far from the rest ("regenerative capacity, with a
    high rate of success restoring tissue") does not hide a later one that holds the claim."""
    entries: list[list[Mention]] = []
    for entry, references in enumerate(rule.groups.references):
        found = document.in_sentence(document.rule_all_of(rule, entry), sentence)
        if references:
            found = sorted(
                [*found, *_lexicon_mentions(references, document, lexicons, sentence)],
                key=lambda m: m.start,
            )
        if not found:
            return None
        entries.append(list(found))
    for anchor in entries[0]:
        chosen = [anchor]
        for found in entries[1:]:
            near = [
                m
                for m in found
                if _words_between(document.text, anchor, m, rule.window) <= rule.window
            ]
            if not near:
                break
            # Later entries take their farthest match within the window, so the evidence
            # spans the whole claim ("repairs worn cartilage").
            chosen.append(max(near, key=lambda m: m.end))
        else:
            return chosen
    return None


OPENING_QUOTES = '"\u201c\u201e\u00ab'
QUOTE_LOOKBACK = 400


def _opening_quote(text: str, end: int) -> int | None:
    """Where the quotation closed at `end` opens, on the same line and not too far back."""
    line_start = text.rfind("\n", max(0, end - QUOTE_LOOKBACK), end) + 1
    window = text[max(line_start, end - QUOTE_LOOKBACK) : end]
    position = max(window.rfind(q) for q in OPENING_QUOTES)
    return None if position < 0 else max(line_start, end - QUOTE_LOOKBACK) + position


def _regex_mentions(rule: Rule, context: ClaimContext) -> list[Mention]:
    document, matching = context.document, context.regex_matches
    mentions = []
    for index, pattern in enumerate(rule.regex):
        if matching is not None and (rule.id, index) not in matching:
            continue  # no match anywhere in the text
        for start, end in compiled_spans(pattern, document.text):
            if end <= start:
                continue
            if rule.options.get("extend_to_opening_quote"):
                opening = _opening_quote(document.text, start)
                start = opening if opening is not None else start
            mentions.append(Mention(rule.groups.regex, rule.id, start, end))
    return mentions


def _sentences_near_products(document: Document, scope: str) -> frozenset[int]:
    """Sentences in the same `scope` (sentence or section) as a product mention."""
    if scope == "sentence":
        return document.product_sentences
    return document.product_section_sentences


def detect_phrase(rule: Rule, context: ClaimContext) -> list[Flag]:
    document, lexicons = context.document, context.lexicons
    # A regex or phrase-list rule: the first match of each sentence, the sentence's evidence
    # (a regex's first hit, unless a phrase of the list starts before it).
    first_match: dict[int, Mention] = {}
    if rule.regex:
        for found in _regex_mentions(rule, context):
            first_match.setdefault(document.sentence_at(found.start), found)
    if rule.patterns:
        sentence_of = document.sentence_of
        for found in document.rule_phrases(rule):  # in text order
            sentence = sentence_of[found]
            if found.start < first_match.setdefault(sentence, found).start:
                first_match[sentence] = found
    if rule.regex or rule.patterns:
        candidates = set(first_match)
    else:
        candidates = _all_of_sentences(rule, context)
    if not candidates:
        return []
    unless = {document.sentence_of[m] for m in document.rule_unless(rule)}
    near = rule.options.get("near_product")
    if near is not None:
        candidates &= _sentences_near_products(document, near)
    if rule.options.get("skip_questions"):
        candidates = {
            i
            for i in candidates
            if not document.text[document.sentences[i].start : document.sentences[i].end]
            .rstrip()
            .endswith("?")
        }
    if rule.options.get("skip_approved_sentences"):
        candidates -= {document.sentence_of[m] for m in document.approved}
    if rule.options.get("skip_approved_sections"):
        sections = {document.sentences[document.sentence_of[m]].section for m in document.approved}
        candidates = {i for i in candidates if document.sentences[i].section not in sections}
    evidence: list[Span] = []
    sentences: set[int] = set()
    named: Mention | None = None  # the condition the first claim names, for "{condition}"
    # A question the page answers with a denial ("Can I stop insulin after the infusion? No,
    # never.") claims nothing, as it offers no product for the condition it names (pairs).
    for sentence in sorted(candidates - unless - context.denied_questions):
        if rule.regex or rule.patterns:
            first = first_match[sentence]
            if document.is_suppressed_at(sentence, first.start):
                continue
            sentences.add(sentence)
            evidence.append(Span(first.start, first.end))
            continue
        hits = _all_of_hit(rule, document, lexicons, sentence)
        if not hits:
            continue
        start = min(m.start for m in hits)
        if document.is_suppressed_at(sentence, start):
            continue
        sentences.add(sentence)
        evidence.append(Span(start, max(m.end for m in hits)))
        if named is None:
            named = next((m for m in hits if m.group == CONDITION_GROUP), None)
    if not evidence:
        return []
    first_quote = document.text[evidence[0].start : evidence[0].end]
    # The condition a claim names, for its explanation (`{condition}`) and as its entity.
    entity: dict[str, str | None] | None = None
    display = "the conditions it names"
    if named is not None:
        info = lexicons.conditions[named.key]
        entity, display = {"name": named.key, "code": info.code}, info.display
    return [
        _rule_flag(
            rule,
            context,
            evidence[:8],
            confidence=0.8 if rule.patterns else 0.75,
            sentence_indexes=sentences,
            condition_entity=entity,
            quote=_short_quote(first_quote),
            condition=display,
        )
    ]


# --- product x condition pairs -----------------------------------------------------------------


@dataclass
class _Candidate:
    product_id: str
    label: str
    mention: Mention
    # A generic "stem cells" in a sentence that names exosomes is where they come from
    # ("exosomes released by young stem cells"), not a second product.
    names_a_source: bool = False


def _product_candidates(context: ClaimContext) -> list[_Candidate]:
    document, lexicons = context.document, context.lexicons
    # A product named in a question the page answers with a denial ("Do you offer stem cells?
    # No, we do not.") is not offered, as a condition in such a question is not a target.
    candidates = [
        _Candidate(lexicons.products[m.key].id, lexicons.products[m.key].label, m)
        for m in document.products
        if document.sentence_of[m] not in context.denied_questions
    ]
    candidates += [
        _Candidate(lexicons.approved[m.key].product_id, lexicons.approved[m.key].name, m)
        for m in document.approved
        if not lexicons.approved[m.key].cover_only
    ]
    acellular = {
        document.sentence_of[c.mention] for c in candidates if c.product_id in ACELLULAR_PRODUCTS
    }
    for candidate in candidates:
        if candidate.product_id == GENERIC_PRODUCT:
            candidate.names_a_source = document.sentence_of[candidate.mention] in acellular
    candidates.sort(key=lambda c: c.mention.start)
    return candidates


def _nearest(candidates: list[_Candidate], mention: Mention) -> _Candidate:
    """The candidate nearest `mention`, the first of equals (as `min` keeps it): a product
    named before the condition ("cells for MS") is preferred over one after it."""
    start, end = mention.start, mention.end
    best: _Candidate | None = None
    best_distance = 0
    for candidate in candidates:
        gap = start - candidate.mention.end
        distance = gap if gap >= 0 else 2 * (candidate.mention.start - end) + 1
        if best is None or distance < best_distance:
            best, best_distance = candidate, distance
    if best is None:
        raise ValueError("no candidate")
    return best


def _main_names(named: list[_Candidate]) -> list[_Candidate]:
    """For each named product id, the mentions of the page's main name for it (most
    mentioned, then first mentioned)."""
    pool: list[_Candidate] = []
    for product_id in sorted({c.product_id for c in named}):
        mentions = [c for c in named if c.product_id == product_id]
        counts: dict[str, int] = {}
        first: dict[str, int] = {}
        for candidate in mentions:
            key = candidate.mention.key
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, candidate.mention.start)
        main = max(counts, key=lambda k: (counts[k], -first[k]))
        pool += [c for c in mentions if c.mention.key == main]
    return pool


@dataclass
class _Nearby:
    """One product id's candidates in document order, with their offsets, so that the one
    nearest a condition is found by bisection rather than by reading them all."""

    candidates: list[_Candidate]
    starts: list[int]
    ends: list[int]
    ordered: bool  # starts and ends both non-decreasing: bisection applies

    @classmethod
    def of(cls, candidates: list[_Candidate]) -> _Nearby:
        starts = [c.mention.start for c in candidates]
        ends = [c.mention.end for c in candidates]
        ordered = starts == sorted(starts) and ends == sorted(ends)
        return cls(candidates, starts, ends, ordered)

    def nearest(self, mention: Mention) -> _Candidate:
        """Equal to `_nearest(self.candidates, mention)`.

        Candidates ending before the condition are a prefix (ends are ordered); of those the
        one ending last is nearest (the first such, as `min` keeps the first). Of the rest,
        the first is nearest (starts are ordered). On a tie the earlier one, in the prefix,
        wins, as with `min`.
        """
        if not self.ordered or len(self.candidates) <= NEAREST_SCAN_LIMIT:
            return _nearest(self.candidates, mention)
        before = bisect.bisect_right(self.ends, mention.start)
        best: _Candidate | None = None
        distance = 0
        if before:
            end = self.ends[before - 1]
            best = self.candidates[bisect.bisect_left(self.ends, end, 0, before)]
            distance = mention.start - end
        if before < len(self.candidates):
            after = 2 * (self.starts[before] - mention.end) + 1
            if best is None or after < distance:
                best = self.candidates[before]
        assert best is not None  # candidates are never empty
        return best


# Below this many candidates a plain scan is as fast as bisection.
NEAREST_SCAN_LIMIT = 8


def _choose(
    scoped: list[_Candidate],
    condition: Mention,
    main_names: list[_Candidate],
    prepared: dict[int, list[_Nearby]],
) -> list[_Candidate]:
    """The products a condition is marketed with: one mention per product id.

    Named cell types in scope win over a generic "stem cells". A generic mention on a page that
    names its cell types stands for those: "stem cells for MS" on a page selling fat-derived and
    cord cells markets both for MS, each represented by its main name on the page at its mention
    nearest the condition. Exosomes are not cells, so a generic mention never stands for them:
    beside exosomes it is a product of its own, unless it names their source ("exosomes from
    young stem cells"). `prepared` keeps, per `scoped` list, its candidates split by product
    id (scoped lists live as long as the `_Usable` that owns them and `prepared`).
    """
    groups = prepared.get(id(scoped))
    if groups is None:
        specific = [c for c in scoped if c.product_id != GENERIC_PRODUCT]
        generic = len(specific) < len(scoped)
        if specific and (not generic or _names_cells(specific)):
            pool = specific
        elif specific:
            # Exosomes are not cells: "stem cell IV and exosome spray" sells two products.
            pool = [c for c in scoped if not c.names_a_source]
        elif _names_cells(main_names):
            pool = main_names
        else:
            pool = scoped
        # The page's main names serve every scope that names only "stem cells": they are
        # split by product id once, not once per such sentence or section.
        shared = prepared.get(id(pool)) if pool is main_names else None
        groups = shared or [
            _Nearby.of([c for c in pool if c.product_id == product_id])
            for product_id in sorted({c.product_id for c in pool})
        ]
        prepared[id(scoped)] = groups
        if pool is main_names:
            prepared[id(pool)] = groups
    return [group.nearest(condition) for group in groups]


def _names_cells(candidates: list[_Candidate]) -> bool:
    """Whether any candidate is a cell product, which a generic "stem cells" can stand for."""
    return any(c.product_id not in ACELLULAR_PRODUCTS for c in candidates)


@dataclass
class _Usable:
    """The product candidates one condition may be paired with, indexed by where they are."""

    by_sentence: dict[int, list[_Candidate]]
    by_section: dict[int, list[_Candidate]]
    cell_products: list[_Candidate]
    main_names: list[_Candidate]
    prepared: dict[int, list[_Nearby]] = field(default_factory=dict)


def _excluded_for(
    condition_key: str, present: set[tuple[str, str]], lexicons: Lexicons
) -> frozenset:
    """The (group, key) products on the page that may not pair with `condition_key`: cell
    products legitimately used for it, approved products approved for it."""
    return frozenset(
        (group, key)
        for group, key in present
        if condition_key
        in (
            lexicons.products[key].legitimate_for
            if group == PRODUCT_GROUP
            else lexicons.approved[key].approved_conditions
        )
    )


def _usable_for(excluded: frozenset, candidates: list[_Candidate], document: Document) -> _Usable:
    usable = [c for c in candidates if (c.mention.group, c.mention.key) not in excluded]
    by_sentence: dict[int, list[_Candidate]] = {}
    by_section: dict[int, list[_Candidate]] = {}
    for candidate in usable:
        sentence = document.sentence_of[candidate.mention]
        by_sentence.setdefault(sentence, []).append(candidate)
        # An approved product named off-label counts only within its own sentence.
        if candidate.mention.group == PRODUCT_GROUP:
            section = document.sentences[sentence].section
            by_section.setdefault(section, []).append(candidate)
    cell_products = [c for c in usable if c.mention.group == PRODUCT_GROUP]
    named = [c for c in cell_products if c.product_id != GENERIC_PRODUCT]
    return _Usable(by_sentence, by_section, cell_products, _main_names(named))


def detect_pairs(rule: Rule, context: ClaimContext) -> list[Flag]:
    document, lexicons = context.document, context.lexicons
    candidates = _product_candidates(context)
    if not candidates:
        return []
    covered_conditions = {
        name for m in document.approved for name in lexicons.approved[m.key].approved_conditions
    }
    best: dict[tuple[str, str], tuple[str, _Candidate, Mention]] = {}
    # Every sentence that states a pair on its own ("…our fat-derived cells for lupus…"), so
    # that the flag quotes each place the page makes the claim, not only the first.
    stated: dict[tuple[str, str], list[tuple[_Candidate, Mention]]] = {}
    present = {(c.mention.group, c.mention.key) for c in candidates}
    excluded_by_condition: dict[str, frozenset] = {}
    usable_by_exclusion: dict[frozenset, _Usable] = {}
    done: set[tuple[str, int]] = set()
    # A question on a page that answers critically ("Can stem cells fix my bad knees? Not yet")
    # offers nothing; on a sales page the question still introduces the offer.
    for condition in document.conditions:
        sentence = document.sentence_of[condition]
        if sentence in context.denied_questions:
            continue
        # A condition named twice in one sentence pairs the same way twice: once is enough,
        # which keeps a page repeating one sentence a thousand times linear.
        if condition.key in covered_conditions or (condition.key, sentence) in done:
            continue
        done.add((condition.key, sentence))
        excluded = excluded_by_condition.get(condition.key)
        if excluded is None:
            excluded = _excluded_for(condition.key, present, lexicons)
            excluded_by_condition[condition.key] = excluded
        # Most conditions exclude nothing on the page: they share one index of candidates.
        usable = usable_by_exclusion.get(excluded)
        if usable is None:
            usable = _usable_for(excluded, candidates, document)
            usable_by_exclusion[excluded] = usable
        in_sentence = usable.by_sentence.get(sentence)
        # A condition named only beside another treatment ("approved drugs are indicated for
        # lymphoma") is that treatment's: it pairs with a cell product in its own sentence only.
        beside_other_treatment = "other_treatment" in document.cues_by_sentence.get(sentence, ())
        in_section = (
            None
            if beside_other_treatment
            else usable.by_section.get(document.sentences[sentence].section)
        )
        if in_sentence:
            scope, chosen = (
                "sentence",
                _choose(in_sentence, condition, usable.main_names, usable.prepared),
            )
        elif in_section:
            scope, chosen = (
                "section",
                _choose(in_section, condition, usable.main_names, usable.prepared),
            )
        elif usable.cell_products and not beside_other_treatment:
            scope = "document"
            chosen = _choose(usable.cell_products, condition, usable.main_names, usable.prepared)
        else:
            continue
        for candidate in chosen:
            key = (candidate.product_id, condition.key)
            if scope == "sentence":
                stated.setdefault(key, []).append((candidate, condition))
            previous = best.get(key)
            if previous is None or SCOPE_CONFIDENCE[scope] > SCOPE_CONFIDENCE[previous[0]]:
                best[key] = (scope, candidate, condition)
    flags = []
    # The catalogue's pair explanation names no quote: a page's fifty pairs need not make one.
    reads_quote = _reads_field(rule.explanation, "quote")
    for (product_id, condition_name), (scope, paired, condition) in best.items():
        info = lexicons.conditions[condition_name]
        label = paired.label
        title = f"{label[0].upper()}{label[1:]} marketed for {info.display}"
        anchor = Span(paired.mention.start, paired.mention.end)
        evidence, sentences, repeated = _pair_evidence(
            document, (paired, condition), stated.get((product_id, condition_name), [])
        )
        where = pair_link(document, paired.mention, condition)
        if repeated:
            where += f", and again in {repeated} more sentence{'s' if repeated > 1 else ''}"
        flags.append(
            Flag(
                rule_id=rule.id,
                category=rule.category,
                severity=rule.severity,
                title=title,
                explanation=render(
                    rule.explanation,
                    product=label,
                    condition=info.display,
                    quote=_short_quote(document.quote(condition)) if reads_quote else "",
                    where=where,
                ),
                evidence=evidence,
                confidence=SCOPE_CONFIDENCE[scope],
                anchor=anchor,
                product={"id": product_id, "label": label},
                condition={"name": condition_name, "code": info.code},
                sentence_indexes=sentences,
            )
        )
    return flags


# At most this many places a page states one pair are quoted (as a phrase rule quotes eight
# sentences): the first tells the reviewer what the claim is, the others where it is repeated.
PAIR_PLACES_QUOTED = 4


def _pair_evidence(
    document: Document,
    chosen: tuple[_Candidate, Mention],
    stated: list[tuple[_Candidate, Mention]],
) -> tuple[list[Span], set[int], int]:
    """The product and condition spans of the chosen pair, and of each other sentence that
    names the same product for the same condition (with no sentence end between the two), in
    text order; with their sentences and the number of places added."""
    places = [chosen]
    taken = {document.sentence_of[chosen[1]]}
    for candidate, condition in stated:
        sentence = document.sentence_of[condition]
        if len(places) == PAIR_PLACES_QUOTED:
            break
        first, last = _in_text_order(candidate.mention, condition)
        if sentence not in taken and _one_sentence(document.text, first.end, last.start):
            taken.add(sentence)
            places.append((candidate, condition))
    mentions = [m for candidate, condition in places for m in (candidate.mention, condition)]
    spans = sorted({Span(m.start, m.end) for m in mentions}, key=lambda s: (s.start, s.end))
    return spans, {document.sentence_of[m] for m in mentions}, len(places) - 1


CRITICAL_ANSWER = frozenset({"critical", "negation"})


# A bare "no" opening an answer ("No, we don't.", "Nein.", "いいえ、…"), in the languages of the
# lexicons: the word, then a mark that ends it (not "No side effects", which claims).
NEGATIVE_ANSWERS = ("no", "nope", "não", "nao", "non", "nein", "nee", "нет", "ні", "nie",
                    "hayır", "hayir", "không", "khong", "いいえ", "아니요", "아니오")  # fmt: skip
ANSWER_MARKS = ",.!;:、。，！"


def _answered_critically(document: Document, question: int) -> bool:
    """The sentence after a question speaks critically or denies ("Can stem cells fix my bad
    knees? Not yet."), or opens with a bare no: the question offers nothing. On a sales page
    the question introduces the offer, whatever a disclaimer further down says."""
    if not CRITICAL_ANSWER.isdisjoint(document.cues_by_sentence.get(question + 1, ())):
        return True
    if question + 1 >= len(document.sentences):
        return False
    answer = document.sentences[question + 1]
    opening = document.text[answer.start : answer.start + 12].lstrip(" \t\n\"'“«-–—•*").lower()
    return any(
        opening.startswith(word) and opening[len(word) : len(word) + 1] in ANSWER_MARKS
        for word in NEGATIVE_ANSWERS
        if len(opening) > len(word)
    )


_SENTENCE_BREAKS = ".!?\u3002\uff01\uff1f\n"


def _one_sentence(text: str, start: int, end: int) -> bool:
    """No line break or sentence-ending mark in text[start:end] (read without copying it: the
    gap between a title and a product can be most of a page)."""
    for mark in _SENTENCE_BREAKS:
        if text.find(mark, start, end) >= 0:
            return False
    return True


LINK_QUOTE_LIMIT = 80


def _in_text_order(one: Mention, other: Mention) -> tuple[Mention, Mention]:
    """The two mentions, the one that starts first first (`other` first when they start
    together)."""
    return (one, other) if one.start < other.start else (other, one)


def pair_link(document: Document, product: Mention, condition: Mention) -> str:
    """What truly links a product and a condition, read from where the two were found (not from
    the scope that chose them): the same sentence only when no line break or sentence-ending
    mark stands between them; else the heading one of them is, over the other; the page's title
    (a first line that is a heading); the same section; or the page as a whole."""
    first, last = _in_text_order(condition, product)
    if _one_sentence(document.text, first.end, last.start):
        return "in the same sentence"
    sentences = document.sentences
    first_sentence = sentences[document.sentence_at(first.start)]
    last_sentence = sentences[document.sentence_at(last.start)]
    for heading, other in ((first_sentence, last_sentence), (last_sentence, first_sentence)):
        if heading.is_heading and other.section == heading.section:
            return f"under the heading \u201c{_link_quote(document, heading)}\u201d"
    # The first line is the page's title only when it reads as one (a short line without a
    # full stop): an excerpt that opens with body text has no title to name.
    title = sentences[0] if sentences and sentences[0].is_heading else None
    if title is not None and first.start < title.end and first.end <= title.end:
        return f"on a page titled \u201c{_link_quote(document, title)}\u201d"
    if first_sentence.section == last_sentence.section:
        return "in the same section of the page"
    return "on the same page, which promotes it"


def _link_quote(document: Document, sentence: Any) -> str:
    return _short_quote(document.text[sentence.start : sentence.end], LINK_QUOTE_LIMIT)


# --- one product for many unrelated diseases -----------------------------------------------------


def detect_broad(rule: Rule, context: ClaimContext) -> list[Flag]:
    document, lexicons = context.document, context.lexicons
    min_conditions = int(rule.options.get("min_conditions", 4))
    min_groups = int(rule.options.get("min_groups", 3))
    covered = {
        name for m in document.approved for name in lexicons.approved[m.key].approved_conditions
    }
    first_mentions: dict[str, Mention] = {}
    for mention in document.conditions:
        if mention.key not in covered:
            first_mentions.setdefault(mention.key, mention)
    groups = {lexicons.conditions[name].group for name in first_mentions}
    if len(first_mentions) < min_conditions or len(groups) < min_groups:
        return []
    names = sorted(first_mentions, key=lambda n: first_mentions[n].start)
    listed = ", ".join(lexicons.conditions[n].display for n in names[:6]) + (
        f" and {len(names) - 6} more" if len(names) > 6 else ""
    )
    return [
        _rule_flag(
            rule,
            context,
            [Span(first_mentions[n].start, first_mentions[n].end) for n in names[:10]],
            confidence=0.85,
            sentence_indexes={document.sentence_of[first_mentions[n]] for n in names},
            condition=listed,
            count=str(len(names)),
            groups=str(len(groups)),
        )
    ]


# --- missing disclosure ------------------------------------------------------------------------


def _claim_span(document: Document, claim: Flag) -> Span:
    """Where a claim is made: its evidence when it is one span; a product named for a condition
    is the claim as a whole, product to condition, when one sentence holds both, else the
    sentence that names the condition (never the bare product name)."""
    if len(claim.evidence) == 1:
        return claim.evidence[0]
    first, last = (
        min(claim.evidence, key=lambda s: s.start),
        max(claim.evidence, key=lambda s: s.end),
    )
    if _one_sentence(document.text, first.end, last.start):
        return Span(first.start, last.end)
    anchor = claim.anchor
    others = [span for span in claim.evidence if span != anchor] or claim.evidence
    sentence = document.sentences[document.sentence_at(others[0].start)]
    return Span(sentence.start, sentence.end)


def detect_missing_disclosure(rule: Rule, context: ClaimContext, flags: list[Flag]) -> list[Flag]:
    document = context.document
    if not document.products or document.has_cue("disclosure"):
        return []
    # Only a rule's claim is qualified: a classifier-only sentence is not evidence enough.
    claims = [
        f
        for f in flags
        if f.category in CLAIM_CATEGORIES and f.evidence and f.source != "classifier"
    ]
    if not claims:
        return []
    # Point at the claim the missing statement should qualify: an efficacy or safety promise
    # first, else the product named for a disease.
    claim = min(
        claims,
        key=lambda f: (DISCLOSURE_EVIDENCE_PRIORITY.get(f.category, 9), f.first_offset, f.rule_id),
    )
    span = _claim_span(document, claim)
    return [
        _rule_flag(
            rule,
            context,
            [span],
            confidence=0.7,
            sentence_indexes=set(claim.sentence_indexes),
            quote=_short_quote(document.text[span.start : span.end]),
        )
    ]


# --- the registry: one detector per rule kind ------------------------------------------------


@dataclass
class ClaimsFound:
    """Claims found so far, and the classifier's page-level block once it has run."""

    flags: list[Flag] = field(default_factory=list)
    classifier_block: dict[str, Any] | None = None


Detector = Callable[[Rule, ClaimContext, ClaimsFound, bool], list[Flag]]


def _sentence_rule(detect: Callable[[Rule, ClaimContext], list[Flag]]) -> Detector:
    def run(rule: Rule, context: ClaimContext, found: ClaimsFound, explain: bool) -> list[Flag]:
        return detect(rule, context)

    return run


def _classifier_sentences(
    rule: Rule, context: ClaimContext, found: ClaimsFound, explain: bool
) -> list[Flag]:
    """Sentences the classifier finds violative where no rule matched."""
    return _assess(context, found, explain)


def _assess(context: ClaimContext, found: ClaimsFound, explain: bool) -> list[Flag]:
    """The classifier's reading of the claims found so far: the rule flags on sentences it
    finds violative are confirmed ("rule+classifier"), its page block is kept, and the
    violative sentences no rule covers are returned as flags of their own."""
    if context.classifier is None or context.scores is None:
        return []
    assessment = context.classifier.assess(
        context.document, found.flags, context.scores, explain=explain
    )
    found.flags[:] = [assessment.confirmed(flag) for flag in found.flags]
    found.classifier_block = assessment.block
    return assessment.sentence_flags


def _missing_disclosure(
    rule: Rule, context: ClaimContext, found: ClaimsFound, explain: bool
) -> list[Flag]:
    return detect_missing_disclosure(rule, context, found.flags)


DETECTORS: dict[str, Detector] = {
    "phrase": _sentence_rule(detect_phrase),
    "pair": _sentence_rule(detect_pairs),
    "broad": _sentence_rule(detect_broad),
    "classifier": _classifier_sentences,
    "disclosure": _missing_disclosure,
}
# Detectors that read other claims run after those claims are found.
DETECTOR_ORDER: tuple[str, ...] = ("phrase", "pair", "broad", "classifier", "disclosure")


def run_detectors(
    rules: tuple[Rule, ...], context: ClaimContext, *, explain: bool = True
) -> tuple[list[Flag], dict[str, Any] | None]:
    """Every rule's detector, in `DETECTOR_ORDER`, over the whole document: the claims found
    (repeats dropped) and the classifier's page block."""
    found = ClaimsFound()
    for kind in DETECTOR_ORDER:
        for rule in rules:
            if rule.kind == kind:
                found.flags.extend(DETECTORS[kind](rule, context, found, explain))
    if found.classifier_block is None:  # a catalogue without the classifier rule
        _assess(context, found, explain)
    return without_repeats(found.flags), found.classifier_block


def without_repeats(flags: list[Flag]) -> list[Flag]:
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
