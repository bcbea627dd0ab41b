"""Worst cases for the matcher and the html reducer, each screened over HTTP well within a
generous guard.

The guard is CPU time of the thread that serves the request (the test client runs the app in
this thread), not wall time, so other processes on a busy machine do not make it flaky; 5 s
is several times what any case takes here. Exact timings belong in bench/, not in tests.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

GUARD_CPU_SECONDS = 5.0
SIZE = 100_000
CANONICAL_CONDITIONS = Path(__file__).resolve().parents[2] / "docs" / "canonical_conditions.txt"
CONDITION_NAMES = [
    line.strip()
    for line in CANONICAL_CONDITIONS.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def fill(unit: str, size: int = SIZE) -> str:
    """`unit` repeated to exactly `size` code points."""
    return (unit * (size // len(unit) + 1))[:size]


TEXT_CASES = {
    "one repeated word": fill("stem "),
    "one word, no spaces": "a" * SIZE,
    "claim words without spaces": fill("stemcellscuremiraclenosideeffectsfdaapproved"),
    "claim words with spaces": fill("stem cells cure miracle no side effects FDA approved "),
    "punctuation": fill("!?.,;:-()[]{}\"'/\\|*&^%$#@~`"),
    "full stops": fill("."),
    "astral characters": fill("😀𝔖🇺🇸👩🏽‍⚕️"),
    "combining marks": fill("e\u0301\u0302\u0303\u0304"),
    "many conditions": fill(" ".join(f"Stem cells treat {name}." for name in CONDITION_NAMES)),
    "one huge line": fill("stem cell therapy cures multiple sclerosis with no side effects and "),
    "10,000 bullet lines": "Stem cells for:\n" + "\u2022 cure MS\n" * 9_998,
    "zero-width joiners": fill("stem\u200dcell\u200d therapy\u200d cures\u200d MS "),
    "zero-width spaces inside words": fill("st\u200bem c\u200bells c\u200bure MS "),
    "right-to-left marks": fill("\u202estem cells cure MS\u202c \u200f"),
    "NUL bytes": fill("stem\x00cells cure\x00 MS\x00 "),
    "CRLF lines": fill("stem cells cure MS\r\n"),
    "CR-only lines": fill("stem cells cure MS\r"),
    "blank lines": fill("\n"),
    "whitespace": fill(" \t\u00a0\u3000"),
    "byte-order marks": fill("\ufeffstem cells\ufeff cure MS "),
    "look-alike letters": fill("ѕtеm сеllѕ сurе МЅ "),
    "fullwidth letters": fill("ＳＴＥＭ ＣＥＬＬＳ ｃｕｒｅ ＭＳ "),
    "hyphen chains": fill("stem-cell-"),
    "apostrophes": fill("Wharton's jelly Parkinson's "),
    "digits and money": fill("$5,000 100% 99.9% "),
    "abbreviations only": fill("MS ALS COPD T1D RA "),
    "html as plain text": fill("<div><p>stem cells cure MS</p></div>"),
    "json as plain text": fill('{"text": "stem cells", "cure": ["MS"]} '),
    "long url": "https://clinic.example/" + fill("stem-cells-cure-ms/", SIZE - 23),
}
HTML_CASES = {
    "20,000 nested divs": ("<div>" * 20_000 + "stem cells cure MS" + "</div>" * 20_000, 422),
    "20,000 unclosed bold tags": ("<b>" * 20_000 + "stem cells cure MS", 422),
    "nesting just under the limit": (
        "<div>" * 1_999 + "stem cells cure MS" + "</div>" * 1_999,
        200,
    ),
    "30,000 paragraphs": (fill("<p>stem cells cure MS"), 200),
    "10,000 list items": ("<ul>stem cells" + "<li>cure MS" * 9_000 + "</ul>", 200),
    "a big table": (fill("<tr><td>stem cells</td><td>cure MS</td></tr>"), 200),
    "angle brackets": (fill("<"), 200),
    "unclosed comment": ("<!--" + fill("stem cells cure MS ", SIZE - 4), 200),
    "unclosed script": ("<script>" + fill("var ms = 'cure';", SIZE - 8), 200),
    "entity flood": (fill("&amp;&#128512;&nbsp;&#0;&#xD800;"), 200),
    "one huge attribute": (
        '<div title="' + fill("x", SIZE - 40) + '">stem cells cure MS</div>',
        200,
    ),
    "hidden everything": (fill("<span hidden>stem cells cure MS</span>"), 200),
    "CDATA and processing instructions": (fill("<![CDATA[stem cells]]><?php cure MS ?>"), 200),
}


def assert_spans_index(body: dict, analysed: str, offsets: str) -> None:
    units = analysed.encode("utf-16-le", "surrogatepass")
    length = len(units) // 2 if offsets == "utf16" else len(analysed)
    assert body["text_length"] == length
    for flag in body["flags"]:
        for span in flag["evidence"]:
            start, end, quote = span["start"], span["end"], span["quote"]
            assert 0 <= start < end <= length
            if offsets == "codepoint":
                assert analysed[start:end] == quote
            else:
                assert units[2 * start : 2 * end].decode("utf-16-le") == quote


def screen(client, payload: dict) -> tuple[object, float]:
    started = time.thread_time()
    response = client.post("/v1/check", json=payload)
    return response, time.thread_time() - started


# UTF-16 offsets differ from code points only around astral characters, so the UTF-16 run
# is limited to the cases where the text has some (or marks that sit next to them).
UTF16_CASES = {
    "astral characters",
    "combining marks",
    "zero-width joiners",
    "right-to-left marks",
    "byte-order marks",
    "look-alike letters",
    "10,000 bullet lines",
}
TEXT_RUNS = [(name, "codepoint") for name in TEXT_CASES] + [
    (name, "utf16") for name in TEXT_CASES if name in UTF16_CASES
]


@pytest.mark.parametrize(("name", "offsets"), TEXT_RUNS)
def test_adversarial_text_is_answered_quickly_with_exact_spans(client, name, offsets):
    text = TEXT_CASES[name]
    assert 1 <= len(text) <= SIZE
    response, cpu = screen(client, {"text": text, "offsets": offsets})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert cpu < GUARD_CPU_SECONDS, f"{name}: {cpu:.2f} s of CPU"
    assert_spans_index(response.get_json(), text, offsets)


@pytest.mark.parametrize("name", list(HTML_CASES))
def test_adversarial_html_is_answered_quickly(client, name):
    page, status = HTML_CASES[name]
    response, cpu = screen(client, {"text": page, "format": "html"})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert cpu < GUARD_CPU_SECONDS, f"{name}: {cpu:.2f} s of CPU"
    body = response.get_json()
    if status == 200:
        assert_spans_index(body, body["extracted_text"], "codepoint")
    else:
        assert body["error"]["code"] == "validation_error"


def test_html_longer_than_max_chars_is_422(client):
    page = "<p>" + fill("stem cells cure MS ", SIZE) + "</p>"
    response = client.post("/v1/check", json={"text": page, "format": "html"})
    assert response.status_code == 422
    assert "text" in response.get_json()["error"]["details"]


def test_a_batch_of_adversarial_items_is_answered_quickly(client):
    items = [{"text": text[:4_000], "id": name} for name, text in TEXT_CASES.items()]
    items += [
        {"text": page[:4_000], "format": "html", "id": name}
        for name, (page, _) in HTML_CASES.items()
    ]
    started = time.thread_time()
    response = client.post("/v1/check/batch", json={"items": items})
    cpu = time.thread_time() - started
    assert response.status_code == 200
    assert cpu < GUARD_CPU_SECONDS
    body = response.get_json()
    assert [entry["id"] for entry in body["results"]] == [item["id"] for item in items]
    assert body["counts"]["ok"] + body["counts"]["error"] == len(items)
    assert all(
        "error" not in entry or entry["error"]["code"] == "validation_error"
        for entry in body["results"]
    )
