"""The vectorised TF-IDF transform equals scikit-learn's on real and awkward text."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from model.classifier import load_classifier, load_pipeline
from model.features import (
    _CLASS_TABLE_SIZE,
    _WORD,
    FastTfidf,
    _character_classes,
    _CharTrie,
    tfidf_union,
)
from training.dataset import load_rows

CLASSIFIER = load_classifier()
PIPELINE = load_pipeline()
VECTORIZERS = [v for _, v in PIPELINE.named_steps["features"].transformer_list]
TRAINING_TEXTS = [row.text for row in load_rows()]


def _assert_equal(texts: list[str], pairs=None) -> None:
    pairs = pairs or list(zip(VECTORIZERS, CLASSIFIER.vectorizers, strict=True))
    for vectorizer, fast in pairs:
        expected = vectorizer.transform(texts).toarray()
        matrix = fast.transform(texts)
        assert _as_scipy(matrix).has_canonical_format
        actual = matrix.toarray()
        # The same n-grams, and the same values.
        assert np.array_equal(expected != 0, actual != 0), vectorizer.analyzer
        assert np.abs(expected - actual).max(initial=0.0) < 1e-9, vectorizer.analyzer


def _as_scipy(matrix):
    """The same matrix as scipy's `csc_matrix`, built from the arrays alone (it checks them)."""
    result = sparse.csc_matrix((matrix.data, matrix.indices, matrix.indptr), shape=matrix.shape)
    result.check_format(full_check=True)
    # `columns` is the column of each entry, as `indptr` says.
    assert np.array_equal(
        matrix.columns, np.repeat(np.arange(matrix.shape[1]), np.diff(matrix.indptr))
    )
    return result


def test_equal_on_the_training_sentences():
    for start in range(0, len(TRAINING_TEXTS), 200):
        _assert_equal(TRAINING_TEXTS[start : start + 200])


def test_the_product_is_scipys_bit_for_bit():
    """`SparseFeatures.times` gives the very bits of scipy's sparse-dense product, on batches of
    every size, and an empty batch or one without any known n-gram."""
    weights = CLASSIFIER.weights
    for size in (1, 3, 40, 200):
        for start in range(0, len(TRAINING_TEXTS), 499):
            matrix = tfidf_union(CLASSIFIER.vectorizers, TRAINING_TEXTS[start : start + size])
            expected = np.asarray(_as_scipy(matrix) @ weights)
            assert matrix.times(CLASSIFIER.heads).tobytes() == expected.tobytes()
    for texts in ([], ["", " ", "\u2603"]):
        matrix = tfidf_union(CLASSIFIER.vectorizers, texts)
        expected = np.asarray(_as_scipy(matrix) @ weights)
        assert matrix.times(CLASSIFIER.heads).tobytes() == expected.tobytes()


def test_the_union_is_the_pipelines_feature_union():
    texts = TRAINING_TEXTS[:300] + ["", "Stem cells!", "  "]
    expected = PIPELINE.named_steps["features"].transform(texts).toarray()
    actual = tfidf_union(CLASSIFIER.vectorizers, texts).toarray()
    assert np.array_equal(expected != 0, actual != 0)
    assert np.abs(expected - actual).max() < 1e-9
    assert tfidf_union(CLASSIFIER.vectorizers, []).shape == (0, expected.shape[1])


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
        "ΣΟΦΟΣ σοφος",
        "x\ty\nz",
        "🧬 cells 🧬🧬",
        "𝐒𝐭𝐞𝐦 cells",  # mathematical bold letters: word characters beyond the BMP
        "don't stop",
        "'quoted' words' ends 'n' rock''n''roll ''",
        "it's'' a''b '' x'",
        "snake_case and 2nd 10,000 cells",
        "a b c d e f",
        "stem\u00a0cells\u3000cure\u2028all\x1cthings\x85now",
        "supercalifragilisticexpialidocious mesenchymalstemcelltransplantation",
        "cells" * 40,
        "\ud800 lone surrogate \udfff",
        "-- !!! ... ???",
    ],
)
def test_equal_on_edge_cases(text):
    _assert_equal([text, "Our stem cells cure MS."])
    _assert_equal(["Our stem cells cure MS.", text])


def test_rows_do_not_leak_into_each_other():
    # Empty and blank texts between others: no n-gram may span two texts or shift rows.
    _assert_equal(["", "stem", " ", "cells cure", "", "\t", "stem cells", "cure"])
    _assert_equal(["ab", "cd"] * 50)


def test_word_characters_match_re_for_every_code_point():
    codes = np.array([c for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF])
    text = "".join(map(chr, codes))
    expected = {ord(c) for c in re.findall(r"(?u)\w", text)}
    words = codes[_character_classes(codes.astype(np.uint32)) == _WORD]
    assert set(words.tolist()) == expected
    assert _CLASS_TABLE_SIZE == 0x10000


def test_no_whitespace_above_the_char_table():
    # `_CharTrie` reads every whitespace character as a space from a table up to U+3000.
    assert max(c for c in range(sys.maxunicode + 1) if chr(c).isspace()) <= 0x3000


@pytest.mark.parametrize(
    "options",
    [
        # scikit-learn's default pattern (tokens of two or more characters), no sublinear tf
        {"analyzer": "word", "ngram_range": (1, 3), "lowercase": False},
        # a pattern left to `re`
        {"analyzer": "word", "ngram_range": (2, 2), "token_pattern": r"(?u)\b\w+\b"},
        {"analyzer": "char_wb", "ngram_range": (2, 6), "strip_accents": "unicode"},
        {"analyzer": "char_wb", "ngram_range": (4, 4), "sublinear_tf": True},
    ],
)
def test_equal_for_other_settings(options):
    vectorizer = TfidfVectorizer(min_df=2, **options).fit(TRAINING_TEXTS[:400])
    fast = FastTfidf.from_vectorizer(vectorizer)
    odd = ["", "a", "ab abc", "I'm here", "İstanbul ÉLA", "x\ty", "🧬 ﬁne", "a b c d"]
    _assert_equal(TRAINING_TEXTS[400:600] + odd, [(vectorizer, fast)])
    # Two vectorizers with different preprocessing in one union.
    pair = [VECTORIZERS[0], vectorizer]
    expected = np.hstack([v.transform(odd + TRAINING_TEXTS[:50]).toarray() for v in pair])
    union = tfidf_union([CLASSIFIER.vectorizers[0], fast], odd + TRAINING_TEXTS[:50])
    assert np.abs(expected - union.toarray()).max() < 1e-9


# Text made of vocabulary words and awkward separators hits many n-grams, unlike random text.
VOCABULARY_WORDS = sorted({t for v in VECTORIZERS if v.analyzer == "word" for t in v.vocabulary_})
pieces = st.one_of(
    st.sampled_from(VOCABULARY_WORDS),
    st.sampled_from(
        [" ", "  ", "\t", "\n", "'", "''", ".", "-", "_", "É", "ﬁ", "İ", "🧬", "\u00a0"]
    ),
    st.text(max_size=3),
)
documents = st.lists(pieces, max_size=25).map("".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.text(max_size=60), min_size=1, max_size=4))
def test_equal_on_arbitrary_unicode(texts):
    _assert_equal(texts)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.lists(documents, min_size=1, max_size=6))
def test_equal_on_vocabulary_heavy_text(texts):
    _assert_equal(texts)


def test_probabilities_match_the_pipeline():
    texts = ["Our umbilical cord cells reverse Parkinson's.", "Read the FDA consumer update."]
    fast = CLASSIFIER.predict_proba(texts)
    reference = PIPELINE.predict_proba(texts)
    assert np.abs(fast - reference).max() < 1e-9


def _reference_trie(terms: list[str], trie: _CharTrie) -> tuple[np.ndarray, ...]:
    """The child, head and column tables built prefix by prefix, with dictionaries (the former
    construction), from the trie's own alphabet, width and head."""
    alphabet = sorted(set("".join(terms)))
    letter = {c: i for i, c in enumerate(alphabet)}
    nodes: dict[str, int] = {}
    for length in range(trie.head, trie.depth + 1) if trie.head else ():
        for prefix in sorted({t[:length] for t in terms if len(t) >= length}):
            nodes[prefix] = len(nodes) + 1
    with_children = sum(1 for prefix in nodes if len(prefix) < trie.depth)
    child = np.zeros((with_children + 1) * trie.width, dtype=np.int32)
    head_table = np.zeros(trie.width**trie.head, dtype=np.int32)
    for prefix, node in nodes.items():
        if len(prefix) > trie.head:
            child[nodes[prefix[:-1]] * trie.width + letter[prefix[-1]]] = node
        else:
            index = 0
            for char in prefix:
                index = index * trie.width + letter[char]
            head_table[index] = node
    column = np.full(len(nodes) + 1, -1, dtype=np.int32)
    column[[nodes[t] for t in terms]] = np.arange(len(terms))
    return child, head_table, column


@pytest.mark.parametrize(
    "terms",
    [
        [str(t) for t in CLASSIFIER.vectorizers[1].terms],
        [],
        ["ab", "abc", "b", " ab", "ab ", "a b", "ß ", "\U0001f600x", "xyzzy", "é"],
        ["abc", "abd", "abcde", "bcd"],
    ],
    ids=["vocabulary", "empty", "short", "head-3"],
)
def test_the_trie_tables_equal_the_prefix_by_prefix_construction(terms):
    """The same tables, node numbers in two bytes where they fit (the column table keeps -1);
    the child table read cell by cell through its rows."""
    _assert_trie_equals_the_reference(terms)


def test_the_vocabulary_child_table_is_kept_in_rows():
    """The rows hold about five cells per child (134,000 for 25,000 terms); a cell per node
    and character held 6.3 million."""
    trie = next(v for v in CLASSIFIER.vectorizers if v.analyzer == "char_wb")._chars
    assert trie.row_child.size < 8 * trie.column.size


def _dense_child_table(trie: _CharTrie, rows: int) -> np.ndarray:
    """The child of each of the first `rows` nodes by every character index, read through
    `_CharTrie.children` into the reference's dense layout; the other nodes (those of the last
    length) must have no child by any character."""
    nodes = np.repeat(np.arange(trie.column.size), trie.width).astype(trie.node_dtype)
    letters = np.tile(np.arange(trie.width), trie.column.size)
    found = trie.children(nodes, letters)
    assert not found[rows * trie.width :].any()
    return found[: rows * trie.width]


def _assert_trie_equals_the_reference(terms: list[str]) -> None:
    trie = _CharTrie(terms)
    child, head_table, column = _reference_trie(terms, trie)
    built_child = _dense_child_table(trie, child.size // trie.width)
    # The first step past the head reads the head's nodes' rows of the dense table.
    first = min(trie.first_step.size, child.size)
    assert np.array_equal(trie.first_step[:first], child[:first])
    assert not trie.first_step[first:].any()
    for built, expected in (
        (built_child, child),
        (trie.head_table, head_table),
        (trie.column, column),
    ):
        assert built.dtype in (trie.node_dtype, expected.dtype)
        assert np.array_equal(built, expected)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.text(alphabet="abc é\u4e00", min_size=1, max_size=6), unique=True, max_size=30))
def test_the_trie_tables_equal_the_reference_on_any_terms(terms):
    terms = [t for t in terms if not t.isspace()]
    _assert_trie_equals_the_reference(terms)


def test_node_numbers_past_two_bytes_are_kept_in_four() -> None:
    alphabet = [chr(code) for code in range(0x430, 0x430 + 42)]  # Cyrillic letters
    terms = [a + b + c for a in alphabet for b in alphabet for c in alphabet[:40]]  # 70,560
    trie = _CharTrie(terms)
    assert trie.node_dtype == np.int32
    assert int(trie.head_table.max()) > np.iinfo(np.uint16).max  # a node number kept whole
    small = _CharTrie(terms[:1000])
    assert small.node_dtype == np.uint16


def test_kept_term_indexes_are_the_ones_built(tmp_path, monkeypatch):
    """The classifier's word and character indexes are kept beside the data files and read
    back with the same attributes, arrays and their types included; another artifact (its
    SHA-256 is the key) builds them again."""
    from model import classifier as classifier_module
    from model import datafiles, features

    monkeypatch.setattr(datafiles, "DATA_DIR", tmp_path)
    directory = classifier_module.ARTIFACT_DIR
    manifest = classifier_module.verify_artifact(directory)
    with np.load(directory / classifier_module.INFERENCE_NAME) as arrays:
        built = classifier_module.SentenceClassifier.from_arrays(arrays, manifest)
        classifier_module.SentenceClassifier.from_arrays(arrays, manifest, keep=True)
        assert len(list((tmp_path / "__pycache__").glob("tfidf_index.*"))) == 2

        def no_build(*args):
            raise AssertionError("built again")

        monkeypatch.setattr(features._WordGrams, "__init__", no_build)
        monkeypatch.setattr(features._CharTrie, "__init__", no_build)
        kept = classifier_module.SentenceClassifier.from_arrays(arrays, manifest, keep=True)
        for fresh, read in zip(built.vectorizers, kept.vectorizers, strict=True):
            name = "_words" if fresh.analyzer == "word" else "_chars"
            _assert_same_attributes(getattr(fresh, name), getattr(read, name))
        texts = TRAINING_TEXTS[:200]
        assert np.array_equal(
            built.probabilities(built.transform(texts)), kept.probabilities(kept.transform(texts))
        )
        hashes = {**manifest["sha256"], classifier_module.INFERENCE_NAME: "another artifact"}
        other = {**manifest, "sha256": hashes}
        with pytest.raises(AssertionError, match="built again"):
            classifier_module.SentenceClassifier.from_arrays(arrays, other, keep=True)


def _assert_same_attributes(built, read) -> None:
    assert vars(built).keys() == vars(read).keys()
    for name, value in vars(built).items():
        if isinstance(value, dict):
            assert value.keys() == vars(read)[name].keys(), name
            for key, item in value.items():
                _assert_same_value(item, vars(read)[name][key], f"{name}[{key}]")
        else:
            _assert_same_value(value, vars(read)[name], name)


def _assert_same_value(value, read, name: str) -> None:
    if isinstance(value, tuple):
        assert len(value) == len(read), name
        for part, read_part in zip(value, read, strict=True):
            _assert_same_value(part, read_part, name)
    elif isinstance(value, np.ndarray):
        assert value.dtype == read.dtype and value.shape == read.shape, name
        assert np.array_equal(value, read), name
    else:
        assert value == read, name
