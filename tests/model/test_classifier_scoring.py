"""The classifier's vectorised scoring equals the scikit-learn pipeline it was exported from.

`SentenceClassifier` computes features with `model.features` and every head in one sparse
product; `_top_terms` sums contributions with NumPy. These check them against the joblib
pipeline's `predict_proba` and against the plain per-term sum they replace.
"""

from __future__ import annotations

from dataclasses import replace
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import sparse

from model import classifier
from model.analysis import Document
from model.classifier import (
    MIN_SENTENCE_WORDS,
    _main_clauses,
    load_classifier,
    load_pipeline,
)
from model.text import segment
from training.dataset import load_rows

CLASSIFIER = load_classifier()
PIPELINE = load_pipeline()

ODD_TEXTS = [
    "",
    " ",
    "🧬🧬🧬",
    "Células madre mesenquimales: ¡cura garantizada!",
    "ﬁnally ﬂawless results",
    "İstanbul clinic offers stem cells",
    "stem\tcells\tcure\tALS",
    "a b c d e f g",
    "x" * 300 + " cells",
    "Pneumonoultramicroscopicsilicovolcanoconiosis reversed by our cells",
    "don't wait: it's the patients' choice",
]

AD = (
    "Regenerative Stem Cell Center\n"
    "Our umbilical cord stem cells reverse Parkinson's and cure MS.\n"
    "Call today for a free consultation!\n"
    "Short line.\n"
    "Patients report 100% success with no side effects whatsoever.\n"
    "Read the FDA consumer update on stem cell treatments before you decide."
)


def _document(text: str) -> Document:
    sentences, sections = segment(text)
    return Document(
        text=text,
        sentences=sentences,
        sections=sections,
        sentence_of={},
        cues_by_sentence={},
    )


def _assert_probabilities_equal(texts: list[str]) -> None:
    fast = CLASSIFIER.predict_proba(texts)
    reference = PIPELINE.predict_proba(texts)
    assert fast.shape == reference.shape
    assert np.abs(fast - reference).max(initial=0.0) < 1e-9


def test_predict_proba_matches_the_pipeline_on_the_training_rows():
    texts = [row.text for row in load_rows()]
    for start in range(0, len(texts), 500):
        _assert_probabilities_equal(texts[start : start + 500])


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_predict_proba_matches_the_pipeline_on_odd_text(text):
    _assert_probabilities_equal([text])
    _assert_probabilities_equal([text, "Our stem cells cure lupus.", text])


def test_predict_proba_of_nothing():
    assert CLASSIFIER.predict_proba([]).shape == (0, len(CLASSIFIER.columns))


def test_score_scores_the_sentences_of_enough_words():
    document = _document(AD)
    scores = CLASSIFIER.score(document)
    texts = [document.text[s.start : s.end] for s in document.sentences]
    expected = [i for i, t in enumerate(texts) if len(t.split()) >= MIN_SENTENCE_WORDS]
    assert scores.indexes == expected
    assert 0 < len(expected) < len(texts)  # "Short line." is left out
    reference = PIPELINE.predict_proba([texts[i] for i in expected])
    assert np.abs(scores.probabilities - reference).max() < 1e-9
    assert scores.features.shape[0] == len(expected)


CONCEDED = (
    "Although physiotherapy and painkillers help some people for a while, "
    "our injections of cord stem cells can cure knee arthritis for good."
)


def test_a_sentence_that_opens_with_a_concession_is_scored_on_its_main_clause_too():
    main = "our injections of cord stem cells can cure knee arthritis for good."
    whole, alone = PIPELINE.predict_proba([CONCEDED, main])[:, 0]
    assert whole < alone  # the conceded clause's words dilute the claim in a bag of words
    scores = CLASSIFIER.score(_document(CONCEDED))
    assert scores.violative[0] == pytest.approx(alone)
    assert scores.probabilities[0, 0] == pytest.approx(whole)  # the other heads: the sentence


@pytest.mark.parametrize(
    "text",
    [
        "Stem cells, our doctors say, can cure knee arthritis for good.",  # no opener
        "Although rare, infections happen.",  # a main clause too short to read alone
        "While stem cells are studied for arthritis no treatment is approved yet.",  # no comma
    ],
)
def test_only_a_concessive_opening_with_a_main_clause_is_read_apart(text):
    scores = CLASSIFIER.score(_document(text))
    assert scores.violative[0] == pytest.approx(PIPELINE.predict_proba([text])[0, 0])


def test_score_of_a_document_without_sentences_to_score():
    scores = CLASSIFIER.score(_document("Hours: 9-5\nCall us now"))
    assert scores.indexes == []
    assert scores.probabilities.shape == (0, len(CLASSIFIER.columns))


def _plain_top_terms(features, violative, limit=8):
    """`_top_terms` as a per-entry loop over the CSR matrix (its former implementation)."""
    rows = np.flatnonzero(violative >= min(CLASSIFIER.threshold, float(violative.max())))
    matrix = sparse.csc_matrix((features.data, features.indices, features.indptr), features.shape)
    selected = matrix.tocsr()[rows].tocoo()
    totals: dict[int, float] = {}
    for column, value in zip(selected.col.tolist(), selected.data.tolist(), strict=True):
        if CLASSIFIER.word_feature_mask[column]:
            contribution = value * CLASSIFIER.violative_weights[column]
            totals[column] = totals.get(column, 0.0) + float(contribution)
    best = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [
        {"term": CLASSIFIER.feature_name(c).split("__", 1)[-1], "weight": round(v, 3)}
        for c, v in best
        if v > 0
    ]


@pytest.mark.parametrize("limit", [1, 8, 50])
def test_top_terms_equal_the_plain_sum(limit):
    rows = load_rows()
    for start in range(0, 600, 60):
        texts = [row.text for row in rows[start : start + 60]] + ODD_TEXTS
        features = CLASSIFIER.transform(texts)
        violative = CLASSIFIER.probabilities(features)[:, 0]
        # The most violative rows, and also every row (threshold reached by all).
        for scores in (violative, np.full_like(violative, CLASSIFIER.threshold)):
            expected = _plain_top_terms(features, scores, limit)
            assert CLASSIFIER._top_terms(features, scores, limit) == expected
            assert expected  # the comparison covers actual terms


def test_top_terms_of_the_ad_name_its_claims():
    document = _document(AD)
    scores = CLASSIFIER.score(document)
    violative = scores.probabilities[:, 0]
    terms = CLASSIFIER._top_terms(scores.features, violative)
    assert terms == _plain_top_terms(scores.features, violative)
    assert all(term["weight"] > 0 for term in terms)


def test_the_classifier_confirms_rule_flags_without_changing_the_ones_it_was_given():
    """`assess` reads the rule flags found so far and says which it confirms; the caller
    replaces them, so a flag object is never changed behind its owner's back."""
    from model import shared_checker
    from model.pipeline import CheckState, run_pipeline

    checker = shared_checker()
    text = "Our umbilical cord stem cells cure multiple sclerosis and reverse autism."
    state = run_pipeline(
        CheckState(text, frozenset(), False), checker.parts, until="score_sentences"
    )
    assert state.document is not None and state.scores is not None
    assert checker.classifier is not None
    rule_flags = [
        flag
        for flag in run_pipeline(
            CheckState(text, frozenset(), False), checker.parts, until="find_claims"
        ).claims
        if flag.source != "classifier"
    ]
    as_rules = [replace(flag, source="rule") for flag in rule_flags]
    assessment = checker.classifier.assess(state.document, as_rules, state.scores, explain=False)
    assert all(flag.source == "rule" for flag in as_rules)  # untouched
    confirmed = [assessment.confirmed(flag) for flag in as_rules]
    assert any(flag.source == "rule+classifier" for flag in confirmed)
    assert all(
        after.confidence >= before.confidence
        for before, after in zip(as_rules, confirmed, strict=True)
    )


def test_feature_names_are_the_pipeline_s():
    """Each column's name, read from its vectorizer's terms, is the fitted pipeline's, and the
    word columns are those named "word__"."""
    expected = [str(name) for name in PIPELINE.named_steps["features"].get_feature_names_out()]
    width = len(expected)
    assert [CLASSIFIER.feature_name(c) for c in range(width)] == expected
    assert CLASSIFIER.word_feature_mask.tolist() == [n.startswith("word__") for n in expected]
    with pytest.raises(IndexError):
        CLASSIFIER.feature_name(width)
    with pytest.raises(IndexError):
        CLASSIFIER.feature_name(-1)


def _main_clauses_searched_in_every_text(texts: list[str]) -> dict[int, str]:
    """`_main_clauses` without its first-word filter: every text's first word let through, so
    the opening pattern is asked of each."""
    with mock.patch.object(classifier, "_folded_word", lambda word: "although"):
        return _main_clauses(texts)


_OPENERS = ["Although", "ALTHOUGH", "though", "\u0130n spite of", "in spite of", "Même si",
            "MALGRÉ", "si bien", "A pesar de", "\u0131n spite of", "Whilst", "Even though",
            "Stem", "The", ""]  # fmt: skip
_TEXTS = st.builds(
    "{}{}{} {}{}{}".format,
    st.sampled_from(["", " ", "\u00a0", "\n "]),
    st.sampled_from(_OPENERS),
    st.sampled_from([" ", "\u00a0", "", ","]),
    st.sampled_from(["painkillers help", "rare", "x", "the trial was small"]),
    st.sampled_from([", ", "; ", " "]),
    st.sampled_from(["our cells can cure knee pain for good.", "it works.", ""]),
)


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[*HealthCheck])
@given(st.lists(_TEXTS, max_size=4))
def test_the_first_word_filter_finds_every_concessive_opening(texts):
    assert _main_clauses(texts) == _main_clauses_searched_in_every_text(texts)
