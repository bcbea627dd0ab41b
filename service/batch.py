"""Batch screening, one record at a time: what `redflags screen` (the local engine,
`service.screen`) and the Spark engine (`service.spark_screen`) share, and `main`, which picks
the engine. Neither engine imports the other.

A record is a raw JSONL line or a table row (CSV, Parquet). It is checked against the request
contract (`service.contract`, the same schema as `POST /v1/check`, except that fields outside a
check request are ignored: crawls carry their own metadata) and screened into its output object,
`{"line", "id", "result"}` or `{"line", "id", "error"}`. A bad record never stops a run.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from marshmallow import EXCLUDE

from model.vocabulary import FORMATS
from service.contract import (
    DEFAULT_MAX_CHARS,
    MAX_ID_CHARS,
    CheckRefused,
    CheckRequestSchema,
    run_check,
)
from service.jsonio import fast_dumps

# The columns read from a table (CSV, Parquet).
FIELDS = ("text", "id", "format", "url", "detail")
RISK_LEVELS = ("high", "medium", "low")
BAD_JSON = "The line is not valid JSON."
INTERNAL = "Internal error: the request could not be processed."
ENGINES = ("local", "spark")

Record = bytes | str | Mapping[str, Any]  # a raw JSONL line, or a row of a table (CSV, Parquet)


@dataclass(frozen=True)
class ScreenOptions:
    default_format: str = "text"
    max_chars: int = DEFAULT_MAX_CHARS
    use_classifier: bool = True
    # `detail` of items that give none (`--compact`: SPEC's compact answer); an item's own wins.
    default_detail: str = "full"


# -- one record ----------------------------------------------------------------------------------


def _error(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details or {}}


def parse_json_line(raw: bytes | str) -> tuple[Any, dict[str, Any] | None]:
    """Decode one JSONL line; returns (value, None) or (None, a `bad_json` error)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, _error("bad_json", BAD_JSON, {"json": [f"Not valid UTF-8: {error}"]})
    raw = raw.removeprefix("\ufeff").removesuffix("\r")  # a byte-order mark, a CRLF file
    if not raw.strip():
        return None, _error("bad_json", BAD_JSON, {"json": ["Blank line."]})
    try:
        return json.loads(raw), None
    except RecursionError:
        return None, _error("bad_json", BAD_JSON, {"json": ["Nested too deeply."]})
    except ValueError as error:
        return None, _error("bad_json", BAD_JSON, {"json": [str(error)]})


_SCHEMAS: dict[int, CheckRequestSchema] = {}


def _request_schema(max_chars: int) -> CheckRequestSchema:
    """The contract's schema for this limit, built once (records ignore unknown fields)."""
    if max_chars not in _SCHEMAS:
        _SCHEMAS[max_chars] = CheckRequestSchema(max_chars=max_chars, unknown=EXCLUDE)
    return _SCHEMAS[max_chars]


def validate_item(
    item: Any, options: ScreenOptions, *, from_table: bool = False
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Check one item against the request contract; returns (check kwargs, None) or (None,
    error).

    A null optional field is absent, and so is a missing `format` or `detail`: the run's default
    is used. Table rows (CSV, Parquet) hold strings or nulls: an empty or null optional cell is
    absent and a null text is empty text.
    """
    if isinstance(item, Mapping):
        values = {k: v for k, v in item.items() if v is not None or k == "text"}
        if from_table:
            values = {k: v for k, v in values.items() if v != "" or k == "text"}
            values["text"] = values.get("text") or ""
        values.setdefault("format", options.default_format)
        values.setdefault("detail", options.default_detail)
        item = values
    try:
        return _request_schema(options.max_chars).load_request(item), None
    except CheckRefused as refusal:
        return None, refusal.error_object()


def _echo_id(item: Any, from_table: bool) -> str | None:
    if isinstance(item, Mapping):
        value = item.get("id")
        if isinstance(value, str) and len(value) <= MAX_ID_CHARS and (value or not from_table):
            return value
    return None


def screen_record(
    checker: Any, line: int, record: Record, options: ScreenOptions
) -> dict[str, Any]:
    """Screen one input record into its output object (`result` or `error`); never raises."""
    from_table = not isinstance(record, bytes | str)
    kwargs = None
    if from_table:
        item = record
        kwargs, error = validate_item(record, options, from_table=True)
    else:
        item, error = parse_json_line(record)  # type: ignore[arg-type]
        if error is None:
            kwargs, error = validate_item(item, options)
    output: dict[str, Any] = {"line": line, "id": _echo_id(item, from_table)}
    if kwargs is not None:
        try:
            output["result"] = run_check(checker, kwargs)
            return output
        except CheckRefused as refusal:
            error = refusal.error_object()
        except Exception as problem:  # one bad ad must never stop a crawl's run
            error = _error("internal", INTERNAL, {"exception": type(problem).__name__})
    output["error"] = error
    return output


def _to_json_stdlib(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, separators=(",", ":"))
    return text


def encode_json(value: Any, *, newline: bool = False) -> bytes:
    """Compact JSON as UTF-8 bytes, readable where possible (lone surrogates fall back to \\u
    escapes). orjson writes a ~140 KB result in a twentieth of the standard library's time; what
    it refuses (a lone surrogate in a CSV cell, a huge integer) goes to the standard library."""
    encoded = fast_dumps(value, newline=newline)
    if encoded is None:
        encoded = (_to_json_stdlib(value) + ("\n" if newline else "")).encode("utf-8")
    return encoded


def to_json(value: Any) -> str:
    """Compact JSON, readable UTF-8 where possible (lone surrogates fall back to \\u escapes)."""
    return encode_json(value).decode("utf-8")


class SummaryRow(NamedTuple):
    """The `--summary` CSV row (and the Spark path's flat columns) of one output object."""

    line: int
    id: str | None
    risk_level: str | None
    risk_score: float | None
    categories: tuple[str, ...]
    page_kind: str | None
    page_probability: float | None
    language: str | None
    error_code: str | None


def summary_row(output: Mapping[str, Any]) -> SummaryRow:
    result, error = output.get("result"), output.get("error")
    if result is None:
        code = error["code"] if error else None
        return SummaryRow(output["line"], output.get("id"), None, None, (), None, None, None, code)
    page = result.get("page") or {}
    return SummaryRow(
        output["line"],
        output.get("id"),
        result["risk"]["level"],
        result["risk"]["score"],
        tuple(dict.fromkeys(flag["category"] for flag in result["flags"])),
        page.get("kind"),
        page.get("probability"),
        (result.get("language") or {}).get("code"),
        None,
    )


# -- one checker per process ---------------------------------------------------------------------

_CHECKERS: dict[bool, Any] = {}


def cached_checker(use_classifier: bool) -> Any:
    """One checker per process (and per classifier setting): loading it is the expensive part."""
    if use_classifier not in _CHECKERS:
        from model import load_checker

        _CHECKERS[use_classifier] = load_checker(use_classifier=use_classifier)
    return _CHECKERS[use_classifier]


# -- command-line options both engines take ------------------------------------------------------


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        dest="default_format",
        help="format of items that name none (default: text; html for raw pages)",
    )
    parser.add_argument(
        "--max-chars",
        type=int,
        default=DEFAULT_MAX_CHARS,
        help=f"longest accepted text (default {DEFAULT_MAX_CHARS})",
    )
    parser.add_argument(
        "--no-classifier",
        action="store_true",
        help="rules only (default: use the classifier when its artifact exists)",
    )
    parser.add_argument(
        "--compact",
        action="store_true",
        help="SPEC's compact answer (detail: compact) for items that ask for no detail: context "
        "and precedents keep their ids, citations, urls and relevance; no classifier top terms",
    )


def resolve_options(args: argparse.Namespace) -> ScreenOptions:
    from model.classifier import ARTIFACT_DIR, ARTIFACT_NAME

    use_classifier = not args.no_classifier and (ARTIFACT_DIR / ARTIFACT_NAME).is_file()
    if not args.no_classifier and not use_classifier:
        print(
            "redflags screen: no classifier artifact (run `make train`): rules only",
            file=sys.stderr,
        )
    detail = "compact" if args.compact else "full"
    return ScreenOptions(args.default_format, args.max_chars, use_classifier, detail)


def main(argv: list[str]) -> int:
    """`redflags screen`: the local engine, or Spark with `--engine spark`."""
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument("--engine", choices=ENGINES, default="local")
    name = "spark_screen" if engine.parse_known_args(argv)[0].engine == "spark" else "screen"
    entry: Callable[[list[str]], int] = importlib.import_module(f"service.{name}").main
    return entry(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
