"""Help at a distance, end to end, in the demo itself (`flask demo`: its own process, its own
SQLite database, simulators, local mail server and outbox worker) and two headless browsers.

Mario is on the phone with Anna, a municipal clerk. He opens an empty school certificate
request and shares it; Anna joins with the code he reads her and fills the request in the
shared view; Mario accepts her answers, sends the request and pays the stamp duty online. He
then books a desk appointment. The receipt reaches him twice: in the demo's mail server (its
Maildir) with the sealed PDF attached, and in his inbox on the portal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import requests

from gateway.notifications.mailserver import read_maildir
from printing.keys import load_jwks
from printing.seal import SealVerifier
from printing.verify import verify_pdf

from .conftest import free_port
from .login import spid_login, step_up
from .waiting import wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MARIO = "RSSMRA80A01H501U"
ANNA = "SPSNNA75S70L219W"
STUDENT = "RSSSFO12P50H501K"  # Sofia Rossi


@dataclass
class Demo:
    url: str
    maildir: Path

    def mail(self) -> list[EmailMessage]:
        return read_maildir(self.maildir) if self.maildir.exists() else []


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Demo]:
    """`flask demo` as the README starts it, on free ports and in its own instance folder."""
    port, simulators, smtp = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "SPORTELLO_PROFILE": "demo",
        "SPORTELLO_INSTANCE_DIR": str(tmp_path),
        "SPORTELLO_BASE_URL": f"http://127.0.0.1:{port}",
        "SPORTELLO_SIMULATORS_URL": f"http://127.0.0.1:{simulators}",
        "SPORTELLO_SMTP_PORT": str(smtp),
    }
    for name in ("SPORTELLO_DATABASE_URL", "SPORTELLO_REDIS_URL"):
        env.pop(name, None)
    log = (tmp_path / "demo.log").open("wb")
    flask = Path(sys.executable).parent / "flask"
    proc = subprocess.Popen(
        [str(flask), "--app", "gateway", "demo"], env=env, cwd=ROOT, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:

        def ready() -> bool:
            if proc.poll() is not None:
                pytest.fail("the demo stopped:\n" + (tmp_path / "demo.log").read_text())
            try:
                return requests.get(f"{url}/readyz", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        try:
            wait_until(ready, 60, "the demo to be ready")
        except AssertionError:
            pytest.fail("the demo did not start:\n" + (tmp_path / "demo.log").read_text())
        yield Demo(url, tmp_path / "mail")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for_mail(demo: Demo, subject_start: str, timeout: float = 30) -> EmailMessage:
    """The outbox worker delivers within seconds; wait for the message like a person would."""

    def matching() -> list[EmailMessage]:
        return [m for m in demo.mail() if str(m["Subject"]).startswith(subject_start)]

    try:
        found = wait_until(matching, timeout, f"a mail {subject_start!r}")
    except AssertionError:
        raise AssertionError(
            f"no mail {subject_start!r}: {[str(m['Subject']) for m in demo.mail()]}"
        ) from None
    assert len(found) == 1, [str(m["Subject"]) for m in found]
    return found[0]


def test_on_the_phone_the_clerk_prepares_the_citizen_pays_books_and_gets_the_receipt(
    demo: Demo, browser: Any
) -> None:
    base = demo.url
    citizen_ctx = browser.new_context(locale="it-IT")
    clerk_ctx = browser.new_context(locale="it-IT")
    try:
        # Mario opens an empty request and shares it: he reads the code aloud.
        page = citizen_ctx.new_page()
        spid_login(page, base, MARIO, "/servizi/certificato_scolastico/nuova")
        page.locator("[data-testid=action-save]").click()
        reference = page.locator("[data-testid=reference]").first.inner_text().strip()
        page.locator("[data-testid=nav-help]").click()
        page.locator("[data-testid=live-help]").click()
        page.locator("[data-testid=share-reference]").select_option(reference)
        page.locator("[data-testid=start-sharing]").click()
        code = page.locator("[data-testid=session-code]").inner_text().strip()
        page.wait_for_selector("#cobrowse-live[data-connected=true]")
        page.evaluate("window.__notReloaded = true")

        # Anna joins with the code and fills the whole request in the shared view.
        clerk = clerk_ctx.new_page()
        spid_login(clerk, base, ANNA, "/")
        clerk.locator("[data-testid=nav-live]").click()
        # The clerk's pages need SPID level 2: the portal asks her to log in again.
        step_up(clerk, ANNA)
        clerk.locator("#session-code").fill(code)
        clerk.locator("[data-testid=join]").click()
        clerk.wait_for_url("**/sportello/live/*/")
        clerk.locator(f"input[name=alunno][value={STUDENT}]").evaluate(
            "el => document.querySelector(`label[for='${el.id}']`).click()"
        )
        clerk.locator("label[for='f-tipo_certificato-2']").click()  # frequenza
        clerk.locator("#f-uso").select_option("sport")
        clerk.locator("label[for='f-consegna-1']").click()  # download
        clerk.locator("[data-testid=action-propose]").click()
        clerk.wait_for_url("**/sportello/live/*/")

        # Her four answers appear on Mario's screen without a reload; he accepts each.
        fields = ("alunno", "tipo_certificato", "uso", "consegna")
        page.locator("[data-testid=proposal]").nth(len(fields) - 1).wait_for()
        assert page.evaluate("window.__notReloaded") is True
        for field in fields:
            proposal = page.locator(f"[data-testid=proposal][data-field={field}]")
            proposal.locator("[data-testid=accept]").click()
            proposal.wait_for(state="detached")
        assert "Sofia Rossi" in page.locator("[data-testid=answer-alunno]").inner_text()

        # Sending and paying stay with Mario.
        page.locator("label[for=f-privacy_ack]").click()
        page.locator("[data-testid=submit-shared]").click()
        page.wait_for_url(f"**/area-personale/richieste/{reference}")
        assert page.locator("[data-testid=state]").inner_text() == "In attesa di pagamento"
        page.locator("[data-testid=pay-online]").click()
        page.locator("[data-testid=confirm-payment]").click()
        page.wait_for_url("**/ricevuta")
        page.locator("[data-testid=to-timeline]").click()
        page.wait_for_url(f"**/area-personale/pratiche/{reference}")
        timeline = page.locator("[data-testid=timeline]").inner_text()
        assert "Il cittadino ha accettato la proposta dell'operatore" in timeline
        assert "Anna Esposito" in timeline and "Pagato online" in timeline
        assert "Ricevuta emessa" in timeline

        # Then he books a desk appointment from "Serve aiuto?".
        page.locator("[data-testid=nav-help]").click()
        page.locator("[data-testid=book-appointment]").click()
        page.locator("[data-testid=office-urp]").click()
        page.locator("[data-testid=day]").first.click()
        slot = page.locator("[data-testid=slot]").first
        page.locator(f"label[for='{slot.get_attribute('id')}']").click()
        page.locator("[data-testid=choose-time]").click()
        page.locator("#topic").fill("Ritiro del certificato di Sofia")
        page.locator("[data-testid=confirm-booking]").click()
        page.wait_for_url("**/area-personale/aiuto/*")
        assert page.locator("[data-testid=help-status]").inner_text().strip() == "Prenotato"

        # The receipt, by e-mail: once, with the sealed PDF whose QR code still verifies.
        mail = wait_for_mail(demo, "Ricevuta di pagamento")
        assert mail["To"] == "mario.rossi@example.org"
        [attachment] = list(mail.iter_attachments())
        pdf = attachment.get_content()
        jwks = requests.get(f"{base}/.well-known/sportello-seal-keys.json", timeout=5).json()
        verified = verify_pdf(pdf, SealVerifier(load_jwks(jwks)))
        assert verified.claims["rid"].startswith("RIC-")
        wait_for_mail(demo, "Appuntamento prenotato")

        # ... and in the portal inbox, beside the appointment.
        page.locator("[data-testid=nav-messages]").click()
        inbox = page.locator("[data-testid=inbox]").inner_text()
        assert "Ricevuta di pagamento" in inbox and "Appuntamento prenotato" in inbox
        page.locator("[data-testid=inbox] a", has_text="Ricevuta di pagamento").first.click()
        with page.expect_download() as download:
            page.locator("a", has_text=attachment.get_filename() or "ricevuta").first.click()
        assert Path(download.value.path()).read_bytes() == pdf
    finally:
        citizen_ctx.close()
        clerk_ctx.close()
