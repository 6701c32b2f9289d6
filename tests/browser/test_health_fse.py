"""The FSE rules in a real browser, as the demo's people use them.

Giulia hides a discharge letter: its author still sees it, his colleague of the same unit does
not; a clinician of another facility has no care relationship and declares an emergency; the
privacy officer reviews it; Giulia sees the outcome in her access log.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.db import db
from gateway.demo.seed import seed_roles

from .conftest import LiveServer
from .login import spid_login, step_up

pytestmark = pytest.mark.browser

GIULIA = "BNCGLI85C55F205C"
PAOLO = "FRRPLA70E12A944T"  # orthopaedist, author of the letter, clinician of her open visit
GALLI = "GLLMRC76C09F205U"  # his colleague at the same unit
MORETTI = "MRTSLV78H61G224G"  # dermatologist of a private clinic elsewhere
FONTANA = "FNTNDR72P05D969H"  # privacy officer of the health authority
LETTER = "DOC-BNC-0004"
REASON = "Paziente in pronto soccorso dermatologico, reazione allergica grave in corso"


def test_obscuring_authors_care_relationships_break_glass_and_its_review(
    live_server: LiveServer, browser: Any
) -> None:
    with db.fresh_session(live_server.app) as s:
        seed_roles(s)
        s.commit()
    url = live_server.url
    contexts = [browser.new_context(locale="it-IT") for _ in range(5)]
    patient, author, colleague, other, officer = (c.new_page() for c in contexts)
    try:
        spid_login(patient, url, GIULIA, "/area-personale/salute/")
        patient.get_by_role("button", name="Dai il consenso").click()
        row = patient.locator(f"tr[data-document={LETTER}]")
        row.get_by_role("button", name="Oscura").click()
        assert patient.locator(f"tr[data-document={LETTER}]").get_attribute("data-obscured") == (
            "true"
        )

        spid_login(author, url, PAOLO, f"/clinico/pazienti/{GIULIA}")
        mine = author.locator(f"tr[data-document={LETTER}]")
        assert mine.locator("[data-testid=own-obscured]").is_visible()
        assert "episodio di cura aperto" in author.locator("[data-testid=basis]").inner_text()
        mine.locator("a").click()
        author.locator("[data-testid=document-body]").wait_for()

        spid_login(colleague, url, GALLI, f"/clinico/pazienti/{GIULIA}")
        colleague.locator("table[data-testid=documents]").wait_for()
        assert colleague.locator(f"tr[data-document={LETTER}]").count() == 0
        assert "Lettera di dimissione" not in colleague.locator("main").inner_text()

        spid_login(other, url, MORETTI, "/clinico/")
        other.get_by_label("Codice fiscale del paziente").fill(GIULIA)
        other.get_by_role("button", name="Cerca").click()
        other.locator("[data-testid=no-relationship]").wait_for()
        other.get_by_label("Motivo dell'accesso in emergenza").fill(REASON)
        other.locator("[data-testid=break-glass]").click()
        other.locator("[data-testid=basis][data-basis=emergency]").wait_for()
        assert other.locator(f"tr[data-document={LETTER}]").count() == 0

        spid_login(officer, url, FONTANA, "/")
        officer.locator("[data-testid=nav-privacy]").click()
        step_up(officer, FONTANA)  # the review needs SPID level 2
        grant = officer.locator("table[data-testid=break-glass-review] tbody tr").first
        assert REASON in grant.inner_text() and GIULIA in grant.inner_text()
        grant.get_by_label("Nota").fill("Nessun accesso in pronto soccorso risulta quel giorno")
        grant.locator("[data-testid=mark-unjustified]").click()
        officer.locator("tr[data-outcome=unjustified]").wait_for()

        patient.get_by_test_id("access-log-link").click()
        outcome = patient.locator("[data-testid=review-outcome]")
        assert "non giustificato" in outcome.inner_text()
        log = patient.locator("table[data-testid=access-log]").inner_text()
        assert "Paolo Ferrari" in log and "Silvia Moretti" in log
        assert "Lettera di dimissione" in log  # opened by its author, named by its title
    finally:
        for context in contexts:
            context.close()
