"""Dump the checker's exact answers on a corpus, to diff two builds or two commits byte for byte.

    python -m bench.golden /tmp/golden-before.jsonl                 # our written sets
    python -m bench.golden /tmp/golden-before.jsonl --real-pages    # plus ../shared/real_pages/
    diff /tmp/golden-before.jsonl /tmp/golden-after.jsonl

Every text of `evaluation/*_set.jsonl` (and, with `--real-pages`, every real page) is checked
with `detail: "full"`, `detail: "compact"` and, to cover the offset conversion, `"compact"` with
UTF-16 offsets; each answer is one line `{"item": ..., "request": ..., "answer": ...}`. The dump
quotes the texts it was given: write it outside the repository (real pages never enter it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.machine import ROOT

WRITTEN_SETS = tuple(sorted((ROOT / "evaluation").glob("*_set.jsonl")))
REQUESTS: tuple[dict[str, str], ...] = (
    {"detail": "full"},
    {"detail": "compact"},
    {"detail": "compact", "offsets": "utf16"},
)


def written_items() -> Iterator[tuple[str, str, str]]:
    """(item id, text, format) of every text of our own written sets."""
    for path in WRITTEN_SETS:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                yield f"{path.stem}/{item['id']}", item["text"], item.get("format") or "text"


def real_page_items() -> Iterator[tuple[str, str, str]]:
    from evaluation.real_pages import load_real_pages

    for page in load_real_pages():
        yield f"real/{page.id}", page.text, page.format


def answers(
    checker: Any, items: Iterator[tuple[str, str, str]]
) -> Iterator[tuple[str, dict[str, str], dict[str, Any]]]:
    """(item id, request options, the check's answer) for each item and request."""
    for item_id, text, text_format in items:
        for request in REQUESTS:
            yield item_id, request, checker.check(text, format=text_format, **request)


def encode(item_id: str, request: dict[str, str], answer: dict[str, Any]) -> str:
    """One dump line: the standard library's JSON, so the bytes do not depend on orjson."""
    return json.dumps({"item": item_id, "request": request, "answer": answer}, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.golden", description=__doc__)
    parser.add_argument("output", type=Path, help="JSONL to write (outside the repository)")
    parser.add_argument(
        "--real-pages", action="store_true", help="also every page of ../shared/real_pages/"
    )
    args = parser.parse_args(argv)
    if args.output.resolve().is_relative_to(ROOT):
        parser.error("write the dump outside the repository: it quotes the texts it checks")
    import model

    checker = model.load_checker()
    items = written_items()
    count = 0
    with args.output.open("w", encoding="utf-8") as out:
        for source in (items, real_page_items()) if args.real_pages else (items,):
            for item_id, request, answer in answers(checker, source):
                out.write(encode(item_id, request, answer) + "\n")
                count += 1
    print(f"wrote {count} answers to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
