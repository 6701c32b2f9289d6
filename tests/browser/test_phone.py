"""On a phone (390×844): every part of the README tour is reached from the menu behind the
toggler, the home's cards open service pages, and the service page leads to the service."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from gateway.db import db
from gateway.demo.seed import seed_roles

from .conftest import LiveServer
from .login import spid_login, step_up

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MARIO = "RSSMRA80A01H501U"
ANNA = "SPSNNA75S70L219W"


def from_menu(page: Any, testid: str) -> None:
    """Open the menu with its toggler, follow the item ``testid``, wait for the page."""
    link = page.locator(f"[data-testid=main-menu] [data-testid={testid}]")
    assert not link.is_visible()  # on a phone the menu is closed until asked for
    page.locator("[data-testid=menu-toggle]").click()
    link.wait_for(state="visible")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{href}")


def test_on_a_phone_the_menu_reaches_every_part_of_the_tour(
    live_app: Flask, live_server: LiveServer, browser: Any
) -> None:
    with db.fresh_session(live_app) as s:
        seed_roles(s)
        s.commit()
    base = live_server.url
    visitor_ctx = browser.new_context(locale="it-IT", viewport=PHONE)
    citizen_ctx = browser.new_context(locale="it-IT", viewport=PHONE)
    clerk_ctx = browser.new_context(locale="it-IT", viewport=PHONE)
    try:
        # An anonymous visitor: the services, a service page, help without logging in.
        page = visitor_ctx.new_page()
        page.goto(base + "/")
        page.locator("[data-testid=service-card]", has_text="Certificati scolastici").click()
        page.wait_for_url("**/servizi/certificato_scolastico")
        assert "A chi è rivolto" in page.locator("[data-testid=service-page]").inner_text()
        from_menu(page, "nav-services")
        assert page.locator("h1").inner_text() == "Servizi"
        from_menu(page, "nav-help")
        page.locator("[data-testid=visitor-callback]").wait_for()

        # The citizen: his area, his messages, help, and the service he starts from its page.
        page = citizen_ctx.new_page()
        spid_login(page, base, MARIO, "/")
        from_menu(page, "nav-area")
        from_menu(page, "nav-messages")
        page.locator("[data-testid=inbox-empty]").wait_for()
        from_menu(page, "nav-help")
        page.locator("[data-testid=book-appointment]").wait_for()
        from_menu(page, "nav-services")
        page.locator("[data-testid=catalogue-card]", has_text="Certificati scolastici").click()
        page.locator("[data-testid=access-service]").click()
        page.wait_for_url("**/servizi/certificato_scolastico/nuova")

        # The clerk: the desk, the help queue and live help.
        clerk = clerk_ctx.new_page()
        spid_login(clerk, base, ANNA, "/")
        clerk.locator("[data-testid=menu-toggle]").click()
        clerk.locator("[data-testid=main-menu] [data-testid=nav-desk]").click()
        step_up(clerk, ANNA)
        from_menu(clerk, "nav-queue")
        from_menu(clerk, "nav-live")
        clerk.locator("#session-code").wait_for()
    finally:
        for ctx in (visitor_ctx, citizen_ctx, clerk_ctx):
            ctx.close()
