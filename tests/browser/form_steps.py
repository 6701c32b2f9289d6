"""Filling a step-by-step form as a person does: tick by the label, Next, the privacy box."""

from __future__ import annotations

from typing import Any


def choose(page: Any, field: str, value: str) -> None:
    """Tick a radio button or checkbox by its label, as a person does."""
    page.locator(f"div[data-field={field}] input[value='{value}']").evaluate(
        "el => document.querySelector(`label[for='${el.id}']`).click()"
    )


def next_step(page: Any, to: str) -> None:
    """Press Next and wait for the step at the address ending ``to``."""
    page.locator("[data-testid=action-next]").click()
    page.wait_for_url(f"**{to}")


def send(page: Any) -> None:
    """On the last step: tick "I have read the privacy notice", then send."""
    page.locator("label[for=f-privacy_ack]").click()
    page.locator("[data-testid=action-submit]").click()
