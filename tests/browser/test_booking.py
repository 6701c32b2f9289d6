"""The booking wizard in a real browser, at desktop width and on a phone, and with the
keyboard alone: office, a day on the calendar, a time of that day, confirm."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

import pytest
from flask import Flask

from gateway.db import db

from ..gateway.help_support import create_office
from .conftest import LiveServer
from .login import spid_login

pytestmark = pytest.mark.browser

MARIO_CF = "RSSMRA80A01H501U"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
BOOK = "/area-personale/aiuto/appuntamento"
# "mercoledì 2 dicembre, 5 orari liberi" / "lunedì 1º dicembre, 1 orario libero"
DAY_NAME = re.compile(r"^[a-zì]+ \d{1,2}º? [a-z]+, (\d+) orar(?:io|i) liber(?:o|i)$")


def prepare(app: Flask) -> None:
    with db.fresh_session(app) as s:
        create_office(s, desks=1, weekdays=tuple(range(7)), opens=time(8), closes=time(18))


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_a_citizen_books_step_by_step(
    live_app: Flask, live_server: LiveServer, browser: Any, size: str
) -> None:
    prepare(live_app)
    context = browser.new_context(locale="it-IT", viewport=VIEWPORTS[size])
    try:
        page = context.new_page()
        spid_login(page, live_server.url, MARIO_CF, "/area-personale/aiuto/appuntamento")
        assert page.locator("[data-testid=step-of]").inner_text().startswith("Passo 1 di 4")
        page.locator("[data-testid=office-urp]").click()
        page.wait_for_url("**/appuntamento/giorno?ufficio=urp")
        assert page.locator("[data-testid=step-of]").inner_text().startswith("Passo 2 di 4")
        day = page.get_by_role("link", name=DAY_NAME).first  # found by its accessible name
        assert day.get_attribute("data-testid") == "day"
        name = day.locator("[data-testid=day-name]").inner_text()
        match = DAY_NAME.match(name)
        assert match, name
        # The month grid fits the screen: nothing to scroll sideways, even on a phone.
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        day.click()
        page.wait_for_url("**/appuntamento/orario?**")
        times = page.locator("[data-testid=slot]")
        assert times.count() == int(match.group(1))  # that day's times, and only them
        last = times.nth(times.count() - 1)
        page.locator(f"label[for='{last.get_attribute('id')}']").click()
        chosen = page.locator(f"label[for='{last.get_attribute('id')}']").inner_text().strip()
        page.locator("[data-testid=choose-time]").click()
        page.wait_for_url("**/appuntamento/conferma?**")
        when = page.locator("[data-testid=booking-when]").inner_text()
        assert when.endswith(f", ore {chosen}") and re.match(r"^[a-zì]+ \d", when), when
        page.locator("#topic").fill("Cambio di residenza")
        page.locator("[data-testid=confirm-booking]").click()
        page.wait_for_url(re.compile(r".*/area-personale/aiuto/[A-Z0-9]{7}$"))
        assert page.locator("[data-testid=help-when]").inner_text() == when
        # Back goes to the confirmation page again, which does not post anything by itself.
        page.go_back()
        page.wait_for_url("**/appuntamento/conferma?**")
        assert page.locator("[data-testid=booking-summary]").is_visible()
    finally:
        context.close()


def tab_to(page: Any, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} never got the focus after {limit} Tabs")


def test_booking_with_the_keyboard_only(
    live_app: Flask, live_server: LiveServer, browser: Any
) -> None:
    prepare(live_app)
    context = browser.new_context(locale="it-IT")
    try:
        page = context.new_page()
        spid_login(page, live_server.url, MARIO_CF, BOOK)
        tab_to(page, "[data-testid=office-urp]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/appuntamento/giorno?ufficio=urp")
        # The first day with two free times at least (today may have one left, by the hour
        # the suite runs at): the arrows below move between two of them.
        for _ in range(40):
            tab_to(page, "[data-testid=day]")
            focused = page.evaluate(
                "document.activeElement.querySelector('[data-testid=day-name]').textContent"
            )
            found = DAY_NAME.match(focused)
            assert found, focused
            if int(found.group(1)) >= 2:
                break
        else:
            raise AssertionError("no day with two free times within reach")
        page.keyboard.press("Enter")
        page.wait_for_url("**/appuntamento/orario?**")
        tab_to(page, "[data-testid=slot]")
        page.keyboard.press("Space")
        page.keyboard.press("ArrowRight")  # the arrows move the choice within the group
        second = page.locator("[data-testid=slot]").nth(1)
        assert second.is_checked()
        tab_to(page, "[data-testid=choose-time]")
        page.keyboard.press("Enter")
        page.wait_for_url("**/appuntamento/conferma?**")
        tab_to(page, "#topic")
        page.keyboard.type("Carta d'identità")
        tab_to(page, "[data-testid=confirm-booking]")
        page.keyboard.press("Space")
        page.wait_for_url(re.compile(r".*/area-personale/aiuto/[A-Z0-9]{7}$"))
        assert page.locator("[data-testid=help-status]").inner_text().strip() == "Prenotato"
    finally:
        context.close()
