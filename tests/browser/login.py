"""Log in through the real pages: the portal's SPID button, then the built-in test IdP."""

from __future__ import annotations

import time
from typing import Any


def open_dropdown(page: Any, toggle: str, timeout: float = 15) -> None:
    """Click the dropdown toggle ``toggle`` (a selector) until its menu is open.

    Bootstrap Italia's dropdowns answer a click only once its script has run; a click that
    came earlier is lost, so the toggle is clicked again until ``aria-expanded`` says open.
    """
    deadline = time.monotonic() + timeout
    opened = f"{toggle}[aria-expanded=true]"
    while True:
        if page.locator(opened).count() == 0:
            page.locator(toggle).click()
        try:
            page.wait_for_selector(opened, timeout=500)
            page.wait_for_selector(f"[aria-labelledby={toggle.lstrip('#')}].show")
            return
        except Exception:  # playwright's TimeoutError: not open yet, click again
            if time.monotonic() > deadline:
                raise


def spid_login(page: Any, base_url: str, fiscal_code: str, next_path: str = "/") -> None:
    """From ``next_path``'s login link to the logged-in page, as a person would click it."""
    page.goto(f"{base_url}/accedi?next={next_path}")
    open_dropdown(page, "#spid-button")
    page.get_by_role("link", name="Sportello Test IdP").click()
    page.wait_for_url("**/test-idp/**")
    page.locator(f"button[name=user][value={fiscal_code}]").click()
    page.wait_for_url(f"{base_url}{next_path}**")


def step_up(page: Any, fiscal_code: str) -> None:
    """On the "stronger login needed" page: log in again at the test IdP, come back."""
    page.wait_for_url("**/accedi/livello**")
    page.get_by_role("link", name="Accedi di nuovo con Sportello Test IdP").click()
    page.wait_for_url("**/test-idp/**")
    page.locator(f"button[name=user][value={fiscal_code}]").click()
    page.wait_for_url(lambda url: "/test-idp/" not in url)
