"""In a real browser: a login started in one browser cannot be finished in another, and a
health page opened after a SpidL1 login asks for SpidL2."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import LiveServer
from .login import open_dropdown, spid_login

pytestmark = pytest.mark.browser

GIULIA = "BNCGLI85C55F205C"


def test_a_login_started_in_one_browser_cannot_be_finished_in_another(
    live_server: LiveServer, browser: Any
) -> None:
    mine, theirs = browser.new_context(locale="it-IT"), browser.new_context(locale="it-IT")
    try:
        page = mine.new_page()
        page.goto(live_server.url + "/accedi")
        open_dropdown(page, "#spid-button")
        page.get_by_role("link", name="Sportello Test IdP").click()
        page.wait_for_url("**/test-idp/**")
        # The IdP's page (and the pending request in it) is opened in another browser.
        other = theirs.new_page()
        other.goto(page.url)
        other.locator(f"button[name=user][value={GIULIA}]").click()
        other.locator("[data-testid=login-refused]").wait_for()
        assert "non è stato avviato da questo browser" in other.locator("main").inner_text()
        other.goto(live_server.url + "/area-personale/")
        assert "/accedi" in other.url
    finally:
        mine.close()
        theirs.close()


def test_a_health_page_after_a_spidl1_login_asks_for_spidl2(
    live_server: LiveServer, context: Any
) -> None:
    page = context.new_page()
    spid_login(page, live_server.url, GIULIA, "/area-personale/")
    assert "livello 1" in page.locator("[data-testid=login-level]").inner_text()
    page.goto(live_server.url + "/area-personale/salute/")
    page.wait_for_url("**/accedi/livello**")
    assert "livello 2" in page.locator("[data-testid=step-up]").inner_text()
    page.get_by_role("link", name="Accedi di nuovo con Sportello Test IdP").click()
    page.wait_for_url("**/test-idp/**")
    page.locator(f"button[name=user][value={GIULIA}]").click()
    page.wait_for_url(f"{live_server.url}/area-personale/salute/**")
    assert "livello 2" in page.locator("[data-testid=login-level]").inner_text()
