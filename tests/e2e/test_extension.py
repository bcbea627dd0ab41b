"""The reference extension, loaded unpacked into headless Chromium, screening a local page.

The popup is opened in a tab as `popup.html?tab=ID` (a browser cannot click its own toolbar
under automation); pressing its button runs exactly what a toolbar click does.
"""

from __future__ import annotations

import json
import time

from tests.e2e.extension_driver import (
    expect,
    extension_page,
    open_popup_for,
    set_api_url,
    tab_id_of,
)

# Every mark the extension put in the page: text, evidence spans ("flag:evidence"), classes.
PAGE_MARKS_JS = """() => [...document.querySelectorAll('mark.crf-mark')].map(mark => ({
  text: mark.textContent,
  spans: mark.dataset.crfSpans.split(' '),
  flags: mark.dataset.crfFlags.split(' ').map(Number),
  classes: [...mark.classList],
  inAd: Boolean(mark.closest('#ad')),
  inHidden: Boolean(mark.closest('.stuffing')),
}))"""


def test_extension_screens_a_page_only_when_asked_and_highlights_the_span(
    extension_context, extension_id, live_app, ad_site
):
    set_api_url(extension_context, extension_id, live_app.url)
    checks_before = live_app.checks()

    ad_url = ad_site.url + "/ad.html"
    ad_page = extension_context.new_page()
    ad_page.goto(ad_url)
    original_body = ad_page.evaluate("document.body.innerHTML")
    popup = open_popup_for(extension_context, extension_id, ad_url)
    expect(popup.locator("#privacy")).to_contain_text("Nothing has been sent")
    expect(popup.locator("#api-url")).to_have_text(live_app.url)
    time.sleep(0.5)
    # Loading a page and opening the popup send nothing.
    assert live_app.checks() == checks_before
    assert ad_page.locator("mark").count() == 0

    popup.click("#screen-button")
    expect(popup.locator("#risk-badge")).to_have_text("Risk: high")
    assert live_app.checks() == checks_before + 1
    expect(popup.locator("#privacy")).to_contain_text(f"visible text was sent to {live_app.url}")

    tab_id = tab_id_of(popup, ad_url)
    record = popup.evaluate(
        "async key => (await chrome.storage.session.get(key))[key]", f"tab:{tab_id}"
    )
    result = record["result"]
    assert result["risk"]["level"] == "high"
    assert record["highlight"]["highlighted"] == record["highlight"]["spans"] > 0

    # Every evidence span is highlighted in the page with exactly its quote, although astral
    # emoji come before it (utf16 offsets), and nothing in the script or hidden block is.
    marks = ad_page.evaluate(PAGE_MARKS_JS)
    for i, flag in enumerate(result["flags"]):
        for j, evidence in enumerate(flag["evidence"]):
            quote = "".join(mark["text"] for mark in marks if f"{i}:{j}" in mark["spans"])
            assert quote == evidence["quote"], (i, j, flag["rule_id"])
    assert not any(mark["inHidden"] for mark in marks)
    assert all(
        "cancer" not in evidence["quote"]
        for flag in result["flags"]
        for evidence in flag["evidence"]
    )

    ms = next(
        index
        for index, flag in enumerate(result["flags"])
        if flag["category"] == "unapproved_use"
        and flag["entities"]["condition"]["name"] == "multiple sclerosis"
    )
    ms_marks = [mark for mark in marks if ms in mark["flags"]]
    assert "multiple sclerosis" in [mark["text"] for mark in ms_marks if mark["inAd"]]
    assert all("crf-high" in mark["classes"] for mark in ms_marks)
    # What was sent: the visible text only (no script, no hidden block), emoji included, and
    # offsets that index it as UTF-16 (they would be wrong as code points).
    sent = json.loads(live_app.bodies[-1])
    assert sent.keys() == {"text", "format", "offsets", "detail"} and sent["offsets"] == "utf16"
    assert sent["detail"] == "compact"
    text = sent["text"]
    assert "🌟✨ Renew Regenerative Clinic" in text and "multiple sclerosis" in text
    assert "cancer" not in text and "tracking" not in text
    utf16 = text.encode("utf-16-le")
    for evidence in result["flags"][ms]["evidence"]:
        start, end = evidence["start"], evidence["end"]
        assert utf16[2 * start : 2 * end].decode("utf-16-le") == evidence["quote"]
        assert text[start:end] != evidence["quote"]

    # The popup lists the flags; choosing one marks its words in the page.
    expect(popup.locator("#flag-list > li")).to_have_count(len(result["flags"]))
    popup.click(f"#flag-list button[data-flag='{ms}']")
    active = ad_page.locator("mark.crf-active")
    expect(active.first).to_be_visible()
    assert "multiple sclerosis" in active.all_text_contents()

    # "Remove highlights" restores the page exactly.
    popup.click("#clear-button")
    expect(popup.locator("#status")).to_have_text("Highlights removed.")
    expect(ad_page.locator("mark")).to_have_count(0)
    assert ad_page.evaluate("document.body.innerHTML") == original_body
    assert live_app.checks() == checks_before + 1
    popup.close()
    ad_page.close()


def test_extension_reports_an_unreachable_api(extension_context, extension_id, ad_site):
    options = extension_page(extension_context, extension_id, "options.html")
    options.fill("#api-url", "http://127.0.0.1:9")  # the discard port: nothing listens
    options.click("button[type=submit]")
    expect(options.locator("#status")).to_contain_text("Saved")
    options.close()

    ad_url = ad_site.url + "/ad.html"
    ad_page = extension_context.new_page()
    ad_page.goto(ad_url)
    popup = open_popup_for(extension_context, extension_id, ad_url)
    tab_id = tab_id_of(popup, ad_url)
    popup.click("#screen-button")
    status = popup.locator("#status")
    expect(status).to_contain_text("Could not reach the clinic-redflags API at http://127.0.0.1:9")
    expect(status).to_have_class("status error")
    assert ad_page.locator("mark").count() == 0
    stored = popup.evaluate("async () => await chrome.storage.session.get(null)")
    assert f"tab:{tab_id}" not in stored
    popup.close()
    ad_page.close()

    # Back to the default address.
    options = extension_page(extension_context, extension_id, "options.html")
    options.click("#reset-button")
    expect(options.locator("#api-url")).to_have_value("http://127.0.0.1:8000")
    options.close()


def test_extension_reads_full_texts_from_the_knowledge_base_once(
    extension_context, extension_id, live_app, ad_site, checker
):
    """Compact answers, and the titles and summaries they leave out read from GET
    /v1/regulations: once for two screenings (cached), matched by id."""
    set_api_url(extension_context, extension_id, live_app.url)
    ad_url = ad_site.url + "/ad.html"
    ad_page = extension_context.new_page()
    ad_page.goto(ad_url)
    popup = open_popup_for(extension_context, extension_id, ad_url)
    popup.evaluate("async () => await chrome.storage.local.clear()")  # no earlier test's cache
    regulations_before = live_app.requests.count(("GET", "/v1/regulations"))
    checks_before = live_app.checks()
    for _ in range(2):
        popup.click("#screen-button")
        expect(popup.locator("#status")).to_contain_text("Done: risk high")
    assert live_app.checks() == checks_before + 2
    assert live_app.requests.count(("GET", "/v1/regulations")) == regulations_before + 1

    tab_id = tab_id_of(popup, ad_url)
    record = popup.evaluate(
        "async key => (await chrome.storage.session.get(key))[key]", f"tab:{tab_id}"
    )
    result = record["result"]
    knowledge = checker.knowledge_base.as_dict()
    references = {item["id"]: item for item in knowledge["references"]}
    precedents = {item["id"]: item for item in knowledge["precedents"]}
    flag_index, flag = next(
        (n, f) for n, f in enumerate(result["flags"]) if f["precedents"] and f["regulatory_context"]
    )
    assert "summary" not in flag["precedents"][0]  # the compact answer
    assert "summary" not in flag["regulatory_context"][0]
    sources = popup.locator("#flag-list > li").nth(flag_index).locator("details.flag-sources")
    sources.locator("summary").click()
    for item in flag["regulatory_context"]:
        shown = sources.locator(f"li.source[data-id='{item['id']}']")
        expect(shown).to_contain_text(references[item["id"]]["title"])
        expect(shown.locator(".source-summary")).to_have_text(references[item["id"]]["summary"])
        expect(shown.locator(".relevance")).to_have_text(item["relevance"])
    for item in flag["precedents"]:
        shown = sources.locator(f"li.precedent[data-id='{item['id']}']")
        expect(shown).to_contain_text(item["recipient"])
        expect(shown.locator(".source-summary")).to_have_text(precedents[item["id"]]["summary"])
    popup.click("#clear-button")
    popup.close()
    ad_page.close()

    options = extension_page(extension_context, extension_id, "options.html")
    options.click("#reset-button")  # back to the default address, for the tests that follow
    expect(options.locator("#api-url")).to_have_value("http://127.0.0.1:8000")
    options.close()
