"""The headline journey in a real browser: a fine's notice online, paid at the tobacconist."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.db import db
from gateway.outbox import deliver_due
from gateway.wiring import outbox_handlers
from printing import parse_payment_payload
from printing.verify import read_codes

from ..gateway.payments_factories import create_terminal
from .conftest import LiveServer
from .login import spid_login

pytestmark = pytest.mark.browser

MARIO = "RSSMRA80A01H501U"


def test_fine_paid_at_the_web_terminal_shows_on_the_citizens_timeline(
    live_server: LiveServer, browser: Any, context: Any, tmp_path: Path
) -> None:
    base, app = live_server.url, live_server.app
    with db.fresh_session(app) as s:
        create_terminal(s, app, terminal_id="TAB-0001", secret="browser-test-terminal-secret")

    # The citizen logs in with SPID and asks to pay a fine at a counter.
    citizen = context.new_page()
    spid_login(citizen, base, MARIO, "/area-personale/multe/")
    fines = citizen.locator("[data-testid=fine]")
    assert fines.count() == 7
    fine = citizen.locator("[data-testid=fine]", has_text="Superamento dei limiti di velocità")
    number = fine.get_attribute("data-report")
    assert "121,10" in fine.inner_text()
    fine.get_by_role("button", name="Paga presso un punto convenzionato").click()
    citizen.wait_for_url("**/avvisi/*")
    with citizen.expect_download() as download:
        citizen.get_by_role("link", name="Scarica l'avviso (PDF)").click()
    notice_pdf = Path(download.value.path()).read_bytes()
    scanned = read_codes(notice_pdf)[0]
    assert parse_payment_payload(scanned).amount_cents == 12110

    # The tobacconist's web terminal reads the QR code (a reader types it) and takes the cash.
    shop = browser.new_context(locale="it-IT")
    try:
        counter = shop.new_page()
        counter.goto(f"{base}/sportello-convenzionato/accesso")
        counter.get_by_label("Codice terminale").fill("TAB-0001")
        counter.get_by_label("Chiave del terminale").fill("browser-test-terminal-secret")
        counter.get_by_role("button", name="Accedi").click()
        counter.get_by_label("Codice avviso (18 cifre) o codice QR letto").fill(scanned)
        counter.get_by_role("button", name="Cerca").click()
        assert "121,10" in counter.locator("[data-testid=to-pay]").inner_text()
        counter.get_by_role("button", name="Pagamento ricevuto: emetti la ricevuta").click()
        assert "Ricevuta RIC-" in counter.locator("[data-testid=paid]").inner_text()
        href = counter.locator("[data-testid=receipt]").get_attribute("href")
        receipt = shop.request.get(f"{base}{href}").body()
        assert any(code.startswith("SP1:") for code in read_codes(receipt))
        # Back from the receipt: every page was a GET after a redirect, so nothing is sent
        # again; the confirmation, its payment taken, gives way to a new, empty scan.
        counter.go_back()
        counter.wait_for_url(f"{base}/sportello-convenzionato/")
        assert counter.locator("h1").inner_text() == "Nuovo pagamento"
        assert counter.locator("#code").input_value() == ""
        counter.go_forward()
        assert "Ricevuta RIC-" in counter.locator("[data-testid=paid]").inner_text()
    finally:
        shop.close()

    # The fines system learns of it through the outbox; the citizen sees every step.
    deliver_due(db.session_factory(app), outbox_handlers(app))
    citizen.goto(f"{base}/area-personale/multe/")
    paid_fine = citizen.locator(f"[data-report='{number}']")
    assert paid_fine.locator("[data-testid=fine-status]").inner_text() == "Pagata"
    paid_fine.get_by_role("link", name="Pratica").click()
    timeline = citizen.locator("[data-testid=timeline]").inner_text()
    for step in (
        "Avviso di pagamento emesso",
        "Avviso di pagamento stampato",
        "Pagato presso un punto convenzionato",
        "Tabaccheria Centrale, via Roma 12, Villanova — TAB-0001",
        "Ricevuta emessa",
        "Archivi comunali aggiornati",
    ):
        assert step in timeline
    with citizen.expect_download() as download:
        citizen.locator("[data-testid=documents] a[data-kind=receipt]").click()
    assert Path(download.value.path()).read_bytes() == receipt

    # Anyone can check the receipt on the public verify page.
    citizen.goto(f"{base}/verifica")
    citizen.set_input_files("#document", files=[
        {"name": "ricevuta.pdf", "mimeType": "application/pdf", "buffer": receipt}
    ])  # fmt: skip
    citizen.get_by_role("button", name="Verifica").click()
    result = citizen.locator("[data-testid=verify-result]")
    assert result.get_attribute("data-result") == "valid"
    assert "Corrisponde al pagamento registrato" in result.inner_text()
