"""The check request of SPEC, written once.

`POST /v1/check`, every item of `POST /v1/check/batch`, `redflags screen` and the Spark path all
validate a request with `CheckRequestSchema` and run it with `run_check`, which turns what the
checker refuses (unknown exclusions, html nested too deeply, a spent time budget) into the same
error objects everywhere. No Flask here: screening workers and Spark executors import it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from model.budget import TimeBudgetExceeded
from model.checker import UnknownExclusionError
from model.html_text import HtmlTooDeepError
from model.vocabulary import DETAIL_LEVELS, FORMATS, OFFSET_MODES, SEVERITIES

DEFAULT_MAX_CHARS = 100_000
MAX_ID_CHARS = 200
MAX_URL_CHARS = 2_048
MAX_EXCLUDE_NAMES = 200

INVALID_REQUEST = "The request does not follow the API contract."
TIME_BUDGET_EXCEEDED = (
    "The check did not finish within the server's time budget; retry later or send less text."
)


def _has_lone_surrogate(text: str) -> bool:
    """A code point U+D800-U+DFFF: the one thing strict UTF-8 cannot encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class CheckRefused(Exception):
    """A check request the contract refuses: an HTTP status and SPEC's error object."""

    def __init__(
        self, status: int, code: str, message: str, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}

    def error_object(self) -> dict[str, Any]:
        """`{"code", "message", "details"}`: the body's `error`, or a batch item's."""
        return {"code": self.code, "message": self.message, "details": self.details}


def invalid(details: Any, message: str = INVALID_REQUEST) -> CheckRefused:
    """A 422 `validation_error`; marshmallow's messages for the whole object go under
    `_schema`."""
    if not isinstance(details, dict):
        details = {"_schema": details if isinstance(details, list) else [str(details)]}
    return CheckRefused(422, "validation_error", message, details)


def time_budget_refusal() -> CheckRefused:
    """A 503 `time_budget_exceeded`: the check (or batch item) ran out of time."""
    return CheckRefused(503, "time_budget_exceeded", TIME_BUDGET_EXCEEDED)


# -- the request schema ---------------------------------------------------------------------------


class UnicodeString(fields.String):
    """A string that must be valid Unicode: JSON's `"\\ud800"` escapes decode to lone
    surrogates, which no UTF-8 or UTF-16 client can represent in offsets or quotes."""

    default_error_messages = {
        "surrogate": "Contains a lone surrogate code point (U+D800 to U+DFFF); "
        "send valid Unicode text.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if _has_lone_surrogate(text):
            raise self.make_error("surrogate")
        return text


class BoundedList(fields.List):
    """A list whose length is checked before its items: a million names is refused at once,
    not after a million strings have been validated. The bound is documented as `maxItems`."""

    def __init__(self, inner: fields.Field, *, max_items: int, **kwargs: Any) -> None:
        super().__init__(inner, validate=validate.Length(max=max_items), **kwargs)
        self.max_items = max_items

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list) and len(value) > self.max_items:
            raise ValidationError(f"Longer than maximum length {self.max_items}.")
        return super()._deserialize(value, attr, data, **kwargs)


class CheckRequestSchema(Schema):
    """One ad to screen. Unknown fields are an error (pass `unknown=EXCLUDE` to ignore them,
    as `redflags screen` does for a crawl's own metadata)."""

    class Meta:
        unknown = RAISE

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
        validate=validate.Length(max=MAX_URL_CHARS),
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
    # SPEC names this field `exclude`, as marshmallow names a Schema option; the metaclass
    # takes declared fields off the class, so the option is not shadowed at run time.
    exclude = BoundedList(  # type: ignore[assignment]
        UnicodeString(),
        max_items=MAX_EXCLUDE_NAMES,
        allow_none=True,
        metadata={
            "description": "Rule ids or categories whose flags are not returned (see "
            "GET /v1/rules); unknown names are a 422."
        },
    )
    detail = fields.String(
        allow_none=True,
        validate=validate.OneOf(DETAIL_LEVELS),
        metadata={
            "description": "`full` (default) or `compact`: each regulatory-context item keeps "
            "only `id`, `citation`, `url`, `relevance`; each precedent only `id`, `kind`, "
            "`recipient`, `date`, `url`; no classifier `top_terms`. The full texts are in "
            "GET /v1/regulations, matched by `id`."
        },
    )

    def __init__(self, *args: Any, max_chars: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._max_chars = max_chars

    @property
    def max_chars(self) -> int:
        """The longest text accepted: as given, else `configured_max_chars()`."""
        return self._max_chars if self._max_chars is not None else self.configured_max_chars()

    def configured_max_chars(self) -> int:
        return DEFAULT_MAX_CHARS

    @validates("text")
    def _text_fits(self, value: str, **kwargs: Any) -> None:
        validate.Length(max=self.max_chars)(value)

    def load_request(self, item: Any) -> dict[str, Any]:
        """Validate `item`; return the checker's keyword arguments (nulls left out), or raise
        `CheckRefused` (422) with marshmallow's messages by field."""
        try:
            params = self.load(item)
        except ValidationError as error:
            raise invalid(error.messages) from None
        return {name: value for name, value in params.items() if value is not None}


# -- running it -----------------------------------------------------------------------------------


def run_check(
    checker: Any, arguments: dict[str, Any], *, deadline: float | None = None
) -> dict[str, Any]:
    """`checker.check(**arguments)`, with what the checker refuses raised as `CheckRefused`.

    `deadline` (on `time.monotonic()`) is passed only when there is one.
    """
    options = {} if deadline is None else {"deadline": deadline}
    try:
        return checker.check(**arguments, **options)
    except UnknownExclusionError as error:
        raise invalid(
            {"exclude": [f"Unknown rule id or category: {name}" for name in error.unknown]},
            "exclude names rule ids or categories that do not exist (see GET /v1/rules).",
        ) from None
    except HtmlTooDeepError as error:
        raise invalid(
            {"text": [f"HTML nests elements more than {error.limit} levels deep."]},
            "The html nests elements too deeply to analyse.",
        ) from None
    except TimeBudgetExceeded:
        raise time_budget_refusal() from None
