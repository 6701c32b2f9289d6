"""Shared health records in a real browser: consent, obscuring, a clinician's view, the log."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.db import db
from gateway.demo.seed import seed_roles

from .conftest import LiveServer
from .login import spid_login

pytestmark = pytest.mark.browser

GIULIA = "BNCGLI85C55F205C"
PAOLO = "FRRPLA70E12A944T"
HIDDEN = "DOC-BNC-0007"
OPENED = "DOC-BNC-0009"


def test_patient_consents_and_hides_clinician_views_patient_sees_the_access(
    live_server: LiveServer, browser: Any
) -> None:
    with db.fresh_session(live_server.app) as s:
        seed_roles(s)
        s.commit()
    url = live_server.url
    patient_ctx = browser.new_context(locale="it-IT")
    doctor_ctx = browser.new_context(locale="it-IT")
    try:
        patient = patient_ctx.new_page()
        spid_login(patient, url, GIULIA, "/area-personale/salute/")
        status = patient.locator("[data-testid=consent-status]")
        assert status.get_attribute("data-granted") == "false"
        patient.get_by_role("button", name="Dai il consenso").click()
        assert "Consenso dato" in patient.get_by_role("alert").first.inner_text()
        assert status.get_attribute("data-granted") == "true"
        row = patient.locator(f"tr[data-document={HIDDEN}]")
        row.get_by_role("button", name="Oscura").click()
        row = patient.locator(f"tr[data-document={HIDDEN}]")
        assert row.get_attribute("data-obscured") == "true"
        assert "Oscurato" in row.inner_text()

        doctor = doctor_ctx.new_page()
        spid_login(doctor, url, PAOLO, "/clinico/")
        doctor.get_by_label("Codice fiscale del paziente").fill(GIULIA.lower())
        doctor.get_by_role("button", name="Cerca").click()
        doctor.wait_for_url(f"**/clinico/pazienti/{GIULIA}")
        # Who the record belongs to, first on the page, as the registry of patients says.
        header = doctor.get_by_test_id("patient-header")
        assert header.get_by_test_id("patient-name").inner_text().split() == ["BIANCHI", "Giulia"]
        assert header.get_by_test_id("patient-birth-date").inner_text() == "15 marzo 1985"
        assert header.get_by_test_id("patient-fiscal-code").inner_text() == GIULIA
        heading = doctor.locator("main h1").bounding_box()
        assert header.bounding_box()["y"] < heading["y"]
        listed = doctor.locator("table[data-testid=documents] tr[data-document]")
        assert listed.count() == 8
        assert doctor.locator(f"tr[data-document={HIDDEN}]").count() == 0
        assert "Levotiroxina" not in doctor.locator("main").inner_text()
        doctor.locator(f"tr[data-document={OPENED}] a").click()
        assert "Emoglobina" in doctor.locator("[data-testid=document-body]").inner_text()
        assert GIULIA in doctor.get_by_test_id("patient-header").inner_text()
        assert "BIANCHI Giulia" in doctor.get_by_test_id("patient-header").inner_text()

        patient.get_by_test_id("access-log-link").click()
        entries = patient.locator("table[data-testid=access-log] tbody tr")
        assert entries.count() == 2
        log = patient.locator("table[data-testid=access-log]").inner_text()
        assert "Paolo Ferrari" in log and "Ospedale Maggiore di Villanova" in log
        assert "Emocromo completo" in log  # the document he opened, by its title
        assert "Levotiroxina" not in log
    finally:
        patient_ctx.close()
        doctor_ctx.close()
