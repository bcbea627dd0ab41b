"""Marshmallow schemas of every request and response in SPEC.

Request schemas validate (unknown fields are rejected); response schemas describe the checker's
dicts, so `/openapi.json` documents the whole contract. The check and batch responses are sent
as the checker builds them, without a dump (see `service.api`); the catalogue, knowledge base
and probes are dumped through theirs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from apispec import APISpec
from flask import current_app, has_app_context
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates

from model.vocabulary import (
    CATEGORIES,
    FLAG_SOURCES,
    PAGE_KINDS,
    PAGE_SIGNALS,
    PRODUCT_IDS,
    RISK_LEVELS,
    SEVERITIES,
)
from service import contract
from service.config import Config


class StrictSchema(Schema):
    """Requests: a field the contract does not name is an error."""

    class Meta:
        unknown = RAISE


class OutSchema(Schema):
    """Responses: documented without `additionalProperties: false`, so that adding a field to
    a response is not a breaking change for generated clients."""

    class Meta:
        unknown = EXCLUDE


# -- requests -----------------------------------------------------------------------------------


def _configured(name: str) -> int:
    """A limit as the current app enforces it (outside an app: its default)."""
    return int(current_app.config[name] if has_app_context() else getattr(Config, name))


class CheckRequestSchema(contract.CheckRequestSchema):
    """One ad to screen (`service.contract`), with the app's REDFLAGS_MAX_CHARS."""

    def configured_max_chars(self) -> int:
        return _configured("REDFLAGS_MAX_CHARS")


class BatchItemField(fields.Field):
    """An item of a batch: any JSON value. The view validates each item on its own as a
    check request, so a bad item (an unknown field, a wrong type) becomes that item's error
    entry in a 200 instead of failing the batch; the document says so."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return value

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return value


class BatchRequestSchema(StrictSchema):
    """Up to max_batch ads to screen in one call."""

    items = fields.List(
        BatchItemField(
            allow_none=True,
            metadata={
                "description": "A check request (CheckRequest). One that breaks the contract "
                "gets its own `error` entry; the other items are screened."
            },
        ),
        required=True,
        validate=validate.Length(min=1),
        metadata={
            "description": "1 to max_batch check requests (REDFLAGS_MAX_BATCH, default 256)."
        },
    )

    @validates("items")
    def _items_fit(self, value: list[Any], **kwargs: Any) -> None:
        limit = _configured("REDFLAGS_MAX_BATCH")
        if not 1 <= len(value) <= limit:
            raise ValidationError(f"Send between 1 and {limit} items.")


def document_limits(
    spec: APISpec, settings: Mapping[str, Any], excludable: Iterable[str] | None
) -> None:
    """Write the limits this app enforces into its OpenAPI document: the same settings the
    validators read, and the rule ids and categories its checker knows (`exclude`'s enum)."""
    components = spec.components.schemas
    check = components["CheckRequest"]["properties"]
    check["text"]["maxLength"] = int(settings["REDFLAGS_MAX_CHARS"])
    if excludable is not None:
        check["exclude"]["items"]["enum"] = sorted(excludable)
    batch = components["BatchRequest"]["properties"]["items"]
    batch["maxItems"] = int(settings["REDFLAGS_MAX_BATCH"])


# -- check response -----------------------------------------------------------------------------


class RiskSchema(OutSchema):
    level = fields.String(required=True, validate=validate.OneOf(RISK_LEVELS))
    score = fields.Float(
        required=True, metadata={"description": "0 to 1, within the level's band."}
    )


class EvidenceSchema(OutSchema):
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    quote = fields.String(
        required=True, metadata={"description": "Exactly the analysed text from start to end."}
    )


class ProductSchema(OutSchema):
    id = fields.String(required=True, validate=validate.OneOf(PRODUCT_IDS))
    label = fields.String(required=True)


class ConditionSchema(OutSchema):
    name = fields.String(required=True, metadata={"description": "Canonical lower-case name."})
    code = fields.String(allow_none=True, metadata={"description": "MeSH descriptor id."})


class EntitiesSchema(OutSchema):
    product = fields.Nested(ProductSchema)
    condition = fields.Nested(ConditionSchema)


_FULL_ONLY = "Left out with `detail: compact`."


class RegulatoryContextSchema(OutSchema):
    id = fields.String(required=True)
    citation = fields.String(required=True)
    title = fields.String(metadata={"description": _FULL_ONLY})
    url = fields.String(required=True)
    summary = fields.String(metadata={"description": _FULL_ONLY})
    relevance = fields.String(required=True)


class FlagPrecedentSchema(OutSchema):
    id = fields.String(required=True, metadata={"description": "Its id in GET /v1/regulations."})
    kind = fields.String(required=True)
    recipient = fields.String(required=True)
    date = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    reference = fields.String(allow_none=True, metadata={"description": _FULL_ONLY})
    url = fields.String(required=True)
    summary = fields.String(metadata={"description": _FULL_ONLY})


class FlagSchema(OutSchema):
    rule_id = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    title = fields.String(required=True)
    explanation = fields.String(required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    entities = fields.Nested(EntitiesSchema, required=True)
    source = fields.String(required=True, validate=validate.OneOf(FLAG_SOURCES))
    confidence = fields.Float(required=True)
    regulatory_context = fields.List(fields.Nested(RegulatoryContextSchema), required=True)
    precedents = fields.List(fields.Nested(FlagPrecedentSchema), required=True)


class TopTermSchema(OutSchema):
    term = fields.String(required=True)
    weight = fields.Float(required=True)


class ClassifierSchema(OutSchema):
    label = fields.String(required=True, validate=validate.OneOf(("violative", "ok")))
    probability = fields.Float(required=True)
    top_terms = fields.List(fields.Nested(TopTermSchema), metadata={"description": _FULL_ONLY})
    model_version = fields.String(required=True)


class PageSignalSchema(OutSchema):
    signal = fields.String(required=True, validate=validate.OneOf(PAGE_SIGNALS))
    evidence = fields.Nested(EvidenceSchema, required=True)


class PageSchema(OutSchema):
    """The checker's reading of the page as a whole (API 1.1)."""

    kind = fields.String(required=True, validate=validate.OneOf(PAGE_KINDS))
    probability = fields.Float(
        required=True, metadata={"description": "Calibrated probability that it is promotional."}
    )
    signals = fields.List(
        fields.Nested(PageSignalSchema),
        required=True,
        validate=validate.Length(max=5),
        metadata={"description": "Up to 5 reasons for `kind`."},
    )


class LanguageSchema(OutSchema):
    """The page's main language (API 1.1)."""

    code = fields.String(
        required=True, metadata={"description": "ISO 639-1 code, or `und` when undecided."}
    )
    confidence = fields.Float(required=True)


class VersionsSchema(OutSchema):
    api = fields.String(required=True)
    rules = fields.String(required=True)
    model = fields.String(required=True)
    knowledge_base = fields.String(required=True)


class CheckResponseSchema(OutSchema):
    """The screening report of one ad."""

    id = fields.String(metadata={"description": "The request's id, when it sent one."})
    risk = fields.Nested(RiskSchema, required=True)
    flags = fields.List(
        fields.Nested(FlagSchema),
        required=True,
        metadata={"description": "Sorted by severity (high first), then by first evidence offset."},
    )
    classifier = fields.Nested(
        ClassifierSchema,
        required=True,
        allow_none=True,
        metadata={"description": "null when the service runs rules only."},
    )
    page = fields.Nested(
        PageSchema, required=True, metadata={"description": "The page as a whole (API 1.1)."}
    )
    language = fields.Nested(LanguageSchema, required=True)
    text_length = fields.Integer(
        required=True,
        metadata={"description": "Length of the analysed text, in the requested offset units."},
    )
    extracted_text = fields.String(
        metadata={"description": "The visible text of an html request; evidence offsets index it."}
    )
    versions = fields.Nested(VersionsSchema, required=True)


# -- errors -------------------------------------------------------------------------------------


class ErrorDetailSchema(OutSchema):
    code = fields.String(required=True, metadata={"description": "Stable machine-readable code."})
    message = fields.String(required=True)
    details = fields.Dict(
        required=True,
        metadata={"description": "For validation_error: field name to list of messages."},
    )


class ErrorSchema(OutSchema):
    """Every non-2xx response."""

    error = fields.Nested(ErrorDetailSchema, required=True)


# -- batch response -----------------------------------------------------------------------------


class BatchResultSchema(OutSchema):
    index = fields.Integer(required=True)
    id = fields.String(required=True, allow_none=True)
    result = fields.Nested(CheckResponseSchema, metadata={"description": "When the item passed."})
    error = fields.Nested(ErrorDetailSchema, metadata={"description": "When the item failed."})


class BatchCountsSchema(OutSchema):
    ok = fields.Integer(required=True)
    error = fields.Integer(required=True)


class BatchResponseSchema(OutSchema):
    """One entry per item, in request order."""

    results = fields.List(fields.Nested(BatchResultSchema), required=True)
    counts = fields.Nested(BatchCountsSchema, required=True)


# -- catalogue, knowledge base, health ----------------------------------------------------------


class RuleSchema(OutSchema):
    id = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    title = fields.String(required=True)
    description = fields.String(required=True)
    references = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Ids of regulatory references (see /v1/regulations)."},
    )


class RulesResponseSchema(OutSchema):
    """The rule catalogue."""

    version = fields.String(required=True)
    rules = fields.List(fields.Nested(RuleSchema), required=True)


class ReferenceSchema(OutSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    citation = fields.String(required=True)
    title = fields.String(required=True)
    url = fields.String(required=True)
    summary = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)


class PrecedentSchema(OutSchema):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    recipient = fields.String(required=True)
    date = fields.String(required=True)
    reference = fields.String(required=True, allow_none=True)
    url = fields.String(required=True)
    summary = fields.String(required=True)
    products = fields.List(fields.String(), required=True)
    conditions = fields.List(fields.String(), required=True)
    categories = fields.List(fields.String(), required=True)
    routes = fields.List(fields.String(), required=True)
    verified = fields.Boolean(required=True)


class RegulationsResponseSchema(OutSchema):
    """Laws, guidance and cases (references) and enforcement actions (precedents)."""

    version = fields.String(required=True)
    references = fields.List(fields.Nested(ReferenceSchema), required=True)
    precedents = fields.List(fields.Nested(PrecedentSchema), required=True)


class HealthResponseSchema(OutSchema):
    status = fields.String(required=True, validate=validate.OneOf(("ok",)))
    versions = fields.Nested(VersionsSchema, required=True)
    rule_count = fields.Integer(required=True)
    classifier_loaded = fields.Boolean(required=True)


class ReadyResponseSchema(OutSchema):
    status = fields.String(required=True, validate=validate.OneOf(("ready",)))
    versions = fields.Nested(VersionsSchema, required=True)
    classifier_loaded = fields.Boolean(required=True)
