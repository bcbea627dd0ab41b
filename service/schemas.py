"""Marshmallow schemas of every request and response in SPEC.

Request schemas validate (unknown fields are rejected); response schemas describe the checker's
dicts, so `/openapi.json` documents the whole contract. The check and batch responses are sent
as the checker builds them, without a dump (see `service.api`); the catalogue, knowledge base
and probes are dumped through theirs.
"""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, has_app_context
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates

from model.knowledge_base import PRODUCTS
from model.page import PAGE_KINDS, SIGNALS
from model.rules import CATEGORIES, SEVERITIES
from service.config import Config

FORMATS = ("text", "html")
OFFSET_MODES = ("codepoint", "utf16")
SOURCES = ("rule", "classifier", "rule+classifier")
MAX_ID_CHARS = 200
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class UnicodeString(fields.String):
    """A string that must be valid Unicode: JSON's `"\\ud800"` escapes decode to lone
    surrogates, which no UTF-8 or UTF-16 client can represent in offsets or quotes."""

    default_error_messages = {
        "surrogate": "Contains a lone surrogate code point (U+D800 to U+DFFF); "
        "send valid Unicode text.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _LONE_SURROGATE.search(text):
            raise self.make_error("surrogate")
        return text


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


class CheckRequestSchema(StrictSchema):
    """One ad to screen."""

    text = UnicodeString(
        required=True,
        validate=validate.Length(min=1),
        metadata={
            "description": "The ad: plain text, or an HTML page with `format: html`. "
            "1 to max_chars characters (REDFLAGS_MAX_CHARS, default 100000)."
        },
    )
    format = fields.String(
        load_default="text",
        allow_none=True,
        validate=validate.OneOf(FORMATS),
        metadata={"description": "`html` is reduced to its visible text first."},
    )
    id = UnicodeString(
        allow_none=True,
        validate=validate.Length(max=MAX_ID_CHARS),
        metadata={"description": "Echoed back in the response."},
    )
    url = UnicodeString(
        allow_none=True,
        metadata={"description": "Informational only: the service never fetches it."},
    )
    offsets = fields.String(
        load_default="codepoint",
        allow_none=True,
        validate=validate.OneOf(OFFSET_MODES),
        metadata={"description": "`codepoint`: Python string indices; `utf16`: JavaScript."},
    )
    min_severity = fields.String(
        allow_none=True,
        validate=validate.OneOf(SEVERITIES),
        metadata={"description": "Return only flags at least this severe."},
    )
    exclude = fields.List(
        UnicodeString(),
        allow_none=True,
        metadata={"description": "Rule ids or categories not to run; unknown names are a 422."},
    )

    def __init__(self, *args: Any, max_chars: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._max_chars = max_chars

    @property
    def max_chars(self) -> int:
        if self._max_chars is not None:
            return self._max_chars
        if has_app_context():
            return int(current_app.config["REDFLAGS_MAX_CHARS"])
        return Config.REDFLAGS_MAX_CHARS

    @validates("text")
    def _text_fits(self, value: str, **kwargs: Any) -> None:
        validate.Length(max=self.max_chars)(value)


class BatchItemField(fields.Nested):
    """Documented as a check request; the view validates each item on its own, so that one bad
    item becomes that item's error entry instead of failing the batch."""

    def deserialize(
        self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any
    ) -> Any:
        return value


class BatchRequestSchema(StrictSchema):
    """Up to max_batch ads to screen in one call."""

    items = fields.List(
        BatchItemField(CheckRequestSchema),
        required=True,
        metadata={
            "description": "1 to max_batch check requests (REDFLAGS_MAX_BATCH, default 256)."
        },
    )

    @validates("items")
    def _items_fit(self, value: list[Any], **kwargs: Any) -> None:
        limit = (
            int(current_app.config["REDFLAGS_MAX_BATCH"])
            if has_app_context()
            else Config.REDFLAGS_MAX_BATCH
        )
        if not 1 <= len(value) <= limit:
            raise ValidationError(f"Send between 1 and {limit} items.")


# -- check response -----------------------------------------------------------------------------


class RiskSchema(OutSchema):
    level = fields.String(required=True, validate=validate.OneOf(("low", "medium", "high")))
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
    id = fields.String(required=True, validate=validate.OneOf(sorted(PRODUCTS)))
    label = fields.String(required=True)


class ConditionSchema(OutSchema):
    name = fields.String(required=True, metadata={"description": "Canonical lower-case name."})
    code = fields.String(allow_none=True, metadata={"description": "MeSH descriptor id."})


class EntitiesSchema(OutSchema):
    product = fields.Nested(ProductSchema)
    condition = fields.Nested(ConditionSchema)


class RegulatoryContextSchema(OutSchema):
    id = fields.String(required=True)
    citation = fields.String(required=True)
    title = fields.String(metadata={"description": "Absent when compact."})
    url = fields.String(required=True)
    summary = fields.String(metadata={"description": "Absent when compact."})
    relevance = fields.String(required=True)


class FlagPrecedentSchema(OutSchema):
    id = fields.String(required=True, metadata={"description": "Its id in GET /v1/regulations."})
    kind = fields.String(required=True)
    recipient = fields.String(required=True)
    date = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    reference = fields.String(allow_none=True, metadata={"description": "Absent when compact."})
    url = fields.String(required=True)
    summary = fields.String(metadata={"description": "Absent when compact."})


class FlagSchema(OutSchema):
    rule_id = fields.String(required=True)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    title = fields.String(required=True)
    explanation = fields.String(required=True)
    evidence = fields.List(fields.Nested(EvidenceSchema), required=True)
    entities = fields.Nested(EntitiesSchema, required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
    confidence = fields.Float(required=True)
    regulatory_context = fields.List(fields.Nested(RegulatoryContextSchema), required=True)
    precedents = fields.List(fields.Nested(FlagPrecedentSchema), required=True)


class TopTermSchema(OutSchema):
    term = fields.String(required=True)
    weight = fields.Float(required=True)


class ClassifierSchema(OutSchema):
    label = fields.String(required=True, validate=validate.OneOf(("violative", "ok")))
    probability = fields.Float(required=True)
    top_terms = fields.List(
        fields.Nested(TopTermSchema), metadata={"description": "Absent when compact."}
    )
    model_version = fields.String(required=True)


class SignalSchema(OutSchema):
    signal = fields.String(required=True, validate=validate.OneOf(SIGNALS))
    evidence = fields.Nested(EvidenceSchema, required=True)


class PageSchema(OutSchema):
    kind = fields.String(required=True, validate=validate.OneOf(PAGE_KINDS))
    probability = fields.Float(
        required=True,
        metadata={"description": "Calibrated probability that the page is promotional."},
    )
    signals = fields.List(
        fields.Nested(SignalSchema),
        required=True,
        validate=validate.Length(max=5),
        metadata={"description": "Up to 5 reasons for the kind, each with its evidence."},
    )


class LanguageSchema(OutSchema):
    code = fields.String(
        required=True, metadata={"description": "ISO 639-1 code of the main language, or 'und'."}
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
