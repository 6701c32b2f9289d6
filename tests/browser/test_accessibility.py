"""The accessibility check itself: it finds what axe-core finds, at the width it shows."""

from __future__ import annotations

from typing import Any

import pytest

from .accessibility import Recorder, Snapshot, check

pytestmark = pytest.mark.browser

CSS = '<link rel="stylesheet" href="/static/vendor/bootstrap-italia/css/bootstrap-italia.min.css">'


def page(body: str) -> Snapshot:
    html = f'<!doctype html><html lang="it"><head><title>Prova</title>{CSS}</head>'
    return Snapshot("http://sportello.test/prova", f"{html}<body><main>{body}</main></body></html>")


def test_a_name_that_is_not_the_visible_text_fails_at_both_widths(chromium: Any) -> None:
    problems = check(chromium, [page('<h1>Prova</h1><a href="/" aria-label="Sito">Regione</a>')])
    assert [p.split(":")[0] for p in problems] == ["desktop /prova", "phone /prova"]
    assert all("label-content-name-mismatch" in p for p in problems)


def test_a_table_that_scrolls_only_on_a_phone_fails_only_there(chromium: Any) -> None:
    wide = "<tr>" + "<td>codice-fiscale-molto-lungo</td>" * 8 + "</tr>"
    table = f'<div class="table-responsive"><table class="table">{wide}</table></div>'
    [problem] = check(chromium, [page(f"<h1>Prova</h1>{table}")])
    assert problem.startswith("phone /prova") and "scrollable-region-focusable" in problem
    focusable = table.replace('"table-responsive"', '"table-responsive" tabindex="0"')
    assert check(chromium, [page(f"<h1>Prova</h1>{focusable}")]) == []


def test_every_page_a_browser_loads_is_recorded_once(chromium: Any) -> None:
    recorder = Recorder()
    context = chromium.new_context()
    try:
        recorder.attach(context)
        tab = context.new_page()
        pages = {"/prova": "<h1>Prova</h1>", "/altra": "<h1>Altra</h1>"}
        tab.route(
            "**/*",
            lambda route: route.fulfill(
                body=pages[route.request.url.removeprefix("http://sportello.test")],
                content_type="text/html",
            ),
        )
        for path in ("/prova", "/prova", "/altra"):
            tab.goto(f"http://sportello.test{path}")
        tab.evaluate("1")  # answered after the page's report of its last load
    finally:
        context.close()
    assert [s.url for s in recorder.pages] == [
        "http://sportello.test/prova",
        "http://sportello.test/altra",
    ]


class NoBrowser:
    def new_context(self, **options: Any) -> Any:
        raise AssertionError("a page already checked was laid out again")


def test_a_page_already_checked_fails_again_without_a_new_layout(chromium: Any) -> None:
    bad = '<h1>Prova</h1><a href="/" aria-label="Sito">Municipio</a>'
    first = check(chromium, [page(bad)])
    assert len(first) == 2
    assert check(NoBrowser(), [page(bad)]) == first
    # Another page (here: the same DOM at another address) is checked on its own.
    elsewhere = Snapshot("http://sportello.test/altrove", page(bad).html)
    assert [p.split(":")[0] for p in check(chromium, [elsewhere])] == [
        "desktop /altrove",
        "phone /altrove",
    ]
