"""Vectorised TF-IDF features, equal to a fitted scikit-learn `TfidfVectorizer`.

scikit-learn builds character n-grams one Python string slice at a time, which dominates the
cost of scoring a page. This module computes the same matrix from the fitted vocabulary, IDF
weights and settings: word n-grams through one regular expression and dictionary look-ups, and
character n-grams (`char_wb`) with NumPy, hashing every window of every padded word at once and
looking the hashes up in the sorted hashes of the vocabulary.

Exactness: a window is mapped to a vocabulary entry when their 64-bit polynomial hashes agree,
and each vocabulary hash is checked to be unique at load. A window whose hash collides with a
vocabulary entry it is not would be miscounted; with 64-bit hashes and tens of thousands of
entries that chance is far below one in a billion per page. `tests/model/test_features.py`
compares the output with scikit-learn's on the training data.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import numpy as np
from scipy import sparse

_HASH_BASE = np.uint64(1_000_003)
_WHITESPACES = re.compile(r"\s\s+")


def _strip_accents_unicode(text: str) -> str:
    """scikit-learn's `strip_accents_unicode`."""
    try:
        text.encode("ASCII", errors="strict")
        return text
    except UnicodeEncodeError:
        normalized = unicodedata.normalize("NFKD", text)
        return "".join(c for c in normalized if not unicodedata.combining(c))


def _hash_string(text: str) -> int:
    value = 0
    for char in text:
        value = (value * 1_000_003 + ord(char)) & 0xFFFFFFFFFFFFFFFF
    return value


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
    ) -> None:
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
        if analyzer == "word":
            self.token_pattern = re.compile(token_pattern or r"(?u)\b\w\w+\b")
            self.vocabulary = {term: index for index, term in enumerate(terms)}
        else:
            hashes = np.array([_hash_string(term) for term in terms], dtype=np.uint64)
            order = np.argsort(hashes, kind="stable")
            self.sorted_hashes = hashes[order]
            if np.any(self.sorted_hashes[1:] == self.sorted_hashes[:-1]):
                raise ValueError("two vocabulary entries share a hash")
            self.sorted_indexes = order.astype(np.int64)

    @classmethod
    def from_vectorizer(cls, vectorizer: Any) -> FastTfidf:
        if vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("only l2-normalised TF-IDF is supported")
        if vectorizer.strip_accents not in (None, "unicode") or vectorizer.preprocessor:
            raise ValueError("only strip_accents=None/'unicode' and no custom preprocessor")
        if vectorizer.analyzer == "word" and vectorizer.stop_words:
            raise ValueError("stop words are not supported")
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
            "token_pattern": self.token_pattern.pattern if self.analyzer == "word" else None,
        }
        return {
            f"{prefix}terms": np.array(self.terms, dtype=str),
            f"{prefix}idf": self.idf,
            f"{prefix}settings": np.array(json.dumps(settings)),
        }

    @classmethod
    def from_arrays(cls, arrays: Any, prefix: str) -> FastTfidf:
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
        )

    def _preprocess(self, text: str) -> str:
        if self.lowercase:
            text = text.lower()
        if self.strip_accents:
            text = _strip_accents_unicode(text)
        return text

    def transform(self, texts: list[str]) -> sparse.csr_matrix:
        documents = [self._preprocess(text) for text in texts]
        if self.analyzer == "word":
            rows, columns = self._word_features(documents)
        else:
            rows, columns = self._char_wb_features(documents)
        counts = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float64), (rows, columns)),
            shape=(len(texts), self.size),
        )
        counts.sum_duplicates()
        if self.sublinear_tf:
            np.log(counts.data, counts.data)
            counts.data += 1.0
        counts.data *= self.idf[counts.indices]
        lengths = np.diff(counts.indptr)
        row_of_value = np.repeat(np.arange(len(texts)), lengths)
        norms = np.sqrt(np.bincount(row_of_value, weights=counts.data**2, minlength=len(texts)))
        counts.data /= np.where(norms > 0, norms, 1.0)[row_of_value]
        return counts

    def _word_features(self, documents: list[str]) -> tuple[np.ndarray, np.ndarray]:
        rows: list[int] = []
        columns: list[int] = []
        lookup = self.vocabulary.get
        for row, document in enumerate(documents):
            tokens = self.token_pattern.findall(document)
            for n in range(self.min_n, self.max_n + 1):
                for start in range(len(tokens) - n + 1):
                    gram = tokens[start] if n == 1 else " ".join(tokens[start : start + n])
                    column = lookup(gram)
                    if column is not None:
                        rows.append(row)
                        columns.append(column)
        return np.asarray(rows, dtype=np.int64), np.asarray(columns, dtype=np.int64)

    def _char_wb_features(self, documents: list[str]) -> tuple[np.ndarray, np.ndarray]:
        padded_words: list[str] = []
        word_rows: list[int] = []
        for row, document in enumerate(documents):
            for word in _WHITESPACES.sub(" ", document).split():
                padded_words.append(f" {word} ")
                word_rows.append(row)
        if not padded_words:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        joined = "".join(padded_words)
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = codes.astype(np.uint64)
        lengths = np.fromiter((len(w) for w in padded_words), dtype=np.int64)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        word_of = np.repeat(np.arange(len(padded_words)), lengths)
        word_end = (starts + lengths)[word_of]
        word_length = lengths[word_of]
        row_of_word = np.asarray(word_rows, dtype=np.int64)
        total = len(codes)
        hashes_parts: list[np.ndarray] = []
        rows_parts: list[np.ndarray] = []
        with np.errstate(over="ignore"):
            rolling = np.zeros(total, dtype=np.uint64)
            for n in range(1, min(self.max_n, total) + 1):
                # rolling[i] = hash of codes[i : i + n]
                shifted = np.zeros(total, dtype=np.uint64)
                shifted[: total - n + 1] = codes[n - 1 :]
                rolling = rolling * _HASH_BASE + shifted
                # A padded word no longer than max_n is also counted once, whole: its hash is
                # the rolling hash of its own length at its start.
                whole = np.flatnonzero(lengths == n)
                if whole.size:
                    hashes_parts.append(rolling[starts[whole]])
                    rows_parts.append(row_of_word[whole])
                if n < self.min_n:
                    continue
                positions = np.arange(total - n + 1)
                valid = (positions + n <= word_end[: total - n + 1]) & (
                    word_length[: total - n + 1] > n
                )
                hashes_parts.append(rolling[: total - n + 1][valid])
                rows_parts.append(row_of_word[word_of[: total - n + 1][valid]])
        if not hashes_parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        hashes = np.concatenate(hashes_parts)
        rows = np.concatenate(rows_parts)
        found = np.searchsorted(self.sorted_hashes, hashes)
        found[found == len(self.sorted_hashes)] = 0
        hit = self.sorted_hashes[found] == hashes
        return rows[hit], self.sorted_indexes[found[hit]]
