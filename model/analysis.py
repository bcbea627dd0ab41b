"""What the checker knows about one document before any rule runs.

The analysed text is segmented into sentences and sections, every lexicon phrase is found in one
matcher pass, and each sentence is marked with the context it speaks in: critical, informational
or negated sentences do not promote anything. Whether the page as a whole offers a treatment is
decided later, by the page judgement (`model/page.py`), from what is found here.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np

from model.lexicons import (
    CUE_GROUPS,
    FALSE_FRIEND_TARGETS,
    PAGE_CUE_GROUPS,
    CueKind,
    PageFamily,
    SourceAfterHead,
    page_cue_counts,
)
from model.linear_regex import LinearPattern
from model.matcher import (
    APPROVED_GROUP,
    COMPOSED_HEAD_GROUP,
    COMPOSED_SOURCE_GROUP,
    CONDITION_GROUP,
    FALSE_FRIEND_GROUP,
    PRODUCT_GROUP,
    RULE_FALSE_FRIEND_GROUP,
    Mention,
    PhraseMatcher,
    capitals_are_meant,
    leftmost_longest_sorted,
)
from model.rules import Rule, is_claim_phrase_group
from model.text import FoldedText, Section, Sentence, fold_text, segment

SUPPRESSING_CUES = frozenset({"critical", "informational", "negation"})
# Reported speech that is the page's own story or claim, not a report of others' words.
OWN_WORDS_CUES = frozenset({"prognosis", "own_voice"})
# Where a contrast opens a new clause ("It is no miracle, but ...", "... — however, most of our
# patients ..."; a comma, colon or dash before the word, or 但是, しかし ...): a denial or a
# critic's word before it does not reach what follows (`Document.is_suppressed_at`). RE2
# (`model.linear_regex`); the match ends where the clause starts.
CONTRAST = LinearPattern(
    r"(?:[,:]\s*|\s[-–—]+\s*)(?:but|yet|however|pero|sin embargo|porém|mais|cependant"
    r"|aber|doch|jedoch|ma|però|tuttavia|но|однако|nhưng|tuy nhiên|ama|fakat|ancak|ale|jednak"
    r"|maar|echter|tapi|namun)\s+|但是|不过|不過|しかし|하지만\s*|그러나\s*",
    ignore_case=True,
)
# Cues whose reach a contrast ends; reports and reported speech frame the whole sentence.
CLAUSE_SCOPED_CUES: tuple[CueKind, ...] = ("negation", "critical")
# "not only ..., but also ...": no contrast, the denial's reach goes on.
ADDITIVE_WORDS = ("also", "too", "as well", "también", "tambem", "também", "aussi", "auch", "anche")


def _suppressing(cues: Set[str]) -> bool:
    """Cues that set aside what a sentence (or a clause) says: a critic's, a denial's, a report's;
    reported speech alone does not when the words are the page's own (`OWN_WORDS_CUES`)."""
    if SUPPRESSING_CUES.isdisjoint(cues):
        return False
    own_words = not OWN_WORDS_CUES.isdisjoint(cues)
    return not (own_words and SUPPRESSING_CUES & cues == {"informational"})


NO_MENTIONS: tuple[Mention, ...] = ()


@dataclass(frozen=True)
class Document:
    """An analysed text: its sentences and sections, and what the matcher found in it, in typed
    layers. Frozen, and its layers typed read-only: no stage changes what analysis found.

    The layers, each a sequence of mentions in text order:
    - the lexicon entities a rule may speak of: `products` (cell products, named or composed of
      a source and a head: "fat-derived stem cells"; none in a critical, informational or
      negated sentence), `approved` (FDA-approved products and established procedures) and
      `conditions` (none in such a sentence, nor among a sentence's warned-of risks);
    - `cues(kind)`: a kind of context cue (`CueKind`: critical, negation, ...);
      `cues_by_sentence` gives each sentence's kinds;
    - `page_cues(family)`: a page cue family (`PageFamily`: offer, provider voice, ...), of
      the page's language or English;
    - `rule_phrases(rule)`, `rule_all_of(rule, entry)`, `rule_unless(rule)`: a rule's own
      phrases (its `patterns`, the phrases of one `all_of` entry, its `unless` phrases).

    The derived values below (`about_approved_product`, `product_sentences`, ...) and the
    per-list index of `in_sentence` are computed when first asked and kept: caches of values
    that depend only on the layers, so they never change an answer."""

    text: str
    sentences: Sequence[Sentence]
    sections: Sequence[Section]
    sentence_of: Mapping[Mention, int]
    cues_by_sentence: Mapping[int, Set[str]]
    products: Sequence[Mention] = NO_MENTIONS
    approved: Sequence[Mention] = NO_MENTIONS
    conditions: Sequence[Mention] = NO_MENTIONS
    cover_only_keys: frozenset[str] = frozenset()
    generic_product_keys: frozenset[str] = frozenset()
    folded: FoldedText | None = field(default=None, repr=False)  # the text as matched
    # The matcher's mentions by group name (`model.matcher`): read through the accessors, so
    # that no caller spells a group's name.
    groups: Mapping[str, Sequence[Mention]] = field(default_factory=dict, repr=False)
    # Cache of `in_sentence`: id(list) -> (the list, kept alive so its id stays unique; its
    # mentions in sentence order, and the sentence of each).
    _sentence_index: dict[int, tuple[Sequence[Mention], Sequence[Mention], list[int]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # sentence -> where its clauses after the first start (`is_suppressed_at`), found when asked
    _clause_starts: dict[int, list[int]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def cues(self, kind: CueKind) -> Sequence[Mention]:
        """The context cues of `kind` (`context_cues.yaml`, any language)."""
        return self.groups.get(CUE_GROUPS[kind], NO_MENTIONS)

    def page_cues(self, family: PageFamily) -> Sequence[Mention]:
        """The page cues of `family` (`page_cues.yaml`) that count on this page: of its
        language or of English (`model.lexicons.page_cue_counts`)."""
        return self.groups.get(PAGE_CUE_GROUPS[family], NO_MENTIONS)

    def rule_phrases(self, rule: Rule) -> Sequence[Mention]:
        """Matches of the rule's `patterns`."""
        return self.groups.get(rule.groups.any, NO_MENTIONS)

    def rule_all_of(self, rule: Rule, entry: int) -> Sequence[Mention]:
        """Matches of the phrases of the rule's `all_of[entry]` (not its `@` references)."""
        return self.groups.get(rule.groups.all_of[entry], NO_MENTIONS)

    def rule_unless(self, rule: Rule) -> Sequence[Mention]:
        """Matches of the rule's `unless` phrases."""
        return self.groups.get(rule.groups.unless, NO_MENTIONS)

    def layers(self) -> Iterable[Sequence[Mention]]:
        """Every list of mentions the matcher found, one per group (for tests)."""
        return self.groups.values()

    def in_sentence(self, mentions: Sequence[Mention], sentence: int) -> Sequence[Mention]:
        """The members of `mentions` found in `sentence`, in their order in `mentions`.

        Each list is indexed once: its sentences, which are in order when its mentions are in
        text order (every layer is), so a sentence's mentions are one slice found by
        bisection. A list out of order is sorted by sentence first (stably). An empty list is
        not indexed."""
        if not mentions:
            return NO_MENTIONS
        cached = self._sentence_index.get(id(mentions))
        if cached is None:
            ordered = mentions
            sentences = list(map(self.sentence_of.__getitem__, mentions))
            if sentences != sorted(sentences):
                order = sorted(range(len(mentions)), key=sentences.__getitem__)
                ordered = [mentions[i] for i in order]
                sentences = [sentences[i] for i in order]
            self._sentence_index[id(mentions)] = (mentions, ordered, sentences)
        else:
            _, ordered, sentences = cached
        start = bisect.bisect_left(sentences, sentence)
        if start == len(sentences) or sentences[start] != sentence:
            return NO_MENTIONS
        return ordered[start : bisect.bisect_right(sentences, sentence, start)]

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> int:
        """The index of the sentence holding `offset` (the one before it, between sentences)."""
        return max(bisect.bisect_right(self._sentence_starts, offset) - 1, 0)

    def is_question(self, sentence: int) -> bool:
        span = self.sentences[sentence]
        return self.text[span.start : span.end].rstrip().endswith("?")

    def is_suppressed(self, sentence: int) -> bool:
        """Whether the sentence criticises, denies or reports others' words. Reported speech
        alone does not set aside a grim prognosis told by the patient ("they told me I would
        never walk" opens a testimonial), nor words the page credits to its own people
        ("according to our doctors, ..." is the provider's claim)."""
        cues = self.cues_by_sentence.get(sentence)
        return cues is not None and _suppressing(cues)

    def is_suppressed_at(self, sentence: int, offset: int) -> bool:
        """Whether what `sentence` says at `offset` is set aside (as `is_suppressed`), where a
        contrast ends the reach of a denial or a critic's word said before it: "We don't
        promise miracles, but 9 of 10 of our patients walk again" claims what follows the
        "but". A caveat after the contrast still reaches back ("they help, but more research
        is needed"), and a report frames the whole sentence ("a brochure claims that ..., but")."""
        cues = self.cues_by_sentence.get(sentence)
        if cues is None or SUPPRESSING_CUES.isdisjoint(cues):
            return False
        span = self.sentences[sentence]
        clauses = self._clause_starts.get(sentence)
        if clauses is None:
            clauses = [
                end
                for _, end in CONTRAST.finditer(self.text, span.start, span.end)
                if not self.text[end : end + 8].lower().startswith(ADDITIVE_WORDS)
            ]
            self._clause_starts[sentence] = clauses
        after = bisect.bisect_right(clauses, offset)
        if not after:  # no contrast before `offset`
            return _suppressing(cues)
        clause_start = clauses[after - 1]
        reaching = {
            kind
            for kind in cues & (SUPPRESSING_CUES | OWN_WORDS_CUES)
            if kind not in CLAUSE_SCOPED_CUES
        } | {
            kind
            for kind in CLAUSE_SCOPED_CUES
            if kind in cues
            and any(m.start >= clause_start for m in self.in_sentence(self.cues(kind), sentence))
        }
        return _suppressing(reaching)

    def quote(self, mention: Mention) -> str:
        return self.text[mention.start : mention.end]

    def has_cue(self, kind: CueKind) -> bool:
        return bool(self.cues(kind))

    @cached_property
    def about_approved_product(self) -> bool:
        """The page is about an FDA-approved product: it names approved products at least
        twice, at least as often as any named cell product and at least half as often as cell
        products of any kind."""
        approved = [m for m in self.approved if m.key not in self.cover_only_keys]
        named = [m for m in self.products if m.key not in self.generic_product_keys]
        # A page that says "stem cell therapy" a dozen times and names a transplant twice is
        # about the therapy: generic mentions count, at half weight.
        return (
            len(approved) >= 2
            and len(approved) >= len(named)
            and 2 * len(approved) >= len(self.products)
        )

    @property
    def promotes_cell_product(self) -> bool:
        """The page names a cell product and is not about an FDA-approved one (whether it
        promotes it at all is the page judgement's call)."""
        return bool(self.products) and not self.about_approved_product

    @cached_property
    def product_sentences(self) -> frozenset[int]:
        """The sentences that name a cell product."""
        return frozenset(self.sentence_of[m] for m in self.products)

    @cached_property
    def product_section_sentences(self) -> frozenset[int]:
        """The sentences of the sections that name a cell product."""
        sections = {self.sentences[i].section for i in self.product_sentences}
        return frozenset(i for i, s in enumerate(self.sentences) if s.section in sections)


def _overlaps(mention: Mention, others: Sequence[Mention], starts: list[int]) -> bool:
    index = bisect.bisect_right(starts, mention.start)
    for other in others[max(index - 3, 0) : index + 3]:
        if other.start < mention.end and mention.start < other.end:
            return True
    return False


def _composed_products(
    document: Document,
    window: int,
    heads_by_source: Mapping[str, frozenset[str]],
    heads: list[tuple[int, int, str]],
) -> list[Mention]:
    """Product mentions made of a source word and a head word close after it.

    `heads` are every head phrase found, as (start, end, head) spans sorted by start, then
    longest first, then head (as `PhraseMatcher.find_all` gives them). Each source
    accepts its own heads (`heads_by_source`), resolved leftmost-longest among themselves.
    Only the first accepted head after the source is examined, and only in the source's
    sentence: a later one is farther away. The gap is read only when it is short enough to
    hold `window` words.
    """
    found: list[Mention] = []
    heads_of: dict[str, tuple[list[int], list[tuple[int, int, str]]]] = {}
    for source in document.groups.get(COMPOSED_SOURCE_GROUP, NO_MENTIONS):
        accepted = heads_of.get(source.key)
        if accepted is None:
            allowed = heads_by_source.get(source.key, frozenset())
            kept = leftmost_longest_sorted([h for h in heads if h[2] in allowed])
            accepted = heads_of[source.key] = ([h[0] for h in kept], kept)
        starts, kept = accepted
        index = bisect.bisect_left(starts, source.end)
        if index == len(kept):
            continue
        head_start, head_end, _ = kept[index]
        if document.sentence_at(head_start) != document.sentence_of[source]:
            continue
        if _joins_one_name(document.text[source.end : head_start], window):
            found.append(Mention(PRODUCT_GROUP, source.key, source.start, head_end))
    return found


def _joins_one_name(gap: str, window: int) -> bool:
    """Whether the words between a source and its head leave them one product's name: at most
    `window` words (read only when the gap is short enough to hold them), and no list separator
    or full stop ("bone marrow, adipose tissue" lists two sources)."""
    return (
        len(gap) <= (window + 1) * 40
        and len(gap.split()) <= window
        and not any(mark in gap for mark in ",;.:")
    )


def _composed_head_first(
    document: Document, rule: SourceAfterHead, heads: list[tuple[int, int, str]]
) -> list[Mention]:
    """Product mentions named head first: a cell head, then within `rule.window` words of the
    same sentence a linking word ("from") and the source: "cells collected from your own bone
    marrow" (the words between joining them as `_joins_one_name` says)."""
    kept = leftmost_longest_sorted([h for h in heads if h[2] in rule.heads])
    ends = [h[1] for h in kept]
    found: list[Mention] = []
    for source in document.groups.get(COMPOSED_SOURCE_GROUP, NO_MENTIONS):
        index = bisect.bisect_right(ends, source.start) - 1
        if index < 0:
            continue
        head_start, head_end, _ = kept[index]
        if document.sentence_at(head_start) != document.sentence_of[source]:
            continue
        gap = document.text[head_end : source.start]
        if _joins_one_name(gap, rule.window) and not rule.linking_words.isdisjoint(
            gap.lower().split()
        ):
            found.append(Mention(PRODUCT_GROUP, source.key, head_start, source.end))
    return found


# Page cues that are pronouns. One of two letters written in capitals amid lower-case text is
# an abbreviation ("US", the United States), not the pronoun ("us"); a longer one is the
# pronoun stressed ("made for YOU").
PRONOUN_CUE_GROUPS = frozenset(
    {PAGE_CUE_GROUPS["first_person_plural"], PAGE_CUE_GROUPS["second_person"]}
)
PAGE_CUE_GROUP_NAMES = frozenset(PAGE_CUE_GROUPS.values())
CUE_GROUP_NAMES = frozenset(CUE_GROUPS.values())


def _abbreviation(text: str, mention: Mention) -> bool:
    if mention.group not in PRONOUN_CUE_GROUPS or mention.end - mention.start != 2:
        return False
    return text[mention.start : mention.end].isupper() and capitals_are_meant(
        text, mention.start, mention.end
    )


def _spans_in_language(
    mentions: Sequence[Mention], group: str, language: str | None
) -> set[tuple[int, int]]:
    """The spans of `group`'s mentions (keyed by the languages listing them) that name
    `language`."""
    return {(m.start, m.end) for m in mentions if m.group == group and language in m.key.split("+")}


def analyse(
    text: str,
    matcher: PhraseMatcher,
    composed_window: int = 3,
    *,
    composed_heads: Mapping[str, frozenset[str]] | None = None,
    composed_source_after: SourceAfterHead | None = None,
    cover_only_keys: frozenset[str] = frozenset(),
    generic_product_keys: frozenset[str] = frozenset(),
    harm_denials: Sequence[Rule] = (),
    language: str | None = None,
) -> Document:
    """`language`: the page's identified language; page cues of other languages are dropped
    (`page_cue_counts`). None keeps them all. `harm_denials`: rules whose phrases deny any
    harm ("no side effects")."""
    sentences, sections = segment(text)
    folded = fold_text(text, vocabulary=matcher.vocabulary)
    found = matcher.find_all(folded)
    mentions = found.mentions
    # Each mention's sentence: the last one starting at or before it (the first, before any).
    indexes = np.searchsorted(
        np.fromiter([s.start for s in sentences], dtype=np.int64, count=len(sentences)),
        np.fromiter([m.start for m in mentions], dtype=np.int64, count=len(mentions)),
        side="right",
    )
    sentence_indexes = np.maximum(indexes - 1, 0).tolist()
    by_group: dict[str, list[Mention]] = defaultdict(list)
    sentence_of: dict[Mention, int] = dict(zip(mentions, sentence_indexes, strict=True))
    # A lexicon term or English page cue that is a word of the page's language with another
    # meaning is that word there (a language file's `false_friends`: French "goût" is no gout,
    # Polish "we" is "in").
    false_friends = _spans_in_language(mentions, FALSE_FRIEND_GROUP, language)
    # Likewise a claim rule's phrase (Italian "cura" is care, or a course of treatment).
    rule_false_friends = _spans_in_language(mentions, RULE_FALSE_FRIEND_GROUP, language)
    for mention in mentions:
        if mention.group in PAGE_CUE_GROUP_NAMES and (
            not page_cue_counts(mention.key, language) or _abbreviation(text, mention)
        ):
            continue
        if (
            false_friends
            and mention.group in FALSE_FRIEND_TARGETS
            and (mention.start, mention.end) in false_friends
        ):
            continue
        if (
            rule_false_friends
            and is_claim_phrase_group(mention.group)
            and (mention.start, mention.end) in rule_false_friends
        ):
            continue
        by_group[mention.group].append(mention)
    cues_by_sentence: dict[int, set[str]] = defaultdict(set)
    for group, members in by_group.items():
        if group in CUE_GROUP_NAMES:
            for mention in members:
                cues_by_sentence[sentence_of[mention]].add(mention.key)
    # Every layer but the lexicon entities, which are chosen with its help; then the document
    # with them too, frozen from then on.
    document = Document(
        text,
        sentences,
        sections,
        sentence_of,
        cues_by_sentence,
        cover_only_keys=cover_only_keys,
        generic_product_keys=generic_product_keys,
        folded=folded,
        groups=dict(by_group),
    )

    approved = document.groups.get(APPROVED_GROUP, NO_MENTIONS)
    approved_starts = [m.start for m in approved]
    explicit = document.groups.get(PRODUCT_GROUP, NO_MENTIONS)
    explicit_starts = [m.start for m in explicit]
    composed = [
        m
        for m in _composed_products(
            document,
            composed_window,
            composed_heads or {},
            found.raw.get(COMPOSED_HEAD_GROUP, []),
        )
        if not _overlaps(m, explicit, explicit_starts)
    ]
    if composed_source_after is not None:
        # Named head first, a source makes a generic "stem cells" specific: "stem cells taken
        # from your bone marrow" names bone marrow cells, and the generic mention gives way.
        named = sorted(
            [m for m in explicit if m.key not in generic_product_keys] + composed,
            key=lambda m: m.start,
        )
        named_starts = [m.start for m in named]
        head_first = [
            m
            for m in _composed_head_first(
                document, composed_source_after, found.raw.get(COMPOSED_HEAD_GROUP, [])
            )
            if not _overlaps(m, named, named_starts)
        ]
        if head_first:
            head_first_starts = [m.start for m in head_first]
            explicit = [m for m in explicit if not _overlaps(m, head_first, head_first_starts)]
            composed += head_first
    for mention in composed:
        sentence_of[mention] = document.sentence_at(mention.start)
    products = [
        m
        for m in sorted([*explicit, *composed], key=lambda m: m.start)
        if not _overlaps(m, approved, approved_starts)
        and not document.is_suppressed_at(sentence_of[m], m.start)
    ]
    # A condition in a sentence about risks ("side effects include infertility") is a harm the
    # text warns of, not something the product is offered for; unless the sentence denies the
    # risks ("treats MS with no side effects": `harm_denials`, the rules that find such
    # claims by their phrases).
    denying = {sentence_of[m] for rule in harm_denials for m in document.rule_phrases(rule)}
    conditions = [
        m
        for m in document.groups.get(CONDITION_GROUP, NO_MENTIONS)
        if not document.is_suppressed_at(sentence_of[m], m.start)
        and ("adverse" not in cues_by_sentence.get(sentence_of[m], ()) or sentence_of[m] in denying)
    ]
    return replace(document, products=products, approved=approved, conditions=conditions)
