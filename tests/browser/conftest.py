"""Browser tests: Debian's Chromium, headless, driven by Playwright, against a live gateway."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from gateway import create_app
from gateway.db import db

from ..conftest import make_config
from .accessibility import Recorder, check

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class LiveServer:
    """The gateway served over HTTP on a free localhost port in a background thread."""

    def __init__(self, app: Flask, port: int = 0) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", port, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_port() -> int:
    return free_port()


@pytest.fixture
def live_app(
    tmp_path: Path, sqlite_template: Path, simulators: Any, live_port: int
) -> Iterator[Flask]:
    """The gateway on SQLite, configured for the address it is served at (SAML needs it)."""
    path = tmp_path / "browser.sqlite"
    shutil.copy(sqlite_template, path)
    simulators.reset()
    app = create_app(
        make_config(
            f"sqlite:///{path}",
            base_url=f"http://127.0.0.1:{live_port}",
            simulators_url=simulators.base_url,
        )
    )
    yield app
    db.dispose(app)


@pytest.fixture
def live_server(live_app: Flask, live_port: int) -> Iterator[LiveServer]:
    with LiveServer(live_app, port=live_port) as server:
        yield server


class RecordingBrowser:
    """The browser, whose every new context records the pages it loads for axe-core."""

    def __init__(self, browser: Any) -> None:
        self.real = browser
        self.recorder = Recorder()

    def new_context(self, **options: Any) -> Any:
        context = self.real.new_context(**options)
        self.recorder.attach(context)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make test` to install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(chromium: Any) -> Iterator[RecordingBrowser]:
    """Chromium for one test; when it ends, axe-core checks every page the test loaded."""
    recording = RecordingBrowser(chromium)
    yield recording
    problems = check(chromium, recording.recorder.pages)
    if problems:
        pytest.fail(
            f"axe-core: {len(problems)} serious or critical violations\n" + "\n".join(problems)
        )


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(locale="it-IT")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The development server leaves a static file's handle to the garbage collector when the
    # browser drops a transfer it no longer needs (a cached asset); that is not our code.
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
            item.add_marker(
                pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
            )
