"""Help at a distance in a real browser: a citizen books from "Serve aiuto?", a clerk closes it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from gateway.db import db
from gateway.demo.seed import seed_roles

from ..gateway.help_support import create_office
from .conftest import LiveServer
from .login import spid_login

pytestmark = pytest.mark.browser

MARIO_CF = "RSSMRA80A01H501U"
ANNA_CF = "SPSNNA75S70L219W"


def prepare(app: Flask) -> None:
    with db.fresh_session(app) as s:
        seed_roles(s)
        s.commit()
        create_office(s, desks=1)  # weekday mornings: free slots in the next two weeks


def test_citizen_books_and_the_clerk_closes_it_on_the_citizens_timeline(
    live_app: Flask, live_server: LiveServer, browser: Any
) -> None:
    prepare(live_app)
    base = live_server.url
    citizen_ctx = browser.new_context(locale="it-IT")
    clerk_ctx = browser.new_context(locale="it-IT")
    try:
        page = citizen_ctx.new_page()
        spid_login(page, base, MARIO_CF, "/area-personale/")
        page.locator("[data-testid=nav-help]").click()
        page.wait_for_url("**/aiuto")
        page.locator("[data-testid=book-appointment]").click()
        page.locator("[data-testid=office-urp]").click()
        page.locator("[data-testid=day]").first.click()
        first = page.locator("[data-testid=slot]").first
        page.locator(f"label[for='{first.get_attribute('id')}']").click()
        assert first.is_checked()
        page.locator("[data-testid=choose-time]").click()
        page.locator("#topic").fill("Cambio di residenza")
        page.locator("[data-testid=confirm-booking]").click()
        page.wait_for_url("**/area-personale/aiuto/*")
        code = page.locator("[data-testid=help-code]").inner_text().strip()
        assert page.locator("[data-testid=help-status]").inner_text().strip() == "Prenotato"

        clerk = clerk_ctx.new_page()
        spid_login(clerk, base, ANNA_CF, "/sportello/coda/")
        row = clerk.locator(f"[data-testid=queue-item][data-code='{code.replace('-', '')}']")
        row.locator("[data-testid=take]").click()
        assert clerk.locator("[data-testid=help-code]").inner_text().strip() == code
        clerk.locator("label[for=outcome-done]").click()
        clerk.locator("#note").fill("Residenza registrata")
        clerk.locator("[data-testid=close]").click()
        clerk.wait_for_url("**/sportello/coda/")
        assert clerk.locator(f"[data-code='{code.replace('-', '')}']").count() == 0

        page.goto(base + "/area-personale/")
        page.locator("[data-testid=transactions] a", has_text="SP-").first.click()
        timeline = page.locator("[data-testid=timeline]").inner_text()
        assert "Appuntamento prenotato" in timeline
        assert "Richiesta di assistenza chiusa" in timeline and "Anna Esposito" in timeline
        page.locator("[data-testid=nav-messages]").click()
        assert "Appuntamento prenotato" in page.locator("[data-testid=inbox]").inner_text()
    finally:
        citizen_ctx.close()
        clerk_ctx.close()
