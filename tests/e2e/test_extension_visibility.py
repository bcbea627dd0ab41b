"""The same pages screened both ways give the same flags (issue 13).

Each page below is sent once as html to the checker (`format: "html"`, reduced on the server by
`model/html_text.py`) and once through the extension in Chromium, which reads the rendered DOM
with the same visibility rules and sends text. The pages are written for this test; each holds
one of the README's visibility rules, most of them a hidden negation beside a visible claim.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.e2e.extension_driver import screen_in_extension, set_api_url

CLAIM_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>
  body {{ font-family: sans-serif; }}
  .offscreen {{ position: absolute; left: -9999px; }}
  .visually-hidden {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
                      clip: rect(0 0 0 0); }}
  main .note span.quiet {{ display: none; }}
  .faded {{ opacity: 0; }}
  .pushed {{ text-indent: -9999px; }}
  .lead::before {{ content: "Our stem cells cure "; }}
</style></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<main>
<h1>Harborview Cell Clinic</h1>
{body}
<p>Call us to book a consultation with our team.</p>
</main>
<footer>Harborview Cell Clinic, 12 Quay Street</footer>
</body></html>
"""

PAGES: dict[str, tuple[str, str]] = {
    "font-size:0 negation": (
        "Stem cell therapy",
        "<p>Our stem cells do <span style='font-size:0'>not</span> cure multiple sclerosis.</p>",
    ),
    "off-screen negation": (
        "Stem cell therapy",
        "<p>Our stem cells do <span class=offscreen>not</span> cure multiple sclerosis.</p>",
    ),
    "clipped negation": (
        "Stem cell therapy",
        "<p>Our stem cells do <span class=visually-hidden>not</span> cure multiple sclerosis.</p>",
    ),
    "compound-selector negation": (
        "Stem cell therapy",
        "<div class=note><p>Our stem cells do <span class=quiet>not</span> cure multiple "
        "sclerosis.</p></div>",
    ),
    "transparent negation": (
        "Stem cell therapy",
        "<p>Our stem cells do <span class=faded>not</span> cure multiple sclerosis.</p>",
    ),
    "indented-away disclaimer": (
        "Stem cell therapy",
        "<p>Our stem cells cure multiple sclerosis.</p>"
        "<p class=pushed>We do not claim that stem cells cure multiple sclerosis.</p>",
    ),
    "visible negation": (
        "Stem cell therapy",
        "<p>Our stem cells do not cure multiple sclerosis.</p>",
    ),
    "claim in alt text": (
        "Harborview",
        "<p>Welcome to our clinic.</p>"
        "<p><img src=x.png alt='Our stem cells cure multiple sclerosis.' width=1 height=1></p>",
    ),
    "claim in aria-label": (
        "Harborview",
        "<p>Welcome. <a href=/ms aria-label='Our stem cells cure multiple sclerosis.'>Read</a></p>",
    ),
    "claim in ::before content": (
        "Harborview",
        "<p class=lead>multiple sclerosis, quickly.</p>",
    ),
    "claim in the title": (
        "Our stem cells cure multiple sclerosis. Book today.",
        "<p>Welcome.</p>",
    ),
    "aria-hidden claim": (
        "Harborview",
        "<p aria-hidden=true>Our stem cells cure multiple sclerosis.</p>",
    ),
    "claim in a template only": (
        "Harborview",
        "<template><p>Our stem cells cure multiple sclerosis.</p></template><p>Welcome.</p>",
    ),
    "claim in noscript": (
        "Harborview",
        "<noscript><p>Our stem cells cure multiple sclerosis.</p></noscript><p>Welcome.</p>",
    ),
    "claim on a button": (
        "Harborview",
        "<p>Welcome.</p><p><button>Our stem cells cure multiple sclerosis.</button></p>",
    ),
    # Stored backwards, drawn forwards: "Our stem cells cure multiple sclerosis."
    "claim drawn right to left by bdo": (
        "Harborview",
        "<p>Welcome.</p><p><bdo dir=rtl>.sisorelcs elpitlum eruc sllec mets ruO</bdo></p>",
    ),
    "claim drawn right to left by a style": (
        "Harborview",
        "<p>Welcome.</p><div style='direction: rtl; unicode-bidi: bidi-override'>"
        "<b>.sisorelcs elpitlum eruc</b> sllec mets ruO<p>Book today.</p></div>",
    ),
    # Arabic ("book an appointment now", written for this test) is drawn as stored: nothing to flag.
    "Arabic in a right-to-left override": (
        "Harborview",
        "<p>Welcome.</p><p><bdo dir=rtl>"
        "\u0627\u062d\u062c\u0632 \u0645\u0648\u0639\u062f\u0627\u064b \u0627\u0644\u0622\u0646"
        "</bdo></p>",
    ),
}


def _flags(result: dict[str, Any]) -> Counter[tuple[str, str, tuple[str, ...]]]:
    """Flags as rule, severity and quotes (whitespace runs are one space both ways)."""
    return Counter(
        (
            flag["rule_id"],
            flag["severity"],
            tuple(" ".join(evidence["quote"].split()) for evidence in flag["evidence"]),
        )
        for flag in result["flags"]
    )


@pytest.fixture(scope="module")
def site(page_site: Any) -> Any:
    return page_site(
        {
            f"/{index}.html": CLAIM_PAGE.format(title=title, body=body)
            for index, (title, body) in enumerate(PAGES.values())
        }
    )


@pytest.fixture(scope="module")
def aimed_at_the_app(extension_context: Any, extension_id: str, live_app: Any) -> None:
    set_api_url(extension_context, extension_id, live_app.url)


@pytest.mark.parametrize("name", PAGES)
def test_the_extension_and_the_server_see_the_same_page(
    name: str,
    checker: Any,
    site: Any,
    extension_context: Any,
    extension_id: str,
    aimed_at_the_app: None,
) -> None:
    index = list(PAGES).index(name)
    title, body = PAGES[name]
    from_html = checker.check(CLAIM_PAGE.format(title=title, body=body), format="html")
    record = screen_in_extension(extension_context, extension_id, f"{site.url}/{index}.html")
    from_dom = record["result"]
    assert from_dom["risk"]["level"] == from_html["risk"]["level"]
    assert _flags(from_dom) == _flags(from_html)


def test_hidden_negations_do_not_suppress_the_claim_in_the_extension(
    site: Any, extension_context: Any, extension_id: str, aimed_at_the_app: None
) -> None:
    for name in ("font-size:0 negation", "off-screen negation", "compound-selector negation"):
        index = list(PAGES).index(name)
        record = screen_in_extension(extension_context, extension_id, f"{site.url}/{index}.html")
        rules = {flag["rule_id"] for flag in record["result"]["flags"]}
        assert "unapproved-use.cell-product-for-disease" in rules, name


def test_a_claim_drawn_right_to_left_is_read_as_drawn_in_the_extension(
    site: Any, extension_context: Any, extension_id: str, aimed_at_the_app: None
) -> None:
    for name in ("claim drawn right to left by bdo", "claim drawn right to left by a style"):
        index = list(PAGES).index(name)
        record = screen_in_extension(extension_context, extension_id, f"{site.url}/{index}.html")
        result = record["result"]
        assert result["risk"]["level"] == "high", name
        pair = [
            f for f in result["flags"] if f["rule_id"] == "unapproved-use.cell-product-for-disease"
        ]
        # The quotes are the page's characters as stored, so the highlights fall on them.
        assert [e["quote"] for e in pair[0]["evidence"]] == ["sisorelcs elpitlum", "sllec mets"]
