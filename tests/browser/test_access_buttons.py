"""The official SPID and CIE buttons on the login page: drawn by the kits, opened by keyboard."""

from __future__ import annotations

import os
import time
from typing import Any

import pytest

from .conftest import LiveServer
from .waiting import wait_until

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def open_by_keyboard(page: Any, timeout: float = 15) -> None:
    """Focus the SPID button and press the down arrow until the list is open.

    Bootstrap Italia answers keys only once its script has run: a key pressed earlier is
    lost, so it is pressed again until ``aria-expanded`` says open.
    """
    deadline = time.monotonic() + timeout
    while True:
        page.locator("#spid-button").focus()
        page.keyboard.press("ArrowDown")
        try:
            page.wait_for_selector("#spid-button[aria-expanded=true]", timeout=500)
            return
        except Exception:  # playwright's TimeoutError: not open yet, press again
            if time.monotonic() > deadline:
                raise


def test_the_spid_button_opens_and_logs_in_by_keyboard_alone(
    live_server: LiveServer, context: Any
) -> None:
    page = context.new_page()
    page.goto(live_server.url + "/accedi?next=/area-personale/")
    button = page.locator("#spid-button")
    assert button.inner_text().strip() == "Entra con SPID"
    # The kit's drawing: its SPID logo beside the words, on its blue (#06c).
    logo = button.locator("img")
    assert logo.get_attribute("src").endswith("/spid-sp-access-button/img/spid-ico-circle-bb.svg")
    wait_until(lambda: logo.evaluate("i => i.complete && i.naturalWidth > 0"), 5, "the logo")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 102, 204)"
    # Keyboard only: focus the button, the down arrow opens the list on its first entry
    # (Bootstrap Italia answers keys once its script ran: press until the list is open).
    menu = page.locator("[aria-labelledby=spid-button]")
    open_by_keyboard(page)
    menu.locator("a").first.wait_for(state="visible")
    focused = page.evaluate(
        "document.activeElement.closest('[aria-labelledby=spid-button]') !== null"
    )
    assert focused
    # The kit's own links close the list, after the identity providers.
    texts = [t.strip() for t in menu.locator("a").all_inner_texts()]
    assert texts[-3:] == ["Maggiori informazioni", "Non hai SPID?", "Serve aiuto?"]
    while page.evaluate("document.activeElement.textContent.trim()") != "Sportello Test IdP":
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/test-idp/**")


@pytest.mark.parametrize(
    "locale, spid, cie",
    [
        ("it-IT", "Entra con SPID", "Entra con CIE"),
        ("en-GB", "Log in with SPID", "Log in with CIE"),
    ],
)
def test_both_buttons_speak_the_page_language_on_a_phone(
    live_server: LiveServer, browser: Any, locale: str, spid: str, cie: str
) -> None:
    ctx = browser.new_context(locale=locale, viewport=PHONE)
    try:
        page = ctx.new_page()
        lang = "en" if locale.startswith("en") else "it"
        page.goto(f"{live_server.url}/lingua/{lang}?next=/accedi")
        page.wait_for_url("**/accedi")
        assert page.locator("#spid-button").inner_text().strip() == spid
        cie_button = page.locator(".cie-button")
        assert cie_button.inner_text().strip() == cie
        assert (
            cie_button.locator("img")
            .get_attribute("src")
            .endswith("/cie-graphics/SVG/Logo_CIE_ID.svg")
        )
        assert cie_button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 83, 162)"
        # Both fit the phone's width: nothing to scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shots = os.environ.get("SPORTELLO_SCREENSHOTS")
        if shots:
            page.locator("#spid-button").click()
            menu = page.locator("[aria-labelledby=spid-button]")
            wait_until(
                lambda: menu.evaluate("m => getComputedStyle(m).opacity") == "1", 5, "the list"
            )
            page.screenshot(path=f"{shots}/login-{lang}.png", full_page=True)
    finally:
        ctx.close()
