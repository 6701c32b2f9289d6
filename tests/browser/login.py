"""Log in through the real pages: the portal's SPID button, then the built-in test IdP."""

from __future__ import annotations

from typing import Any


def spid_login(page: Any, base_url: str, fiscal_code: str, next_path: str = "/") -> None:
    """From ``next_path``'s login link to the logged-in page, as a person would click it."""
    page.goto(f"{base_url}/accedi?next={next_path}")
    page.locator("#spid-button").click()
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
    page.wait_for_load_state()
