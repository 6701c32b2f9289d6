"""A multi-page form filled step by step in a real browser, on a desktop and on a phone:
the stepper says where the citizen is, Back keeps the answers, sending without the privacy
box is refused with the error summary, with it the request is sent."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import LiveServer
from .form_steps import choose, next_step, send
from .login import spid_login

pytestmark = pytest.mark.browser

MARIO = "RSSMRA80A01H501U"
FORM = "/servizi/certificato_scolastico/nuova"


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_a_form_filled_step_by_step(
    live_server: LiveServer, browser: Any, size: tuple[int, int]
) -> None:
    width, height = size
    context = browser.new_context(locale="it-IT", viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        spid_login(page, live_server.url, MARIO, FORM)
        step_of = page.locator("[data-testid=step-of]")
        assert step_of.inner_text() == "Passo 1 di 5: Studente"
        choose(page, "alunno", "RSSSFO12P50H501K")
        choose(page, "tipo_certificato", "frequenza")
        next_step(page, "/nuova/uso")
        assert step_of.inner_text() == "Passo 2 di 5: Uso del certificato"
        page.select_option("#f-uso", "sport")
        next_step(page, "/nuova/consegna")
        choose(page, "consegna", "download")
        next_step(page, "/nuova/riepilogo")
        sections = page.locator("[data-testid=summary-section]")
        assert sections.count() == 3
        assert "Certificato di frequenza" in sections.nth(0).inner_text()

        # The browser's Back shows the step as it was answered.
        page.go_back()
        page.wait_for_url("**/nuova/consegna")
        assert page.locator("div[data-field=consegna] input[value=download]").is_checked()
        next_step(page, "/nuova/riepilogo")
        next_step(page, "/nuova/informativa")
        assert step_of.inner_text() == "Passo 5 di 5: Informativa e invio"
        assert page.locator("[data-testid=privacy-link]").is_visible()

        # Sending without ticking the box: the error summary says why, nothing is sent.
        page.locator("[data-testid=action-submit]").click()
        summary = page.locator("[data-testid=error-summary]")
        summary.wait_for()
        assert "Informativa sulla privacy" in summary.inner_text()
        summary.locator("a").click()
        assert page.evaluate("document.activeElement.id") == "f-privacy_ack"
        send(page)
        page.wait_for_url("**/area-personale/richieste/*")
        assert page.locator("[data-testid=state]").inner_text() == "In attesa di pagamento"
    finally:
        context.close()
