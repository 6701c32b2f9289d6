"""The shared live view in a real browser: a citizen and a clerk, two contexts, live events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from gateway.cobrowse.live import LiveSettings
from gateway.db import db
from gateway.demo.seed import seed_roles

from .conftest import LiveServer
from .form_steps import next_step
from .login import spid_login
from .waiting import wait_until

pytestmark = pytest.mark.browser

MARIO_CF = "RSSMRA80A01H501U"
ANNA_CF = "SPSNNA75S70L219W"


@pytest.fixture
def two_people(
    live_app: Flask, live_server: LiveServer, browser: Any
) -> Iterator[tuple[str, Any, Any]]:
    """The demo's roles, a short keep-alive (streams notice a departed browser at their next
    one: the server's stop stays short), and two browsers: the citizen's and the clerk's."""
    with db.fresh_session(live_app) as s:
        seed_roles(s)
        s.commit()
    live_app.extensions["sportello.cobrowse.settings"] = LiveSettings(keepalive_seconds=0.5)
    citizen_ctx = browser.new_context(locale="it-IT")
    clerk_ctx = browser.new_context(locale="it-IT")
    try:
        yield live_server.url, citizen_ctx, clerk_ctx
    finally:
        citizen_ctx.close()
        clerk_ctx.close()


def share_a_draft(page: Any, base: str, *, use: str) -> tuple[str, str]:
    """As Mario: save a certificate request for Marco (attendance, download, ``use``) step by
    step, then share it in live help; the draft's reference and the code to read out."""
    spid_login(page, base, MARIO_CF, "/servizi/certificato_scolastico/nuova")
    page.locator("div[data-field=alunno] label", has_text="Marco").click()
    page.locator("label[for='f-tipo_certificato-2']").click()  # frequenza
    next_step(page, "/nuova/uso")
    page.locator("#f-uso").select_option(use)
    next_step(page, "/nuova/consegna")
    page.locator("label[for='f-consegna-1']").click()  # download
    page.locator("[data-testid=action-save]").click()
    reference = page.locator("[data-testid=reference]").first.inner_text().strip()
    page.goto(f"{base}/area-personale/assistenza-live/?pratica={reference}")
    page.locator("[data-testid=start-sharing]").click()
    code = page.locator("[data-testid=session-code]").inner_text().strip()
    page.wait_for_selector("#cobrowse-live[data-connected=true]")
    return reference, code


def join(clerk: Any, base: str, code: str) -> None:
    """As Anna, the clerk: join the shared session with the code the citizen read out."""
    spid_login(clerk, base, ANNA_CF, "/sportello/live/")
    clerk.locator("#session-code").fill(code)
    clerk.locator("[data-testid=join]").click()
    clerk.wait_for_url("**/sportello/live/*/")


def test_clerk_proposes_two_answers_the_citizen_accepts_one_rejects_one_and_submits(
    two_people: tuple[str, Any, Any],
) -> None:
    base, citizen_ctx, clerk_ctx = two_people
    page = citizen_ctx.new_page()
    reference, code = share_a_draft(page, base, use="sport")  # Anna proposes Sofia
    page.evaluate("window.__notReloaded = true")

    clerk = clerk_ctx.new_page()
    join(clerk, base, code)
    assert reference in clerk.locator("[data-testid=clerk-panel]").inner_text()
    # The citizen's page learns that the clerk joined, without reloading.
    page.wait_for_selector("[data-testid=shared-with]")

    clerk.locator("label", has_text="Sofia Rossi").click()
    clerk.locator("label[for='f-consegna-2']").click()  # stampa
    clerk.locator("[data-testid=action-propose]").click()
    clerk.wait_for_url("**/sportello/live/*/")

    proposals = page.locator("[data-testid=proposal]")
    proposals.nth(1).wait_for()
    assert proposals.count() == 2
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator("tr.cobrowse-proposed").count() == 2  # highlighted in the answers
    page.locator("[data-testid=proposal][data-field=alunno] [data-testid=accept]").click()
    page.locator("[data-testid=proposal][data-field=alunno]").wait_for(state="detached")
    page.locator("[data-testid=proposal][data-field=consegna] [data-testid=reject]").click()
    page.locator("[data-testid=proposal]").first.wait_for(state="detached")
    assert "Sofia Rossi" in page.locator("[data-testid=answer-alunno]").inner_text()
    assert page.evaluate("window.__notReloaded") is True

    # The clerk's panel shows both answers, live.
    clerk.locator("[data-testid=clerk-proposals] [data-status=rejected]").wait_for()
    assert clerk.locator("[data-testid=clerk-proposals] [data-status=accepted]").count() == 1

    page.locator("label[for=f-privacy_ack]").click()
    page.locator("[data-testid=submit-shared]").click()
    page.wait_for_url(f"**/area-personale/richieste/{reference}")

    page.goto(f"{base}/area-personale/pratiche/{reference}")
    timeline = page.locator("[data-testid=timeline]").inner_text()
    assert "L'operatore ha proposto una risposta" in timeline
    assert "Il cittadino ha accettato la proposta dell'operatore" in timeline
    assert "Il cittadino ha rifiutato la proposta dell'operatore" in timeline
    assert "Anna Esposito" in timeline and "Mario Rossi" in timeline
    assert "al telefono" in timeline


def _propose(clerk: Any, *labels: str) -> None:
    """As the clerk: pick the answers by their labels' `for`, then propose them."""
    for target in labels:
        clerk.locator(f"label[for='{target}']").click()
    clerk.locator("[data-testid=action-propose]").click()
    clerk.wait_for_url("**/sportello/live/*/")


def _shown_proposals(page: Any) -> list[str]:
    proposals = page.locator("[data-testid=proposal]")
    proposals.nth(1).wait_for()
    return [proposals.nth(i).get_attribute("data-proposal") for i in range(proposals.count())]


FOCUSED = """() => {
  const e = document.activeElement;
  return e ? (e.getAttribute("data-proposal") || e.id || e.tagName) : "";
}"""
STATUS = "() => document.getElementById('cobrowse-status').textContent"


def focus_lands_on(page: Any, expected: str) -> None:
    """Wait until the focused element is the proposal `expected` (or has that id)."""
    wait_until(lambda: page.evaluate(FOCUSED) == expected, 10, f"focus on {expected}")


def status_says(page: Any, expected: str) -> None:
    wait_until(lambda: page.evaluate(STATUS) == expected, 10, f"the live region to say {expected}")


def test_after_accept_and_reject_focus_moves_to_the_next_proposal_then_to_the_message(
    two_people: tuple[str, Any, Any],
) -> None:
    """With the page's script (answers sent in place) and without it (plain forms, the
    answer lands on the next proposal's fragment): focus is never left on <body>."""
    base, citizen_ctx, clerk_ctx = two_people
    page = citizen_ctx.new_page()
    _reference, code = share_a_draft(page, base, use="borsa_di_studio")
    live_url = page.url

    clerk = clerk_ctx.new_page()
    join(clerk, base, code)
    page.wait_for_selector("[data-testid=shared-with]")

    # With the script: the panel is replaced in place, focus follows the answer.
    clerk.locator("label", has_text="Sofia Rossi").click()
    _propose(clerk, "f-consegna-2")  # stampa
    first, second = _shown_proposals(page)
    page.locator(f"[data-proposal='{first}'] [data-testid=accept]").click()
    focus_lands_on(page, second)
    next_one = page.locator(f"[data-proposal='{second}'] [data-proposal-text]").inner_text()
    status_says(page, f"Proposta accettata. {next_one.strip()}")
    assert page.locator(f"[data-proposal='{first}']").count() == 0
    page.locator(f"[data-proposal='{second}'] [data-testid=reject]").click()
    focus_lands_on(page, "proposte-esito")
    status_says(page, "Proposta rifiutata. Hai risposto a tutte le proposte dell'operatore.")
    page.close()

    # Without the script: plain form posts, POST-redirect-GET to the next one's fragment.
    plain = citizen_ctx.new_page()
    plain.route("**/static/js/cobrowse.js", lambda route: route.abort())
    plain.goto(live_url)
    clerk.reload()  # the clerk's form as the draft is now
    clerk.locator("#f-uso").select_option("sport")
    _propose(clerk, "f-tipo_certificato-1")  # iscrizione
    plain.reload()  # without the script nothing refreshes the page by itself
    first, second = _shown_proposals(plain)
    plain.locator(f"[data-proposal='{first}'] [data-testid=reject]").click()
    plain.wait_for_url(f"**#proposta-{second}")
    focus_lands_on(plain, second)
    assert "Proposta rifiutata." in plain.locator("main .alert-success").first.inner_text()
    plain.locator(f"[data-proposal='{second}'] [data-testid=accept]").click()
    plain.wait_for_url("**#proposte-esito")
    focus_lands_on(plain, "proposte-esito")
