"""The school certificate in a real browser: fully online, and fully at the clerk's desk."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.db import db
from gateway.models import RoleAssignment

from .conftest import LiveServer
from .form_steps import choose, next_step, send
from .login import spid_login

pytestmark = pytest.mark.browser

MARIO = "RSSMRA80A01H501U"
ANNA = "SPSNNA75S70L219W"


@pytest.fixture
def school_server(live_server: LiveServer) -> LiveServer:
    """The live gateway (wired to the legacy simulators) with Anna Esposito as a clerk."""
    with db.fresh_session(live_server.app) as s:
        s.add(RoleAssignment(fiscal_code=ANNA, role="clerk", display_name="Anna Esposito"))
        s.commit()
    return live_server


def test_certificate_fully_online(school_server: LiveServer, context: Any) -> None:
    base = school_server.url
    page = context.new_page()
    spid_login(page, base, MARIO, "/area-personale/scuola/")
    children = page.locator("[data-testid=child]")
    assert children.count() == 2
    sofia = page.locator("[data-testid=child][data-cf=RSSSFO12P50H501K]")
    assert "Matematica" in sofia.locator("[data-testid=grades]").inner_text()
    sofia.locator("[data-testid=request-certificate]").click()
    page.wait_for_url("**/servizi/certificato_scolastico/nuova*")
    assert page.locator("#f-alunno-1").is_checked()

    choose(page, "tipo_certificato", "frequenza")
    next_step(page, "/nuova/uso")
    # The conditional field appears and disappears as the answers change (forms.js).
    other_use = page.locator("div[data-field=uso_altro]")
    assert other_use.is_hidden()
    page.select_option("#f-uso", "altro")
    assert other_use.is_visible()
    page.select_option("#f-uso", "sport")
    assert other_use.is_hidden()
    next_step(page, "/nuova/consegna")
    choose(page, "consegna", "download")
    next_step(page, "/nuova/riepilogo")
    next_step(page, "/nuova/informativa")
    send(page)
    page.wait_for_url("**/area-personale/richieste/*")
    assert page.locator("[data-testid=state]").inner_text() == "In attesa di pagamento"

    page.locator("[data-testid=pay-online]").click()
    page.locator("[data-testid=confirm-payment]").click()
    page.wait_for_url("**/ricevuta")  # the receipt; Back and reload stay on it
    page.reload()
    page.go_back()
    page.wait_for_url("**/ricevuta")
    assert page.locator("[data-testid=paid-receipt]").is_visible()
    page.locator("[data-testid=to-timeline]").click()
    page.wait_for_url("**/area-personale/pratiche/*")
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "Pagato online" in timeline and "Certificato rilasciato" in timeline
    assert page.locator("[data-testid=state]").inner_text() == "Conclusa"

    page.goto(base + "/area-personale/scuola/")
    link = page.locator("[data-testid=certificates] a").first
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("certificato-")


def test_certificate_fully_at_the_desk_then_the_citizen_revokes(
    school_server: LiveServer, browser: Any
) -> None:
    base = school_server.url
    clerk_context = browser.new_context(locale="it-IT", accept_downloads=True)
    citizen_context = browser.new_context(locale="it-IT")
    try:
        clerk = clerk_context.new_page()
        spid_login(clerk, base, ANNA, "/sportello-assistito/")
        clerk.fill("#citizen_cf", MARIO)
        clerk.fill("#citizen_name", "Mario Rossi")
        clerk.select_option("#document_type", "carta_identita")
        clerk.fill("#evidence_number", "CA1234567")
        clerk.locator("[data-testid=open-session-submit]").click()
        clerk.wait_for_url("**/sportello-assistito/*/")
        assert clerk.locator("[data-testid=citizen-cf]").inner_text() == MARIO
        session_url = clerk.url

        clerk.locator("[data-testid=start-certificato_scolastico]").click()
        choose(clerk, "alunno", "RSSSFO12P50H501K")
        choose(clerk, "tipo_certificato", "iscrizione")
        next_step(clerk, "/uso")
        clerk.select_option("#f-uso", "borsa_di_studio")
        reason = clerk.locator("div[data-field=motivo_esenzione]")
        assert reason.is_hidden()
        clerk.locator("label[for=f-esenzione_bollo]").click()
        assert reason.is_visible()
        clerk.select_option("#f-motivo_esenzione", "tab_b_art_11")
        next_step(clerk, "/consegna")
        choose(clerk, "consegna", "stampa")
        next_step(clerk, "/riepilogo")
        next_step(clerk, "/invio")
        clerk.locator("label[for=f-privacy_given]").click()  # the notice, handed over
        clerk.locator("[data-testid=action-submit]").click()
        clerk.wait_for_url("**/pratiche/*")
        # Exempt from stamp duty: the certificate is issued at once, ready to print.
        assert clerk.locator("[data-testid=state]").inner_text() == "Conclusa"
        timeline = clerk.locator("[data-testid=timeline]").inner_text()
        assert "Anna Esposito (operatore comunale)" in timeline and MARIO in timeline
        with clerk.expect_download() as download:
            clerk.locator("[data-testid=document-school_certificate]").click()
        assert download.value.suggested_filename.endswith(".pdf")

        # The citizen sees the delegation online and revokes it: the desk loses access at once.
        citizen = citizen_context.new_page()
        spid_login(citizen, base, MARIO, "/area-personale/deleghe/")
        citizen.locator("[data-testid^=revoke-]").first.click()
        citizen.locator("[data-testid=delegations]", has_text="Revocata").wait_for()
        response = clerk.goto(session_url)
        assert response is not None and response.status == 403
    finally:
        clerk_context.close()
        citizen_context.close()
