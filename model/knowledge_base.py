"""Regulatory knowledge base: laws, guidance and cases (references) plus enforcement precedents.

Loaded from ``model/data/knowledge_base.yaml``. Pure Python (no Flask): rules cite references
by id, and every flag asks :meth:`KnowledgeBase.closest_precedents` for up to three real
enforcement actions, so that call works on precomputed bitmasks and costs a few microseconds.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.datafiles import read_yaml
from model.vocabulary import CATEGORIES as SPEC_CATEGORIES
from model.vocabulary import PRODUCT_IDS

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "knowledge_base.yaml"

CATEGORIES = frozenset(SPEC_CATEGORIES)
PRODUCTS = frozenset(PRODUCT_IDS)
REFERENCE_KINDS = frozenset(
    {
        "regulation",
        "statute",
        "guidance",
        "consumer_alert",
        "court_decision",
        "professional_guidance",
        "platform_policy",
    }
)
PRECEDENT_KINDS = frozenset(
    {
        "fda_warning_letter",
        "fda_untitled_letter",
        "fda_it_has_come_to_our_attention_letter",
        "ftc_action",
        "court_decision",
        "state_action",
        "doj_action",
    }
)


class KnowledgeBaseError(ValueError):
    """Raised when the knowledge-base file is malformed."""


def _jsonable(obj: Reference | Precedent) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in vars(obj).items()}


@dataclass(frozen=True)
class Reference:
    id: str
    kind: str
    citation: str
    title: str
    url: str
    summary: str
    categories: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(self)


@dataclass(frozen=True)
class Precedent:
    id: str
    kind: str
    recipient: str
    date: str
    reference: str | None
    url: str
    summary: str
    products: tuple[str, ...]
    conditions: tuple[str, ...]
    categories: tuple[str, ...]
    routes: tuple[str, ...]
    verified: bool

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(self)


def _masks(ranked: list[Precedent], attr: str) -> dict[str, int]:
    """Map each value of ``attr`` to a bitmask whose bit k is set if ranked[k] has that value."""
    masks: dict[str, int] = {}
    for bit, prec in enumerate(ranked):
        for value in getattr(prec, attr):
            masks[value] = masks.get(value, 0) | (1 << bit)
    return masks


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    references: dict[str, Reference]
    precedents: tuple[Precedent, ...]
    # Precomputed at construction: precedents in tie-break order, and bitmasks over that order.
    _ranked: tuple[Precedent, ...] = field(init=False, repr=False, compare=False)
    _by_category: dict[str, int] = field(init=False, repr=False, compare=False)
    _by_product: dict[str, int] = field(init=False, repr=False, compare=False)
    _by_condition: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Tie-break order: verified first, then most recent date, then id (stable sorts).
        ranked = sorted(self.precedents, key=lambda p: p.id)
        ranked.sort(key=lambda p: p.date, reverse=True)
        ranked.sort(key=lambda p: not p.verified)
        # A precedent with no claim categories (a pure tissue-practice letter, or the reversed 2022
        # district ruling) is listed in as_dict() but never offered as support for a flag.
        ranked = [p for p in ranked if p.categories]
        object.__setattr__(self, "_ranked", tuple(ranked))
        object.__setattr__(self, "_by_category", _masks(ranked, "categories"))
        object.__setattr__(self, "_by_product", _masks(ranked, "products"))
        object.__setattr__(self, "_by_condition", _masks(ranked, "conditions"))

    def reference(self, ref_id: str) -> Reference:
        try:
            return self.references[ref_id]
        except KeyError:
            n = len(self.references)
            raise KeyError(
                f"unknown knowledge-base reference id {ref_id!r} "
                f"(knowledge base {self.version} has {n} references)"
            ) from None

    def closest_precedents(
        self,
        *,
        category: str,
        product: str | None = None,
        condition: str | None = None,
        limit: int = 3,
    ) -> list[Precedent]:
        """Up to ``limit`` precedents, most specific first.

        Score = same condition (4) + same product (2) + same category (1); a precedent must match
        the category or the product to be returned. Equal scores keep the tie-break order:
        verified first, then most recent date, then id.
        """
        cat = self._by_category.get(category, 0)
        prod = self._by_product.get(product, 0) if product else 0
        cond = self._by_condition.get(condition, 0) if condition else 0
        eligible = cat | prod
        out: list[Precedent] = []
        if limit <= 0 or not eligible:
            return out
        for score in (7, 6, 5, 3, 2, 1):  # 4 (condition only) is not eligible
            mask = eligible & (cond if score & 4 else ~cond) & (prod if score & 2 else ~prod)
            mask &= cat if score & 1 else ~cat
            while mask:
                low = mask & -mask
                out.append(self._ranked[low.bit_length() - 1])
                if len(out) == limit:
                    return out
                mask ^= low
        return out

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready view for GET /v1/regulations (references by id, precedents newest first)."""
        precs = sorted(self.precedents, key=lambda p: p.id)
        precs.sort(key=lambda p: p.date, reverse=True)
        return {
            "version": self.version,
            "references": [self.references[k].as_dict() for k in sorted(self.references)],
            "precedents": [p.as_dict() for p in precs],
        }


def _strs(value: Any, where: str, allowed: frozenset[str] | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeBaseError(f"{where}: expected a list of strings")
    if allowed is not None and (bad := sorted(set(value) - allowed)):
        raise KnowledgeBaseError(f"{where}: unknown value(s) {bad}")
    return tuple(value)


def _str(rec: dict[str, Any], key: str, where: str, allowed: frozenset[str] | None = None) -> str:
    value = rec.get(key)
    if isinstance(value, _dt.date):  # an unquoted YAML date
        value = value.isoformat()
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeBaseError(f"{where}: '{key}' must be a non-empty string")
    if allowed is not None and value not in allowed:
        raise KnowledgeBaseError(f"{where}: unknown {key} {value!r}")
    return value


def load_knowledge_base(path: Path | None = None) -> KnowledgeBase:
    """Read and validate the knowledge base (default: model/data/knowledge_base.yaml)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}: expected a mapping at the top level")
    references: dict[str, Reference] = {}
    for i, rec in enumerate(data.get("references") or []):
        where = f"references[{i}]"
        ref = Reference(
            id=_str(rec, "id", where),
            kind=_str(rec, "kind", where, REFERENCE_KINDS),
            citation=_str(rec, "citation", where),
            title=_str(rec, "title", where),
            url=_str(rec, "url", where),
            summary=_str(rec, "summary", where),
            categories=_strs(rec.get("categories"), f"{where}.categories", CATEGORIES),
        )
        if ref.id in references:
            raise KnowledgeBaseError(f"{where}: duplicate id {ref.id!r}")
        references[ref.id] = ref
    precedents: list[Precedent] = []
    seen = set(references)
    for i, rec in enumerate(data.get("precedents") or []):
        where = f"precedents[{i}]"
        reference = rec.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise KnowledgeBaseError(f"{where}: 'reference' must be a string or null")
        if not isinstance(rec.get("verified"), bool):
            raise KnowledgeBaseError(f"{where}: 'verified' must be true or false")
        prec = Precedent(
            id=_str(rec, "id", where),
            kind=_str(rec, "kind", where, PRECEDENT_KINDS),
            recipient=_str(rec, "recipient", where),
            date=_str(rec, "date", where),
            reference=reference,
            url=_str(rec, "url", where),
            summary=_str(rec, "summary", where),
            products=_strs(rec.get("products"), f"{where}.products", PRODUCTS),
            conditions=_strs(rec.get("conditions"), f"{where}.conditions"),
            categories=_strs(rec.get("categories"), f"{where}.categories", CATEGORIES),
            routes=_strs(rec.get("routes"), f"{where}.routes"),
            verified=rec["verified"],
        )
        if prec.id in seen:
            raise KnowledgeBaseError(f"{where}: duplicate id {prec.id!r}")
        seen.add(prec.id)
        precedents.append(prec)
    return KnowledgeBase(
        version=_str(data, "version", str(path)),
        references=references,
        precedents=tuple(precedents),
    )
