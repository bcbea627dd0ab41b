"""Driving the unpacked extension in Chromium as a person would: options, popup, screen."""

from __future__ import annotations

from typing import Any


def expect(target: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def extension_page(context: Any, extension_id: str, path: str) -> Any:
    page = context.new_page()
    page.goto(f"chrome-extension://{extension_id}/{path}")
    return page


def set_api_url(context: Any, extension_id: str, url: str) -> None:
    """Through the options page, as a person would."""
    options = extension_page(context, extension_id, "options.html")
    expect(options.locator("#api-url")).to_have_value("http://127.0.0.1:8000")
    options.fill("#api-url", url + "/")
    options.click("button[type=submit]")
    expect(options.locator("#status")).to_contain_text(f"Saved: pages will be sent to {url}")
    expect(options.locator("#api-url")).to_have_value(url)
    options.close()


def tab_id_of(extension_page: Any, url: str) -> int:
    return extension_page.evaluate(
        "async url => (await chrome.tabs.query({})).find(tab => tab.url === url).id", url
    )


def open_popup_for(context: Any, extension_id: str, url: str) -> Any:
    """The toolbar popup, in a tab of its own, aimed at the tab showing `url`."""
    popup = extension_page(context, extension_id, "options.html")
    popup.goto(f"chrome-extension://{extension_id}/popup.html?tab={tab_id_of(popup, url)}")
    return popup


def screen_in_extension(context: Any, extension_id: str, url: str) -> dict[str, Any]:
    """Open `url`, press "Screen this page" in the popup, and return the stored record."""
    page = context.new_page()
    page.goto(url)
    popup = open_popup_for(context, extension_id, url)
    popup.click("#screen-button")
    expect(popup.locator("#risk-badge")).to_contain_text("Risk: ")
    tab_id = tab_id_of(popup, url)
    record: dict[str, Any] = popup.evaluate(
        "async key => (await chrome.storage.session.get(key))[key]", f"tab:{tab_id}"
    )
    popup.close()
    page.close()
    return record
