"""axe-core on every page the browser tests visit, at desktop width and on a phone.

Each page a test's browser loads is recorded as it stood at its ``load`` event (its DOM, after
Bootstrap Italia's script ran); when the test ends, every recorded page is laid out again in a
browser of its own at 1280×800 and at 390×844 and checked by axe-core, the npm package that
``tools/setup.sh`` installs (read from ``node_modules``, never from a CDN). The replay serves
the page's own stylesheets, fonts and icons from ``gateway/static`` and runs none of its
scripts, so what is checked is exactly what the visitor had on screen, and checking it changes
nothing in the test's own pages. Any serious or critical violation fails the test.

A page whose DOM is the same as one already checked in this process (the home page, the login
page, an error page: most tests pass through them) is not laid out again: its result is the
one already found, which the test fails on just the same.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
STATIC = ROOT / "gateway" / "static"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
FAILING = ("serious", "critical")
_TOKENS = re.compile(r'(name="csrf_token" value|name="csrf-token" content)="[^"]*"')


@dataclass
class Snapshot:
    url: str
    html: str
    key: str = field(init=False)

    def __post_init__(self) -> None:
        # A CSRF token makes two loads of the same page differ in nothing a visitor sees.
        text = f"{urlsplit(self.url).path}\n{_TOKENS.sub('', self.html)}"
        self.key = hashlib.sha256(text.encode()).hexdigest()


# What axe-core found on each distinct page checked in this process, by page key.
_CHECKED: dict[str, list[str]] = {}


@dataclass
class Recorder:
    """The pages loaded while one test ran, each distinct page once."""

    pages: list[Snapshot] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)

    def attach(self, context: Any) -> None:
        # The page hands its own DOM over at its load event: nothing is asked of the page from
        # here while the test drives it. Init scripts run whatever the page's CSP says.
        context.expose_binding("__sportelloLoaded", self._record)
        context.add_init_script(
            "window.addEventListener('load', () => window.__sportelloLoaded("
            "location.href, document.contentType, document.documentElement.outerHTML));"
        )

    def _record(self, source: Any, url: str, content_type: str, html: str) -> None:
        if not url.startswith("http") or content_type != "text/html":
            return  # a PDF, an image, about:blank
        snapshot = Snapshot(url, "<!doctype html>\n" + html)
        if snapshot.key not in self.seen:
            self.seen.add(snapshot.key)
            self.pages.append(snapshot)


def axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: run tools/setup.sh to install axe-core")
    return AXE.read_text(encoding="utf-8")


def check(browser: Any, pages: list[Snapshot]) -> list[str]:
    """Every serious or critical violation of ``pages``, one line each."""
    problems = [p for s in pages if s.key in _CHECKED for p in _CHECKED[s.key]]
    pages = [s for s in pages if s.key not in _CHECKED]
    if not pages:
        return problems
    source = axe_source()
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        current: dict[str, Snapshot] = {}
        page.route("**/*", lambda route: _serve(route, current))
        for snapshot in pages:
            current["page"] = snapshot
            page.set_viewport_size(VIEWPORTS["desktop"])
            page.goto(snapshot.url, wait_until="load")
            page.evaluate(source)
            found: list[str] = []
            for name, viewport in VIEWPORTS.items():
                page.set_viewport_size(viewport)  # the same page, laid out again
                for v in page.evaluate(_RUN):
                    if v["impact"] in FAILING:
                        found.append(
                            f"{name} {urlsplit(snapshot.url).path}: {v['impact']} {v['id']}"
                            f" ({v['help']}) at {', '.join(v['targets'])}"
                        )
            _CHECKED[snapshot.key] = found
            problems.extend(found)
    finally:
        context.close()
    return problems


_RUN = """() => axe.run(document, {resultTypes: ['violations']}).then(r =>
    r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""


@cache
def _static(file: Path) -> bytes:
    return file.read_bytes()


def _serve(route: Any, current: dict[str, Snapshot]) -> None:
    request = route.request
    if request.resource_type == "document":
        route.fulfill(body=current["page"].html, content_type="text/html; charset=utf-8")
        return
    path = urlsplit(request.url).path
    if request.resource_type != "script" and path.startswith("/static/"):
        file = (STATIC / path.removeprefix("/static/")).resolve()
        if file.is_relative_to(STATIC) and file.is_file():
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            route.fulfill(body=_static(file), content_type=kind)
            return
    route.abort()  # scripts, calls back to the server: the replay only lays the page out
