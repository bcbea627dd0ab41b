"""`redflags screen`, the local engine: screen a crawl (JSONL or CSV) into JSONL, line for line.

Output line `n` always answers input line `n` (1-based), in order: `{"line": n, "id": ...,
"result": {...}}` or `{"line": n, "id": ..., "error": {...}}`. Each record is screened by
`service.batch.screen_record`, as on Spark. For CSV a "line" is a record: the header is not
counted, a quoted cell may span physical lines, and blank physical lines are not records (the
csv module skips them).

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
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from service.batch import (
    FIELDS,
    INTERNAL,
    RISK_LEVELS,
    Record,
    ScreenOptions,
    SummaryRow,
    add_common_arguments,
    cached_checker,
    encode_json,
    parse_json_line,
    resolve_options,
    screen_record,
    summary_row,
    to_json,
    validate_item,
)

__all__ = [  # what tests and callers use from here; the rest is in service.batch
    "INTERNAL",
    "ScreenOptions",
    "cached_checker",
    "main",
    "parse_json_line",
    "prepare_resume",
    "resolve_options",
    "screen_record",
    "to_json",
    "validate_item",
]

SUMMARY_COLUMNS = (
    "line",
    "id",
    "risk_level",
    "risk_score",
    "categories",
    "page_kind",
    "page_probability",
    "language",
    "error_code",
)
RESUME_HINT = "every line written so far is complete: run the same command again to resume"
_PLAIN_PROGRESS_EVERY = 30.0  # seconds between progress lines when stderr is not a terminal
_WORKER_OPTIONS = ScreenOptions()


# -- worker processes ----------------------------------------------------------------------------


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


def _screen_chunk(chunk: list[tuple[int, Record]]) -> list[tuple[bytes, SummaryRow]]:
    checker = cached_checker(_WORKER_OPTIONS.use_classifier)
    done: list[tuple[bytes, SummaryRow]] = []
    for line, record in chunk:
        output = screen_record(checker, line, record, _WORKER_OPTIONS)
        # Encoded here, in the worker: the main process only orders and writes bytes.
        done.append((encode_json(output, newline=True), summary_row(output)))
    return done


def _ordered_results(
    chunks: Iterable[list[tuple[int, Record]]], workers: int, options: ScreenOptions
) -> Iterator[list[tuple[bytes, SummaryRow]]]:
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


def _summary_values(row: SummaryRow) -> list[Any]:
    return [
        row.line,
        row.id or "",
        row.risk_level or "",
        "" if row.risk_score is None else row.risk_score,
        ";".join(row.categories),
        row.page_kind or "",
        "" if row.page_probability is None else row.page_probability,
        row.language or "",
        row.error_code or "",
    ]


# -- the command ---------------------------------------------------------------------------------


# -- the command ---------------------------------------------------------------------------------


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
        help="spark: screen with Spark into Parquet (service.spark_screen)",
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
                counts["error" if row.error_code else row.risk_level or "error"] += 1
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
