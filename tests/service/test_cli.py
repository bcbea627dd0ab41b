"""The `redflags` console script: check, serve, and the delegated screen / train."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from service import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def session_checker(monkeypatch, checker):
    monkeypatch.setattr(cli, "_load_checker", lambda: checker)


@pytest.fixture
def ad_file(tmp_path, real_ad) -> Path:
    path = tmp_path / "ad.txt"
    path.write_text(real_ad, encoding="utf-8")
    return path


def test_check_prints_a_readable_report(ad_file, capsys, checker, real_ad):
    assert cli.main(["check", str(ad_file)]) == 0
    out = capsys.readouterr().out
    body = checker.check(real_ad)
    assert out.startswith(
        f"Risk: HIGH (score {body['risk']['score']:.2f}), {len(body['flags'])} flags\n"
    )
    for number, flag in enumerate(body["flags"], start=1):
        assert f"{number}. [{flag['severity'].upper()}] {flag['title']}" in out
        for span in flag["evidence"]:
            assert f"\u201c{' '.join(span['quote'].split())}\u201d" in out
    assert "multiple sclerosis" in out
    assert out.index("[HIGH]") < out.index("[LOW]")


def test_check_json_prints_the_api_body(ad_file, capsys, checker, real_ad):
    assert cli.main(["check", str(ad_file), "--json", "--id", "ad-1", "--offsets", "utf16"]) == 0
    assert json.loads(capsys.readouterr().out) == checker.check(real_ad, id="ad-1", offsets="utf16")


def test_check_reads_stdin(monkeypatch, capsys, checker, real_ad):
    import io

    stdin = types.SimpleNamespace(buffer=io.BytesIO(real_ad.encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    assert cli.main(["check", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == checker.check(real_ad)


def test_check_options_reach_the_checker(ad_file, capsys, checker, real_ad):
    args = [
        "check",
        str(ad_file),
        "--json",
        "--min-severity",
        "high",
        "--exclude",
        "hype_language,safety_claim",
        "--exclude",
        "missing_disclosure",
    ]
    assert cli.main(args) == 0
    assert json.loads(capsys.readouterr().out) == checker.check(
        real_ad,
        min_severity="high",
        exclude=["hype_language", "safety_claim", "missing_disclosure"],
    )


def test_html_files_are_read_as_html(tmp_path, capsys, real_ad_html):
    page = tmp_path / "ad.html"
    page.write_text(real_ad_html, encoding="utf-8")
    assert cli.main(["check", str(page), "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert "tracking" not in body["extracted_text"]
    assert cli.main(["check", str(page), "--json", "--format", "text"]) == 0
    assert "extracted_text" not in json.loads(capsys.readouterr().out)


def test_a_clean_text_says_so(tmp_path, capsys):
    path = tmp_path / "clean.txt"
    path.write_text("Our bakery sells sourdough bread on Saturdays.", encoding="utf-8")
    assert cli.main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Risk: LOW")
    assert "No red flags." in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
        (b"", "empty"),
    ],
)
def test_unreadable_input_exits_2(tmp_path, capsys, content, message):
    path = tmp_path / "ad.txt"
    if content is not None:
        path.write_bytes(content)
    assert cli.main(["check", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_unknown_exclusions_exit_2(ad_file, capsys):
    assert cli.main(["check", str(ad_file), "--exclude", "no.such-rule"]) == 2
    assert "no.such-rule" in capsys.readouterr().err


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["check"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        cli.main([])
    assert "usage: redflags" in capsys.readouterr().err


def test_help_lists_every_sub_command(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "screen", "serve", "train"):
        assert command in out


def test_serve_execs_gunicorn_with_host_port_workers(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, argv: calls.append((path, argv)))
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("WORKERS", "3")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert cli.main(["serve"]) == 0
    assert cli.main(["serve", "--port", "9002", "--workers", "1", "--host", "127.0.0.1"]) == 0
    (path, argv), (_, override) = calls
    assert path == sys.executable
    assert argv[1:3] == ["-m", "gunicorn"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9001"
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--config") + 1] == "python:service.gunicorn_conf"
    assert argv[-1] == "service:create_app()"
    assert override[override.index("--bind") + 1] == "127.0.0.1:9002"
    assert override[override.index("--workers") + 1] == "1"


def test_serve_rejects_a_bad_port(monkeypatch, capsys):
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["serve"])
    assert exit_info.value.code == 2


def test_train_delegates_its_arguments(monkeypatch):
    received = []
    fake = types.ModuleType("training.train")
    fake.main = lambda argv: received.append(argv) or 0
    monkeypatch.setitem(sys.modules, "training.train", fake)
    assert cli.main(["train", "--seed", "3", "--help"]) == 0
    assert received == [["--seed", "3", "--help"]]


def test_screen_delegates_its_arguments(monkeypatch):
    received = []
    fake = types.ModuleType("service.screen")
    fake.main = lambda argv: received.append(argv) or 4
    monkeypatch.setitem(sys.modules, "service.screen", fake)
    assert cli.main(["screen", "in.jsonl", "-o", "out.jsonl"]) == 4
    assert received == [["in.jsonl", "-o", "out.jsonl"]]


def test_a_missing_delegated_module_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "training.train", None)  # import raises ModuleNotFoundError
    assert cli.main(["train"]) == 2
    assert "'train' is not available" in capsys.readouterr().err


def test_the_module_runs_as_a_script_end_to_end(real_ad):
    env = {**os.environ, "REDFLAGS_USE_CLASSIFIER": "0"}
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "check", "-", "--json"],
        input=real_ad.encode(),
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    body = json.loads(result.stdout)
    assert body["risk"]["level"] == "high"
    assert body["classifier"] is None
