"""Shared fixtures: one checker per test session, and apps / clients built around it.

The checker uses the committed classifier artifact when it loads, and the rules alone when it
does not (before the first `make train`), so the suite runs in both states and skips nothing.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import model
from service import create_app

ROOT = Path(__file__).resolve().parents[1]
# A made-up clinic ad in the style of those FDA and FTC letters cite.
REAL_AD = (
    "Welcome to Renew Regenerative Clinic! Our revolutionary stem cell therapy uses your own "
    "fat-derived cells (SVF) to treat multiple sclerosis, COPD and autism.\n"
    "Patients have stopped taking their insulin after just one treatment. There are no side "
    "effects because they are your own cells.\n"
    "Our stem cells are FDA registered. Enroll in our patient-funded study for $5,000."
)
REAL_AD_HTML = (
    "<html><head><title>Renew</title><style>p {color: red}</style>"
    "<script>var tracking = 'multiple sclerosis';</script></head><body>"
    "<nav>Home | About</nav><h1>Renew Regenerative Clinic 🙂</h1>"
    "<p>Our <b>revolutionary</b> stem cell therapy uses your own fat-derived cells (SVF) to "
    "treat multiple sclerosis, COPD and autism.</p>"
    "<p style='display:none'>hidden keyword stuffing: cure cancer</p>"
    "<ul><li>There are no side effects.</li><li>Our stem cells are FDA registered.</li></ul>"
    "</body></html>"
)


def _load_checker() -> tuple[model.Checker, bool]:
    try:
        return model.load_checker(), True
    except model.ArtifactError:
        return model.load_checker(use_classifier=False), False


@pytest.fixture(scope="session")
def checker_and_mode() -> tuple[model.Checker, bool]:
    return _load_checker()


@pytest.fixture(scope="session")
def checker(checker_and_mode: tuple[model.Checker, bool]) -> model.Checker:
    """The session's checker: with the classifier when its artifact exists."""
    return checker_and_mode[0]


@pytest.fixture
def make_app(checker: model.Checker) -> Callable[..., Flask]:
    """Build an app around the session checker, with config overrides."""

    def build(**config: Any) -> Flask:
        settings: dict[str, Any] = {"TESTING": True, "CHECKER": checker}
        settings.update(config)
        return create_app(settings)

    return build


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as test_client:
        yield test_client


@pytest.fixture
def real_ad() -> str:
    return REAL_AD


@pytest.fixture
def real_ad_html() -> str:
    return REAL_AD_HTML


# -- a real gunicorn on a free loopback port ----------------------------------------------------


class StandInChecker:
    """A checker that screens nothing: a low-risk body for any text, for tests of the service
    around it. Subclasses record or delay the calls."""

    versions = {"api": "1.1", "rules": "r", "model": "m", "knowledge_base": "k"}
    classifier = None

    def check(self, text: str, **kwargs: Any) -> dict[str, Any]:
        return {
            "risk": {"level": "low", "score": 0.0},
            "flags": [],
            "classifier": None,
            "text_length": len(text),
            "versions": self.versions,
        }

    def rule_catalogue(self) -> dict[str, Any]:
        return {"version": "r", "rules": []}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def wait_until_healthy(self, timeout: float) -> LiveServer:
        """Return once `/v1/health` answers 200; fail the test with the log if the server
        exits or stays silent for `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.stop()}")
            try:
                if self.request("GET", "/v1/health")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail(f"server did not answer within {timeout} s:\n{self.stop()}")

    def stop(self) -> str:
        """Stop gracefully and return everything gunicorn logged."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def start_server(tmp_path: Path, checker_and_mode: tuple[model.Checker, bool]):
    """Start a command that serves the app on 127.0.0.1:PORT (given in $PORT / {port})."""
    servers: list[LiveServer] = []

    def start(
        argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT, timeout: float = 60.0
    ) -> LiveServer:
        port = free_port()
        log_path = tmp_path / f"server-{port}.log"
        environment = {
            **os.environ,
            "HOST": "127.0.0.1",
            "WORKERS": "1",
            "REDFLAGS_USE_CLASSIFIER": "1" if checker_and_mode[1] else "0",
            **(env or {}),
            "PORT": str(port),
        }
        environment.pop("WEB_CONCURRENCY", None)
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [part.replace("{port}", str(port)) for part in argv],
                cwd=cwd,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = LiveServer(process, port, log_path)
        servers.append(server)
        return server.wait_until_healthy(timeout)

    yield start
    for server in servers:
        server.stop()
