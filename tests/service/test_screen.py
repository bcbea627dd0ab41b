"""`redflags screen`: one output line per input line, in order, resumable after kill -9."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from marshmallow import EXCLUDE, ValidationError

from service import batch, screen
from service.schemas import CheckRequestSchema
from service.screen import ScreenOptions, parse_json_line, prepare_resume, validate_item

REDFLAGS = Path(sys.executable).with_name("redflags")
ADS = 20_000
BROKEN = 200

PRODUCTS = [
    "adipose stem cells",
    "SVF from your own fat",
    "bone marrow concentrate",
    "umbilical cord MSCs",
    "Wharton's jelly",
    "exosomes",
    "amniotic injections",
    "stem cell therapy",
    "cord blood cells",
]
CONDITIONS = [
    "multiple sclerosis",
    "knee osteoarthritis",
    "COPD",
    "autism",
    "Parkinson's",
    "type 1 diabetes",
    "back pain",
    "ALS",
    "lupus",
]
CLAIMS = [
    "It cures {c} for good.",
    "No side effects: they are your own cells.",
    "FDA approved and completely safe.",
    "Patients stop their insulin after treatment.",
    "Studies show a 90% success rate.",
    "A miracle breakthrough for {c}!",
    "Join our study for $5,000.",
    "Read what our patients say about {c}.",
    "Our cells are culture-expanded in our lab.",
    "Given IV for whole-body healing.",
    "Book your consultation today.",
]
MILDER = [
    "Read what our patients say.",
    "Our cells are culture-expanded in our lab.",
    "Given IV for whole-body healing.",
    "A miracle breakthrough!",
    "Book today.",
]
BENIGN = [
    "Our clinic is open Monday to Friday, 9 to 5.",
    "The FDA warns consumers that stem cell products sold for {c} are unapproved.",
    "Physical therapy can ease {c}; ask your doctor which options are approved.",
    "Free parking behind the building.",
    "News: regulators sued a clinic over {c} claims.",
]


def make_ad(rng: random.Random, n: int) -> dict:
    condition = rng.choice(CONDITIONS)
    if n % 3 == 0:
        text = " ".join(rng.choice(BENIGN).format(c=condition) for _ in range(rng.randint(1, 3)))
    elif n % 3 == 1:
        text = f"Our {rng.choice(PRODUCTS)} program. " + " ".join(
            rng.choice(MILDER) for _ in range(rng.randint(1, 3))
        )
    else:
        text = f"Our {rng.choice(PRODUCTS)} program for {condition}. " + " ".join(
            rng.choice(CLAIMS).format(c=condition) for _ in range(rng.randint(1, 3))
        )
    if n % 17 == 0:
        text += "\u2028Line separators are not line breaks in JSONL \U0001f600."
    ad: dict = {"id": f"ad-{n}", "text": text}
    if n % 5 == 0:
        ad["text"] = (
            f"<html><head><script>var x = '{condition}';</script></head><body>"
            f"<h1>Clinic</h1><p>{text}</p><p hidden>cure everything</p></body></html>"
        )
        ad["format"] = "html"
    if n % 7 == 0:
        ad["url"] = f"https://clinic.example/{n}"
    if n % 11 == 0:
        ad["crawl"] = {"fetched": "2024-05-01"}  # scraped metadata is ignored
    return ad


# (raw line, expected error code) for each kind of broken line
BROKEN_KINDS: list[tuple[bytes, str]] = [
    (b'{"text": "unterminated', "bad_json"),
    (b"", "bad_json"),
    (b"   ", "bad_json"),
    (b"\xff\xfe not utf-8", "bad_json"),
    (b"[1, 2]", "validation_error"),
    (b"42", "validation_error"),
    (b'{"id": "no-text"}', "validation_error"),
    (b'{"text": "", "id": "empty"}', "validation_error"),
    (b'{"text": 5}', "validation_error"),
    (b'{"text": null}', "validation_error"),
    (json.dumps({"text": "x" * 100_001}).encode(), "validation_error"),
    (b'{"text": "stem cells cure ALS", "format": "pdf"}', "validation_error"),
    (json.dumps({"text": "stem cells", "id": "i" * 201}).encode(), "validation_error"),
    (json.dumps({"text": "<div>" * 2_500, "format": "html"}).encode(), "validation_error"),
    (b'{"text": "lone \\ud800 surrogate"}', "validation_error"),
    (b'{"text": "stem cells", "exclude": ["no.such-rule"]}', "validation_error"),
]


def write_crawl(path: Path, ads: int, broken: int, seed: int = 7) -> dict[int, str]:
    """Write `ads` JSONL lines, `broken` of them broken; return {line: expected error code}."""
    rng = random.Random(seed)
    broken_lines = sorted(rng.sample(range(1, ads + 1), broken))
    expected = {}
    with path.open("wb") as handle:
        kinds = iter(range(broken))
        for n in range(1, ads + 1):
            if broken_lines and n == broken_lines[0]:
                broken_lines.pop(0)
                raw, code = BROKEN_KINDS[next(kinds) % len(BROKEN_KINDS)]
                expected[n] = code
            else:
                raw = json.dumps(make_ad(rng, n), ensure_ascii=n % 2 == 0).encode()
            handle.write(raw + (b"\r\n" if n % 13 == 0 else b"\n"))
    return expected


def read_output(path: Path) -> list[dict]:
    with path.open("rb") as handle:
        return [json.loads(line) for line in handle]


def screen_command(crawl: Path, output: Path, *extra: str) -> list[str]:
    return [
        str(REDFLAGS),
        "screen",
        str(crawl),
        "-o",
        str(output),
        "--workers",
        "2",
        "--no-classifier",
        "--compact",
        "--no-progress",
        *extra,
    ]


# -- the 20,000-ad crawl, screened once by the real command ---------------------------------------


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> tuple[Path, dict[int, str]]:
    path = tmp_path_factory.mktemp("crawl") / "crawl.jsonl"
    return path, write_crawl(path, ADS, BROKEN)


@pytest.fixture(scope="module")
def full_run(crawl, tmp_path_factory) -> tuple[Path, Path, str]:
    assert REDFLAGS.is_file(), "the `redflags` console script is not installed (make test does)"
    directory = tmp_path_factory.mktemp("full")
    output, summary = directory / "out.jsonl", directory / "summary.csv"
    done = subprocess.run(
        screen_command(crawl[0], output, "--summary", str(summary)),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    return output, summary, done.stderr


def test_every_line_answered_in_order_with_200_errors(crawl, full_run):
    _, expected_errors = crawl
    output, summary, stderr = full_run
    lines = read_output(output)
    assert len(lines) == ADS
    assert [line["line"] for line in lines] == list(range(1, ADS + 1))
    errors = {line["line"]: line["error"]["code"] for line in lines if "error" in line}
    assert len(errors) == BROKEN
    assert errors == expected_errors
    for line in lines:
        assert ("result" in line) != ("error" in line)
        if "result" in line:
            assert line["id"] == f"ad-{line['line']}" == line["result"]["id"]
        else:
            assert set(line["error"]) == {"code", "message", "details"}
    levels = {line["result"]["risk"]["level"] for line in lines if "result" in line}
    assert levels == {"low", "medium", "high"}
    assert "20000 lines" in stderr and f"errors {BROKEN}" in stderr
    with summary.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["line"]) for row in rows] == list(range(1, ADS + 1))
    assert sum(bool(row["error_code"]) for row in rows) == BROKEN


def test_kill_9_half_way_then_resume_gives_the_same_output(crawl, full_run, tmp_path):
    full_output, full_summary, _ = full_run
    output, summary = tmp_path / "out.jsonl", tmp_path / "summary.csv"
    command = screen_command(crawl[0], output, "--summary", str(summary))
    target = full_output.stat().st_size // 2
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while (
            (not output.exists() or output.stat().st_size < target)
            and process.poll() is None
            and time.monotonic() < deadline
        ):
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    killed_at = output.read_bytes().count(b"\n")
    assert 0 < killed_at < ADS

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resumed after line {killed_at}" in resumed.stderr
    assert output.read_bytes() == full_output.read_bytes()
    assert summary.read_bytes() == full_summary.read_bytes()


# -- resume details -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_crawl(tmp_path_factory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("small")
    crawl = directory / "crawl.jsonl"
    write_crawl(crawl, 300, 30, seed=3)
    output = directory / "out.jsonl"
    assert screen.main([str(crawl), "-o", str(output), "--workers", "1", "--no-progress"]) == 0
    return crawl, output


def test_a_half_written_last_line_is_repaired(small_crawl, tmp_path):
    crawl, full = small_crawl
    lines = full.read_bytes().splitlines(keepends=True)
    output = tmp_path / "out.jsonl"
    output.write_bytes(b"".join(lines[:100]) + lines[100][: len(lines[100]) // 2])
    assert prepare_resume(output) == 100
    assert output.read_bytes() == b"".join(lines[:100])
    output.write_bytes(b"".join(lines[:100]) + lines[100][:7])
    assert screen.main([str(crawl), "-o", str(output), "--workers", "1", "--no-progress"]) == 0
    assert output.read_bytes() == full.read_bytes()


@pytest.mark.parametrize("start", [b"", b'{"line":1,"id":"ad-'])
def test_a_run_killed_before_its_first_line_resumes_from_the_start(small_crawl, tmp_path, start):
    crawl, full = small_crawl
    output = tmp_path / "out.jsonl"
    output.write_bytes(start)
    assert prepare_resume(output) == 0
    assert screen.main([str(crawl), "-o", str(output), "--workers", "1", "--no-progress"]) == 0
    assert output.read_bytes() == full.read_bytes()


def test_a_complete_output_is_left_alone(small_crawl, tmp_path, capsys):
    crawl, full = small_crawl
    output = tmp_path / "out.jsonl"
    output.write_bytes(full.read_bytes())
    assert screen.main([str(crawl), "-o", str(output), "--workers", "1", "--no-progress"]) == 0
    assert output.read_bytes() == full.read_bytes()
    assert "0 lines (resumed after line 300)" in capsys.readouterr().err


def test_a_file_that_is_not_a_screen_output_is_refused(small_crawl, tmp_path):
    crawl, _ = small_crawl
    output = tmp_path / "notes.txt"
    output.write_bytes(b"my notes\nhalf a line")
    with pytest.raises(SystemExit, match="--overwrite"):
        screen.main([str(crawl), "-o", str(output), "--no-progress"])
    assert output.read_bytes() == b"my notes\nhalf a line"
    assert (
        screen.main(
            [str(crawl), "-o", str(output), "--overwrite", "--workers", "1", "--no-progress"]
        )
        == 0
    )
    assert len(read_output(output)) == 300


def test_an_output_longer_than_the_input_is_an_error(small_crawl, tmp_path):
    crawl, full = small_crawl
    shorter = tmp_path / "shorter.jsonl"
    shorter.write_bytes(b"".join(crawl.read_bytes().splitlines(keepends=True)[:10]))
    output = tmp_path / "out.jsonl"
    output.write_bytes(full.read_bytes())
    assert screen.main([str(shorter), "-o", str(output), "--workers", "1", "--no-progress"]) == 2


# -- workers, formats, progress -------------------------------------------------------------------


def test_parallel_workers_give_the_same_output_as_one(small_crawl, tmp_path):
    crawl, full = small_crawl
    output = tmp_path / "out.jsonl"
    assert (
        screen.main(
            [str(crawl), "-o", str(output), "--workers", "2", "--chunk-size", "7", "--no-progress"]
        )
        == 0
    )
    assert output.read_bytes() == full.read_bytes()


def test_results_are_the_checkers_own(small_crawl):
    crawl, full = small_crawl
    options = screen.resolve_options(screen._parser().parse_args([str(crawl)]))
    checker = screen.cached_checker(options.use_classifier)
    ads = crawl.read_bytes().split(b"\n")
    for line in read_output(full)[:60]:
        if "result" in line:
            ad = json.loads(ads[line["line"] - 1])
            kwargs = {k: ad[k] for k in ("text", "id", "format", "url") if k in ad}
            assert line["result"] == checker.check(**kwargs)


def test_csv_input_and_html_default(tmp_path):
    crawl = tmp_path / "ads.csv"
    with crawl.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "domain"])
        writer.writerow(["a", "<p>Our stem cells cure <b>multiple sclerosis</b>.</p>", "x.example"])
        writer.writerow(["b", "<p>First line.\nSecond line: no side effects!</p>", "y.example"])
        writer.writerow(["", "", "z.example"])
        writer.writerow(["d"])
        writer.writerow(["e", "<p>Open on Mondays.</p>", "w.example"])
    output, summary = tmp_path / "out.jsonl", tmp_path / "summary.csv"
    assert (
        screen.main(
            [
                str(crawl),
                "-o",
                str(output),
                "--format",
                "html",
                "--workers",
                "1",
                "--no-progress",
                "--summary",
                str(summary),
            ]
        )
        == 0
    )
    lines = read_output(output)
    assert [line["line"] for line in lines] == [1, 2, 3, 4, 5]
    assert [line["id"] for line in lines] == ["a", "b", None, "d", "e"]
    assert lines[0]["result"]["risk"]["level"] == "high"
    assert "extracted_text" in lines[1]["result"]  # html by default
    assert lines[2]["error"]["details"] == {"text": ["Shorter than minimum length 1."]}
    assert lines[3]["error"]["details"] == {"text": ["Shorter than minimum length 1."]}
    rows = list(csv.DictReader(summary.open(encoding="utf-8", newline="")))
    assert rows[0]["risk_level"] == "high" and "unapproved_use" in rows[0]["categories"]
    assert rows[2]["error_code"] == "validation_error" and rows[2]["risk_level"] == ""


def test_csv_without_a_text_column_is_refused(tmp_path):
    crawl = tmp_path / "ads.csv"
    crawl.write_text("id,body\n1,stem cells\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no `text` column"):
        screen.main([str(crawl), "-o", str(tmp_path / "out.jsonl"), "--workers", "1"])


def test_stdin_to_stdout(monkeypatch, capsysbinary):
    lines = b'{"text": "Stem cells cure autism.", "id": "a"}\nnot json\n{"text": "Hello."}'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines)))
    assert screen.main(["-", "--workers", "1", "--no-progress"]) == 0
    out, err = capsysbinary.readouterr()
    lines_out = [json.loads(line) for line in out.splitlines()]
    assert [(line["line"], line["id"], "error" in line) for line in lines_out] == [
        (1, "a", False),
        (2, None, True),
        (3, None, False),
    ]
    assert b"3 lines" in err and b"errors 1" in err


def test_progress_bar_on_a_terminal(monkeypatch, small_crawl, tmp_path):
    crawl, _ = small_crawl

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert screen.main([str(crawl), "-o", str(tmp_path / "out.jsonl"), "--workers", "1"]) == 0
    shown = terminal.getvalue()
    assert "300/300" in shown and "ads/s" in shown


# -- one line ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "item",
    [
        {"text": "ok"},
        {},
        {"text": None},
        {"text": ""},
        {"text": 5},
        {"text": ["a"]},
        {"text": "x" * 1_001},
        {"text": "a", "format": "pdf"},
        {"text": "a", "format": 3},
        {"text": "a", "id": "i" * 201},
        {"text": "a", "id": 7},
        {"text": "a", "url": 7},
        {"text": "a", "offsets": "bytes"},
        {"text": "a", "min_severity": "severe"},
        {"text": "a", "exclude": "hype_language"},
        {"text": "a", "exclude": ["ok", 3]},
        {"text": "lone \ud800"},
        {"text": "a", "id": "\udfff"},
        {"text": "", "id": 3, "url": 4},
        {"text": "a", "id": None, "url": None, "format": None, "exclude": None},
        [1],
        "text",
        None,
    ],
)
def test_validation_matches_the_service(item):
    options = ScreenOptions(max_chars=1_000)
    kwargs, error = validate_item(item, options)
    try:
        CheckRequestSchema(max_chars=1_000).load(item, unknown=EXCLUDE)
        service_details = None
    except ValidationError as problem:
        service_details = problem.messages
    if service_details is None:
        assert error is None and kwargs is not None
    else:
        assert kwargs is None
        assert error["code"] == "validation_error"
        assert error["details"] == service_details


def test_table_cells_empty_means_absent():
    options = ScreenOptions(default_format="html")
    kwargs, _ = validate_item(
        {"text": "<p>a</p>", "id": "", "format": "", "url": None}, options, from_table=True
    )
    assert kwargs == {
        "text": "<p>a</p>",
        "format": "html",
        "offsets": "codepoint",
        "detail": "full",
    }
    _, error = validate_item({"text": None, "id": "x"}, options, from_table=True)
    assert error["details"] == {"text": ["Shorter than minimum length 1."]}


# -- detail: --compact, and a line's own `detail` -----------------------------------------

DETAIL_AD = (
    "Our fat-derived stem cells (SVF) treat multiple sclerosis and lupus with no side effects. "
    "Many patients reduce their immunosuppressants. Call today!"
)


def _detail_crawl(tmp_path: Path) -> Path:
    crawl = tmp_path / "detail.jsonl"
    lines = [
        {"id": "default", "text": DETAIL_AD},
        {"id": "full", "text": DETAIL_AD, "detail": "full"},
        {"id": "compact", "text": DETAIL_AD, "detail": "compact"},
        {"id": "null", "text": DETAIL_AD, "detail": None, "offsets": "utf16"},
    ]
    crawl.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return crawl


@pytest.mark.parametrize(("flag", "default"), [([], "full"), (["--compact"], "compact")])
def test_screen_answers_are_the_checkers_at_the_asked_detail(tmp_path, flag, default):
    """`--compact` gives SPEC's compact answer (context and precedents cut down, not dropped) to
    lines that ask for no detail; a line's own `detail` wins over the flag."""
    crawl, output = _detail_crawl(tmp_path), tmp_path / "out.jsonl"
    assert (
        screen.main([str(crawl), "-o", str(output), "--workers", "1", "--no-progress", *flag]) == 0
    )
    checker = screen.cached_checker(True)
    asked = {"default": default, "full": "full", "compact": "compact", "null": default}
    results = {line["id"]: line["result"] for line in read_output(output)}
    for line_id, detail in asked.items():
        offsets = "utf16" if line_id == "null" else "codepoint"
        expected = checker.check(DETAIL_AD, id=line_id, detail=detail, offsets=offsets)
        assert results[line_id] == expected, line_id
    compact = results["compact"]["flags"][0]
    assert compact["regulatory_context"] and compact["precedents"]
    assert set(compact["precedents"][0]) == {"id", "kind", "recipient", "date", "url"}


def test_a_table_column_detail_wins_over_the_flag(tmp_path):
    crawl, output = tmp_path / "ads.csv", tmp_path / "out.jsonl"
    with crawl.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "detail"])
        writer.writerows([["a", DETAIL_AD, ""], ["b", DETAIL_AD, "full"], ["c", DETAIL_AD, "x"]])
    argv = [str(crawl), "-o", str(output), "--workers", "1", "--no-progress", "--compact"]
    assert screen.main(argv) == 0
    lines = read_output(output)
    checker = screen.cached_checker(True)
    assert lines[0]["result"] == checker.check(DETAIL_AD, id="a", detail="compact")
    assert lines[1]["result"] == checker.check(DETAIL_AD, id="b", detail="full")
    assert lines[2]["error"]["details"] == {"detail": ["Must be one of: full, compact."]}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "Blank line."),
        (b" \t", "Blank line."),
        (b"\xff", "Not valid UTF-8"),
        (b"[" * 100_000, "Nested too deeply."),
        (b"{", "Expecting property name"),
    ],
)
def test_bad_json_lines(raw, message):
    value, error = parse_json_line(raw)
    assert value is None and error["code"] == "bad_json"
    assert error["details"]["json"][0].startswith(message)


def test_one_failing_ad_does_not_stop_the_run():
    class Exploding:
        def check(self, **_):
            raise RuntimeError("boom")

    output = screen.screen_record(Exploding(), 9, b'{"text": "a", "id": "x"}', ScreenOptions())
    assert output == {
        "line": 9,
        "id": "x",
        "error": {
            "code": "internal",
            "message": screen.INTERNAL,
            "details": {"exception": "RuntimeError"},
        },
    }


def test_lone_surrogates_never_break_the_output_encoding():
    assert screen.to_json({"q": "a\ud800b"}).encode("utf-8") == b'{"q":"a\\ud800b"}'
    assert screen.to_json({"q": "é"}) == '{"q":"é"}'


def test_workers_default_to_every_core():
    assert screen._cpu_count() == len(os.sched_getaffinity(0))


def test_a_checker_that_cannot_load_is_one_clear_message(
    monkeypatch, small_crawl, tmp_path, capsys
):
    import model

    def broken(**_):
        raise model.ArtifactError("no classifier artifact in model/artifacts")

    monkeypatch.setattr(batch, "_CHECKERS", {})
    monkeypatch.setattr(model, "load_checker", broken)
    output = tmp_path / "out.jsonl"
    assert screen.main([str(small_crawl[0]), "-o", str(output), "--workers", "1"]) == 1
    assert capsys.readouterr().err.endswith(
        "cannot load the checker: no classifier artifact in model/artifacts\n"
    )
    assert not output.exists()
