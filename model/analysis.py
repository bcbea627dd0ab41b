"""What the checker knows about one document before any rule runs.

The analysed text is segmented into sentences and sections, every lexicon phrase is found in one
matcher pass, and each sentence is marked with the context it speaks in: critical, informational
or negated sentences do not promote anything. Whether the page as a whole offers a treatment is
decided later, by the page judgement (`model/page.py`), from what is found here.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from model.lexicons import SourceAfterHead, page_cue_counts
from model.matcher import (
    COMPOSED_HEAD_GROUP,
    Mention,
    PhraseMatcher,
    capitals_are_meant,
    leftmost_longest_sorted,
)
from model.text import FoldedText, Section, Sentence, fold_text, segment

SUPPRESSING_CUES = frozenset({"critical", "informational", "negation"})
# Reported speech that is the page's own story or claim, not a report of others' words.
OWN_WORDS_CUES = frozenset({"prognosis", "own_voice"})


@dataclass
class Document:
    text: str
    sentences: list[Sentence]
    sections: list[Section]
    mentions_by_group: dict[str, list[Mention]]
    sentence_of: dict[Mention, int]
    cues_by_sentence: dict[int, set[str]]
    products: list[Mention] = field(default_factory=list)
    approved: list[Mention] = field(default_factory=list)
    conditions: list[Mention] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    cover_only_keys: frozenset[str] = frozenset()
    generic_product_keys: frozenset[str] = frozenset()
    folded: FoldedText | None = field(default=None, repr=False)  # the text as matched
    # id(list) -> (the list, kept alive so its id stays unique; its mentions in sentence order,
    # and the sentence of each)
    _sentence_index: dict[int, tuple[list[Mention], list[Mention], list[int]]] = field(
        default_factory=dict, repr=False
    )

    def group(self, name: str) -> list[Mention]:
        return self.mentions_by_group.get(name, [])

    def in_sentence(self, mentions: list[Mention], sentence: int) -> list[Mention]:
        """The members of `mentions` found in `sentence`, in their order in `mentions`.

        Each list is indexed once: its sentences, which are in order when its mentions are in
        text order (every list the rules pass is), so a sentence's mentions are one slice found
        by bisection. A list out of order is sorted by sentence first (stably). An empty list,
        often a fresh `group()` default, is not indexed."""
        if not mentions:
            return []
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
            return []
        return ordered[start : bisect.bisect_right(sentences, sentence, start)]

    def sentence_at(self, offset: int) -> int:
        """The index of the sentence holding `offset` (the one before it, between sentences)."""
        starts = self._sentence_starts
        if not starts:
            self._sentence_starts = starts = [s.start for s in self.sentences]
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    def is_question(self, sentence: int) -> bool:
        span = self.sentences[sentence]
        return self.text[span.start : span.end].rstrip().endswith("?")

    def is_suppressed(self, sentence: int) -> bool:
        """Whether the sentence criticises, denies or reports others' words. Reported speech
        alone does not set aside a grim prognosis told by the patient ("they told me I would
        never walk" opens a testimonial), nor words the page credits to its own people
        ("according to our doctors, ..." is the provider's claim)."""
        cues = self.cues_by_sentence.get(sentence)
        if cues is None or SUPPRESSING_CUES.isdisjoint(cues):
            return False
        own_words = not OWN_WORDS_CUES.isdisjoint(cues)
        return not (own_words and SUPPRESSING_CUES & cues == {"informational"})

    def quote(self, mention: Mention) -> str:
        return self.text[mention.start : mention.end]

    def has_cue(self, kind: str) -> bool:
        return bool(self.group(f"cue:{kind}"))

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


def _overlaps(mention: Mention, others: list[Mention], starts: list[int]) -> bool:
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
    for source in document.group("composed:source"):
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
            found.append(Mention("product", source.key, source.start, head_end))
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
    for source in document.group("composed:source"):
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
            found.append(Mention("product", source.key, head_start, source.end))
    return found


# Page cues that are pronouns. One of two letters written in capitals amid lower-case text is
# an abbreviation ("US", the United States), not the pronoun ("us"); a longer one is the
# pronoun stressed ("made for YOU").
PRONOUN_CUE_GROUPS = frozenset({"page:first_person_plural", "page:second_person"})


def _abbreviation(text: str, mention: Mention) -> bool:
    if mention.group not in PRONOUN_CUE_GROUPS or mention.end - mention.start != 2:
        return False
    return text[mention.start : mention.end].isupper() and capitals_are_meant(
        text, mention.start, mention.end
    )


def analyse(
    text: str,
    matcher: PhraseMatcher,
    composed_window: int = 3,
    *,
    composed_heads: Mapping[str, frozenset[str]] | None = None,
    composed_source_after: SourceAfterHead | None = None,
    cover_only_keys: frozenset[str] = frozenset(),
    generic_product_keys: frozenset[str] = frozenset(),
    harm_denials: frozenset[str] = frozenset(),
    language: str | None = None,
) -> Document:
    """`language`: the page's identified language; page cues of other languages are dropped
    (`page_cue_counts`). None keeps them all."""
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
    for mention in mentions:
        if mention.group.startswith("page:") and (
            not page_cue_counts(mention.key, language) or _abbreviation(text, mention)
        ):
            continue
        by_group[mention.group].append(mention)
    cues_by_sentence: dict[int, set[str]] = defaultdict(set)
    for group, members in by_group.items():
        if group.startswith("cue:"):
            for mention in members:
                cues_by_sentence[sentence_of[mention]].add(mention.key)
    document = Document(
        text,
        sentences,
        sections,
        dict(by_group),
        sentence_of,
        cues_by_sentence,
        cover_only_keys=cover_only_keys,
        generic_product_keys=generic_product_keys,
        folded=folded,
    )

    approved = document.group("approved")
    approved_starts = [m.start for m in approved]
    document.approved = approved
    explicit = document.group("product")
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
    document.products = [
        m
        for m in sorted(explicit + composed, key=lambda m: m.start)
        if not _overlaps(m, approved, approved_starts)
        and not document.is_suppressed(sentence_of[m])
    ]
    # A condition in a sentence about risks ("side effects include infertility") is a harm the
    # text warns of, not something the product is offered for; unless the sentence denies the
    # risks ("treats MS with no side effects": `harm_denials`, the phrase groups of rules that
    # find such claims).
    denying = {sentence_of[m] for group in harm_denials for m in document.group(group)}
    document.conditions = [
        m
        for m in document.group("condition")
        if not document.is_suppressed(sentence_of[m])
        and (
            "adverse" not in document.cues_by_sentence.get(sentence_of[m], ())
            or sentence_of[m] in denying
        )
    ]
    return document
