"""Logging in and paying a fine online with the keyboard alone: Tab to move, Enter to follow a
link or open the SPID button's list, Space to press a button. The test never clicks."""

from __future__ import annotations

import time
from contextlib import suppress
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gateway.db import db
from gateway.outbox import deliver_due
from gateway.wiring import outbox_handlers

from .conftest import LiveServer

pytestmark = pytest.mark.browser

MARIO = "RSSMRA80A01H501U"
MOST_TABS = 120  # far more than any page here needs; a trap or a missing element stops the test


def focused(page: Any) -> str:
    """The focused element, as a person would be told it: its tag and its text or label."""
    return str(
        page.evaluate(
            "() => { const el = document.activeElement; if (!el) return '';"
            " const text = el.innerText || el.value || el.getAttribute('aria-label') || '';"
            " return `${el.tagName} ${text.trim().slice(0, 60)}`; }"
        )
    )


def tab_to(page: Any, selector: str) -> None:
    """Press Tab until the focus is on ``selector``; fail if it never gets there."""
    path = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement?.matches(s)", selector):
            return
        path.append(focused(page))
    raise AssertionError(f"Tab never reached {selector}; it went through {path}")


def press_and_wait(page: Any, key: str) -> None:
    """Press ``key`` on the focused link or button and wait for the page it loads."""
    with page.expect_navigation():
        page.keyboard.press(key)


def open_with_keyboard(page: Any, toggle: str, timeout: float = 15) -> None:
    """Enter on the focused dropdown toggle until its list is open: a key pressed before
    Bootstrap Italia's script ran does nothing, so it is pressed again."""
    deadline = time.monotonic() + timeout
    while page.locator(f"{toggle}[aria-expanded=true]").count() == 0:
        assert time.monotonic() < deadline, f"{toggle} did not open with Enter"
        page.keyboard.press("Enter")
        with suppress(PlaywrightTimeout):  # the script was not ready: press again
            page.wait_for_selector(f"{toggle}[aria-expanded=true]", timeout=500)
    page.wait_for_selector(f"[aria-labelledby={toggle.lstrip('#')}].show")


def test_a_citizen_logs_in_and_pays_a_fine_online_with_the_keyboard_alone(
    live_server: LiveServer, browser: Any
) -> None:
    base = live_server.url
    context = browser.new_context(locale="it-IT")
    try:
        page = context.new_page()
        page.goto(f"{base}/servizi/multe")

        # The service page's "Accedi al servizio" leads to the login, which comes back here.
        tab_to(page, "main [data-testid=access-service]")
        press_and_wait(page, "Enter")
        assert "/accedi" in page.url

        # The SPID button opens its list of identity providers with Enter; Tab walks into it.
        tab_to(page, "#spid-button")
        open_with_keyboard(page, "#spid-button")
        tab_to(page, "[data-testid=spid-providers] a")
        assert "Sportello Test IdP" in focused(page)
        press_and_wait(page, "Enter")
        page.wait_for_url("**/test-idp/**")
        tab_to(page, f"button[name=user][value={MARIO}]")
        press_and_wait(page, "Space")
        page.wait_for_url(f"{base}/area-personale/multe/")

        # His fines: the first one's "Paga online", then the payment's confirmation, with Space.
        tab_to(page, "[data-testid=fine] [data-testid=pay-online]")
        fine = page.evaluate(
            "() => document.activeElement.closest('[data-testid=fine]').dataset.report"
        )
        press_and_wait(page, "Space")
        page.wait_for_url("**/pagamenti/**")
        amount = page.locator("[data-testid=checkout-amount]").inner_text()
        tab_to(page, "[data-testid=confirm-payment]")
        press_and_wait(page, "Space")
        page.wait_for_url("**/ricevuta")  # the receipt, reached by the keyboard too
        assert page.locator("[data-testid=paid-amount]").inner_text() == amount
        tab_to(page, "[data-testid=to-timeline]")
        press_and_wait(page, "Enter")
        timeline = page.locator("[data-testid=timeline]").inner_text()
        assert "Pagato online" in timeline and "Ricevuta emessa" in timeline

        # The fines system learns of it through the outbox; the fine is then paid.
        deliver_due(db.session_factory(live_server.app), outbox_handlers(live_server.app))
        page.goto(f"{base}/area-personale/multe/")
        paid = page.locator(f"[data-report='{fine}']")
        assert paid.locator("[data-testid=fine-status]").inner_text() == "Pagata"
        assert amount.replace("\xa0", " ") in paid.inner_text().replace("\xa0", " ")
    finally:
        context.close()
