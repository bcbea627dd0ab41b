"""Screen a crawl with Apache Spark: `redflags screen --engine spark`, or `spark-submit` this file.

Reads Parquet, JSONL or CSV and writes Parquet with one row per input line (record) and the same
fields as `redflags screen`'s JSONL — `line`, `id`, `result` (the check response as a JSON
string) and `error` (the error object as a JSON string) — plus flat columns for queries:
`risk_level`, `risk_score`, `categories` (array of strings), `page_kind`, `page_probability`,
`language` and `error_code`.

Every record goes through `service.batch.screen_record`, the function behind the single-machine
engine (`service.screen`) too, so both give the same result for the same line. Executors get the
checker once per Python worker (a module-level cache; Spark reuses its Python workers), inside
`mapInPandas`.

Line numbers are 1-based positions in input order: files in name order, then their lines (JSONL)
or records (CSV, Parquet), as `redflags screen` numbers one file.
The Parquet part files are written in line order; a reader that needs order sorts by `line`.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from service.batch import (
    FIELDS,
    RISK_LEVELS,
    ScreenOptions,
    add_common_arguments,
    cached_checker,
    resolve_options,
    screen_record,
    summary_row,
    to_json,
)

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

OUTPUT_SCHEMA = (
    "line long, id string, result string, error string, risk_level string, risk_score double, "
    "categories array<string>, page_kind string, page_probability double, language string, "
    "error_code string"
)
ADS_PER_PARTITION = 2_000
# Root at WARN (what Spark's shell mode expects, so it prints no notice about it) and the console
# appender at ERROR: only errors reach the terminal.
_LOG4J2 = """\
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
appender.console.filter.threshold.type = ThresholdFilter
appender.console.filter.threshold.level = error
"""


# -- executors -----------------------------------------------------------------------------------


def screen_batches(
    batches: Iterator[pd.DataFrame], options: ScreenOptions, source: str
) -> Iterator[pd.DataFrame]:
    """mapInPandas body: input rows (`line` + `value` or the table's fields) to output rows."""
    import pandas as pd

    checker = cached_checker(options.use_classifier)
    for batch in batches:
        rows = []
        for record in batch.to_dict("records"):
            record = {k: None if v is None or v != v else v for k, v in record.items()}  # NaN
            line = int(record.pop("line"))
            if source == "jsonl":
                output = screen_record(checker, line, record["value"], options)
            else:
                output = screen_record(checker, line, record, options)
            summary = summary_row(output)
            result, error = output.get("result"), output.get("error")
            rows.append(
                {
                    "line": line,
                    "id": summary.id,
                    "result": None if result is None else to_json(result),
                    "error": None if error is None else to_json(error),
                    "risk_level": summary.risk_level,
                    "risk_score": summary.risk_score,
                    "categories": list(summary.categories),
                    "page_kind": summary.page_kind,
                    "page_probability": summary.page_probability,
                    "language": summary.language,
                    "error_code": summary.error_code,
                }
            )
        yield pd.DataFrame(rows, columns=[c.split()[0] for c in OUTPUT_SCHEMA.split(", ")])


# -- driver --------------------------------------------------------------------------------------


def read_input(spark: SparkSession, path: str, input_format: str) -> tuple[DataFrame, str]:
    """The input as a DataFrame, and its kind: `jsonl` (raw lines) or `table`.

    Each row keeps where it came from (`_file`, `_block`: its file and split), for `number_lines`.
    """
    from pyspark.sql import functions as F

    if input_format == "jsonl":
        # Raw lines split on \n only, so a broken line becomes its own error row, as on one machine.
        frame = spark.read.option("lineSep", "\n").text(path)
        columns = [F.col("value")]
    else:
        if input_format == "csv":
            reader = spark.read.option("header", True).option("multiLine", True)
            frame = reader.option("escape", '"').option("encoding", "UTF-8").csv(path)
        else:
            frame = spark.read.parquet(path)
        if "text" not in frame.columns:
            raise SystemExit(f"redflags screen: the input has no `text` column: {frame.columns}")
        columns = [
            (F.col(name) if name in frame.columns else F.lit(None)).cast("string").alias(name)
            for name in FIELDS
        ]
    origin = [
        F.col("_metadata.file_path").alias("_file"),
        F.col("_metadata.file_block_start").alias("_block"),
    ]
    return frame.select(*columns, *origin), "jsonl" if input_format == "jsonl" else "table"


def number_lines(frame: DataFrame) -> tuple[DataFrame, int]:
    """Add `line`: 1-based, in order of file name, then position in the file; return the count.

    Spark packs file splits into partitions by size, not name, so rows are numbered per split
    (a run of consecutive `monotonically_increasing_id`s inside one partition) and the splits
    are put in order on the driver. No row passes through Python.
    """
    from pyspark.sql import functions as F

    frame = frame.withColumn("_row", F.monotonically_increasing_id())
    splits = (
        frame.groupBy("_file", "_block")
        .agg(F.min("_row").alias("_first"), F.count("*").alias("_count"))
        .collect()
    )
    starts, total = [], 0
    for split in sorted(splits, key=lambda s: (s["_file"], s["_block"])):
        starts.append((split["_file"], split["_block"], total - split["_first"]))
        total += split["_count"]
    spark = frame.sparkSession
    offsets = spark.createDataFrame(starts, "_file string, _block long, _offset long")
    numbered = frame.join(F.broadcast(offsets), ["_file", "_block"]).withColumn(
        "line", F.col("_row") + F.col("_offset") + 1
    )
    return numbered.drop("_file", "_block", "_row", "_offset"), total


def screen_dataframe(
    frame: DataFrame, source: str, options: ScreenOptions, partitions: int | None = None
) -> DataFrame:
    """Screen an input frame (from `read_input`); rows come out in line order per partition."""
    spark = frame.sparkSession
    numbered, total = number_lines(frame)
    if partitions is None:
        parallelism = spark.sparkContext.defaultParallelism
        partitions = max(parallelism, math.ceil(total / ADS_PER_PARTITION))
    ordered = numbered.repartitionByRange(max(partitions, 1), "line").sortWithinPartitions("line")
    return ordered.mapInPandas(
        partial(screen_batches, options=options, source=source), OUTPUT_SCHEMA
    )


def screen_to_parquet(
    spark: SparkSession,
    input_path: str,
    output_path: str,
    options: ScreenOptions,
    *,
    input_format: str = "auto",
    partitions: int | None = None,
    overwrite: bool = False,
) -> dict[str, int]:
    """Screen `input_path` into a Parquet dataset at `output_path`; return counts by outcome."""
    if input_format == "auto":
        input_format = infer_format(input_path)
    frame, source = read_input(spark, input_path, input_format)
    screened = screen_dataframe(frame, source, options, partitions)
    screened.write.mode("overwrite" if overwrite else "errorifexists").parquet(output_path)
    outcomes = spark.read.parquet(output_path).groupBy("risk_level", "error_code").count()
    counts = dict.fromkeys((*RISK_LEVELS, "error"), 0)
    for row in outcomes.collect():
        counts["error" if row["error_code"] else row["risk_level"]] += row["count"]
    return counts


def infer_format(path: str) -> str:
    name = path.rstrip("/").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".jsonl", ".json", ".ndjson")):
        return "jsonl"
    return "parquet"


def build_session(
    master: str | None = None, local_dir: str | None = None, app_name: str = "redflags-screen"
) -> SparkSession:
    """A SparkSession with quiet logs; under `spark-submit` this returns the one it set up.

    Launched from plain Python (no JVM yet), the Python workers use this interpreter, so they
    see the same installed `clinic-redflags` package, and Spark's log is cut to errors.
    """
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    starting_jvm = "PYSPARK_GATEWAY_PORT" not in os.environ  # not under spark-submit
    if starting_jvm and SparkContext._active_spark_context is None:
        if master is None or master.startswith("local"):
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        scratch = Path(local_dir or tempfile.gettempdir())
        scratch.mkdir(parents=True, exist_ok=True)
        log_config = scratch / "redflags-log4j2.properties"
        log_config.write_text(_LOG4J2, encoding="utf-8")
        java_options = f"-XX:-UsePerfData -Dlog4j2.configurationFile={log_config.as_uri()}"
        if local_dir:
            java_options += f" -Djava.io.tmpdir={scratch}"
            builder = builder.config("spark.local.dir", str(scratch))
            builder = builder.config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
        builder = (
            builder.config("spark.driver.extraJavaOptions", java_options)
            .config("spark.executor.extraJavaOptions", java_options)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
        )
    if master:
        builder = builder.master(master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="redflags screen --engine spark",
        description="Screen scraped ads with Spark into a Parquet dataset, one row per line.",
    )
    parser.add_argument("input", help="Parquet, JSONL or CSV file, directory or glob")
    parser.add_argument("-o", "--output", required=True, help="Parquet dataset to write")
    parser.add_argument(
        "--input-format",
        default="auto",
        choices=("auto", "parquet", "jsonl", "csv"),
        help="default: csv for *.csv, jsonl for *.jsonl/*.json, else parquet",
    )
    parser.add_argument("--engine", choices=("spark",), default="spark", help=argparse.SUPPRESS)
    add_common_arguments(parser)
    parser.add_argument("--master", help="Spark master (default: spark-submit's, or local[*])")
    parser.add_argument(
        "--partitions",
        type=int,
        help=f"screening tasks (default: ~{ADS_PER_PARTITION} ads per task)",
    )
    parser.add_argument("--local-dir", help="Spark scratch directory (default: the temp dir)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing output")
    return parser


def main(argv: list[str]) -> int:
    from pyspark.errors import AnalysisException
    from pyspark.sql import SparkSession

    args = _parser().parse_args(argv)
    options = resolve_options(args)
    try:  # fail fast on the driver rather than in every task
        cached_checker(options.use_classifier)
    except Exception as error:
        print(f"redflags screen: cannot load the checker: {error}", file=sys.stderr)
        return 1
    ours = SparkSession.getActiveSession() is None  # else a caller's session: leave it running
    spark = build_session(args.master, args.local_dir)
    try:
        counts = screen_to_parquet(
            spark,
            args.input,
            args.output,
            options,
            input_format=args.input_format,
            partitions=args.partitions,
            overwrite=args.overwrite,
        )
    except AnalysisException as error:
        if "already exists" not in str(error):
            raise
        raise SystemExit(
            f"redflags screen: {args.output} already exists; pass --overwrite to replace it"
        ) from None
    finally:
        if ours:
            spark.stop()
    print(
        f"redflags screen (spark): {sum(counts.values())} lines -> {args.output}; "
        + ", ".join(f"{name} {count}" for name, count in counts.items()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    # Run through the installed module, not `__main__`, so Spark ships functions by reference.
    from service.spark_screen import main as installed_main

    sys.exit(installed_main(sys.argv[1:]))
