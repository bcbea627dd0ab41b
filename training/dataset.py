"""Reads and checks the labelled rows in `training/data/*.jsonl`.

Each row is one sentence or short passage: `text`, `label` (`violative` or `ok`), `categories`
(SPEC categories, for violative rows), `source` (the enforcement letter or public page the row is
modelled on; cross-validation groups by it), `source_url`, `product`, `condition`, and optionally
`lang` (the row's language, an ISO 639-1 code; `en` when absent), so that figures can be given
per language.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path

from model.vocabulary import CATEGORIES, PRODUCT_IDS

DATA_DIR = Path(__file__).parent / "data"
LABELS = ("violative", "ok")
REQUIRED = ("text", "label", "categories", "source", "source_url", "product", "condition")
OPTIONAL = ("lang",)
DEFAULT_LANG = "en"
LANG_CODE = re.compile(r"[a-z]{2}")
HELD_OUT_FRACTION = 0.2


class DatasetError(ValueError):
    """A training row is malformed."""


@dataclass(frozen=True)
class Row:
    text: str
    label: str
    categories: tuple[str, ...]
    source: str
    source_url: str | None
    product: str | None
    condition: str | None
    file: str
    line: int
    lang: str = DEFAULT_LANG

    @property
    def is_violative(self) -> bool:
        return self.label == "violative"


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted(data_dir.glob("*.jsonl"))


def data_hash(data_dir: Path = DATA_DIR) -> str:
    """SHA-256 over every data file's name and bytes: the artifact's training-data reference."""
    digest = hashlib.sha256()
    for path in data_files(data_dir):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def normalise_for_duplicates(text: str) -> str:
    """Lower case, accents, digits and punctuation removed: near-duplicates compare equal.

    Letters of every script are kept (a Russian or Chinese row is not reduced to nothing).
    """
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W\d_]+", " ", folded).split())


def parse_row(record: object, file: str, line: int) -> Row:
    where = f"{file}:{line}"
    if not isinstance(record, dict):
        raise DatasetError(f"{where}: not a JSON object")
    missing = [key for key in REQUIRED if key not in record]
    if missing:
        raise DatasetError(f"{where}: missing {missing}")
    extra = set(record) - set(REQUIRED) - set(OPTIONAL)
    if extra:
        raise DatasetError(f"{where}: unknown keys {sorted(extra)}")
    text, label, categories = record["text"], record["label"], record["categories"]
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(f"{where}: empty text")
    if label not in LABELS:
        raise DatasetError(f"{where}: label must be one of {LABELS}")
    if not isinstance(categories, list) or any(c not in CATEGORIES for c in categories):
        raise DatasetError(f"{where}: categories must be SPEC categories")
    if label == "violative" and not categories:
        raise DatasetError(f"{where}: a violative row needs at least one category")
    if label == "ok" and categories:
        raise DatasetError(f"{where}: an ok row has no categories")
    if not isinstance(record["source"], str) or not record["source"].strip():
        raise DatasetError(f"{where}: every row needs a source")
    if record["product"] is not None and record["product"] not in PRODUCT_IDS:
        raise DatasetError(f"{where}: unknown product {record['product']!r}")
    lang = record.get("lang", DEFAULT_LANG)
    if not isinstance(lang, str) or not LANG_CODE.fullmatch(lang):
        raise DatasetError(f"{where}: lang must be a two-letter ISO 639-1 code")
    return Row(
        text=text,
        label=label,
        categories=tuple(categories),
        source=record["source"],
        source_url=record["source_url"],
        product=record["product"],
        condition=record["condition"],
        file=file,
        line=line,
        lang=lang,
    )


def load_rows(data_dir: Path = DATA_DIR) -> list[Row]:
    rows: list[Row] = []
    for path in data_files(data_dir):
        with path.open(encoding="utf-8") as handle:
            for number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw)
                except ValueError as error:
                    raise DatasetError(f"{path.name}:{number}: invalid JSON: {error}") from error
                rows.append(parse_row(record, path.name, number))
    return rows


def is_held_out(source: str) -> bool:
    """Whether a source's rows are held out from training: a stable hash of the source id.

    Splitting by source keeps every paraphrase of one letter on the same side.
    """
    return zlib.crc32(source.encode("utf-8")) % 100 < HELD_OUT_FRACTION * 100


def split_by_source(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    train = [row for row in rows if not is_held_out(row.source)]
    held_out = [row for row in rows if is_held_out(row.source)]
    return train, held_out
