"""The checker's fast paths agree with the plain computations they replace.

Pairing finds a condition's nearest product by bisection instead of a scan; the matcher tests word
boundaries on arrays and composed product names resolve their heads' overlaps per source word
with `leftmost_longest`; each is checked on generated input against the plain
version. (The end-to-end outputs are guarded by the rule examples and evaluation tests.)
"""

from __future__ import annotations

import bisect
import dataclasses
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import evasion, page_features, shared_checker
from model.characters import alphanumeric, word_characters, word_count
from model.checker import _printf_template
from model.detectors import (
    AGREEMENT,
    NEAREST_SCAN_LIMIT,
    Placeholders,
    _Candidate,
    _Nearby,
    _nearest,
    fill,
    is_normal,
    normal_spaces,
)
from model.features import _count, _strip_accents_all
from model.language import CJK_LETTER_WEIGHT, _letters
from model.lexicons import load_lexicons
from model.linear_regex import LinearPattern
from model.matcher import (
    Found,
    Mention,
    Phrase,
    PhraseMatcher,
    _vocabulary,
    kept_leftmost_longest,
    leftmost_longest_sorted,
    lexsort_bounded,
)
from model.normalise import fold_terms
from model.report import Flag, Span
from model.rules import load_rules
from model.text import fold_term, fold_text

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=300)


def leftmost_longest(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The plain computation: (start, end, key) spans without overlaps, of each overlapping run
    the earliest, then the longest (then the first key)."""
    kept: list[tuple[int, int, str]] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
        if span[0] >= last_end:
            kept.append(span)
            last_end = span[1]
    return kept


def _candidates(spans: list[tuple[int, int]]) -> list[_Candidate]:
    return [_Candidate("adipose", "fat", Mention("product", "k", s, s + n)) for s, n in spans]


span_lists = st.lists(
    st.tuples(st.integers(0, 400), st.integers(1, 30)),
    min_size=1,
    max_size=40,
)


@SETTINGS
@given(span_lists, st.integers(0, 420), st.integers(1, 30))
def test_bisection_finds_the_same_nearest_product_as_a_scan(spans, start, length):
    # Sorted and non-overlapping-ish lists take the bisection path; others fall back.
    spans = sorted(spans)
    candidates = _candidates(spans)
    condition = Mention("condition", "multiple sclerosis", start, start + length)
    nearby = _Nearby.of(candidates)
    assert nearby.nearest(condition) is _nearest(candidates, condition)


@SETTINGS
@given(span_lists, st.integers(0, 420), st.integers(1, 30))
def test_nearest_is_the_first_minimum_of_the_distance(spans, start, length):
    candidates = _candidates(spans)  # in any order, equal spans included
    condition = Mention("condition", "multiple sclerosis", start, start + length)

    def distance(candidate: _Candidate) -> tuple[int, int]:
        gap = condition.start - candidate.mention.end
        return (gap if gap >= 0 else 2 * (candidate.mention.start - condition.end) + 1, 0)

    assert _nearest(candidates, condition) is min(candidates, key=distance)


@SETTINGS
@given(st.integers(0, 60), st.integers(0, 2_000), st.integers(1, 20), st.integers(1, 9))
def test_bisection_on_long_ordered_lists(count, start, length, step):
    # Evenly spaced products, some of equal spans, always ordered: bisection must be taken.
    spans = [(i * step * 7, step * 3) for i in range(count + NEAREST_SCAN_LIMIT + 1)]
    spans += spans[:3]
    spans.sort()
    candidates = _candidates(spans)
    nearby = _Nearby.of(candidates)
    assert nearby.ordered
    condition = Mention("condition", "lupus", start, start + length)
    assert nearby.nearest(condition) is _nearest(candidates, condition)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 25)), max_size=30))
def test_leftmost_longest_keeps_no_overlap_and_prefers_early_then_long(spans):
    heads = [(s, s + n, f"h{n}") for s, n in spans]
    kept = leftmost_longest(heads)
    for first, second in zip(kept, kept[1:], strict=False):
        assert first[1] <= second[0]
    # Every dropped span overlaps a kept one that starts no later.
    for head in heads:
        if head in kept:
            continue
        assert any(k[0] <= head[0] < k[1] for k in kept)


# ASCII text is classified with `bytes.translate`, any other with array lookups: both are drawn.
any_text = st.text(max_size=60) | st.text(st.characters(max_codepoint=127), max_size=60)


@SETTINGS
@given(any_text)
def test_alphanumeric_is_str_isalnum(text):
    assert alphanumeric(text).tolist() == [char.isalnum() for char in text]


# Scripts with and without spaces, digits of other scripts, spaces of other widths.
mixed_scripts = st.text(
    st.sampled_from(
        list("ab 1\t\n\u00a0\u3000é\u0416\u0662\u0967\u6f22\u5b57\u3042\u30a2\uac00"
             "\u0e01\u0e32\u1000\u1780\uf900\u3400\U0001f600"
             # the ends of the unspaced scripts' ranges, and just outside them
             "\u0dff\u0e00\u0eff\u0f00\u109f\u17ff\u303f\u30ff\u4dbf\u9fff\ua000\ufaff\ufb00"
             "\uac00\ud7af\ud7b0\uffff")
    ),
    max_size=60,
)  # fmt: skip


def _word_count_per_character(text: str) -> int:
    """`word_count` as a per-character reading of its rule."""
    shares = {2: ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)),
              4: ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF))}  # fmt: skip
    kept, unspaced = [], 0.0
    for char in text:
        share = next((n for n, rs in shares.items() if any(a <= ord(char) <= b for a, b in rs)), 0)
        unspaced += 1 / share if share else 0
        kept.append("" if share else char)
    return len("".join(kept).split()) + int(unspaced)


@SETTINGS
@given(mixed_scripts | any_text)
def test_word_count_is_its_per_character_reading(text):
    assert word_count(text) == _word_count_per_character(text)


@SETTINGS
@given(mixed_scripts | any_text)
def test_letters_are_counted_as_a_per_character_reading(text):
    def cjk(char: str) -> bool:
        return any(
            a <= ord(char) <= b for a, b in ((0x3040, 0x30FF), (0x3400, 0x9FFF), (0xAC00, 0xD7AF))
        )

    letters = sum(1 for c in text if c.isalnum() and not c.isdecimal())
    expected = letters + (CJK_LETTER_WEIGHT - 1) * sum(1 for c in text if cjk(c))
    assert _letters(text) == expected


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 9)), max_size=80),
    st.sampled_from([10, 1 << 30]),
)
def test_count_is_the_sorted_count_of_each_pair(pairs, width):
    """The distinct (row, column) pairs in column-major order and their counts, with 32-bit
    keys (a small page) and with 64-bit ones (`width` × height past 32 bits)."""
    height = 7
    rows = np.array([row for row, _ in pairs], dtype=np.int32)
    columns = np.array([column for _, column in pairs], dtype=np.int32)
    counted = sorted(Counter((column, row) for row, column in pairs).items())
    found = _count(rows, columns, height, width)
    assert [array.tolist() for array in found] == [
        [row for (_, row), _ in counted],
        [column for (column, _), _ in counted],
        [count for _, count in counted],
    ]
    assert all(array.dtype == np.intp for array in found) or not pairs


def _plain_vocabulary(folded_terms: list[str], exact_terms: list[str]) -> frozenset[str]:
    vocabulary: set[str] = set()
    for term in [*folded_terms, *exact_terms]:
        words = term.lower().split()
        vocabulary.update(words)
        vocabulary.update(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    vocabulary.update(exact_terms)
    return frozenset(vocabulary)


_TERM_WORDS = st.sampled_from(["stem", "cells", "Stem", "MS", "cell", "ALS", "\u0130", "x\ty"])


@SETTINGS
@given(
    st.lists(st.lists(_TERM_WORDS, max_size=4).map(" ".join), max_size=8),
    st.lists(st.lists(_TERM_WORDS, max_size=3).map(" ".join), max_size=4),
)
def test_vocabulary_is_the_words_and_adjacent_pairs_of_each_term(folded, exact):
    assert _vocabulary(folded, exact) == _plain_vocabulary(folded, exact)


def _plain_strip_accents(text: str) -> str:
    """scikit-learn's `strip_accents_unicode`, as it is written there."""
    normalized = unicodedata.normalize("NFKD", text)
    return "".join(c for c in normalized if not unicodedata.combining(c))


@SETTINGS
@given(
    st.lists(
        any_text | st.text(st.sampled_from("ae \u0301\u00e9\u00f1\U0001d167\U0001d15e\ufb01\ud800"))
    )
)
def test_strip_accents_of_a_batch_is_the_plain_filter_of_each_text(texts):
    assert _strip_accents_all(texts) == [_plain_strip_accents(text) for text in texts]


def test_strip_accents_of_every_character():
    every = [chr(code) for code in range(0x30000)] + ["".join(map(chr, range(0x30000)))]
    assert _strip_accents_all(every) == [_plain_strip_accents(text) for text in every]


@SETTINGS
@given(any_text)
def test_evasion_classes_are_the_class_table_of_each_character(text):
    expected = [evasion._CLASSES[min(ord(char), 128)] for char in text]
    assert evasion._character_classes(text).tolist() == expected


@SETTINGS
@given(any_text)
def test_word_characters_are_alphanumerics_of_spaced_scripts(text):
    expected = [c.isalnum() and not ("\u4e00" <= c <= "\u9fff") for c in text]
    found = word_characters(text).tolist()
    # Han is the common case; other unspaced scripts (kana, Hangul, Thai) are also not word
    # characters, so only Han-free differences are checked against the simple rule.
    for char, simple, actual in zip(text, expected, found, strict=True):
        if actual != simple:
            assert simple and not actual, char


PHRASES = [
    Phrase("rule:a", "a", "stem cell"),
    Phrase("rule:a", "a", "stem cells"),
    Phrase("rule:a", "a", "cells"),
    Phrase("rule:b", "b", "i"),
    Phrase("rule:b", "b", "he"),
    Phrase("cue", "c", "$"),
    Phrase("exact", "ms", "MS", case_sensitive=True),
    Phrase("rule:c", "stem-cell", "\u5e72\u7ec6\u80de"),
]
MATCHER = PhraseMatcher(PHRASES)
pieces = st.sampled_from(
    [
        "stem",
        "cells",
        "cell",
        "i",
        "he",
        "the",
        "she",
        "MS",
        "ms",
        "$",
        " ",
        "  ",
        "-",
        "\n",
        "é",
        "𝐀",
        "_",
        ".",
        "Stem\u00a0Cells",
        "\u5e72\u7ec6\u80de",
        "\u6cbb\u7597",
        "\uac00",
        "\u200b",
    ]
)


def _is_word_character(char: str) -> bool:
    """Letters and digits of scripts written with spaces (not Han or Hangul)."""
    return char.isalnum() and not ("\u4e00" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7a3")


def _reference(text: str) -> list[tuple[str, str, int, int]]:
    """Every phrase occurrence on word boundaries, found naively, then leftmost-longest per
    group: what `PhraseMatcher.find` must return."""
    folded = fold_text(text)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    word = _is_word_character
    for phrase in PHRASES:
        haystack = folded.cased if phrase.case_sensitive else folded.folded
        term = fold_term(phrase.text, keep_case=phrase.case_sensitive)
        start = haystack.find(term)
        while start != -1:
            end = start + len(term)
            inside_start = start > 0 and word(haystack[start - 1]) and word(term[0])
            inside_end = end < len(haystack) and word(haystack[end]) and word(term[-1])
            if not inside_start and not inside_end:
                span = folded.span_in_original(start, end)
                spans.setdefault(phrase.group, []).append((*span, phrase.key))
            start = haystack.find(term, start + 1)
    found = []
    for group, group_spans in spans.items():
        found += [(group, k, s, e) for s, e, k in leftmost_longest(set(group_spans))]
    return sorted(found, key=lambda m: (m[2], -m[3], m[0]))


@SETTINGS
@given(st.lists(pieces, max_size=25).map("".join))
def test_matcher_finds_what_a_naive_search_finds(text):
    found = [(m.group, m.key, m.start, m.end) for m in MATCHER.find(fold_text(text))]
    assert found == _reference(text)


# --- start-up: every phrase folded at once ------------------------------------------------------

LOADED_PHRASES = [*load_lexicons().phrases] + [
    Phrase(group, rule.id, text)
    for rule in load_rules().rules
    for group, expanded in rule.phrase_groups()
    for text in expanded
]
# Spacing, case, ligatures, invisible and combining characters, final sigma, a NUL.
AWKWARD_TERMS = [
    "",
    " ",
    "  stem   cells ",
    "\tstem\u2028cells\u3000",
    "ﬁbrosis ＣＯＰＤ ½",
    "st\u00adem\u200bcells",
    "ΟΔΥΣΣΕΥΣ Σ ΣΑΣ-Σ aΣ Σa a\u0301Σ",
    "İstanbul",
    "😀 stem 𝐬𝐭𝐞𝐦",
    "a\x00b",
]


@pytest.mark.parametrize("keep_case", [False, True])
def test_fold_terms_is_fold_term_of_each_phrase(keep_case):
    texts = [phrase.text for phrase in LOADED_PHRASES]
    assert len(texts) > 10_000
    for terms in (texts, AWKWARD_TERMS, texts + AWKWARD_TERMS[:-1], AWKWARD_TERMS[:1], []):
        expected = [fold_term(term, keep_case=keep_case) for term in terms]
        assert fold_terms(terms, keep_case=keep_case) == expected


@SETTINGS
@given(st.lists(st.lists(pieces, max_size=4).map("".join) | st.text(max_size=8), max_size=12))
def test_fold_terms_is_fold_term_of_each_term(terms):
    for keep_case in (False, True):
        expected = [fold_term(term, keep_case=keep_case) for term in terms]
        assert fold_terms(terms, keep_case=keep_case) == expected


def test_the_matcher_holds_each_phrase_folded_alone():
    """Built with `fold_terms`, the automaton holds what folding each phrase alone gives: the
    same terms, each with the same (group, key) pairs, and the same vocabulary."""
    matcher = PhraseMatcher(LOADED_PHRASES)
    expected: dict[tuple[bool, str], set[tuple[str, str]]] = {}
    for phrase in LOADED_PHRASES:
        term = fold_term(phrase.text, keep_case=phrase.case_sensitive)
        if term:
            expected.setdefault((phrase.case_sensitive, term), set()).add(
                (phrase.group, phrase.key)
            )
    held: dict[tuple[bool, str], set[tuple[str, str]]] = {}
    for case_sensitive, term in expected:
        payloads = matcher.term_payloads(term, case_sensitive=case_sensitive)
        assert len(payloads) == 1, (case_sensitive, term, payloads)
        held[case_sensitive, term] = {
            (group, key) for group, key, _ in matcher.payload_pairs(payloads[0])
        }
    assert held == expected
    # Every payload is one term's: the automata hold no term besides those expected.
    assert len(matcher._pair_start) - 1 == len(expected)
    words = {word for _, term in expected for word in term.lower().split()}
    assert words <= matcher.vocabulary
    assert matcher.size == len(expected)


@SETTINGS
@given(
    st.lists(
        st.sampled_from([" ", "  ", "\n", "\u00a0", "\u200b", "{quote}", "a", "é"])
        | st.text(alphabet=st.characters(exclude_characters="{}"), max_size=4)
    ).map("".join),
    st.text(max_size=8),
)
def test_fill_is_the_template_filled_with_its_words_joined(template, quote):
    values = Placeholders(quote=quote)
    assert fill(template, values) == " ".join(template.format_map(values).split())


# The lexicons' product labels and condition names: the checker reads their forms at start-up.
_LEXICONS = load_lexicons()
LEXICON_LABELS = sorted(
    {p.label for p in _LEXICONS.products.values()} | {a.name for a in _LEXICONS.approved.values()}
)
LEXICON_CONDITIONS = sorted(_LEXICONS.conditions)
relevance_texts = st.lists(
    st.sampled_from([" ", "  ", "\n", "\u00a0", "\u200b", "%", "%s", "{", "}", "a", "é"])
    | st.text(max_size=4)
).map("".join)


@SETTINGS
@given(
    st.lists(
        st.sampled_from(["{quote}", "{product}", "{condition}", "{other}", "{{", "}}", "%s", "%"])
        | st.text(alphabet=st.characters(exclude_characters="{}"), max_size=4)
    ).map("".join)
)
def test_printf_templates_fill_as_format_map(template):
    expected = template.format_map(Placeholders(product="P", condition="C", quote="Q"))
    printf, fields = _printf_template(template, "test")
    assert printf % tuple("PCQ"[i] for i in fields) == expected


@SETTINGS
@given(
    st.lists(
        st.sampled_from(["{quote}", "{product}", "{condition}", " ", "  ", "\u00a0", "%"])
        | st.text(alphabet=st.characters(exclude_characters="{}"), max_size=4)
    ).map("".join),
    st.tuples(relevance_texts, relevance_texts, relevance_texts),
)
def test_normal_texts_in_a_normal_template_stay_normal(template, values):
    # What `_regulatory_context` relies on to skip normalising each filled template.
    printf, fields = _printf_template(template, "test")
    filled = printf % tuple(values[i] for i in fields)
    if is_normal(printf % (("x",) * len(fields))) and all(map(is_normal, values)):
        assert is_normal(filled)
    assert normal_spaces(filled) == " ".join(filled.split())


@pytest.mark.parametrize("product", ["adipose-derived stem cells", "exosome product"])
def test_printf_templates_make_verbs_agree_as_format_map(product):
    template = "Saying that {product} cure{s} {condition} shows what {product} {is} and {does}."
    expected = template.format_map(Placeholders(product=product, condition="C", quote="Q"))
    printf, fields = _printf_template(template, "test")
    plural = product.endswith("s")
    values = (product, "C", "Q", *(forms[plural] for forms in AGREEMENT.values()))
    assert printf % tuple(values[i] for i in fields) == expected


def test_a_verb_ending_must_follow_its_verb():
    with pytest.raises(ValueError, match="ends a word"):
        _printf_template("{product} {s} cures", "test")


@pytest.mark.parametrize("template", ["{quote!r}", "{quote:>9}", "{0}", "{}", "{product.id}"])
def test_printf_templates_refuse_what_format_map_would_not_fill_with_words(template):
    with pytest.raises(ValueError, match="relevance placeholder is a plain name"):
        _printf_template(template, "test")


@SETTINGS
@given(
    st.sampled_from(sorted({rule.id for rule in load_rules().rules if rule.references})),
    st.none()
    | st.fixed_dictionaries(
        {"id": st.just("adipose"), "label": relevance_texts | st.sampled_from(LEXICON_LABELS)}
    ),
    st.none()
    | st.fixed_dictionaries(
        {"name": st.none() | relevance_texts | st.sampled_from(LEXICON_CONDITIONS)}
    ),
    relevance_texts,
    st.booleans(),
)
def test_regulatory_context_is_each_reference_with_its_template_filled(
    checker, rule_id, product, condition, quote, compact
):
    """Against the plain computation: `fill` of the relevance template, on a copy of the
    reference's fields (`ContextTemplate.relevance` is the text when there is no placeholder)."""
    text = f"Before. {quote} After."
    evidence = [Span(len(text) - 6, len(text)), Span(8, 8 + len(quote))]  # the earliest is quoted
    flag = Flag(rule_id, "efficacy_claim", "high", "T", "E", evidence, 0.5, product=product)
    flag.condition = condition
    rule = checker.rules.by_id()[rule_id]
    values = Placeholders(
        product=product["label"] if product else "the cell product",
        condition=(condition or {}).get("name") or "the conditions named",
        quote=" ".join(quote.split())[:120],
    )
    expected = []
    for ref_id, template in zip(rule.references, checker._contexts[rule_id], strict=True):
        reference = checker.knowledge_base.reference(ref_id)
        plain = (
            rule.relevance.get(ref_id)
            or checker.rules.relevance_defaults.get(ref_id)
            or f"{reference.citation} bears on this {rule.category.replace('_', ' ')}: "
            "\u201c{quote}\u201d."
        )
        expected.append(
            {**(template.compact if compact else template.full), "relevance": fill(plain, values)}
        )
    assert checker._regulatory_context(flag, text, compact) == expected


def test_rule_groups_name_the_matcher_groups_of_each_rule():
    for rule in load_rules().rules:
        names = {rule.groups.any, rule.groups.unless, *rule.groups.all_of}
        assert {group for group, _ in rule.phrase_groups()} <= names
        assert rule.groups.all_of == tuple(f"rule:{rule.id}:{i}" for i in range(len(rule.all_of)))
        assert rule.groups.references == tuple(
            tuple(a for a in alternatives if a.startswith("@")) for alternatives in rule.all_of
        )


def test_flag_replaced_is_dataclasses_replace():
    flag = Flag(
        "rule.x",
        "efficacy_claim",
        "high",
        "Title",
        "Explanation",
        [Span(3, 9)],
        0.75,
        product={"id": "adipose", "label": "fat-derived cells"},
        sentence_indexes={1, 4},
        anchor=Span(3, 9),
    )
    fast = flag.replaced(source="rule+classifier", confidence=0.875)
    plain = dataclasses.replace(flag, source="rule+classifier", confidence=0.875)
    assert fast == plain and type(fast) is Flag
    assert all(getattr(fast, f.name) is getattr(plain, f.name) for f in dataclasses.fields(Flag))
    assert flag.source == "rule" and flag.confidence == 0.75


def _find_all_plain(matcher: PhraseMatcher, text) -> Found:
    """`find_all` group by group in Python: the plain computation it replaced. Each group is
    resolved leftmost-longest in reading order (the folded text's, where text stored reversed
    was reordered), each match then given its span in the original."""
    by_group: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    stored: dict[tuple[int, int], tuple[int, int]] = {}  # reading span -> original span
    origin = None if text.identity else text.origin
    for automaton, haystack in ((matcher._folded, text.folded), (matcher._exact, text.cased)):
        if automaton is not None:
            starts, ends, payloads, inside, read_starts, read_ends = matcher._spans(
                automaton, haystack, origin, reordered=text.reordered
            )
            for first, end, index, open_ended, read_first, read_end in zip(
                starts.tolist(),
                ends.tolist(),
                payloads.tolist(),
                inside.tolist(),
                read_starts.tolist(),
                read_ends.tolist(),
                strict=True,
            ):
                stored[read_first, read_end] = first, end
                for group, key, open_end in matcher.payload_pairs(index):
                    if open_end or not open_ended:
                        by_group[group].append((read_first, read_end, key))
    mentions: list[Mention] = []
    raw: dict[str, list[tuple[int, int, str]]] = {}
    for group, spans in by_group.items():
        if group in matcher.overlapping:
            raw[group] = sorted(
                ((*stored[s, e], key) for s, e, key in spans), key=lambda s: (s[0], -s[1], s[2])
            )
        else:
            mentions.extend(
                [Mention(group, key, *stored[s, e]) for s, e, key in leftmost_longest(spans)]
            )
    mentions.sort(key=lambda m: (m.start, -m.end, m.group))
    return Found(mentions, raw)


def _as_tuples(found):
    return (
        [(m.group, m.key, m.start, m.end) for m in found.mentions],
        found.raw,
    )


# With right-to-left overrides around words stored backwards, where reading order is not the
# stored order.
reordered_pieces = pieces | st.sampled_from(["\u202e", "\u202c", "sllec", "mets", "llec"])


@SETTINGS
@given(st.lists(reordered_pieces, max_size=25).map("".join))
def test_find_all_equals_the_plain_group_by_group_search(text):
    folded = fold_text(text)
    assert _as_tuples(MATCHER.find_all(folded)) == _as_tuples(_find_all_plain(MATCHER, folded))


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 30), st.integers(0, 6)), max_size=60))
def test_kept_leftmost_longest_is_the_scan_group_by_group(spans):
    rows = sorted((group, start, -(start + length)) for group, start, length in spans)
    groups = np.array([group for group, _, _ in rows], dtype=np.int64)
    starts = np.array([start for _, start, _ in rows], dtype=np.int64)
    ends = np.array([-negative_end for _, _, negative_end in rows], dtype=np.int64)
    expected = []
    current, last_end = -1, -1
    for group, start, end in zip(groups.tolist(), starts.tolist(), ends.tolist(), strict=True):
        if group != current:
            current, last_end = group, -1
        expected.append(start >= last_end)
        if start >= last_end:
            last_end = end
    assert kept_leftmost_longest(groups, starts, ends).tolist() == expected


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 5)), max_size=60),
    st.sampled_from([1, 1 << 40]),
)
def test_lexsort_bounded_is_lexsort(rows, scale):
    """Combined into one integer, or (`scale` makes the bounds' product too large) by
    `np.lexsort` itself: the same order, ties included."""
    columns = [np.array([row[i] for row in rows], dtype=np.int64) for i in range(3)]
    bounds = (4, 41 * scale, 6 * scale)
    expected = np.lexsort(tuple(reversed(columns)))
    found = lexsort_bounded(*zip(columns, bounds, strict=True))
    assert found.tolist() == expected.tolist()


def test_find_all_gives_overlapping_spans_in_leftmost_longest_order(checker):
    """`_composed_products` resolves heads with `leftmost_longest_sorted`, which needs them in
    this order."""
    from bench import corpus

    for text in corpus.make_ads(3, 5000, 13) + corpus.make_foreign_ads(3, 3000, 14):
        found = checker.matcher.find_all(fold_text(text, vocabulary=checker.matcher.vocabulary))
        assert found.raw
        for spans in found.raw.values():
            assert spans == sorted(spans, key=lambda s: (s[0], -s[1], s[2]))
            assert leftmost_longest_sorted(spans) == leftmost_longest(spans)


def test_find_all_equals_the_plain_search_with_every_phrase(checker):
    from bench import corpus

    matcher = checker.matcher
    texts = corpus.make_ads(5, 5000, 11) + corpus.make_foreign_ads(5, 3000, 12)
    texts += ["", "no phrase here", "Stem cells (MSC) for MS, ALS and T1D. 幹細胞治療 MS ms"]
    # A name stored backwards under an override is read before the longer name it shares a
    # head with ("stem cell injections"), though stored after it.
    texts.append("Try \u202elleC mets droc lacilibmU\u202c injections for lupus.")
    found = 0
    for text in texts:
        folded = fold_text(text, vocabulary=matcher.vocabulary)
        fast = matcher.find_all(folded)
        assert _as_tuples(fast) == _as_tuples(_find_all_plain(matcher, folded))
        found += len(fast.mentions) + sum(map(len, fast.raw.values()))
    assert found > 1000


def test_each_mention_is_in_the_sentence_bisection_finds(checker):
    from bench import corpus

    for text in [*corpus.make_ads(3, 5000, 13), "", "   ", "Stem cells cure MS."]:
        document = checker.document(text)
        starts = [s.start for s in document.sentences]
        for mentions in document.layers():
            for mention in mentions:
                expected = max(bisect.bisect_right(starts, mention.start) - 1, 0)
                assert document.sentence_of[mention] == expected


def test_in_sentence_is_the_plain_filter_of_each_list(checker):
    # Lists in text order take one slice; reversed and shuffled copies are sorted by sentence
    # first; either way each sentence's members come in the list's own order.
    from bench import corpus

    for text in [*corpus.make_ads(3, 5000, 14), "", "Stem cells cure MS. And ALS."]:
        document = checker.document(text)
        lists = [document.products, document.conditions, []]
        lists += document.layers()
        lists += [mentions[::-1] for mentions in lists]
        lists += [mentions[1::2] + mentions[::2] for mentions in lists]
        sentences = range(-1, len(document.sentences) + 1)
        for mentions in lists:
            for sentence in sentences:
                expected = [m for m in mentions if document.sentence_of[m] == sentence]
                assert list(document.in_sentence(mentions, sentence)) == expected


def test_lazy_heads_give_the_bits_of_every_head_at_once(checker):
    """The violative head scored alone, and the other heads of a few rows from their entries
    alone, equal the columns and rows of all heads scored together."""
    from bench import corpus

    classifier = checker.classifier
    if classifier is None:
        pytest.skip("no classifier artifact")
    for text in corpus.make_ads(4, 5000, 17) + corpus.make_foreign_ads(2, 3000, 18):
        scores = classifier.score(checker.document(text))
        assert scores.features is not None
        every = classifier.probabilities(scores.features)
        assert scores.violative.tobytes() == np.ascontiguousarray(every[:, 0]).tobytes()
        assert scores.probabilities.tobytes() == every.tobytes()
        rows = list(range(0, len(scores.indexes), 3))
        for row, values in classifier.row_probabilities(scores.features, rows).items():
            assert values.tobytes() == every[row].tobytes()


def test_pairs_equal_those_found_without_shared_preparation(checker, monkeypatch):
    """`_choose` splits the candidates of a scope by product id once per scope, and the
    page's main names once for every scope that reads them: the pairs are those found when
    every call prepares its own."""
    from bench import corpus
    from model import detectors

    rule = next(r for r in checker.rules.rules if r.kind == "pair")
    documents = [checker.document(t) for t in corpus.make_ads(6, 5000, 21)]
    documents += [checker.document(corpus.make_ads(1, 60000, 22)[0])]
    contexts = [detectors.ClaimContext(d, checker.lexicons) for d in documents]
    fast = [detectors.detect_pairs(rule, context) for context in contexts]
    choose = detectors._choose
    monkeypatch.setattr(
        detectors,
        "_choose",
        lambda scoped, condition, main, prepared: choose(scoped, condition, main, {}),
    )
    plain = [detectors.detect_pairs(rule, context) for context in contexts]
    assert fast == plain and sum(map(len, fast)) > 50


def _every_occurrence(terms: list[str], haystack: str) -> list[tuple[int, int, int]]:
    """(first index, last index, term number) of every occurrence of every term, overlapping
    ones included: what the automaton's scan must report, found by `str.find`."""
    found = []
    for number, term in enumerate(terms):
        at = haystack.find(term)
        while at >= 0:
            found.append((at, at + len(term) - 1, number))
            at = haystack.find(term, at + 1)
    return sorted(found)


@SETTINGS
@given(
    st.lists(
        st.text(alphabet="abé幹 \U0001f600\x00", min_size=1, max_size=4),
        min_size=1,
        max_size=8,
        unique=True,
    ),
    st.text(alphabet="abé幹 \ud800x\U0001f600\x00", max_size=40),
)
def test_term_automaton_reports_every_occurrence(terms, haystack):
    """The automaton finds every occurrence of every term, overlapping ones included, at
    code-point offsets; a surrogate (which the automaton cannot read) matches nothing and
    moves no offset."""
    from model.matcher import _automaton, _TermAutomaton

    built = _automaton(terms)
    assert built is not None
    automaton = _TermAutomaton(built, 0)
    starts, lasts, numbers = automaton.scan(haystack)
    found = sorted(zip(starts.tolist(), lasts.tolist(), numbers.tolist(), strict=True))
    assert found == _every_occurrence(terms, haystack)


def test_a_kept_matcher_finds_what_a_built_one_finds(tmp_path, monkeypatch):
    """The checker's matcher keeps its automata and vocabulary beside the data files; read
    back, they find the same mentions, and other terms are another key (built afresh)."""
    from bench import corpus
    from model import datafiles, matcher

    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path)
    built = PhraseMatcher(LOADED_PHRASES)
    PhraseMatcher(LOADED_PHRASES, keep=True)  # builds and keeps
    assert len(list((tmp_path / "__pycache__").glob("phrase_matcher.*"))) == 1

    def no_build(terms):
        raise AssertionError("built again")

    # (`_vocabulary` is part of the key: its code, so it is not replaced here.)
    monkeypatch.setattr(matcher, "_automaton", no_build)
    kept = PhraseMatcher(LOADED_PHRASES, keep=True)
    assert kept.vocabulary == built.vocabulary
    texts = corpus.make_ads(3, 3000, 21) + corpus.make_foreign_ads(3, 3000, 22)
    texts.append("Stem cells (MSC) for MS, ALS and T1D. 幹細胞治療 MS ms")
    for text in texts:
        folded = fold_text(text, vocabulary=built.vocabulary)
        assert _as_tuples(kept.find_all(folded)) == _as_tuples(built.find_all(folded))
    with pytest.raises(AssertionError, match="built again"):
        PhraseMatcher([*LOADED_PHRASES, Phrase("condition", "x", "a term never seen")], keep=True)
    # Another `_vocabulary` (its compiled code is in the key) is another key too.
    monkeypatch.setattr(matcher, "_vocabulary", lambda folded, exact: frozenset())
    with pytest.raises(AssertionError, match="built again"):
        PhraseMatcher(LOADED_PHRASES, keep=True)


def test_a_kept_phrase_index_is_the_one_built(tmp_path, monkeypatch):
    """The checker's phrase index is kept beside the data files and read back equal, arrays and
    their types included; other phrases, or another source of the package (which folds them),
    are another key."""
    from model import datafiles
    from model.matcher import _PhraseIndex

    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path)
    built = _PhraseIndex.of(LOADED_PHRASES)
    _PhraseIndex.kept(LOADED_PHRASES)  # builds and keeps
    assert len(list((tmp_path / "__pycache__").glob("phrase_index.*"))) == 1

    def no_build(phrases):
        raise AssertionError("built again")

    monkeypatch.setattr(_PhraseIndex, "of", no_build)
    kept = _PhraseIndex.kept(LOADED_PHRASES)
    for name in _PhraseIndex.__slots__:
        value, expected = getattr(kept, name), getattr(built, name)
        if isinstance(expected, np.ndarray):
            assert value.dtype == expected.dtype, name
            assert np.array_equal(value, expected), name
        else:
            assert value == expected, name
    with pytest.raises(AssertionError, match="built again"):
        _PhraseIndex.kept([*LOADED_PHRASES, Phrase("condition", "x", "a term never seen")])
    monkeypatch.setattr(datafiles, "model_source_digest", lambda: b"edited source")
    with pytest.raises(AssertionError, match="built again"):
        _PhraseIndex.kept(LOADED_PHRASES)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["g1", "g2", "composed:head"]),
            st.sampled_from(["k1", "k2", "k3"]),
            st.sampled_from(["stem cells", "Stem  Cells", "MS", "ms", "\u200b", "kök hücre", "ł"]),
            st.booleans(),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_the_phrase_index_is_the_plain_construction(rows):
    """Terms in order of their first phrase, folded ones first; each term's distinct pairs
    sorted, open where any case-insensitive phrase of the pair is open-ended."""
    from model.matcher import _PhraseIndex

    phrases = [Phrase(*row) for row in rows]
    index = _PhraseIndex.of(phrases)
    expected: dict[tuple[bool, str], dict[tuple[str, str], bool]] = {}
    for phrase in phrases:
        term = fold_term(phrase.text, keep_case=phrase.case_sensitive)
        if term:
            pairs = expected.setdefault((phrase.case_sensitive, term), {})
            opened = phrase.open_end and not phrase.case_sensitive
            pairs[phrase.group, phrase.key] = pairs.get((phrase.group, phrase.key), False) or opened
    assert index.folded_terms == [term for case, term in expected if not case]
    assert index.exact_terms == [term for case, term in expected if case]
    numbered = [(False, t) for t in index.folded_terms] + [(True, t) for t in index.exact_terms]
    assert len(index.pair_start) == len(numbered) + 1
    for number, case_term in enumerate(numbered):
        found = [
            (
                index.groups[index.pair_group[row]],
                index.keys[index.pair_key[row]],
                index.pair_open[row],
            )
            for row in range(index.pair_start[number], index.pair_start[number + 1])
        ]
        assert found == sorted((g, k, o) for (g, k), o in expected[case_term].items())
        assert index.any_open[number] == any(o for _, _, o in found)


# Quotation marks among letters, a disguised letter (Cyrillic "е"), an apostrophe and breaks.
QUOTE_ALPHABET = 'ab "\u201c\u201d\u00ab\u00bb\u201e\u2019\u00e9\u0435 .\n'
_QUOTATION_PATTERN = LinearPattern('["\u201c\u201d\u00ab\u00bb\u201e]')


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(QUOTE_ALPHABET), max_size=60))
def test_quotation_marks_found_by_a_scan_are_the_character_class_matches(text):
    document = shared_checker().document(text)
    scan = page_features._character_spans(page_features.QUOTATION_MARKS)(document)
    assert scan == page_features._pattern_spans(_QUOTATION_PATTERN)(document)
