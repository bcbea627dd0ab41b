"""Loads the lexicon data files into lookup tables and matcher phrases.

Files (all under `model/data/`): `products.yaml` (cell products, FDA-approved products and
legitimate procedures), `conditions.yaml` (canonical condition names with MeSH ids, groups,
lay names and abbreviations) and `context_cues.yaml` (critical, informational, negation,
free-trial, disclosure and promotional cues).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.datafiles import read_yaml
from model.matcher import COMPOSED_HEAD_GROUP, Phrase

DATA_DIR = Path(__file__).parent / "data"
CUE_KINDS: tuple[str, ...] = (
    "critical",
    "informational",
    "negation",
    "free_trial",
    "disclosure",
    "promotional",
    "adverse",
    "veterinary",
)


@dataclass(frozen=True)
class Product:
    key: str
    id: str
    label: str
    autologous: bool | None
    # Conditions for which this source of cells is standard care (blood-forming stem cells
    # by transplant for blood cancers): naming the two together is not a red flag.
    legitimate_for: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ApprovedUse:
    """An FDA-approved product or an established procedure and what it is approved for."""

    key: str
    name: str
    product_id: str
    approved_conditions: frozenset[str]
    note: str
    cover_only: bool = False  # shields its conditions, never stands for a marketed product


@dataclass(frozen=True)
class Condition:
    name: str
    mesh: str | None
    group: str

    @property
    def code(self) -> str | None:
        return f"MeSH:{self.mesh}" if self.mesh else None


@dataclass(frozen=True)
class Lexicons:
    version: str
    products: dict[str, Product]
    approved: dict[str, ApprovedUse]
    conditions: dict[str, Condition]
    phrases: tuple[Phrase, ...]
    composed_window: int = 3
    # Source key -> the head words that may follow it ("fat" + "stem cells"). Every head is one
    # phrase of the `composed:head` group, found once whatever the number of sources using it.
    composed_heads: dict[str, frozenset[str]] = field(default_factory=dict)
    # The page cue families of `page_cues.yaml` (matched as group "page:<family>"), and the
    # languages each family has phrases in.
    page_families: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _read(path: Path) -> dict[str, Any]:
    return read_yaml(path)


_NUMBER_PAIRS = (
    ("cells", "cell"),
    ("injections", "injection"),
    ("infusions", "infusion"),
    ("therapies", "therapy"),
    ("treatments", "treatment"),
    ("shots", "shot"),
    ("products", "product"),
    ("procedures", "procedure"),
    ("protocols", "protocol"),
)


def inflections(term: str) -> set[str]:
    """The term and its other grammatical number ("placental cells" -> "placental cell").

    Ads say "regenerative cell injections" as often as "regenerative cells": with the singular
    head listed, the longer phrase matches through it.
    """
    forms = {term}
    head, _, last = term.rpartition(" ")
    for plural, singular in _NUMBER_PAIRS:
        if last == plural:
            forms.add(f"{head} {singular}".strip())
        elif last == singular:
            forms.add(f"{head} {plural}".strip())
    return forms


def _phrases(
    group: str, key: str, record: dict[str, Any], *, inflect: bool = False
) -> list[Phrase]:
    terms = record.get("terms") or []
    if inflect:
        terms = sorted({form for term in terms for form in inflections(term)})
    phrases = [Phrase(group, key, term) for term in terms]
    phrases += [Phrase(group, key, term, True) for term in record.get("abbreviations") or []]
    return phrases


def load_lexicons(data_dir: Path = DATA_DIR) -> Lexicons:
    products_data = _read(data_dir / "products.yaml")
    conditions_data = _read(data_dir / "conditions.yaml")
    cues_data = _read(data_dir / "context_cues.yaml")
    phrases: list[Phrase] = []

    products: dict[str, Product] = {}
    for record in products_data["products"]:
        products[record["key"]] = Product(
            key=record["key"],
            id=record["id"],
            label=record["label"],
            autologous=record.get("autologous"),
            legitimate_for=frozenset(record.get("legitimate_for") or ()),
        )
        phrases += _phrases("product", record["key"], record, inflect=True)

    approved: dict[str, ApprovedUse] = {}
    for section in ("approved_products", "legitimate_procedures"):
        for record in products_data.get(section) or []:
            approved[record["key"]] = ApprovedUse(
                key=record["key"],
                name=record["name"],
                product_id=record.get("product_id") or "other",
                approved_conditions=frozenset(record.get("approved_conditions") or ()),
                note=record.get("note") or "",
                cover_only=bool(record.get("cover_only", False)),
            )
            phrases += _phrases("approved", record["key"], record)

    for record in products_data.get("not_cell_products") or []:
        approved[record["key"]] = ApprovedUse(
            key=record["key"],
            name=record["name"],
            product_id="other",
            approved_conditions=frozenset(),
            note="not a human cell product",
            cover_only=True,
        )
        phrases += _phrases("approved", record["key"], record)

    composed = products_data.get("composed_products") or {}
    composed_heads: dict[str, frozenset[str]] = {}
    for record in composed.get("sources") or []:
        products[record["key"]] = Product(
            key=record["key"],
            id=record["id"],
            label=record["label"],
            autologous=None,
            legitimate_for=frozenset(record.get("legitimate_for") or ()),
        )
        phrases += [Phrase("composed:source", record["key"], t) for t in record["terms"]]
        heads = record.get("heads") or composed.get("heads") or []
        phrases += [Phrase(COMPOSED_HEAD_GROUP, h, h) for h in heads]
        composed_heads[record["key"]] = frozenset(heads)

    conditions: dict[str, Condition] = {}
    for record in conditions_data["conditions"]:
        conditions[record["name"]] = Condition(
            name=record["name"], mesh=record.get("mesh"), group=record["group"]
        )
        phrases += _phrases("condition", record["name"], record)

    for kind in CUE_KINDS:
        for cue in cues_data.get(kind) or []:
            phrases.append(Phrase(f"cue:{kind}", kind, cue))

    page_cues_data = _read(data_dir / "page_cues.yaml")
    page_families: dict[str, tuple[str, ...]] = {}
    for family, by_language in page_cues_data["families"].items():
        page_families[family] = tuple(sorted(by_language))
        cues = {cue for phrases_of_language in by_language.values() for cue in phrases_of_language}
        phrases += [Phrase(f"page:{family}", family, cue) for cue in sorted(cues)]

    version = "+".join(
        str(d.get("version", "0"))
        for d in (products_data, conditions_data, cues_data, page_cues_data)
    )
    return Lexicons(
        version=version,
        products=products,
        approved=approved,
        conditions=conditions,
        phrases=tuple(phrases),
        composed_window=int(composed.get("window", 3)),
        composed_heads=composed_heads,
        page_families=page_families,
    )
