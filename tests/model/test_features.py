"""The vectorised TF-IDF transform equals scikit-learn's on real and awkward text."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.classifier import load_classifier, load_pipeline
from training.dataset import load_rows

CLASSIFIER = load_classifier()
PIPELINE = load_pipeline()
VECTORIZERS = [v for _, v in PIPELINE.named_steps["features"].transformer_list]


def _assert_equal(texts: list[str]) -> None:
    for vectorizer, fast in zip(VECTORIZERS, CLASSIFIER.vectorizers, strict=True):
        expected = vectorizer.transform(texts).toarray()
        actual = fast.transform(texts).toarray()
        assert np.abs(expected - actual).max(initial=0.0) < 1e-9, vectorizer.analyzer


def test_equal_on_the_training_sentences():
    texts = [row.text for row in load_rows()]
    for start in range(0, len(texts), 200):
        _assert_equal(texts[start : start + 200])


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "a",
        "I",
        "ab",
        "stem",
        "Células madre ÉLA",
        "ﬁne ﬂow",
        "İstanbul",
        "x\ty\nz",
        "🧬 cells 🧬🧬",
        "don't stop",
        "a b c d e f",
    ],
)
def test_equal_on_edge_cases(text):
    _assert_equal([text, "Our stem cells cure MS."])


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=4))
def test_equal_on_arbitrary_unicode(texts):
    _assert_equal(texts)


def test_probabilities_match_the_pipeline():
    texts = ["Our umbilical cord cells reverse Parkinson's.", "Read the FDA consumer update."]
    fast = CLASSIFIER.predict_proba(texts)
    reference = PIPELINE.predict_proba(texts)
    assert np.abs(fast - reference).max() < 1e-9
