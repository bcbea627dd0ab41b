"""The checker's fast paths agree with the plain computations they replace.

Pairing finds a condition's nearest product by bisection instead of a scan; the matcher tests word
boundaries on arrays and composed product names resolve their heads' overlaps per source word
with `leftmost_longest`; each is checked on generated input against the plain
version. (The end-to-end outputs are guarded by the rule examples and evaluation tests.)
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from model.detectors import NEAREST_SCAN_LIMIT, _Candidate, _Nearby, _nearest
from model.matcher import Mention, Phrase, PhraseMatcher, alphanumeric, leftmost_longest
from model.text import fold_term, fold_text

SETTINGS = settings(derandomize=True, database=None, deadline=None, max_examples=300)


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


@SETTINGS
@given(st.text(max_size=60))
def test_alphanumeric_is_str_isalnum(text):
    assert alphanumeric(text).tolist() == [char.isalnum() for char in text]


PHRASES = [
    Phrase("rule:a", "a", "stem cell"),
    Phrase("rule:a", "a", "stem cells"),
    Phrase("rule:a", "a", "cells"),
    Phrase("rule:b", "b", "i"),
    Phrase("rule:b", "b", "he"),
    Phrase("cue", "c", "$"),
    Phrase("exact", "ms", "MS", case_sensitive=True),
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
    ]
)


def _reference(text: str) -> list[tuple[str, str, int, int]]:
    """Every phrase occurrence on word boundaries, found naively, then leftmost-longest per
    group: what `PhraseMatcher.find` must return."""
    folded = fold_text(text)
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for phrase in PHRASES:
        haystack = folded.original if phrase.case_sensitive else folded.folded
        term = phrase.text if phrase.case_sensitive else fold_term(phrase.text)
        start = haystack.find(term)
        while start != -1:
            end = start + len(term)
            inside_start = start > 0 and haystack[start - 1].isalnum() and term[0].isalnum()
            inside_end = end < len(haystack) and haystack[end].isalnum() and term[-1].isalnum()
            if not inside_start and not inside_end:
                if not phrase.case_sensitive:
                    span = folded.span_in_original(start, end)
                else:
                    span = (start, end)
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
