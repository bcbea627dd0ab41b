"""The checker's fast paths agree with the plain computations they replace.

Pairing finds a condition's nearest product by bisection instead of a scan, and composed product
names resolve their heads' overlaps per source word with `leftmost_longest`; both are checked on
generated input. (The end-to-end outputs are guarded by the rule examples and evaluation tests.)
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from model.detectors import NEAREST_SCAN_LIMIT, _Candidate, _Nearby, _nearest
from model.matcher import Mention, leftmost_longest

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
    mentions = [Mention("composed:head", f"h{n}", s, s + n) for s, n in spans]
    kept = leftmost_longest(mentions)
    for first, second in zip(kept, kept[1:], strict=False):
        assert first.end <= second.start
    # Every dropped mention overlaps a kept one that starts no later.
    for mention in mentions:
        if mention in kept:
            continue
        assert any(k.start <= mention.start < k.end for k in kept)
