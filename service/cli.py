"""The `redflags` console script: check, screen, serve, train."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from service.config import Config, ConfigError

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# Sub-commands that parse their own arguments, and where their `main(argv)` lives.
DELEGATED = {
    "screen": ("service.batch", "batch-screen a JSONL or CSV file of ads (see SPEC)"),
    "train": ("training.train", "train the classifier and write model/artifacts/"),
}


class CliError(Exception):
    """A user error: printed as `redflags: <message>` with exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    # Here, not at the top: `redflags screen` is delegated before this runs, and `model`
    # imports the checker's libraries.
    from model.vocabulary import FORMATS, OFFSET_MODES, SEVERITIES

    parser = argparse.ArgumentParser(
        prog="redflags",
        description="Screen clinic ads for unproven stem-cell treatment claims.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="screen one ad from a file or stdin and print a report",
        description="Screen one ad and print its risk and red flags.",
    )
    check.add_argument("file", metavar="FILE", help="the ad's text or html; '-' reads stdin")
    check.add_argument("--json", action="store_true", help="print the API response body")
    check.add_argument(
        "--format",
        choices=FORMATS,
        help="how to read FILE (default: html for .html/.htm files, else text)",
    )
    check.add_argument("--offsets", choices=OFFSET_MODES, default="codepoint")
    check.add_argument("--min-severity", choices=SEVERITIES)
    check.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="RULE_OR_CATEGORY",
        help="rule id or category not to run (repeatable, or comma-separated)",
    )
    check.add_argument("--id", help="an id to echo in the --json output")

    serve = commands.add_parser(
        "serve",
        help="serve the HTTP API with gunicorn",
        description="Serve the API with gunicorn (HOST, PORT, WORKERS from the environment).",
    )
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    # String defaults go through `type`, so a bad PORT in the environment is a usage error.
    serve.add_argument("--port", type=int, default=os.environ.get("PORT") or "8000")
    serve.add_argument(
        "--workers",
        type=int,
        default=os.environ.get("WEB_CONCURRENCY") or os.environ.get("WORKERS") or "2",
    )

    for name, (_, help_text) in DELEGATED.items():
        commands.add_parser(name, help=help_text, add_help=False)
    return parser


# -- check --------------------------------------------------------------------------------------


def _read_ad(file: str) -> str:
    try:
        if file == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return Path(file).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise CliError(f"no such file: {file}") from None
    except IsADirectoryError:
        raise CliError(f"{file} is a directory") from None
    except UnicodeDecodeError as error:
        raise CliError(f"{file} is not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise CliError(f"cannot read {file}: {error.strerror}") from None


def _load_checker() -> Any:
    import model

    settings = Config.from_env()
    try:
        return model.load_checker(
            use_classifier=settings.REDFLAGS_USE_CLASSIFIER,
            max_html_depth=settings.REDFLAGS_MAX_HTML_DEPTH,
        )
    except model.ArtifactError as error:
        raise CliError(
            f"{error} (or set REDFLAGS_USE_CLASSIFIER=0 to use the rules alone)"
        ) from None


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(
        " ".join(text.split()), width=96, initial_indent=indent, subsequent_indent=indent
    )


def format_report(body: dict[str, Any], out: TextIO) -> None:
    """A readable report of a check response: risk, then each flag with its evidence."""
    risk, flags = body["risk"], body["flags"]
    count = f"{len(flags)} flag{'s' if len(flags) != 1 else ''}"
    out.write(f"Risk: {risk['level'].upper()} (score {risk['score']:.2f}), {count}\n")
    classifier = body.get("classifier")
    if classifier:
        out.write(
            f"Classifier: {classifier['label']} (p={classifier['probability']:.2f}, "
            f"model {classifier['model_version']})\n"
        )
    for number, flag in enumerate(flags, start=1):
        out.write(f"\n{number}. [{flag['severity'].upper()}] {flag['title']}\n")
        out.write(
            f"   {flag['rule_id']} ({flag['category']}; source {flag['source']}, "
            f"confidence {flag['confidence']:.2f})\n"
        )
        for span in flag["evidence"]:
            quote = " ".join(span["quote"].split())
            out.write(f"   \u201c{quote}\u201d  [{span['start']}:{span['end']}]\n")
        out.write(_wrap(flag["explanation"], "   ") + "\n")
        for ref in flag["regulatory_context"]:
            out.write(f"   see {ref['citation']}\n")
        for precedent in flag["precedents"]:
            out.write(
                f"   precedent: {precedent['recipient']} ({precedent['date']}, "
                f"{precedent['kind'].replace('_', ' ')})\n"
            )
    if not flags:
        out.write("\nNo red flags.\n")


def run_check(args: argparse.Namespace) -> int:
    import model

    text = _read_ad(args.file)
    if not text:
        raise CliError("the ad is empty")
    ad_format = args.format or ("html" if args.file.lower().endswith(HTML_SUFFIXES) else "text")
    exclude = [name.strip() for value in args.exclude for name in value.split(",") if name.strip()]
    checker = _load_checker()
    try:
        body = checker.check(
            text,
            format=ad_format,
            offsets=args.offsets,
            min_severity=args.min_severity,
            exclude=exclude or None,
            id=args.id,
        )
    except model.UnknownExclusionError as error:
        raise CliError(
            f"unknown rule ids or categories: {', '.join(error.unknown)} (see GET /v1/rules)"
        ) from None
    except model.HtmlTooDeepError as error:
        raise CliError(str(error)) from None
    if args.json:
        json.dump(body, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        format_report(body, sys.stdout)
    return 0


# -- serve --------------------------------------------------------------------------------------


def gunicorn_argv(host: str, port: int | str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:service.gunicorn_conf",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "service:create_app()",
    ]


def run_serve(args: argparse.Namespace) -> int:
    if args.workers < 1:
        raise CliError("--workers must be at least 1")
    argv = gunicorn_argv(args.host, args.port, args.workers)
    os.execv(argv[0], argv)
    return 0  # not reached


# -- delegated sub-commands ---------------------------------------------------------------------


def run_delegated(name: str, argv: list[str]) -> int:
    module_name, _ = DELEGATED[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise CliError(
                f"'{name}' is not available in this installation ({module_name} is missing)"
            ) from None
        raise
    entry: Callable[[list[str]], int | None] = module.main
    return int(entry(argv) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments and arguments[0] in DELEGATED:
            return run_delegated(arguments[0], arguments[1:])
        args = build_parser().parse_args(arguments)
        if args.command == "check":
            return run_check(args)
        return run_serve(args)
    except (CliError, ConfigError) as error:
        print(f"redflags: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
