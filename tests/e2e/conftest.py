"""Browser tests: the reviewer page and the extension in a real headless Chromium.

The browser is Debian's `chromium` package driven by Playwright for Python through
`executable_path`; Playwright never downloads a browser. When `/usr/bin/chromium` is missing,
the session installs it with `apt-get install -y chromium` if it runs as root (as CI does);
otherwise every browser test is skipped with a loud message: a skip reason, a warning in the
warnings summary and a red banner at the end of the run.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlparse

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

import model
from service import create_app

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"
CHROMIUM = Path(os.environ.get("REDFLAGS_CHROMIUM", "/usr/bin/chromium"))
# This machine has no network: keep Chromium from trying to reach Google at all.
LAUNCH_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
APT_TIMEOUT = 240

# A made-up clinic ad of the kind FDA and FTC letters describe.
CLINIC_AD = (
    "Renew Regenerative Clinic — Scottsdale, AZ\n\n"
    "Tired of waiting for a cure? Our revolutionary stem cell therapy uses your own fat-derived "
    "cells (SVF), harvested and re-injected the same day, to treat multiple sclerosis, "
    "Parkinson's disease and COPD.\n\n"
    "Because the cells come from your own body, there are no side effects and no risk of "
    "rejection. Many of our MS patients have been able to stop their medications after a "
    "single IV infusion.\n\n"
    '"I walked without my cane two weeks after treatment!" — Linda, 54\n\n'
    "Our treatments are FDA registered. Join our patient-funded study today: $7,500 per "
    "treatment, financing available. Spaces are limited this month!"
)
# The page the extension screens: astral emoji before the ad, so that UTF-16 offsets differ
# from code-point offsets; plus a script and a hidden block that must not be screened.
AD_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Renew Regenerative Clinic ✨</title>
  <style>.stuffing { display: none; }</style>
  <script>var tracking = "cure cancer with stem cells";</script>
</head>
<body>
  <header>
    <h1>🌟✨ Renew Regenerative Clinic 💉🧬</h1>
    <nav><a href="#">Home</a> · <a href="#">About</a> · <a href="#">Contact</a></nav>
  </header>
  <p class="reviews">Our patients love us 😍👍🏽 — rated ⭐⭐⭐⭐⭐ by 2,000 families 👨‍👩‍👧</p>
  <p id="ad">Our revolutionary stem cell therapy uses your own <b>fat-derived cells (SVF)</b>
    to treat multiple sclerosis, COPD and autism. There are no side effects because they are
    your own cells.</p>
  <div class="stuffing">hidden keyword stuffing: we cure cancer</div>
  <footer>© Renew 🏥</footer>
</body>
</html>
"""

_unavailable: list[str] = []


# -- Chromium ---------------------------------------------------------------------------------


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=APT_TIMEOUT, check=False
    )


def _install_chromium() -> str | None:
    """Make sure Chromium is there; return why it cannot be, or None."""
    if CHROMIUM.exists():
        return None
    if os.geteuid() != 0:
        return (
            f"{CHROMIUM} is missing and the tests do not run as root, so they cannot install "
            "it: run `sudo apt-get install -y chromium` (Debian/Ubuntu) and re-run."
        )
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        return f"{CHROMIUM} is missing and there is no apt-get to install Debian's chromium."
    try:
        result = _run([apt_get, "install", "-y", "chromium"])
        if result.returncode != 0:  # stale package lists: refresh them once and retry
            _run([apt_get, "update"])
            result = _run([apt_get, "install", "-y", "chromium"])
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"`apt-get install -y chromium` failed: {error}"
    if result.returncode != 0 or not CHROMIUM.exists():
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        return "`apt-get install -y chromium` failed: " + " | ".join(tail)
    return None


def _skip_loudly(reason: str) -> NoReturn:
    message = f"BROWSER TESTS SKIPPED: {reason}"
    if message not in _unavailable:
        _unavailable.append(message)
    with warnings.catch_warnings():
        # The suite turns warnings into errors; this one must be shown, not raised.
        warnings.simplefilter("always")
        warnings.warn(message, pytest.PytestWarning, stacklevel=2)
    pytest.skip(message)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The first browser test pays for installing Chromium: give these tests more time then."""
    if CHROMIUM.exists():
        return
    here = Path(__file__).resolve().parent
    for item in items:
        if here in item.path.resolve().parents:
            item.add_marker(pytest.mark.timeout(3 * APT_TIMEOUT + 120))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for message in _unavailable:
        terminalreporter.write_sep("!", "browser tests did not run", red=True, bold=True)
        terminalreporter.write_line(message, red=True, bold=True)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    reason = _install_chromium()
    if reason:
        _skip_loudly(reason)
    return str(CHROMIUM)


# Module scope: the browser does not outlive the e2e modules while the rest of the suite runs.
@pytest.fixture(scope="module")
def playwright(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_loudly("Playwright for Python is not installed: pip install -e '.[dev]'")
    manager = sync_playwright().start()
    yield manager
    manager.stop()


@pytest.fixture(scope="module")
def browser(playwright: Any, chromium_path: str) -> Iterator[Any]:
    # Playwright gives each launch() a fresh temporary --user-data-dir.
    instance = playwright.chromium.launch(
        executable_path=chromium_path, headless=False, args=LAUNCH_ARGS
    )
    yield instance
    instance.close()


@dataclass
class PageErrors:
    """JavaScript errors and console errors seen by a page; a test ends with none."""

    messages: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        page.on("pageerror", lambda error: self.messages.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda message: (
                self.messages.append(f"console: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        return page


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


@pytest.fixture
def browser_context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    yield context
    context.close()


@pytest.fixture
def page(browser_context: Any, page_errors: PageErrors) -> Iterator[Any]:
    new_page = page_errors.watch(browser_context.new_page())
    new_page.set_default_timeout(15_000)
    yield new_page
    assert page_errors.messages == []


# -- servers ----------------------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@dataclass
class LiveServer:
    server: BaseWSGIServer
    thread: threading.Thread
    requests: list[tuple[str, str]]
    bodies: list[bytes]  # of every POST, in order

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def checks(self) -> int:
        return sum(1 for method, path in self.requests if (method, path) == ("POST", "/v1/check"))


def _serve(wsgi_app: Callable[..., Any]) -> LiveServer:
    requests: list[tuple[str, str]] = []
    bodies: list[bytes] = []

    def recording(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        requests.append((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
        if environ["REQUEST_METHOD"] == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            bodies.append(body)
            environ["wsgi.input"] = io.BytesIO(body)
        return wsgi_app(environ, start_response)

    server = make_server("127.0.0.1", 0, recording, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    return LiveServer(server, thread, requests, bodies)


def _stop(live: LiveServer) -> None:
    live.server.shutdown()
    live.server.server_close()
    live.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_app(checker: model.Checker) -> Iterator[LiveServer]:
    """The real app (the session's checker) on a free 127.0.0.1 port, in a thread."""
    app = create_app({"CHECKER": checker})
    if "web" not in app.blueprints:
        from service import web

        app.register_blueprint(web.blp)
    live = _serve(app)
    yield live
    _stop(live)


@pytest.fixture(scope="session")
def ad_site() -> Iterator[LiveServer]:
    """A clinic's web page on another origin (its own port), for the extension to screen."""

    def site(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if environ.get("PATH_INFO") == "/ad.html":
            body = AD_PAGE.encode("utf-8")
            start_response(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    live = _serve(site)
    yield live
    _stop(live)


@pytest.fixture(scope="session")
def page_site() -> Iterator[Callable[[dict[str, str]], LiveServer]]:
    """Serves html pages (path -> page) on another origin, for the extension to screen."""
    started: list[LiveServer] = []

    def serve(pages: dict[str, str]) -> LiveServer:
        def site(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
            page = pages.get(environ.get("PATH_INFO", ""))
            if page is None:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not found"]
            body = page.encode("utf-8")
            headers = [("Content-Type", "text/html; charset=utf-8")]
            start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
            return [body]

        live = _serve(site)
        started.append(live)
        return live

    yield serve
    for live in started:
        _stop(live)


@pytest.fixture(scope="session")
def clinic_ad() -> str:
    return CLINIC_AD


@pytest.fixture(scope="session")
def extension_dir() -> Path:
    return EXTENSION_DIR


@pytest.fixture(scope="session")
def launch_args() -> list[str]:
    return list(LAUNCH_ARGS)


# -- the extension ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def extension_context(
    playwright: Any,
    chromium_path: str,
    launch_args: list[str],
    extension_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh --user-data-dir
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=chromium_path,
        headless=False,  # --headless=new is in launch_args; it runs extensions
        args=[
            *launch_args,
            f"--disable-extensions-except={extension_dir}",
            f"--load-extension={extension_dir}",
        ],
        viewport={"width": 1200, "height": 900},
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture(scope="module")
def extension_id(extension_context: Any) -> str:
    workers = extension_context.service_workers or [
        extension_context.wait_for_event("serviceworker", timeout=15_000)
    ]
    return urlparse(workers[0].url).hostname
