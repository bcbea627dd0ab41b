"""`redflags screen`: screen a crawl of scraped ads (JSONL or CSV) into JSONL, line for line.

Output line `n` always answers input line `n` (1-based), in order: `{"line": n, "id": ...,
"result": {...}}` or `{"line": n, "id": ..., "error": {...}}`. A broken line (not JSON, not an
object, no or empty text, too long, a bad field, a blank line) gets an `error` line and the run goes
on. For CSV a "line" is a record: the header is not counted, a quoted cell may span physical lines,
and blank physical lines are not records (the csv module skips them).

Crash safety: output lines are written and flushed in input order, chunk by chunk. Run again with
the same output path, the command counts the complete lines already there, cuts off a half-written
last line, skips that many input lines and appends, so nothing is lost or written twice.

Work is spread over `--workers` processes (default: every core), each loading the checker once.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import multiprocessing
import os
import re
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from service.jsonio import fast_dumps

FIELDS = ("text", "id", "format", "url")  # the columns read from a table (CSV, Parquet)
CHECK_FIELDS = ("text", "format", "id", "url", "offsets", "min_severity", "exclude")
FORMATS = ("text", "html")
CHOICES = {
    "format": FORMATS,
    "offsets": ("codepoint", "utf16"),
    "min_severity": ("low", "medium", "high"),
}
RISK_LEVELS = ("high", "medium", "low")
DEFAULT_MAX_CHARS = 100_000
MAX_ID_CHARS = 200
SUMMARY_COLUMNS = ("line", "id", "risk_level", "risk_score", "categories", "error_code")
BAD_JSON = "The line is not valid JSON."
INVALID = "The request does not follow the API contract."
INTERNAL = "Internal error: the request could not be processed."
SURROGATE = "Contains a lone surrogate code point (U+D800 to U+DFFF); send valid Unicode text."
_LONE_SURROGATE = re.compile("[\\ud800-\\udfff]")
RESUME_HINT = "every line written so far is complete: run the same command again to resume"
_PLAIN_PROGRESS_EVERY = 30.0  # seconds between progress lines when stderr is not a terminal

Record = bytes | str | Mapping[str, Any]  # a raw JSONL line, or a row of a table (CSV, Parquet)


@dataclass(frozen=True)
class ScreenOptions:
    default_format: str = "text"
    max_chars: int = DEFAULT_MAX_CHARS
    use_classifier: bool = True
    explain: bool = True  # False: no regulatory context, precedents or top terms (smaller output)


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


def _string_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return "Not a valid string."
    if _LONE_SURROGATE.search(value):
        return SURROGATE
    return None


def validate_item(
    item: Any, options: ScreenOptions, *, from_table: bool = False
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Check one item as `POST /v1/check` does; returns (check kwargs, None) or (None, error).

    The messages are those of the service's request schema. Unlike the service, fields outside
    a check request are ignored: scraped records carry crawl metadata. A null optional field is
    absent. Table rows (CSV, Parquet) hold strings or nulls: an empty or null optional cell is
    absent and a null text is empty text.
    """
    if not isinstance(item, Mapping):
        return None, _error("validation_error", INVALID, {"_schema": ["Invalid input type."]})
    values = {k: v for k, v in item.items() if v is not None or k == "text"}
    if from_table:
        values = {k: v for k, v in values.items() if v != "" or k == "text"}
        values["text"] = values.get("text") or ""
    problems: dict[str, Any] = {}
    kwargs: dict[str, Any] = {"format": options.default_format}
    for name in CHECK_FIELDS:
        if name not in values:
            if name == "text":
                problems[name] = ["Missing data for required field."]
            continue
        value = kwargs[name] = values[name]
        if name == "exclude":
            if not isinstance(value, list):
                problems[name] = ["Not a valid list."]
                continue
            bad = {i: [p] for i, v in enumerate(value) if (p := _string_problem(v))}
            if bad:
                problems[name] = bad
            continue
        problem = "Field may not be null." if value is None else _string_problem(value)
        if problem is None and name in CHOICES and value not in CHOICES[name]:
            problem = f"Must be one of: {', '.join(CHOICES[name])}."
        elif problem is None and name == "text" and not value:
            problem = "Shorter than minimum length 1."
        elif problem is None and name == "text" and len(value) > options.max_chars:
            problem = f"Longer than maximum length {options.max_chars}."
        elif problem is None and name == "id" and len(value) > MAX_ID_CHARS:
            problem = f"Longer than maximum length {MAX_ID_CHARS}."
        if problem is not None:
            problems[name] = [problem]
    if problems:
        return None, _error("validation_error", INVALID, problems)
    return kwargs, None


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
    from model import HtmlTooDeepError, UnknownExclusionError

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
            output["result"] = checker.check(**kwargs, explain=options.explain)
            return output
        except UnknownExclusionError as problem:
            error = _error(
                "validation_error",
                "exclude names rule ids or categories that do not exist (see GET /v1/rules).",
                {"exclude": [f"Unknown rule id or category: {name}" for name in problem.unknown]},
            )
        except HtmlTooDeepError as problem:
            error = _error(
                "validation_error",
                "The html nests elements too deeply to analyse.",
                {"text": [f"HTML nests elements more than {problem.limit} levels deep."]},
            )
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


def summary_row(output: Mapping[str, Any]) -> tuple[Any, ...]:
    """The `--summary` CSV row (and the Spark path's flat columns) of one output object."""
    result, error = output.get("result"), output.get("error")
    if result is None:
        return (output["line"], output.get("id"), None, None, (), error["code"] if error else None)
    categories = tuple(dict.fromkeys(flag["category"] for flag in result["flags"]))
    return (
        output["line"],
        output.get("id"),
        result["risk"]["level"],
        result["risk"]["score"],
        categories,
        None,
    )


# -- worker processes ----------------------------------------------------------------------------

_CHECKERS: dict[bool, Any] = {}
_WORKER_OPTIONS = ScreenOptions()


def cached_checker(use_classifier: bool) -> Any:
    """One checker per process (and per classifier setting): loading it is the expensive part."""
    if use_classifier not in _CHECKERS:
        from model import load_checker

        _CHECKERS[use_classifier] = load_checker(use_classifier=use_classifier)
    return _CHECKERS[use_classifier]


def _exit_with_parent(lifeline: Connection) -> None:
    """Wait for end-of-file on the pipe only the main process writes to: it died (kill -9)."""
    try:
        lifeline.recv_bytes()
    except (EOFError, OSError):
        pass
    os._exit(1)


def _init_worker(options: ScreenOptions, lifeline: Connection | None = None) -> None:
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = options
    if lifeline is not None:
        threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True).start()
    try:
        cached_checker(options.use_classifier)
    except Exception as error:  # one line, not a traceback per worker; the pool then breaks
        print(f"redflags screen: cannot load the checker: {error}", file=sys.stderr, flush=True)
        os._exit(1)


def _screen_chunk(chunk: list[tuple[int, Record]]) -> list[tuple[bytes, tuple[Any, ...]]]:
    checker = cached_checker(_WORKER_OPTIONS.use_classifier)
    done = []
    for line, record in chunk:
        output = screen_record(checker, line, record, _WORKER_OPTIONS)
        # Encoded here, in the worker: the main process only orders and writes bytes.
        done.append((encode_json(output, newline=True), summary_row(output)))
    return done


def _ordered_results(
    chunks: Iterable[list[tuple[int, Record]]], workers: int, options: ScreenOptions
) -> Iterator[list[tuple[bytes, tuple[Any, ...]]]]:
    """Screen chunks in input order, with at most a few chunks per worker in flight."""
    if workers == 1:
        _init_worker(options)
        yield from map(_screen_chunk, chunks)
        return
    # Spawned workers are plain children of this process; each holds the read end of a pipe
    # whose write end only this process has, so they exit when it dies instead of lingering.
    context = multiprocessing.get_context("spawn")
    lifeline, keep_alive = context.Pipe(duplex=False)
    pool = ProcessPoolExecutor(
        workers, context, initializer=_init_worker, initargs=(options, lifeline)
    )
    try:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_screen_chunk, chunk))
            if len(pending) >= 4 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        keep_alive.close()
        lifeline.close()


# -- input and output files ----------------------------------------------------------------------


def _read_jsonl(stream: IO[bytes]) -> Iterator[bytes]:
    for raw in stream:  # binary mode splits on b"\n" only, as JSONL does (not on U+2028...)
        yield raw.removesuffix(b"\n")


def _read_csv(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(2**31 - 1)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.DictReader(text)
    if reader.fieldnames is None or "text" not in [n.strip() for n in reader.fieldnames]:
        raise SystemExit(
            f"redflags screen: the CSV input has no `text` column: {reader.fieldnames}"
        )
    columns = {name: name.strip() for name in reader.fieldnames}
    for row in reader:
        yield {columns[k]: v for k, v in row.items() if k is not None and columns[k] in FIELDS}


def _chunked(
    records: Iterator[Record], start: int, size: int
) -> Iterator[list[tuple[int, Record]]]:
    chunk: list[tuple[int, Record]] = []
    for line, record in enumerate(records, start=start):
        chunk.append((line, record))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def prepare_resume(path: Path) -> int:
    """Cut a half-written last line off `path` and return how many complete lines it holds.

    Refuses (SystemExit) a file whose last complete line is not line `count` of a screen output,
    before changing anything: it is someone else's file, or another run's.
    """
    count = end = size = 0
    with path.open("r+b") as handle:
        while block := handle.read(1 << 20):
            newlines = block.count(b"\n")
            if newlines:
                count += newlines
                end = size + block.rfind(b"\n") + 1
            size += len(block)
        start = max(end - (1 << 20), 0)
        handle.seek(start)
        tail = handle.read(end - start)[:-1] if count else handle.read(64)
        cut = tail.rfind(b"\n")
        if count and (cut >= 0 or start == 0):  # the whole last line is in `tail`
            try:
                ours = json.loads(tail[cut + 1 :]).get("line") == count
            except (ValueError, AttributeError):
                ours = False
        else:  # a last line too long to check, or no complete line yet (killed early)
            ours = count > 0 or tail == b"" or tail.startswith(b'{"line":')
        if not ours:
            raise SystemExit(
                f"redflags screen: {path} does not end like a screen output ({count} complete "
                "lines); pass --overwrite to start again"
            )
        if end != size:
            handle.truncate(end)
    return count


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def _write_summary_header(handle: IO[str]) -> Any:
    writer = csv.writer(handle)
    writer.writerow(SUMMARY_COLUMNS)
    return writer


def _summary_values(row: tuple[Any, ...]) -> list[Any]:
    line, id_, level, score, categories, code = row
    return [
        line,
        id_ or "",
        level or "",
        "" if score is None else score,
        ";".join(categories),
        code or "",
    ]


# -- the command ---------------------------------------------------------------------------------


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
        help="leave out regulatory context, precedents and classifier top terms (smaller output)",
    )


def resolve_options(args: argparse.Namespace) -> ScreenOptions:
    from model.classifier import ARTIFACT_DIR, ARTIFACT_NAME

    use_classifier = not args.no_classifier and (ARTIFACT_DIR / ARTIFACT_NAME).is_file()
    if not args.no_classifier and not use_classifier:
        print(
            "redflags screen: no classifier artifact (run `make train`): rules only",
            file=sys.stderr,
        )
    return ScreenOptions(args.default_format, args.max_chars, use_classifier, not args.compact)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redflags screen",
        description="Screen scraped ads (JSONL or CSV) into JSONL: one output line per input line.",
    )
    parser.add_argument("input", help="JSONL or CSV file, or - for standard input")
    parser.add_argument(
        "-o",
        "--output",
        default="-",
        help="output JSONL (default: standard output); an existing file is resumed",
    )
    parser.add_argument(
        "--input-format",
        choices=("auto", "jsonl", "csv"),
        default="auto",
        help="default: csv for *.csv, else jsonl",
    )
    parser.add_argument(
        "--engine",
        choices=("local", "spark"),
        default="local",
        help="spark: run `python -m service.spark_screen` (Parquet output)",
    )
    add_common_arguments(parser)
    parser.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: every core)"
    )
    parser.add_argument("--chunk-size", type=int, default=32, help="ads per unit of work")
    parser.add_argument(
        "--summary",
        metavar="FILE.csv",
        help="also write one CSV row per ad: line, id, risk level, score, categories, error code",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="start again instead of resuming an existing output file",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main(argv: list[str]) -> int:
    engine = argparse.ArgumentParser(add_help=False)
    engine.add_argument("--engine", default="local")
    if engine.parse_known_args(argv)[0].engine == "spark":
        from service import spark_screen

        return spark_screen.main(argv)
    args = _parser().parse_args(argv)
    workers = args.workers or _cpu_count()
    if workers < 1 or args.chunk_size < 1 or args.max_chars < 1:
        raise SystemExit("redflags screen: --workers, --chunk-size and --max-chars must be >= 1")
    fmt = args.input_format
    if fmt == "auto":
        fmt = "csv" if args.input.lower().endswith(".csv") else "jsonl"
    output = None if args.output == "-" else Path(args.output)
    if output is not None and args.input != "-" and output.resolve() == Path(args.input).resolve():
        raise SystemExit("redflags screen: the output path is the input path")
    options = resolve_options(args)
    if workers == 1:  # screened in this process; else each worker loads its own (in parallel)
        try:
            cached_checker(options.use_classifier)
        except Exception as error:
            print(f"redflags screen: cannot load the checker: {error}", file=sys.stderr)
            return 1

    done = 0
    if output is not None and output.exists() and not args.overwrite:
        done = prepare_resume(output)
    try:
        return _run(args, fmt, output, options, workers, done)
    except KeyboardInterrupt:
        print(f"\nredflags screen: interrupted; {RESUME_HINT}", file=sys.stderr)
        return 130
    except BrokenProcessPool:
        print(f"redflags screen: a worker process stopped; {RESUME_HINT}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


def _run(
    args: argparse.Namespace,
    fmt: str,
    output: Path | None,
    options: ScreenOptions,
    workers: int,
    done: int,
) -> int:
    try:
        source = sys.stdin.buffer if args.input == "-" else open(args.input, "rb")
    except OSError as error:
        raise SystemExit(f"redflags screen: cannot read the input: {error}") from error
    sink = sys.stdout.buffer if output is None else output.open("ab" if done else "wb")
    summary = summary_writer = None
    if args.summary:
        summary = open(args.summary, "w", encoding="utf-8", newline="")
        summary_writer = _write_summary_header(summary)
        if done and output is not None:  # rebuild it from the output, the record of truth
            with output.open("rb") as previous:
                for raw in previous:
                    summary_writer.writerow(_summary_values(summary_row(json.loads(raw))))
    interactive = sys.stderr.isatty() and not args.no_progress
    total = (
        _count_lines(Path(args.input))
        if interactive and fmt == "jsonl" and args.input != "-"
        else None
    )
    bar = None
    if interactive:
        from tqdm import tqdm

        bar = tqdm(
            total=total,
            initial=done,
            unit=" ads",
            dynamic_ncols=True,
            file=sys.stderr,
            desc="screen",
        )
    counts: Counter[str] = Counter()
    started = last_report = time.monotonic()
    try:
        records: Iterator[Record] = _read_jsonl(source) if fmt == "jsonl" else _read_csv(source)
        skipped = 0
        for _ in range(done):
            if next(records, None) is None:
                break
            skipped += 1
        if skipped < done:
            print(
                f"redflags screen: the output already has {done} lines but the input has "
                f"only {skipped}: is it the same input?",
                file=sys.stderr,
            )
            return 2
        for batch in _ordered_results(
            _chunked(records, done + 1, args.chunk_size), workers, options
        ):
            sink.write(b"".join(line for line, _ in batch))
            sink.flush()
            for _, row in batch:
                counts["error" if row[5] else row[2]] += 1
            if summary_writer is not None and summary is not None:
                summary_writer.writerows(_summary_values(row) for _, row in batch)
                summary.flush()
            if bar is not None:
                bar.update(len(batch))
            elif time.monotonic() - last_report > _PLAIN_PROGRESS_EVERY:
                last_report = time.monotonic()
                _report(counts, done, last_report - started, final=False)
    finally:
        if bar is not None:
            bar.close()
        for handle in (source, sink, summary):
            if handle not in (None, sys.stdin.buffer, sys.stdout.buffer):
                handle.close()
    _report(counts, done, time.monotonic() - started, final=True)
    return 0


def _report(counts: Counter[str], resumed: int, elapsed: float, *, final: bool) -> None:
    screened = sum(counts.values())
    rate = screened / elapsed if elapsed > 0 else 0.0
    levels = ", ".join(f"{level} {counts[level]}" for level in RISK_LEVELS)
    prefix = "done" if final else "progress"
    resumed_note = f" (resumed after line {resumed})" if resumed else ""
    print(
        f"redflags screen: {prefix}: {screened} lines{resumed_note} in {elapsed:.1f} s, "
        f"{rate:.1f} ads/s; {levels}, errors {counts['error']}",
        file=sys.stderr,
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
