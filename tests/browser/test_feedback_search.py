"""The feedback box in a real browser, with JavaScript (in place) and without (page loads), and
the header's search on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from gateway.db import db
from gateway.models import PageFeedback

from .conftest import LiveServer

pytestmark = pytest.mark.browser

PAGE = "/servizi/certificato_scolastico"
PHONE = {"width": 390, "height": 844}


def stored(live_server: LiveServer) -> list[tuple[str, int, str, str | None]]:
    with db.fresh_session(live_server.app) as s:
        rows = s.scalars(select(PageFeedback).order_by(PageFeedback.id))
        return [(r.page, r.rating, r.reason, r.comment) for r in rows]


def answer(page: Any, stars: int, reason: str, detail: str) -> None:
    box = page.locator("[data-testid=feedback]")
    box.locator(f"label[for=feedback-star-{stars}]").click()
    box.locator("[data-testid=feedback-next]").click()
    box.locator(f"label[for=feedback-reason-{reason}]").click()
    box.locator("[data-testid=feedback-next]").click()
    box.get_by_label("Dettaglio (facoltativo)").fill(detail)
    box.locator("[data-testid=feedback-send]").click()
    page.locator("[data-testid=feedback-thanks]").wait_for()


def test_with_javascript_the_box_answers_in_place(live_server: LiveServer, browser: Any) -> None:
    context = browser.new_context(locale="it-IT")
    try:
        page = context.new_page()
        page.goto(live_server.url + PAGE)
        page.evaluate("window.__samePage = true")
        box = page.locator("[data-testid=feedback]")
        assert "Quanto sono chiare le informazioni su questa pagina?" in box.inner_text()
        box.locator("label[for=feedback-star-2]").click()
        box.locator("[data-testid=feedback-next]").click()
        legend = box.locator("legend", has_text="Dove hai incontrato le maggiori difficoltà?")
        legend.wait_for()
        assert legend.evaluate("el => el === document.activeElement")  # focus follows the step
        box.locator("a", has_text="Indietro").click()
        box.locator("label[for=feedback-star-5]").wait_for()
        answer(page, 5, "complete", "Tutto chiaro")
        thanks = page.locator("[data-testid=feedback-thanks]")
        assert thanks.evaluate("el => el === document.activeElement")
        assert page.evaluate("window.__samePage") is True  # no page load
        assert page.url == live_server.url + PAGE
        assert stored(live_server) == [(PAGE, 5, "complete", "Tutto chiaro")]
    finally:
        context.close()


def test_without_javascript_the_box_works_with_page_loads(
    live_server: LiveServer, browser: Any
) -> None:
    context = browser.new_context(locale="it-IT", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/servizi/")
        answer(page, 1, "technical", "La pagina non si carica")
        assert page.url.endswith("/servizi/?valutazione=inviata#feedback")
        assert stored(live_server) == [("/servizi/", 1, "technical", "La pagina non si carica")]
    finally:
        context.close()


def test_on_a_phone_the_header_search_finds_a_service(
    live_server: LiveServer, browser: Any
) -> None:
    context = browser.new_context(locale="it-IT", viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.wait_for_function("() => window.bootstrap && window.bootstrap.Modal")
        page.locator("[data-testid=header-search]").click()
        # The dialog opens with the cursor in its field: typing goes straight to the search.
        page.wait_for_function("() => document.activeElement.id === 'header-query'")
        page.keyboard.type("certificato iscrizione")
        page.keyboard.press("Enter")
        page.wait_for_url("**/cerca?q=certificato+iscrizione")
        assert "1 servizio trovato" in page.locator("[data-testid=search-count]").inner_text()
        page.locator("[data-testid=search-result]").click()
        page.wait_for_url("**" + PAGE)
        assert page.locator("[data-testid=breadcrumb]").is_visible()
    finally:
        context.close()
