"""SPID login in a real browser: the button, the IdP list, the test IdP, the portal, logout."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import LiveServer
from .login import open_dropdown, spid_login

pytestmark = pytest.mark.browser


def test_citizen_logs_in_with_spid_and_out(live_server: LiveServer, context: Any) -> None:
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Entra con SPID o CIE").click()
    page.wait_for_url("**/accedi**")
    assert page.locator("#spid-button").inner_text().strip() == "Entra con SPID"
    spid_login(page, live_server.url, "RSSMRA80A01H501U", "/area-personale/")
    assert "Ciao, Mario" in page.locator("h1").inner_text()
    assert page.locator("[data-testid=user-name]").inner_text().strip() == "Mario Rossi"
    page.locator("[data-testid=logout]").click()
    # Single logout goes through the IdP and comes back to the "logged out" page.
    page.wait_for_url("**/uscita")
    assert page.locator("h1").inner_text() == "Sei uscito"
    page.goto(live_server.url + "/area-personale/")
    assert "/accedi" in page.url


def test_cancelling_at_the_idp_shows_a_clear_message(live_server: LiveServer, context: Any) -> None:
    page = context.new_page()
    page.goto(live_server.url + "/accedi")
    open_dropdown(page, "#spid-button")
    page.get_by_role("link", name="Sportello Test IdP").click()
    page.wait_for_url("**/test-idp/**")
    page.get_by_role("button", name="Annulla").click()
    page.wait_for_url(lambda url: "/test-idp/" not in url)
    message = page.locator("[data-testid=login-refused]").inner_text()
    assert "annullato" in message.lower() or "non hai" in message.lower()
