"""Vectorised TF-IDF features, equal to fitted scikit-learn `TfidfVectorizer`s.

scikit-learn builds n-grams one Python string at a time and looks each up in a dictionary,
which dominates the cost of scoring a page. This module computes the same matrices from the
fitted vocabularies, IDF weights and settings with a few dozen NumPy calls per batch of texts,
whatever its size. The texts of a batch are preprocessed, joined by spaces and read as one
array of character codes (`_Batch`), then:

- word n-grams (`_WordGrams`): tokens are found from a character class table (for the two
  usual token patterns; any other pattern goes through `re`), each token is mapped once to an
  integer id, unigrams are columns by table look-up and longer n-grams by `searchsorted` in
  the sorted integer keys of the vocabulary's n-grams;
- character n-grams, `char_wb` (`_CharTrie`): the vocabulary is a trie, walked one level (one
  character) at a time from every position of the batch at once;
- TF-IDF (`tfidf_union`): the occurrences are counted per text and column by a radix sort on
  their columns, which also yields a canonical CSC matrix (`SparseFeatures`: the arrays scipy
  would hold, and the one product the classifier needs, without importing scipy, which took a
  third of the checker's import time).

Everything is exact (no hashing). `tests/model/test_features.py` compares the output with
scikit-learn's on the training data, edge cases and arbitrary Unicode.
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Sequence
from itertools import chain, repeat
from typing import Any

import numpy as np

from model.characters import alphanumeric, code_points, is_word_character
from model.datafiles import array_from_state, array_state, kept_derived

_EMPTY = np.zeros(0, dtype=np.intp)
# scikit-learn's default token pattern, the one that keeps apostrophes inside words, and the
# one of single-character words. Tokens are found with a table of character classes (no regular
# expression runs on the text): other patterns are refused.
_TWO_CHARACTER_WORDS = r"(?u)\b\w\w+\b"
_WORDS_WITH_APOSTROPHES = r"(?u)\b\w[\w']*\b"
_ALL_WORDS = r"(?u)\b\w+\b"
# Per token pattern: (apostrophes inside words, shortest token).
_TOKEN_RUNS = {
    _TWO_CHARACTER_WORDS: (False, 2),
    _WORDS_WITH_APOSTROPHES: (True, 1),
    _ALL_WORDS: (False, 1),
}
# Character classes for the token patterns above; `_CLASS_LOOKUP` marks a code point beyond
# the table, classified when met.
_OTHER, _WORD, _APOSTROPHE, _CLASS_LOOKUP = 0, 1, 2, 3
_CLASS_TABLE_SIZE = 0x10000


def _strip_accents_unicode(text: str) -> str:
    """scikit-learn's `strip_accents_unicode`."""
    if text.isascii():
        return text
    normalized = unicodedata.normalize("NFKD", text)
    return "".join(c for c in normalized if not unicodedata.combining(c))


@functools.cache
def _combining_table() -> np.ndarray:
    """1 for each combining character of the Basic Multilingual Plane (`unicodedata.combining`
    is not 0), 0 for the others; its last cell, 2, stands for any character beyond the plane
    (asked one by one)."""
    table = np.zeros(_CLASS_TABLE_SIZE + 1, dtype=np.uint8)
    table[:-1] = np.fromiter(
        map(unicodedata.combining, map(chr, range(_CLASS_TABLE_SIZE))),
        dtype=np.intp,
        count=_CLASS_TABLE_SIZE,
    ).astype(bool)
    table[-1] = 2
    return table


def _strip_accents_all(documents: list[str]) -> list[str]:
    """`[_strip_accents_unicode(d) for d in documents]`, with the combining characters of all
    the documents found by one table look-up (the generator tests each character in Python: on
    a Spanish page it took a fifth of the time of vectorising the sentences)."""
    normalized = [d if d.isascii() else unicodedata.normalize("NFKD", d) for d in documents]
    joined = "".join(normalized)
    if joined.isascii():
        return normalized
    codes = code_points(joined)
    classes = np.take(_combining_table(), codes, mode="clip")
    beyond = np.flatnonzero(classes == 2)
    if beyond.size:  # supplementary-plane characters: rare, asked here
        classes[beyond] = [bool(unicodedata.combining(chr(c))) for c in codes[beyond].tolist()]
    keep = classes == 0
    if keep.all():
        return normalized
    # Where each document ends among the kept characters.
    kept_before = np.zeros(codes.size + 1, dtype=np.intp)
    np.cumsum(keep, out=kept_before[1:])
    ends = kept_before[np.cumsum([len(n) for n in normalized])].tolist()
    text = codes[keep].tobytes().decode("utf-32-le", "surrogatepass")
    return [text[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def _character_class(char: str) -> int:
    """The class of a character for the token patterns: a word character (`re`'s `\\w`), the
    apostrophe, or any other."""
    if char == "'":
        return _APOSTROPHE
    return _WORD if is_word_character(char) else _OTHER


@functools.cache
def _class_table() -> np.ndarray:
    """The class of every code point of the Basic Multilingual Plane (`_CLASS_TABLE_SIZE` is
    the plane), from `str.isalnum`, which is how `re` defines `\\w`."""
    words = alphanumeric("".join(map(chr, range(_CLASS_TABLE_SIZE))))
    words[ord("_")] = True
    table = np.full(_CLASS_TABLE_SIZE + 1, _OTHER, dtype=np.uint8)
    table[:-1][words] = _WORD
    table[ord("'")] = _APOSTROPHE
    table[-1] = _CLASS_LOOKUP
    return table


def _character_classes(codes: np.ndarray) -> np.ndarray:
    classes = np.take(_class_table(), codes, mode="clip")
    beyond = np.flatnonzero(classes == _CLASS_LOOKUP)
    if beyond.size:  # emoji and other supplementary-plane characters: rare, so classified here
        unique, inverse = np.unique(codes[beyond], return_inverse=True)
        found = np.array([_character_class(chr(code)) for code in unique.tolist()], np.uint8)
        classes[beyond] = found[inverse]
    return classes


class SparseFeatures:
    """A canonical CSC matrix (sorted indices, no duplicates) in scipy's arrays: `data`,
    `indices` (the row of each entry), `indptr` (where each column's entries start), plus
    `columns` (the column of each entry).

    `indptr` may be given as None: it is then computed from `columns` when first read. Scoring
    never reads it, and it has a cell per column of the vocabulary (tens of thousands): its
    cumulative sum took a tenth of the time of scoring a page's sentences."""

    __slots__ = ("shape", "data", "indices", "_indptr", "columns")

    def __init__(
        self,
        data: np.ndarray,
        indices: np.ndarray,
        indptr: np.ndarray | None,
        columns: np.ndarray,
        shape: tuple[int, int],
    ) -> None:
        self.data, self.indices, self._indptr, self.columns = data, indices, indptr, columns
        self.shape = shape

    @property
    def indptr(self) -> np.ndarray:
        if self._indptr is None:
            width = self.shape[1]
            indptr = np.zeros(width + 1, dtype=self.indices.dtype)
            np.cumsum(np.bincount(self.columns, minlength=width), out=indptr[1:])
            self._indptr = indptr
        return self._indptr

    def column_range(self, first: int, last: int) -> tuple[int, int]:
        """Where the entries of columns `first` to `last` (excluded) start and stop: equal to
        `indptr[first], indptr[last]`, found by bisection (entries are in ascending columns)."""
        start, stop = np.searchsorted(self.columns, (first, last)).tolist()
        return start, stop

    @classmethod
    def empty(cls, height: int, width: int) -> SparseFeatures:
        return cls(
            np.zeros(0),
            np.zeros(0, np.int32),
            np.zeros(width + 1, np.int32),
            _EMPTY,
            (height, width),
        )

    def times(self, transposed: np.ndarray) -> np.ndarray:
        """This matrix times a dense matrix given transposed, (k, width): a (height, k) array.

        Bit for bit scipy's `csc_matrix @ dense` (`csc_matvecs`): each row's sum starts from
        0.0 and adds its entries' products in ascending columns, as `np.bincount` adds
        weights in the order given (entries are in ascending columns).
        """
        height = self.shape[0]
        product = np.empty((height, transposed.shape[0]))
        for k, weights in enumerate(transposed):
            product[:, k] = np.bincount(
                self.indices, weights=self.data * weights[self.columns], minlength=height
            )
        return product

    def toarray(self) -> np.ndarray:
        dense = np.zeros(self.shape)
        dense[self.indices, self.columns] = self.data
        return dense


# Change when what `_WordGrams.state` or `_CharTrie.state` holds changes.
_INDEX_FORMAT = b"tfidf term index 1"


def _kept_index(kind: Any, build: Any, keep_key: bytes | None) -> Any:
    """`build()`, or (with `keep_key`) the same index read back from what an earlier start kept
    beside the data files (`model.datafiles.kept_derived`): building the classifier's word and
    character indexes from 32,000 terms was a tenth of start-up. The key adds NumPy's version (and
    this package's source, which builds them, as every kept value's key does)."""
    if keep_key is None:
        return build()
    key = (_INDEX_FORMAT, np.__version__.encode(), keep_key)
    # One file per kind of index: a file's other keys are removed when it is written.
    name = f"tfidf_index.{kind.__name__.strip('_').lower()}"
    return kind.from_state(kept_derived(name, key, lambda: build().state()))


class _Batch:
    """Preprocessed texts joined by single spaces, with a space before and after, as an array
    of character codes; `rows[p]` is the text of position p (a separating space counts as the
    following text's)."""

    def __init__(self, documents: list[str]) -> None:
        self.documents = documents
        self.text = " " + " ".join(documents) + " "
        self.codes = code_points(self.text)
        lengths = [len(document) + 1 for document in documents]
        lengths[-1] += 1
        self.rows = np.repeat(np.arange(len(documents), dtype=np.int32), lengths)


class FastTfidf:
    """The transform of one fitted `TfidfVectorizer` (analyzer `word` or `char_wb`).

    Built from a fitted vectorizer (`from_vectorizer`, at training time) or from the plain
    arrays it exports (`from_arrays`, at run time: no scikit-learn import, no pickle).
    """

    def __init__(
        self,
        *,
        analyzer: str,
        terms: list[str],
        idf: np.ndarray,
        ngram_range: tuple[int, int],
        lowercase: bool,
        strip_accents: bool,
        sublinear_tf: bool,
        token_pattern: str | None,
        keep_key: bytes | None = None,
    ) -> None:
        """`keep_key`: keep the term index built from `terms` beside the data files, for the
        next start, under this key (which must name the terms: the artifact's SHA-256 and the
        vectorizer's place in it); see `_kept_index`."""
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"unsupported analyzer {analyzer!r}")
        self.analyzer = analyzer
        self.terms = terms
        self.lowercase = lowercase
        self.strip_accents = strip_accents
        self.min_n, self.max_n = ngram_range
        self.sublinear_tf = sublinear_tf
        self.idf = np.asarray(idf, dtype=np.float64)
        self.size = len(terms)
        if strip_accents:
            _combining_table()  # built at load time rather than on the first request
        if analyzer == "word":
            self.token_pattern = token_pattern or _TWO_CHARACTER_WORDS
            pattern = self.token_pattern
            build = functools.partial(_WordGrams, terms, self.min_n, self.max_n, pattern)
            self._words = _kept_index(_WordGrams, build, keep_key)
        else:
            self._chars = _kept_index(_CharTrie, functools.partial(_CharTrie, terms), keep_key)

    @classmethod
    def from_vectorizer(cls, vectorizer: Any) -> FastTfidf:
        if vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("only l2-normalised TF-IDF is supported")
        if vectorizer.strip_accents not in (None, "unicode") or vectorizer.preprocessor:
            raise ValueError("only strip_accents=None/'unicode' and no custom preprocessor")
        if vectorizer.analyzer == "word" and (vectorizer.stop_words or vectorizer.tokenizer):
            raise ValueError("stop words and custom tokenizers are not supported")
        terms = [""] * len(vectorizer.vocabulary_)
        for term, index in vectorizer.vocabulary_.items():
            terms[index] = term
        return cls(
            analyzer=vectorizer.analyzer,
            terms=terms,
            idf=vectorizer.idf_,
            ngram_range=tuple(vectorizer.ngram_range),
            lowercase=bool(vectorizer.lowercase),
            strip_accents=vectorizer.strip_accents == "unicode",
            sublinear_tf=bool(vectorizer.sublinear_tf),
            token_pattern=vectorizer.token_pattern if vectorizer.analyzer == "word" else None,
        )

    def export(self, prefix: str) -> dict[str, np.ndarray]:
        """Plain arrays (no objects) from which `from_arrays` rebuilds this transform."""
        settings = {
            "analyzer": self.analyzer,
            "ngram_range": [self.min_n, self.max_n],
            "lowercase": self.lowercase,
            "strip_accents": self.strip_accents,
            "sublinear_tf": self.sublinear_tf,
            "token_pattern": self.token_pattern if self.analyzer == "word" else None,
        }
        return {
            f"{prefix}terms": np.array(self.terms, dtype=str),
            f"{prefix}idf": self.idf,
            f"{prefix}settings": np.array(json.dumps(settings)),
        }

    @classmethod
    def from_arrays(cls, arrays: Any, prefix: str, keep_key: bytes | None = None) -> FastTfidf:
        settings = json.loads(str(arrays[f"{prefix}settings"]))
        return cls(
            analyzer=settings["analyzer"],
            terms=arrays[f"{prefix}terms"].tolist(),
            idf=arrays[f"{prefix}idf"],
            ngram_range=tuple(settings["ngram_range"]),
            lowercase=settings["lowercase"],
            strip_accents=settings["strip_accents"],
            sublinear_tf=settings["sublinear_tf"],
            token_pattern=settings["token_pattern"],
            keep_key=None if keep_key is None else keep_key + b"/" + prefix.encode(),
        )

    def preprocess(self, texts: Sequence[str]) -> list[str]:
        """Lowercasing and accent stripping, as the vectorizer's preprocessor."""
        documents = [text.lower() for text in texts] if self.lowercase else list(texts)
        if self.strip_accents:
            documents = _strip_accents_all(documents)
        return documents

    def occurrences(self, batch: _Batch) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of every occurrence of a vocabulary n-gram in a batch of texts."""
        if self.analyzer == "word":
            return self._words.occurrences(batch)
        return self._chars.occurrences(batch)

    def transform(self, texts: list[str]) -> SparseFeatures:
        return tfidf_union((self,), texts)


@functools.lru_cache(maxsize=16)
def _offsets(vectorizers: tuple[FastTfidf, ...]) -> list[int]:
    """Where each vectorizer's columns start in the union, and the union's width last."""
    return np.cumsum([0] + [v.size for v in vectorizers]).tolist()


def tfidf_union(vectorizers: Sequence[FastTfidf], texts: Sequence[str]) -> SparseFeatures:
    """The vectorizers' TF-IDF matrices side by side (scikit-learn's `FeatureUnion`).

    Each block is L2-normalised on its own, as each vectorizer does. The matrix is a canonical
    CSC matrix (sorted indices, no duplicates): each row's entries are met in ascending
    columns, as in scikit-learn's CSR matrix, so sums over a row (norms here, products with
    weights: `SparseFeatures.times`) run in the same order and give the same floating-point
    results.
    """
    vectorizers = tuple(vectorizers)
    offsets = _offsets(vectorizers)
    width, height = offsets[-1], len(texts)
    if not texts:
        return SparseFeatures.empty(0, width)
    batches: dict[tuple[bool, bool], _Batch] = {}
    all_rows, all_columns = [], []
    for vectorizer, offset in zip(vectorizers, offsets, strict=False):
        setting = (vectorizer.lowercase, vectorizer.strip_accents)
        if setting not in batches:
            batches[setting] = _Batch(vectorizer.preprocess(texts))
        rows, columns = vectorizer.occurrences(batches[setting])
        all_rows.append(rows)
        all_columns.append(columns + offset if offset else columns)
    rows, columns, counts = _count(
        np.concatenate(all_rows), np.concatenate(all_columns), height, width
    )
    values = counts.astype(np.float64)
    # Entries are in ascending columns: each vectorizer's block is one slice of them.
    bounds = np.searchsorted(columns, np.array(offsets, dtype=columns.dtype)).tolist()
    for vectorizer, offset, start, stop in zip(
        vectorizers, offsets, bounds, bounds[1:], strict=False
    ):
        block, block_rows = values[start:stop], rows[start:stop]
        if vectorizer.sublinear_tf:
            np.log(block, out=block)
            block += 1.0
        block *= np.take(vectorizer.idf, columns[start:stop] - offset)
        norms = np.sqrt(np.bincount(block_rows, weights=block * block, minlength=height))
        block /= np.take(np.where(norms > 0, norms, 1.0), block_rows)
    index_type = np.int32 if max(values.size, height) < 2**31 else np.int64
    return SparseFeatures(values, rows.astype(index_type), None, columns, (height, width))


def _count(
    rows: np.ndarray, columns: np.ndarray, height: int, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (row, column) pairs in column-major order, and how often each occurs.

    Each pair is one integer, column × height + row, and the integers are sorted: 32-bit ones
    when they fit, which NumPy sorts with SIMD instructions where the processor has them (on a
    100 KB page, under half the time of sorting by column alone and gathering). A sort of the
    whole keys has one result, whatever the algorithm.
    """
    if rows.size == 0:
        return _EMPTY, _EMPTY, _EMPTY
    key_type = np.dtype(np.uint32 if width * height <= 1 << 32 else np.intp)
    pairs = columns.astype(key_type)
    pairs *= height
    pairs += rows.astype(key_type)
    pairs.sort()
    first = np.ones(pairs.size, dtype=bool)
    np.not_equal(pairs[1:], pairs[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    pairs = pairs[starts].astype(np.intp)
    columns = pairs // height
    return pairs - columns * height, columns, np.diff(starts, append=first.size)


class _WordGrams:
    """A word vocabulary as integer keys: each token an id from 1 (0: a token of no n-gram),
    each n-gram the number whose base-`base` digits are its tokens' ids. A key with a 0 digit
    is no vocabulary n-gram's, so unknown tokens need no mask."""

    def __init__(self, terms: list[str], min_n: int, max_n: int, token_pattern: str) -> None:
        parts = [term.split(" ") for term in terms]
        if any(not min_n <= len(p) <= max_n or "" in p for p in parts):
            raise ValueError("word n-grams must be min_n..max_n tokens joined by single spaces")
        self.token_pattern = token_pattern
        runs = _TOKEN_RUNS.get(token_pattern)
        if runs is None:
            raise ValueError(
                f"token pattern {token_pattern!r} is not supported (only {sorted(_TOKEN_RUNS)})"
            )
        self.runs = runs
        _class_table()  # built at load time rather than on the first request
        self.min_n, self.max_n = min_n, max_n
        self.token_ids: dict[str, int] = {}
        for token in chain.from_iterable(parts):
            self.token_ids.setdefault(token, len(self.token_ids) + 1)
        self.base = len(self.token_ids) + 1
        if self.base ** max(max_n, 1) >= 2**62:
            raise ValueError("too many tokens for integer n-gram keys")
        # The column of each token id as a unigram (-1: none).
        self.unigram_column = np.full(self.base, -1, dtype=np.int32)
        gram_keys: dict[int, list[tuple[int, int]]] = {}
        for column, tokens in enumerate(parts):
            if len(tokens) == 1:
                self.unigram_column[self.token_ids[tokens[0]]] = column
            else:
                key = self._key([self.token_ids[t] for t in tokens])
                gram_keys.setdefault(len(tokens), []).append((key, column))
        self.gram_keys: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for n, pairs in gram_keys.items():
            pairs.sort()
            self.gram_keys[n] = (
                np.array([key for key, _ in pairs], dtype=np.int64),
                np.array([column for _, column in pairs], dtype=np.int32),
            )

    def state(self) -> dict[str, Any]:
        """What `from_state` rebuilds this index from: plain values `marshal` can keep."""
        return {
            "token_pattern": self.token_pattern,
            "n": (self.min_n, self.max_n),
            "token_ids": self.token_ids,
            "unigram_column": array_state(self.unigram_column),
            "gram_keys": {
                n: (array_state(keys), array_state(columns))
                for n, (keys, columns) in self.gram_keys.items()
            },
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _WordGrams:
        grams = cls.__new__(cls)
        grams.token_pattern = state["token_pattern"]
        grams.runs = _TOKEN_RUNS[grams.token_pattern]
        _class_table()  # built at load time rather than on the first request
        grams.min_n, grams.max_n = state["n"]
        grams.token_ids = state["token_ids"]
        grams.base = len(grams.token_ids) + 1
        grams.unigram_column = array_from_state(state["unigram_column"])
        grams.gram_keys = {
            n: (array_from_state(keys), array_from_state(columns))
            for n, (keys, columns) in state["gram_keys"].items()
        }
        return grams

    def _key(self, ids: list[int]) -> int:
        key = 0
        for token_id in ids:
            key = key * self.base + token_id
        return key

    def tokens(self, batch: _Batch) -> tuple[list[str], np.ndarray]:
        """The batch's tokens, in order, and the row of each."""
        apostrophes, shortest = self.runs
        classes = _character_classes(batch.codes)
        in_token = classes == _WORD
        if apostrophes and "'" in batch.text:
            in_token[_inner_apostrophes(classes)] = True
        # The batch starts and ends with a space: edges pair up as (start, end) of each run.
        edges = np.flatnonzero(in_token[1:] != in_token[:-1]) + 1
        starts, ends = edges[0::2], edges[1::2]
        if shortest > 1:
            short = ends - starts < shortest
            for offset in range(shortest - 1):
                in_token[starts[short] + offset] = False
            starts = starts[~short]
        # Every other character becomes a space; `str.split` then cuts out the tokens.
        codes = np.where(in_token, batch.codes, np.uint32(32))
        return codes.tobytes().decode("utf-32-le").split(), batch.rows[starts]

    def occurrences(self, batch: _Batch) -> tuple[np.ndarray, np.ndarray]:
        tokens, token_rows = self.tokens(batch)
        total = len(tokens)
        ids = np.fromiter(map(self.token_ids.get, tokens, repeat(0)), np.int64, count=total)
        rows: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        if self.min_n == 1:
            unigrams = np.take(self.unigram_column, ids)
            hit = np.flatnonzero(unigrams >= 0)
            rows.append(token_rows[hit])
            columns.append(unigrams[hit])
        for n, (sorted_keys, sorted_columns) in self.gram_keys.items():
            if total < n:
                continue
            starts = total - n + 1
            key = ids[:starts]
            for k in range(1, n):
                key = key * self.base + ids[k : k + starts]
            found = np.searchsorted(sorted_keys, key)
            np.minimum(found, sorted_keys.size - 1, out=found)
            hit = np.flatnonzero(sorted_keys[found] == key)
            # An n-gram lies within one text: its first and last tokens' rows agree.
            hit = hit[token_rows[hit] == token_rows[hit + (n - 1)]]
            rows.append(token_rows[hit])
            columns.append(sorted_columns[found[hit]])
        if not rows:
            return _EMPTY, _EMPTY
        return np.concatenate(rows), np.concatenate(columns)


def _inner_apostrophes(classes: np.ndarray) -> np.ndarray:
    """Positions of the apostrophes inside a token of `_WORDS_WITH_APOSTROPHES`.

    A token is a run of word characters and apostrophes, less the apostrophes at its ends: an
    apostrophe is inside one when its run of apostrophes has word characters on both sides
    (the batch starts and ends with a space, so both sides exist).
    """
    apostrophes = np.flatnonzero(classes == _APOSTROPHE)
    run_starts = np.ones(apostrophes.size, dtype=bool)
    run_starts[1:] = apostrophes[1:] != apostrophes[:-1] + 1
    run_ends = np.ones(apostrophes.size, dtype=bool)
    run_ends[:-1] = run_starts[1:]
    inside = (classes[apostrophes[run_starts] - 1] == _WORD) & (
        classes[apostrophes[run_ends] + 1] == _WORD
    )
    return apostrophes[inside[np.cumsum(run_starts) - 1]]


class _CharTrie:
    """A `char_wb` vocabulary as a trie: node × character → node, one dense table.

    scikit-learn pads each word of a text with one space (" word ") and counts the windows of
    `min_n..max_n` characters of each padded word, or a padded word shorter than `min_n` once,
    whole. Such a window holds a space only at its ends, and so does every vocabulary term.
    In the texts joined by spaces, with a space before and after, every word is preceded and
    followed by whitespace; with every whitespace character read as a space, the windows that
    hold no whitespace except at their ends are exactly scikit-learn's windows, one for one.
    So walking the trie from every position of the joined text at once finds exactly the
    n-grams scikit-learn counts (the others, with whitespace inside, fall off the trie). The
    one exception, a term made of one space, is refused.

    The first `head` characters of a window are read at once, from a dense table indexed by
    their character indexes; the walk then goes on one character at a time, from the positions
    still on the trie, through the child table.

    The child table is kept row by row: a node's children sit in one run of cells, from its
    least to its greatest child's character index, each cell holding the child and its parent
    (`row_child`, `row_owner`); `row_origin` says where a node's row would hold character 0, so
    a child is one look-up and its owner's check. A dense table (a cell per node and character)
    held 6.3 million cells for 22 languages' letters, 8 MiB of them resident per worker,
    almost all empty; the rows hold 134,000. The first step past the head, which most
    positions of a text take (four in five), still reads a dense table of the head's nodes
    (`first_step`, 1.3 MiB): the rows' look-up is slower, and pays only where few positions are
    left.
    """

    DEAD = 0
    MAX_HEAD_TABLE = 1 << 20

    def __init__(self, terms: list[str]) -> None:
        if any(not t or t.isspace() for t in terms):
            raise ValueError("char_wb terms made only of whitespace are not supported")
        alphabet = sorted(set("".join(terms)))
        self.depth = max(map(len, terms), default=0)
        self.width = len(alphabet) + 1  # the last character index stands for any other
        other = len(alphabet)
        # Every whitespace character (str.split's) reads as a space; none is above U+3000.
        self.char_index = np.full(
            max(0x3000, ord(alphabet[-1]) if alphabet else 0) + 2, other, dtype=np.intp
        )
        self.char_index[[ord(c) for c in alphabet]] = np.arange(len(alphabet))
        space = alphabet.index(" ") if " " in alphabet else other
        self.char_index[[code for code in range(0x3001) if chr(code).isspace()]] = space
        self.lengths = {len(t) for t in terms}
        # The dense head: no term is shorter than it, so no window ends inside it.
        self.head = min(3, min(self.lengths, default=0))
        while self.head > 1 and self.width**self.head > self.MAX_HEAD_TABLE:
            self.head -= 1
        # The nodes: prefixes of head..depth characters, numbered from 1 by length and, within
        # a length, in order (so the nodes with children come first and only they, and DEAD, 0,
        # have a child table row). A prefix one longer than the head is its parent's node
        # times `width` plus its last character's index: that is its cell of the child table,
        # and sorting by it sorts the prefixes of a length, their parents being in order.
        count = len(terms)
        lengths = np.fromiter(map(len, terms), dtype=np.intp, count=count)
        codes = code_points("".join(t.ljust(self.depth) for t in terms)).reshape(count, self.depth)
        alphabet_codes = np.array([ord(c) for c in alphabet], dtype=np.uint32)
        letters = np.searchsorted(alphabet_codes, codes)  # the padding is never read
        node_of_term = np.zeros(count, dtype=np.intp)
        levels: list[np.ndarray] = []  # per length from the head: the sorted keys of its nodes
        first_node = 1
        if self.head:
            has = np.flatnonzero(lengths >= self.head)
            keys = np.zeros(has.size, dtype=np.int64)
            for k in range(self.head):
                keys = keys * self.width + letters[has, k]
            parent_node = np.zeros(count, dtype=np.int64)
            for length in range(self.head, self.depth + 1):
                if length > self.head:
                    has = np.flatnonzero(lengths >= length)
                    keys = parent_node[has] * self.width + letters[has, length - 1]
                distinct = np.sort(keys)
                distinct = distinct[np.r_[True, distinct[1:] != distinct[:-1]]]
                nodes = first_node + np.searchsorted(distinct, keys)
                parent_node[has] = nodes
                ends = lengths[has] == length
                node_of_term[has[ends]] = nodes[ends]
                levels.append(distinct)
                first_node += distinct.size
        # Node numbers in two bytes where they fit.
        self.node_dtype = np.dtype(np.uint16 if first_node <= np.iinfo(np.uint16).max else np.int32)
        self.head_table = np.zeros(self.width**self.head, dtype=self.node_dtype)
        if levels:
            self.head_table[levels[0]] = np.arange(1, 1 + levels[0].size, dtype=self.node_dtype)
        self._build_rows(levels, first_node)
        self.column = np.full(first_node, -1, dtype=np.int32)
        self.column[node_of_term] = np.arange(count, dtype=np.int32)

    _ARRAYS = (
        "char_index",
        "head_table",
        "column",
        "row_origin",
        "row_child",
        "row_owner",
        "first_step",
    )

    def state(self) -> dict[str, Any]:
        """What `from_state` rebuilds this trie from: plain values `marshal` can keep."""
        state: dict[str, Any] = {name: array_state(getattr(self, name)) for name in self._ARRAYS}
        state.update(
            depth=self.depth,
            width=self.width,
            lengths=sorted(self.lengths),
            head=self.head,
            node_dtype=self.node_dtype.str,
        )
        return state

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> _CharTrie:
        trie = cls.__new__(cls)
        for name in cls._ARRAYS:
            setattr(trie, name, array_from_state(state[name]))
        trie.depth, trie.width, trie.head = state["depth"], state["width"], state["head"]
        trie.lengths = set(state["lengths"])
        trie.node_dtype = np.dtype(state["node_dtype"])
        return trie

    def _build_rows(self, levels: list[np.ndarray], first_node: int) -> None:
        """The child table's rows (see the class). `levels` are the sorted keys of each length's
        nodes from the head on, a key being the parent's node times `width` plus the last
        character's index; nodes are numbered from 1 in that order, so the parents of all keys
        after the head's come in ascending order, and each parent's characters too."""
        width = self.width
        keys = np.concatenate(levels[1:]) if len(levels) > 1 else np.zeros(0, dtype=np.int64)
        first_child = 1 + (levels[0].size if levels else 0)
        children = np.arange(first_child, first_child + keys.size)
        parents, letters = np.divmod(keys, width)
        starts = np.flatnonzero(np.r_[True, parents[1:] != parents[:-1]]) if keys.size else _EMPTY
        lows = letters[starts]
        spans = letters[np.r_[starts[1:], keys.size] - 1] - lows + 1 if keys.size else _EMPTY
        # A row starts after `width` empty cells, and `width` more follow the last one: a node's
        # cells for any character lie inside the table. A node without children reads the
        # first cells, whose owner (0, DEAD) is never a node on the trie.
        self.row_origin = np.zeros(max(first_node, 1), dtype=np.intp)
        self.row_origin[parents[starts]] = width + np.cumsum(spans) - spans - lows
        size = 2 * width + int(spans.sum())
        self.row_child = np.zeros(size, dtype=self.node_dtype)
        self.row_owner = np.zeros(size, dtype=self.node_dtype)
        cells = self.row_origin[parents] + letters
        self.row_child[cells] = children
        self.row_owner[cells] = parents
        # The head's nodes' children, dense: a key of the first length past the head is its
        # cell (`occurrences`).
        self.first_step = np.zeros(first_child * width, dtype=self.node_dtype)
        if len(levels) > 1:
            self.first_step[levels[1]] = children[: levels[1].size]

    def children(self, nodes: np.ndarray, letters: np.ndarray) -> np.ndarray:
        """The child of each node by the character index beside it (DEAD where none)."""
        cells = self.row_origin.take(nodes) + letters
        found = np.where(self.row_owner.take(cells) == nodes, self.row_child.take(cells), 0)
        return found.astype(self.node_dtype, copy=False)

    def occurrences(self, batch: _Batch) -> tuple[np.ndarray, np.ndarray]:
        if not self.head:
            return _EMPTY, _EMPTY
        count = batch.codes.size
        letters = np.take(self.char_index, batch.codes, mode="clip")
        letters = np.concatenate([letters, np.full(self.depth, self.width - 1, letters.dtype)])
        index = letters[:count]
        for k in range(1, self.head):
            index = index * self.width + letters[k : k + count]
        state = np.take(self.head_table, index)
        rows: list[np.ndarray] = []
        columns: list[np.ndarray] = []
        positions = None  # where the windows still on the trie start (None: everywhere)
        for n in range(self.head, self.depth + 1):
            if n == self.head + 1:
                cells = state.astype(np.intp) * self.width + letters[n - 1 : n - 1 + count]
                state = np.take(self.first_step, cells)
            elif n > self.head:
                live = np.flatnonzero(state)
                positions = live if positions is None else positions[live]
                state = self.children(state[live], letters[positions + (n - 1)])
            if n in self.lengths:
                found = np.take(self.column, state)
                hit = np.flatnonzero(found >= 0)
                # A window starting at a space belongs to the text after it, as `rows` says.
                rows.append(batch.rows[hit if positions is None else positions[hit]])
                columns.append(found[hit])
        return np.concatenate(rows), np.concatenate(columns)
