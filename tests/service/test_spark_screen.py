"""The Spark path gives exactly what `redflags screen` gives, in Spark local mode.

PySpark is a test dependency (`make test` installs it with the `dev` extra) and Java is on every
machine of this project: nothing here is skipped. A missing `java` fails the module loudly.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.sql import SparkSession

from service import batch, screen, spark_screen
from service.screen import ScreenOptions

PRODUCTS = [
    "adipose stem cells",
    "bone marrow concentrate",
    "Wharton's jelly",
    "exosomes",
    "umbilical cord MSCs",
    "stem cell therapy",
]
CONDITIONS = ["multiple sclerosis", "COPD", "autism", "knee osteoarthritis", "type 1 diabetes"]
CLAIMS = [
    "It cures {c}.",
    "No side effects at all.",
    "FDA approved.",
    "Read what our patients say.",
    "Stop your insulin after treatment.",
    "Join our study for $5,000.",
    "A miracle!",
    "Cells are culture-expanded and given IV.",
]
BROKEN = [
    b"not json",
    b"",
    b"[1]",
    b'{"id": "no-text"}',
    b'{"text": ""}',
    b'{"text": "stem cells", "format": "pdf"}',
    b'{"text": "a", "exclude": ["nope"]}',
    json.dumps({"text": "<div>" * 2_500, "format": "html"}).encode(),
]


def make_ads(count: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    ads = []
    for n in range(1, count + 1):
        condition = rng.choice(CONDITIONS)
        if n % 4 == 0:
            text = f"Our clinic is open Monday to Friday. Ask your doctor about {condition}."
        else:
            text = f"Our {rng.choice(PRODUCTS)} for {condition}. " + " ".join(
                rng.choice(CLAIMS).format(c=condition) for _ in range(rng.randint(1, 3))
            )
        ad = {"id": f"ad-{n}", "text": text}
        if n % 5 == 0:
            ad["text"] = f"<html><body><h1>Clinic</h1>\n<p>{text}</p><script>x()</script></body>"
            ad["format"] = "html"
        if n % 9 == 0:
            ad["text"] += "\nSecond line.\u2028Still the same record."
        ads.append(ad)
    return ads


def write_jsonl(path: Path, ads: list[dict], broken_every: int = 0, bom: bool = False) -> None:
    with path.open("wb") as handle:
        handle.write(b"\xef\xbb\xbf" if bom else b"")
        for n, ad in enumerate(ads, start=1):
            raw = json.dumps(ad, ensure_ascii=False).encode()
            if broken_every and n % broken_every == 0:
                raw = BROKEN[(n // broken_every) % len(BROKEN)]
            handle.write(raw + (b"\r\n" if n % 7 == 0 else b"\n"))


def local_screen(input_path: Path, output: Path, *extra: str) -> list[dict]:
    argv = [str(input_path), "-o", str(output), "--workers", "1", "--no-progress", *extra]
    assert screen.main(argv) == 0
    return [json.loads(line) for line in output.read_bytes().splitlines()]


def spark_rows(path: Path) -> list[dict]:
    rows = pq.read_table(path).to_pylist()
    return sorted(rows, key=lambda row: row["line"])


def assert_same(spark: list[dict], local: list[dict]) -> None:
    assert [row["line"] for row in spark] == [line["line"] for line in local]
    for row, line in zip(spark, local, strict=True):
        assert row["id"] == line["id"]
        result = json.loads(row["result"]) if row["result"] is not None else None
        error = json.loads(row["error"]) if row["error"] is not None else None
        assert result == line.get("result"), line["line"]
        assert error == line.get("error"), line["line"]
        summary = batch.summary_row(line)
        level, score, categories, code = (
            summary.risk_level,
            summary.risk_score,
            summary.categories,
            summary.error_code,
        )
        assert (row["risk_level"], row["risk_score"], row["error_code"]) == (level, score, code)
        assert tuple(row["categories"]) == categories


@pytest.fixture(scope="module")
def spark(tmp_path_factory) -> SparkSession:
    if shutil.which("java") is None:
        pytest.fail("the Spark tests need Java (17+) on PATH; install a JDK")
    scratch = tmp_path_factory.mktemp("spark")
    session = spark_screen.build_session("local[2]", str(scratch))
    session.conf.set("spark.sql.shuffle.partitions", "4")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def options() -> ScreenOptions:
    return screen.resolve_options(screen._parser().parse_args(["-"]))


def test_jsonl_with_broken_lines_matches_the_single_machine_path(spark, options, tmp_path):
    crawl = tmp_path / "crawl.jsonl"
    write_jsonl(crawl, make_ads(300), broken_every=25, bom=True)
    local = local_screen(crawl, tmp_path / "local.jsonl")
    counts = spark_screen.screen_to_parquet(spark, str(crawl), str(tmp_path / "out"), options)
    rows = spark_rows(tmp_path / "out")
    assert len(rows) == 300
    assert sum(row["error"] is not None for row in rows) == 12
    assert counts["error"] == 12 and sum(counts.values()) == 300
    assert_same(rows, local)
    parts = sorted((tmp_path / "out").glob("part-*.parquet"))
    assert len(parts) >= 2  # the work was spread, and the part files follow line order
    firsts = [pq.read_table(part).column("line").to_pylist() for part in parts]
    assert [lines for lines in firsts if lines] == sorted(lines for lines in firsts if lines)


def test_many_files_and_splits_are_numbered_in_input_order(spark, options, tmp_path):
    ads = make_ads(240, seed=8)
    directory = tmp_path / "crawl"
    directory.mkdir()
    # Sizes differ on purpose: Spark packs files into partitions by size, not by name.
    for name, part in (("a.jsonl", ads[:30]), ("b.jsonl", ads[30:200]), ("c.jsonl", ads[200:])):
        write_jsonl(directory / name, part, broken_every=13)
    joined = tmp_path / "joined.jsonl"
    joined.write_bytes(b"".join(p.read_bytes() for p in sorted(directory.iterdir())))
    local = local_screen(joined, tmp_path / "local.jsonl")
    spark.conf.set("spark.sql.files.maxPartitionBytes", "8k")  # several splits per file
    try:
        spark_screen.screen_to_parquet(
            spark,
            str(directory),
            str(tmp_path / "out"),
            options,
            input_format="jsonl",
            partitions=3,
        )
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert_same(spark_rows(tmp_path / "out"), local)


def test_csv_matches_the_single_machine_path(spark, options, tmp_path):
    crawl = tmp_path / "crawl.csv"
    with crawl.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "format", "site"])
        for ad in make_ads(120, seed=2):
            writer.writerow([ad["id"], ad["text"], ad.get("format", ""), "clinic.example"])
        writer.writerow(["empty", "", "", "x"])
        writer.writerow(["", "Stem cells cure ALS.", "text", ""])
    local = local_screen(crawl, tmp_path / "local.jsonl")
    spark_screen.screen_to_parquet(spark, str(crawl), str(tmp_path / "out"), options)
    rows = spark_rows(tmp_path / "out")
    assert len(rows) == 122 and rows[-2]["error_code"] == "validation_error"
    assert_same(rows, local)


def test_parquet_input_matches_jsonl_on_one_machine(spark, options, tmp_path):
    ads = make_ads(150, seed=4)
    crawl = tmp_path / "crawl.parquet"
    table = pa.table({name: [ad.get(name) for ad in ads] for name in ("id", "text", "format")})
    pq.write_table(table, crawl, row_group_size=40)
    write_jsonl(tmp_path / "same.jsonl", ads)
    local = local_screen(tmp_path / "same.jsonl", tmp_path / "local.jsonl")
    spark_screen.screen_to_parquet(spark, str(crawl), str(tmp_path / "out"), options)
    assert_same(spark_rows(tmp_path / "out"), local)


def test_html_default_and_the_command_line(spark, tmp_path, capsys):
    ads = [
        {"id": f"p{n}", "text": f"<p>Our stem cells treat <b>COPD</b>. Visit {n}.</p>"}
        for n in range(20)
    ]
    crawl = tmp_path / "pages.jsonl"
    write_jsonl(crawl, ads)
    flags = ["--format", "html", "--no-classifier"]
    local = local_screen(crawl, tmp_path / "local.jsonl", *flags)
    output = tmp_path / "out"
    argv = [str(crawl), "-o", str(output), "--engine", "spark", *flags]
    assert batch.main(argv) == 0  # `redflags screen --engine spark`
    assert "20 lines" in capsys.readouterr().err
    rows = spark_rows(output)
    assert_same(rows, local)
    assert all("extracted_text" in json.loads(row["result"]) for row in rows)
    assert spark.sparkContext._jsc is not None  # the command left the test's session running
    with pytest.raises(SystemExit, match="already exists"):
        spark_screen.main(argv)
    assert spark_screen.main([*argv, "--overwrite"]) == 0


def test_compact_and_a_lines_own_detail_match_the_single_machine_path(spark, tmp_path):
    ads = make_ads(60, seed=6)
    for n, ad in enumerate(ads):
        if n % 3 == 1:
            ad["detail"] = "full"
        elif n % 3 == 2:
            ad["detail"] = "compact"
    crawl = tmp_path / "crawl.jsonl"
    write_jsonl(crawl, ads)
    local = local_screen(crawl, tmp_path / "local.jsonl", "--compact")
    compact = screen.resolve_options(screen._parser().parse_args(["-", "--compact"]))
    assert compact.default_detail == "compact"
    spark_screen.screen_to_parquet(spark, str(crawl), str(tmp_path / "out"), compact)
    rows = spark_rows(tmp_path / "out")
    assert_same(rows, local)
    flagged = [json.loads(row["result"]) for row in rows if row["result"]]
    precedents = [p for result in flagged for flag in result["flags"] for p in flag["precedents"]]
    full_ids = {f"ad-{n + 1}" for n in range(1, len(ads), 3)}
    assert precedents  # compact keeps precedents, cut down to SPEC's fields
    for result in flagged:
        for flag in result["flags"]:
            for precedent in flag["precedents"]:
                assert ("summary" in precedent) == (result["id"] in full_ids)
