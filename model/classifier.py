"""The sentence classifier: a TF-IDF + logistic-regression pipeline trained by `training/`.

Training saves the scikit-learn `Pipeline` with joblib (`classifier.joblib`) and exports the
same model as plain arrays (`classifier.npz`: vocabularies, IDF weights, head weights). The
checker loads the arrays with `allow_pickle=False`: nothing is unpickled at run time, scikit-learn
is not imported, and the vectorised transform in `model.features` (tested equal to the
pipeline's) computes the features. Both files are verified against `manifest.json` (SHA-256 and
the scikit-learn version) before they are read, and only from the deployment's own artifact
directory, never from a path a request names.

The heads are one-vs-rest logistic regressions over the columns `violative` and then one per
SPEC category. Each sentence of a document is scored in one vectorised call.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from model.characters import word_count
from model.features import FastTfidf, SparseFeatures, tfidf_union
from model.linear_regex import NOT_WORD_OR_END, LinearPattern
from model.report import Flag, Span
from model.vocabulary import CATEGORIES

if TYPE_CHECKING:
    from model.analysis import Document
    from model.lexicons import PageFamily

ARTIFACT_DIR = Path(__file__).parent / "artifacts"
ARTIFACT_NAME = "classifier.joblib"  # the scikit-learn Pipeline (training, inspection, tests)
INFERENCE_NAME = "classifier.npz"  # the same model as plain arrays: what the checker loads
MANIFEST_NAME = "manifest.json"
CLASSIFIER_RULE_ID = "classifier.violative-sentence"
# Categories a sentence-level model may assign on its own: the others need entities
# (unapproved_use), the whole page (broad_claims) or the absence of text (missing_disclosure).
FLAGGABLE_CATEGORIES = frozenset(CATEGORIES) - {
    "unapproved_use",
    "broad_claims",
    "missing_disclosure",
}
MIN_SENTENCE_WORDS = 4
# A sentence flag stands on its own in front of a reviewer: it needs a full sentence and a
# category the model is reasonably sure of, not just a high violative score.
MIN_FLAG_WORDS = 6
MIN_CATEGORY_PROBABILITY = 0.4
# A sentence that opens with a concession ("Although painkillers help, our cells can cure
# arthritis") is also scored on its main clause, and the higher score counts: a bag of words reads
# the conceded clause's neutral words as diluting the claim, where a reader reads past them.
_CONCESSIONS = (
    "although", "though", "even though", "while", "whilst", "whereas", "despite", "in spite of",
    "aunque", "si bien", "a pesar de", "embora", "apesar de", "bien que", "même si", "malgré",
    "obwohl", "auch wenn", "trotz", "sebbene", "anche se", "nonostante",
)  # fmt: skip
_CONCESSIVE_OPENING = LinearPattern(
    rf"^\s*(?:{'|'.join(_CONCESSIONS)})\s[^,;:]{{3,200}}?[,;:]\s*", ignore_case=True
)
MIN_MAIN_CLAUSE_WORDS = 6
# Their first words: a text whose first word, case folded, is none of them is not searched (the
# pattern reads the dotted and dotless capital I as i, and so does `_folded_word`).
_CONCESSIVE_FIRST_WORDS = frozenset(concession.split()[0] for concession in _CONCESSIONS)


class ArtifactError(RuntimeError):
    """The classifier artifact is missing, tampered with or built for another scikit-learn."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _minor_version(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _installed_sklearn() -> str:
    """The installed scikit-learn version, read without importing it (that takes a second).

    Read from the first `scikit_learn-*.dist-info` on the path, as `importlib.metadata` finds
    a wheel's metadata; anything else (no such folder, several, an `.egg-info`) is left to
    `importlib.metadata`, whose import alone took a twentieth of the checker's start-up."""
    for entry in sys.path:
        directory = Path(entry or ".")
        try:
            candidates = [name for name in os.listdir(directory) if _is_sklearn_info(name)]
        except OSError:  # not a directory (a zip file), or unreadable
            continue
        if not candidates:
            continue
        if (
            len(candidates) == 1
            and candidates[0].startswith("scikit_learn-")
            and candidates[0].endswith(".dist-info")
        ):
            try:
                with (directory / candidates[0] / "METADATA").open(encoding="utf-8") as metadata:
                    for line in metadata:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():  # the headers end at the first blank line
                            break
            except OSError:
                pass
        break
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scikit-learn")
    except PackageNotFoundError:
        return "none"


def _is_sklearn_info(name: str) -> bool:
    """Whether a folder name is scikit-learn's distribution metadata, however the name is
    spelled (`importlib.metadata` ignores case and reads "-", "_" and "." alike)."""
    name = name.lower()
    return name[:13] in ("scikit-learn-", "scikit_learn-", "scikit.learn-") and name.endswith(
        (".dist-info", ".egg-info")
    )


def verify_artifact(artifact_dir: Path, *, files: tuple[str, ...] = (INFERENCE_NAME,)) -> dict:
    """Check the artifact files against their manifest; return the manifest.

    Each file's SHA-256 must match the manifest, and the manifest's scikit-learn version must
    match the installed one (same minor version), before anything is deserialised.
    """
    manifest_path = artifact_dir / MANIFEST_NAME
    missing = [name for name in (*files, MANIFEST_NAME) if not (artifact_dir / name).is_file()]
    if missing:
        raise ArtifactError(
            f"no classifier artifact in {artifact_dir} (missing {', '.join(missing)}): run "
            "`make train` to build it"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ArtifactError(f"{manifest_path} is not valid JSON: {error}") from error
    hashes = manifest.get("sha256") or {}
    for name in files:
        actual = sha256_of(artifact_dir / name)
        if hashes.get(name) != actual:
            raise ArtifactError(
                f"{artifact_dir / name} does not match its manifest (sha256 {actual[:12]}…, "
                f"manifest says {str(hashes.get(name))[:12]}…): refusing to load it"
            )
    built_with, installed = str(manifest.get("sklearn_version", "?")), _installed_sklearn()
    if _minor_version(built_with) != _minor_version(installed):
        raise ArtifactError(
            f"{artifact_dir} was built with scikit-learn {built_with} but {installed} is "
            "installed: retrain with `make train` or install the matching version"
        )
    return manifest


def export_inference(pipeline: Any) -> dict[str, np.ndarray]:
    """The fitted pipeline as plain arrays: vectorizer vocabularies and weights, head weights."""
    features = pipeline.named_steps["features"]
    heads = pipeline.named_steps["heads"]
    arrays: dict[str, np.ndarray] = {}
    names = []
    for name, vectorizer in features.transformer_list:
        arrays.update(FastTfidf.from_vectorizer(vectorizer).export(f"{name}__"))
        names.append(name)
    arrays["feature_blocks"] = np.array(names, dtype=str)
    arrays["weights"] = np.column_stack(
        [np.asarray(e.coef_, dtype=np.float64).ravel() for e in heads.estimators_]
    )
    arrays["intercepts"] = np.array([float(np.ravel(e.intercept_)[0]) for e in heads.estimators_])
    return arrays


# Words by which a sentence refers back to the treatment it speaks of ("the cells", "this
# therapy"); with the product names, offer, protocol and patient-story cues of the lexicons.
# RE2 (`model.linear_regex`): `re`'s word boundary before the first word, and a non-word
# character or the end after the last.
_TREATMENT_REFERENCE = LinearPattern(
    r"\b((?:this|the|these|that|our|your|their|my|his|her)\s+(?:own\s+)?"
    r"(?:treatments?|therap(?:y|ies)|procedures?|cells|injections?|infusions?|shots?|protocols?))"
    + NOT_WORD_OR_END,
    ignore_case=True,
    word_start_groups=frozenset({1}),
)
TREATMENT_FAMILIES: tuple[PageFamily, ...] = ("offer", "protocol", "own_patients")


def speaks_of_a_treatment(document: Document, index: int) -> bool:
    """The sentence names a cell product, refers to the treatment ("the cells", "this therapy"),
    offers it, describes its protocol, or tells a patient's story: a sentence the classifier may
    flag alone. A sentence that only describes a disease is none of these."""
    if document.in_sentence(document.products, index):
        return True
    for family in TREATMENT_FAMILIES:
        mentions = document.page_cues(family)
        # A group with no mention is skipped: `in_sentence` indexes each list it is given.
        if mentions and document.in_sentence(mentions, index):
            return True
    sentence = document.sentences[index]
    return _TREATMENT_REFERENCE.search(document.text, sentence.start, sentence.end) is not None


def _folded_word(word: str) -> str:
    return word.replace("\u0130", "i").replace("\u0131", "i").casefold()


def _main_clauses(texts: list[str]) -> dict[int, str]:
    """Per text that opens with a concessive clause, its main clause (of MIN_MAIN_CLAUSE_WORDS
    words or more), by the text's row."""
    clauses: dict[int, str] = {}
    for row, text in enumerate(texts):
        first = text.split(None, 1)[:1]
        if not first or _folded_word(first[0]) not in _CONCESSIVE_FIRST_WORDS:
            continue
        opening = _CONCESSIVE_OPENING.search(text)
        if opening is not None:
            main = text[opening[1] :]
            if len(main.split(None, MIN_MAIN_CLAUSE_WORDS - 1)) >= MIN_MAIN_CLAUSE_WORDS:
                clauses[row] = main
    return clauses


# What a sentence the classifier flags is most like, per category, as the explanation says it
# ("most like hype", not "most like a hype language").
CATEGORY_LIKENESS = {
    "efficacy_claim": "an efficacy claim",
    "safety_claim": "a safety claim",
    "regulatory_misrepresentation": "a regulatory misrepresentation",
    "unsupported_evidence": "a claim of evidence it does not cite",
    "testimonial": "a testimonial",
    "hype_language": "hype",
    "medication_discontinuation": "advice to reduce or stop medication",
    "pay_to_participate": "an offer to pay to join a study",
    "more_than_minimal_manipulation": "a claim of more than minimal manipulation",
    "nonhomologous_or_systemic_use": "a claim of nonhomologous or systemic use",
}


def claims_of_a_treatment(document: Document, index: int) -> bool:
    """The sentence speaks of a treatment and asserts something of it: an effect, a patient's
    improvement, safety, or how the cells are processed (context cue `claimed_effect`). Only
    such a sentence may be flagged by the classifier alone: read on real pages, the classifier's
    other confident sentences defined a product, told what a family decided, or pointed to an
    article, and a reviewer would flag none of them (issue 16)."""
    effects = document.cues("claimed_effect")
    if not effects or not document.in_sentence(effects, index):
        return False
    return speaks_of_a_treatment(document, index)


@dataclass(frozen=True)
class Assessment:
    """What the classifier says of a document's claims: the response's `classifier` block, a
    flag for each violative sentence no rule covers, and the sentences it finds violative (a
    rule flag on one of them is confirmed: `confirmed`)."""

    block: dict[str, Any]
    sentence_flags: list[Flag]
    violative_sentences: frozenset[int]

    def confirmed(self, flag: Flag) -> Flag:
        """`flag`, as "rule+classifier" with its confidence raised when the classifier finds
        one of its sentences violative; unchanged otherwise."""
        if flag.source != "rule" or not flag.sentence_indexes & self.violative_sentences:
            return flag
        return flag.replaced(
            source="rule+classifier",
            confidence=min(0.99, flag.confidence + 0.5 * (1 - flag.confidence)),
        )


@dataclass
class SentenceScores:
    """The classifier's scores for the sentences of one document: the violative head's
    probability of each scored sentence (`violative`; for a sentence that opens with a
    concession, the higher of the sentence's and its main clause's); every head's
    (`probabilities`, rows as `indexes`, of the whole sentences) is computed when first asked
    for, as most checks read only the violative one."""

    document: Document
    indexes: list[int]
    features: SparseFeatures | None
    violative: np.ndarray
    classifier: SentenceClassifier = field(repr=False)
    _probabilities: np.ndarray | None = field(default=None, repr=False)

    @property
    def probabilities(self) -> np.ndarray:
        """Every head's probability per scored sentence: (sentences, columns)."""
        if self._probabilities is None:
            if self.features is None:
                self._probabilities = np.zeros((0, len(self.classifier.columns)))
            else:
                self._probabilities = self.classifier.probabilities(self.features)
        return self._probabilities


@dataclass
class SentenceClassifier:
    columns: tuple[str, ...]
    threshold: float
    flag_threshold: float
    version: str
    # The feature union's blocks: each one's name ("word", "char") and vectorizer.
    blocks: tuple[str, ...]
    vectorizers: tuple[Any, ...]
    violative_weights: np.ndarray
    weights: np.ndarray  # (features, columns): every head's coefficients side by side
    intercepts: np.ndarray
    heads: np.ndarray = field(init=False, repr=False)  # `weights` transposed, one row a head
    word_feature_mask: np.ndarray = field(init=False, repr=False)
    # The first word n-gram column and one past the last (None: no word n-grams).
    word_columns: tuple[int, int] | None = field(init=False, repr=False)
    # Where each block's columns start, and the union's width last.
    _block_starts: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.heads = np.ascontiguousarray(self.weights.T)  # no copy when `weights` is a transpose
        self._block_starts = np.cumsum([0] + [v.size for v in self.vectorizers]).tolist()
        self.word_feature_mask = np.zeros(self._block_starts[-1], dtype=bool)
        for name, start, stop in zip(
            self.blocks, self._block_starts, self._block_starts[1:], strict=False
        ):
            self.word_feature_mask[start:stop] = name == "word"
        words = np.flatnonzero(self.word_feature_mask)
        self.word_columns = (int(words[0]), int(words[-1]) + 1) if words.size else None

    def feature_name(self, column: int) -> str:
        """A column's name as the pipeline's `get_feature_names_out` gives it ("word__stem
        cells"), from its vectorizer's terms: an array of the 32,000 names took 3.8 MiB per
        worker, for the few word n-grams an answer's `top_terms` name."""
        if not 0 <= column < self._block_starts[-1]:
            raise IndexError(f"no feature column {column}")
        block = bisect.bisect_right(self._block_starts, column) - 1
        terms = self.vectorizers[block].terms
        return f"{self.blocks[block]}__{terms[column - self._block_starts[block]]}"

    @classmethod
    def from_arrays(
        cls, arrays: Any, manifest: dict[str, Any], *, keep: bool = False
    ) -> SentenceClassifier:
        """`keep`: keep the vectorizers' term indexes beside the data files, under the
        manifest's SHA-256 of the arrays' file (`FastTfidf`'s `keep_key`)."""
        blocks = tuple(str(name) for name in arrays["feature_blocks"])
        keep_key = str(manifest["sha256"][INFERENCE_NAME]).encode() if keep else None
        vectorizers = tuple(FastTfidf.from_arrays(arrays, f"{name}__", keep_key) for name in blocks)
        # Stored once, a row per head (what scoring reads); `weights` is its transpose, a view.
        heads = np.ascontiguousarray(np.asarray(arrays["weights"], dtype=np.float64).T)
        return cls(
            columns=tuple(manifest["columns"]),
            threshold=float(manifest["threshold"]),
            flag_threshold=float(manifest.get("flag_threshold", manifest["threshold"])),
            version=str(manifest["model_version"]),
            blocks=blocks,
            vectorizers=vectorizers,
            violative_weights=heads[0],
            weights=heads.T,
            intercepts=np.asarray(arrays["intercepts"], dtype=np.float64),
        )

    def transform(self, texts: list[str]) -> SparseFeatures:
        """The pipeline's features, computed without scikit-learn and FeatureUnion."""
        return tfidf_union(self.vectorizers, texts)

    def probabilities(self, features: SparseFeatures, heads: slice = slice(None)) -> np.ndarray:
        """Every head at once (or the `heads` slice of them): the logistic of one sparse-dense
        product.

        Equal to the pipeline's `predict_proba` (binary logistic regressions), without the
        per-estimator validation that costs more than the arithmetic on short texts. Each head
        is its own column of the product, summed alone: a slice of heads gives the very bits
        of those columns of all heads.
        """
        scores = features.times(self.heads[heads]) + self.intercepts[heads]
        return 1.0 / (1.0 + np.exp(-scores))

    def row_probabilities(self, features: SparseFeatures, rows: list[int]) -> dict[int, np.ndarray]:
        """Every head's probabilities of some rows of `features`, from those rows' entries
        alone (each row's sum reads its own entries, in the same order: the same bits as
        `probabilities(features)[row]`).

        The entries are chosen by `take` with positions: NumPy's boolean and 32-bit-integer
        indexing of arrays this long (every entry of the page) took four times as long."""
        if not rows:
            return {}
        wanted = np.zeros(features.shape[0], dtype=bool)
        wanted[rows] = True
        chosen = np.flatnonzero(wanted.take(features.indices))
        part = SparseFeatures(
            features.data.take(chosen),
            features.indices.take(chosen),
            None,  # `indptr`: not read by `times`
            features.columns.take(chosen),
            features.shape,
        )
        every = self.probabilities(part)
        return {row: every[row] for row in rows}

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Probabilities per text and column (`violative`, then categories)."""
        if not texts:
            return np.zeros((0, len(self.columns)))
        return self.probabilities(self.transform(texts))

    def score(self, document: Document) -> SentenceScores:
        """Score every sentence of at least MIN_SENTENCE_WORDS words in one vectorised call."""
        indexes: list[int] = []
        texts: list[str] = []
        for index, sentence in enumerate(document.sentences):
            text = document.text[sentence.start : sentence.end]
            if document.folded is not None:  # disguised words as they read ("st3m" → "stem")
                text = document.folded.readable(sentence.start, sentence.end)
            # split(None, n) stops after n + 1 words: enough to know there are that many. A text
            # in a script without spaces is counted by its characters (`word_count`).
            if len(text.split(None, MIN_SENTENCE_WORDS - 1)) >= MIN_SENTENCE_WORDS or (
                not text.isascii() and word_count(text) >= MIN_SENTENCE_WORDS
            ):
                indexes.append(index)
                texts.append(text)
        if not texts:
            return SentenceScores(document, [], None, np.zeros(0), self)
        features = self.transform(texts)
        violative = self.probabilities(features, slice(0, 1))[:, 0]
        clauses = _main_clauses(texts)
        if clauses:
            rows = list(clauses)
            main = self.probabilities(self.transform(list(clauses.values())), slice(0, 1))[:, 0]
            violative[rows] = np.maximum(violative[rows], main)
        return SentenceScores(document, indexes, features, violative, self)

    def assess(
        self, document: Document, flags: list[Flag], scores: SentenceScores, *, explain: bool
    ) -> Assessment:
        """The response's `classifier` block, the violative sentences no rule flag in `flags`
        covers (as flags of their own), and the sentences whose rule flags it confirms."""
        if not scores.indexes:
            return Assessment(self._block(0.0, []), [], frozenset())
        violative = scores.violative.copy()
        for row, index in enumerate(scores.indexes):
            if document.is_suppressed(index):
                violative[row] *= 0.3
        top = np.sort(violative)[::-1][:2]
        document_probability = float(top.mean()) if len(top) else 0.0

        covered: set[int] = set()
        for flag in flags:
            covered |= flag.sentence_indexes
        confirmed: set[int] = set()
        candidates: list[tuple[int, int]] = []  # (row, sentence) that may become a flag
        for row, (index, probability) in enumerate(
            zip(scores.indexes, violative.tolist(), strict=True)
        ):
            if probability < self.threshold:
                continue
            confirmed.add(index)
            if (
                index in covered
                or probability < self.flag_threshold
                or not document.products
                or not claims_of_a_treatment(document, index)
                or document.sentences[index].is_heading
                or word_count(
                    document.text[document.sentences[index].start : document.sentences[index].end]
                )
                < MIN_FLAG_WORDS
            ):
                continue
            candidates.append((row, index))
        features = scores.features  # None only when no sentence was scored (returned above)
        new_flags: list[Flag] = []
        if candidates and features is not None:
            # The category heads, only for the sentences that may become flags.
            rows = self.row_probabilities(features, [row for row, _ in candidates])
            for row, index in candidates:
                sentence_flag = self._sentence_flag(document, index, rows[row], violative[row])
                if sentence_flag is not None:
                    new_flags.append(sentence_flag)
        top_terms = self._top_terms(features, violative) if explain and features is not None else []
        return Assessment(
            self._block(document_probability, top_terms), new_flags, frozenset(confirmed)
        )

    def _sentence_flag(
        self, document: Document, index: int, row: np.ndarray, probability: float
    ) -> Flag | None:
        scored = [
            (value, column)
            for value, column in zip(row.tolist(), self.columns, strict=True)
            if column in FLAGGABLE_CATEGORIES
        ]
        category_probability, category = max(scored)
        if category_probability < MIN_CATEGORY_PROBABILITY:
            return None
        sentence = document.sentences[index]
        quote = " ".join(document.text[sentence.start : sentence.end].split())
        label = category.replace("_", " ")
        return Flag(
            rule_id=CLASSIFIER_RULE_ID,
            category=category,
            # Alone, a sentence score raises a page to review only where nothing legitimate
            # (an approved product, a transplant) is named.
            severity="medium" if probability >= 0.9 and not document.approved else "low",
            title=f"Sentence reads like a violative claim ({label})",
            explanation=(
                f"The classifier, trained on claims that FDA and FTC letters cited, scores this "
                f"sentence {probability:.2f} violative, most like {CATEGORY_LIKENESS[category]} "
                f"(p={category_probability:.2f}), though no rule matched it: \u201c"
                f"{quote[:120]}\u201d."
            ),
            evidence=[Span(sentence.start, sentence.end)],
            confidence=round(float(probability), 3),
            source="classifier",
            sentence_indexes={index},
        )

    def _top_terms(
        self, features: SparseFeatures, violative: np.ndarray, limit: int = 8
    ) -> list[dict]:
        """The word n-grams that contributed most to the violative score of the page's most
        violative sentences (feature value times the violative head's weight)."""
        selected_rows = violative >= min(self.threshold, float(violative.max()))
        # Word n-grams explain; character n-grams ("tem c") only help the model.
        if self.word_columns is None:
            return []
        start, stop = features.column_range(*self.word_columns)
        columns = features.columns[start:stop]
        selected = self.word_feature_mask.take(columns) & selected_rows.take(
            features.indices[start:stop]
        )
        columns = columns[selected]
        contributions = features.data[start:stop][selected] * self.violative_weights[columns]
        # Each column's total adds its rows' contributions in ascending rows, from 0.0.
        totals = np.bincount(columns, weights=contributions)
        positive = np.flatnonzero(totals > 0)
        best = positive[np.lexsort((positive, -totals[positive]))][:limit]
        return [
            {
                "term": self.feature_name(c).split("__", 1)[-1],
                "weight": round(float(totals[c]), 3),
            }
            for c in best.tolist()
        ]

    def _block(self, probability: float, top_terms: list[dict]) -> dict[str, Any]:
        return {
            "label": "violative" if probability >= self.threshold else "ok",
            "probability": round(probability, 3),
            "top_terms": top_terms,
            "model_version": self.version,
        }


def load_classifier(artifact_dir: Path | None = None) -> SentenceClassifier:
    """Verify, then load, the committed classifier (its plain-array form: no pickle)."""
    directory = artifact_dir or ARTIFACT_DIR
    manifest = verify_artifact(directory, files=(INFERENCE_NAME,))
    with np.load(directory / INFERENCE_NAME, allow_pickle=False) as arrays:
        return SentenceClassifier.from_arrays(arrays, manifest, keep=True)


def load_pipeline(artifact_dir: Path | None = None) -> Any:
    """Verify, then unpickle, the scikit-learn Pipeline the classifier was exported from."""
    import joblib

    directory = artifact_dir or ARTIFACT_DIR
    verify_artifact(directory, files=(ARTIFACT_NAME,))
    return joblib.load(directory / ARTIFACT_NAME)
