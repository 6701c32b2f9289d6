"""Shared health records: the patient's pages, consent, obscuring, clinicians, break-glass."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from gateway.audit.keys import audit_settings
from gateway.db import db
from gateway.demo.seed import seed_demo
from gateway.errors import legacy_unavailable_message
from gateway.health import operations as ops
from gateway.health.care import health_service
from gateway.health.consultations import access_log, record_consultation
from gateway.health.errors import ConsultationNotAllowed
from gateway.models import (
    BreakGlass,
    ClinicalAccess,
    HealthConsent,
    InboxMessage,
    RoleAssignment,
    Transaction,
    utcnow,
)
from tests.gateway.audit_support import assert_log_intact

from .health_support import (
    FONTANA,
    GIULIA,
    GIULIA_CF,
    GIULIA_DOCS,
    LUCA,
    LUCA_CF,
    LUCA_DOC,
    PAOLO,
    PAOLO_CF,
    REASON,
    audit_data,
    audit_entries,
    client_for,
    csrf_token,
    main_content,
    obscure,
    open_break_glass,
    seed_people,
    set_consent,
)

RECORDS = "/area-personale/salute/"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def people(app: Flask) -> None:
    seed_people(app)


def problem_body(response: Any) -> dict[str, Any]:
    """The problem+json body without what differs per request by design."""
    body = dict(response.get_json())
    body.pop("instance")
    body.pop("request_id")
    return body


def health_events(session: Session, patient_cf: str) -> list[str]:
    session.expire_all()
    tx = session.scalar(
        select(Transaction).where(
            Transaction.subject_cf == patient_cf, Transaction.service == ops.HEALTH_SERVICE
        )
    )
    return [] if tx is None else [e.kind for e in tx.events]


def test_patient_sees_documents_and_summary_and_downloads_one(app: Flask) -> None:
    client = client_for(app, GIULIA)
    page = client.get(RECORDS).get_data(as_text=True)
    for document_id in GIULIA_DOCS:
        assert f'data-document="{document_id}"' in page
    assert 'data-testid="summary"' in page and "Levotiroxina" in page
    assert 'data-granted="false"' in page  # nobody consents by default

    response = client.get(RECORDS + "documenti/DOC-BNC-0009")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=DOC-BNC-0009.txt"
    assert response.headers["Cache-Control"] == "no-store"
    assert "BIANCHI GIULIA" in response.get_data(as_text=True)


def test_a_document_of_someone_else_is_refused_like_a_missing_one(app: Flask) -> None:
    client = client_for(app, GIULIA)
    json_accept = {"Accept": "application/json"}
    other = client.get(RECORDS + f"documenti/{LUCA_DOC}", headers=json_accept)
    missing = client.get(RECORDS + "documenti/DOC-BNC-9999", headers=json_accept)
    malformed = client.get(RECORDS + "documenti/DOC%20BNC%3B0009", headers=json_accept)
    assert other.status_code == missing.status_code == malformed.status_code == 404
    assert problem_body(other) == problem_body(missing)  # a malformed id is refused by its route
    assert problem_body(other)["code"] == "HEALTH_DOCUMENT_NOT_FOUND"
    token = csrf_token(client)
    hide = client.post(
        RECORDS + f"documenti/{LUCA_DOC}/oscuramento",
        data={"csrf_token": token, "obscured": "si"},
        headers=json_accept,
    )
    assert hide.status_code == 404 and problem_body(hide) == problem_body(missing)


def test_consent_changes_are_audited_with_their_event(app: Flask, session: Session) -> None:
    client = client_for(app, GIULIA)
    token = csrf_token(client)
    for choice in ("si", "si", "no"):
        response = client.post(RECORDS + "consenso", data={"csrf_token": token, "consent": choice})
        assert response.status_code == 302
    assert (
        client.post(RECORDS + "consenso", data={"csrf_token": token, "consent": "x"}).status_code
        == 422
    )

    entries = audit_entries(session, GIULIA_CF)
    assert [e.action for e in entries] == ["health.consent_given", "health.consent_withdrawn"]
    assert {e.actor for e in entries} == {f"citizen:{GIULIA_CF}"}
    rows = session.scalars(select(HealthConsent).order_by(HealthConsent.id)).all()
    assert [(r.granted, r.audit_seq) for r in rows] == [
        (True, entries[0].seq),
        (False, entries[1].seq),
    ]
    assert health_events(session, GIULIA_CF)[-2:] == [
        "health_consent_given",
        "health_consent_withdrawn",
    ]
    assert_log_intact(app)
    assert 'data-granted="false"' in client.get(RECORDS).get_data(as_text=True)


def test_an_obscured_document_does_not_exist_for_clinicians(app: Flask, session: Session) -> None:
    set_consent(app, GIULIA, True)
    patient = client_for(app, GIULIA)
    response = patient.post(
        RECORDS + "documenti/DOC-BNC-0007/oscuramento",
        data={"csrf_token": csrf_token(patient), "obscured": "si"},
    )
    assert response.status_code == 302
    assert 'data-document="DOC-BNC-0007" data-obscured="true"' in patient.get(RECORDS).get_data(
        as_text=True
    )
    assert health_events(session, GIULIA_CF)[-1] == "health_document_obscured"
    assert audit_entries(session, GIULIA_CF)[-1].action == "health.document_obscured"

    doctor = client_for(app, PAOLO)
    page = main_content(doctor.get(f"/clinico/pazienti/{GIULIA_CF}"))
    assert "DOC-BNC-0007" not in page and "Levotiroxina" not in page
    assert page.count("data-document=") == len(GIULIA_DOCS) - 1
    assert f'data-testid="document-count">Documenti: {len(GIULIA_DOCS) - 1}<' in page
    consult = audit_entries(session, GIULIA_CF, "health.consult_list")[-1]
    assert "DOC-BNC-0007" not in audit_data(consult)["documents"]

    accept = {"Accept": "application/json"}
    base = f"/clinico/pazienti/{GIULIA_CF}/documenti/"
    hidden = doctor.get(base + "DOC-BNC-0007", headers=accept)
    missing = doctor.get(base + "DOC-BNC-9999", headers=accept)
    someone_else = doctor.get(base + LUCA_DOC, headers=accept)
    assert hidden.status_code == missing.status_code == someone_else.status_code == 404
    assert problem_body(hidden) == problem_body(missing) == problem_body(someone_else)
    assert "Levotiroxina" not in hidden.get_data(as_text=True)

    # Shown again: it comes back at once.
    patient.post(
        RECORDS + "documenti/DOC-BNC-0007/oscuramento",
        data={"csrf_token": csrf_token(patient), "obscured": "no"},
    )
    assert doctor.get(base + "DOC-BNC-0007").status_code == 200


def test_withdrawing_consent_stops_a_clinician_with_the_page_open(
    app: Flask, session: Session
) -> None:
    set_consent(app, GIULIA, True)
    doctor = client_for(app, PAOLO)
    assert doctor.get(f"/clinico/pazienti/{GIULIA_CF}").status_code == 200
    consulted = len(audit_entries(session, GIULIA_CF, "health.consult_"))

    patient = client_for(app, GIULIA)
    patient.post(RECORDS + "consenso", data={"csrf_token": csrf_token(patient), "consent": "no"})

    # The link on the page the clinician still has open, and a reload of the list.
    opened = doctor.get(f"/clinico/pazienti/{GIULIA_CF}/documenti/DOC-BNC-0009")
    reloaded = doctor.get(f"/clinico/pazienti/{GIULIA_CF}")
    for response in (opened, reloaded):
        text = main_content(response)
        assert response.status_code == 403 and 'data-testid="no-consent"' in text
        assert "Emocromo" not in text and "DOC-BNC" not in text
    assert len(audit_entries(session, GIULIA_CF, "health.consult_")) == consulted


def test_a_withdrawal_between_check_and_record_refuses_the_consultation(app: Flask) -> None:
    """The view checked the basis; the patient withdrew before the consultation was recorded."""
    set_consent(app, GIULIA, True)
    refs = health_service(app).list_documents(GIULIA_CF)[:1]
    with db.fresh_session(app) as s:
        clinician = ops.clinician_profile(s, PAOLO_CF)
        basis = ops.require_access(s, clinician, GIULIA_CF, "episode")
        set_consent(app, GIULIA, False)
        with pytest.raises(ConsultationNotAllowed):
            record_consultation(s, clinician, GIULIA_CF, basis, "open", refs)
        s.rollback()
        assert s.scalar(select(ClinicalAccess.id)) is None


def test_break_glass_needs_a_reason_lasts_an_hour_and_is_flagged(
    app: Flask, session: Session
) -> None:
    doctor = client_for(app, PAOLO)
    refused = doctor.get(f"/clinico/pazienti/{LUCA_CF}")
    assert refused.status_code == 403 and 'data-testid="break-glass"' in refused.get_data(
        as_text=True
    )
    url = f"/clinico/pazienti/{LUCA_CF}/emergenza"
    token = csrf_token(doctor)
    short = doctor.post(url, data={"csrf_token": token, "reason": "urgente"})
    assert short.status_code == 422 and 'data-testid="reason-error"' in short.get_data(as_text=True)
    assert session.scalar(select(BreakGlass.id)) is None

    assert doctor.post(url, data={"csrf_token": token, "reason": REASON}).status_code == 302
    session.expire_all()
    grant = session.scalars(select(BreakGlass)).one()
    assert grant.reason == REASON and grant.clinician_cf == PAOLO_CF
    assert grant.expires_at - grant.opened_at == timedelta(hours=1)
    audited = audit_entries(session, LUCA_CF, "health.break_glass")
    assert len(audited) == 1 and audit_data(audited[0])["reason"] == REASON
    assert health_events(session, LUCA_CF)[-1] == "health_break_glass"
    told = session.scalars(select(InboxMessage).where(InboxMessage.citizen_cf == LUCA_CF)).all()
    assert [m.kind for m in told] == ["break_glass_access"]

    page = doctor.get(f"/clinico/pazienti/{LUCA_CF}").get_data(as_text=True)
    assert 'data-basis="emergency"' in page and LUCA_DOC in page
    assert doctor.get(f"/clinico/pazienti/{LUCA_CF}/documenti/{LUCA_DOC}").status_code == 200
    assert doctor.get("/privacy/emergenze/").status_code == 403  # clinicians do not review
    review = client_for(app, FONTANA).get("/privacy/emergenze/").get_data(as_text=True)
    assert f'data-grant="{grant.id}"' in review and REASON in review

    log = client_for(app, LUCA).get(RECORDS + "accessi").get_data(as_text=True)
    assert 'data-testid="emergency-accesses"' in log and REASON in log
    assert log.count('data-basis="emergency"') == 2  # the list and the document

    # An hour later the glass is whole again.
    session.execute(update(BreakGlass).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert doctor.get(f"/clinico/pazienti/{LUCA_CF}").status_code == 403


def test_break_glass_is_refused_when_consent_allows_consultation(app: Flask) -> None:
    set_consent(app, GIULIA, True)
    doctor = client_for(app, PAOLO)
    response = doctor.post(
        f"/clinico/pazienti/{GIULIA_CF}/emergenza",
        data={"csrf_token": csrf_token(doctor), "reason": REASON},
    )
    assert response.status_code == 409


def test_the_access_log_matches_the_audit_log(app: Flask, session: Session, tmp_path: Path) -> None:
    set_consent(app, GIULIA, True)
    obscure(app, GIULIA, "DOC-BNC-0008")  # written by Dott.ssa Marchi, not by Paolo
    doctor = client_for(app, PAOLO)
    doctor.get(f"/clinico/pazienti/{GIULIA_CF}")
    doctor.get(f"/clinico/pazienti/{GIULIA_CF}/documenti/DOC-BNC-0009")
    doctor.get(f"/clinico/pazienti/{GIULIA_CF}/documenti/DOC-BNC-0008")  # refused: not logged
    set_consent(app, GIULIA, False)
    open_break_glass(app, GIULIA_CF)
    doctor.get(f"/clinico/pazienti/{GIULIA_CF}/documenti/DOC-BNC-0001")
    doctor.get(f"/clinico/pazienti/{LUCA_CF}")  # another patient: refused, not in her log

    consultations = audit_entries(session, GIULIA_CF, "health.consult_")
    log = access_log(session, GIULIA_CF)
    assert len(log) == len(consultations) == 3
    for access, entry in zip(reversed(log), consultations, strict=True):
        data = audit_data(entry)
        assert access.audit_seq == entry.seq and access.at == entry.at
        assert entry.actor == f"clinician:{access.clinician_cf}"
        assert entry.action == f"health.consult_{access.action}"
        assert data["documents"] == access.document_ids
        assert data["basis"] == access.basis and data["reason"] == access.reason
        assert (data["clinician_name"], data["facility"]) == (
            access.clinician_name,
            access.facility,
        )
    assert [a.basis for a in reversed(log)] == ["consent", "consent", "emergency"]
    assert_log_intact(app)

    patient = client_for(app, GIULIA)
    assert "(3 consultazioni)" in patient.get(RECORDS).get_data(as_text=True)
    page = patient.get(RECORDS + "accessi").get_data(as_text=True)
    assert page.count("<tr data-basis=") == len(consultations)
    assert page.count('data-basis="emergency"') == 1 and REASON in page
    assert "Paolo Ferrari" in page and "Ospedale Maggiore di Villanova" in page
    # Each consultation is in the signed log, with a proof the README's script checks offline.
    assert page.count("inclusa nel registro firmato") == len(consultations)
    proof = patient.get(RECORDS + f"accessi/{log[0].audit_seq}/prova.json")
    assert proof.status_code == 200 and "attachment" in proof.headers["Content-Disposition"]
    saved = tmp_path / "proof.json"
    saved.write_bytes(proof.get_data())
    key = audit_settings(app).verifier.encoded()
    script = [sys.executable, str(ROOT / "tools" / "verify_audit_proof.py"), str(saved)]
    checked = subprocess.run([*script, "--key", key], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and checked.stdout.startswith("OK:"), checked.stderr
    document = json.loads(proof.get_data())
    document["entry"] = document["entry"].replace("Paolo", "Pablo")
    saved.write_text(json.dumps(document))
    forged = subprocess.run([*script, "--key", key], capture_output=True, text=True, timeout=60)
    assert forged.returncode == 1 and "NOT VERIFIED" in forged.stderr
    other = patient.get(RECORDS + f"accessi/{consultations[0].seq + 1000}/prova.json")
    assert other.status_code == 404


def test_a_malformed_fiscal_code_is_a_clear_422(app: Flask) -> None:
    doctor = client_for(app, PAOLO)
    response = doctor.get("/clinico/", query_string={"codice_fiscale": "BNCGLI85C55F205X"})
    assert response.status_code == 422
    assert 'data-testid="search-error"' in response.get_data(as_text=True)
    found = doctor.get("/clinico/", query_string={"codice_fiscale": " bncgli85c55f205c "})
    assert found.status_code == 302 and found.headers["Location"].endswith(GIULIA_CF)
    assert doctor.get("/clinico/pazienti/NOT-A-CODE").status_code == 404  # refused by the route


def test_health_record_outage_is_told_in_plain_words(
    app: Flask, session: Session, simulators: Any
) -> None:
    set_consent(app, GIULIA, True)
    with app.test_request_context():
        plain_words = str(escape(legacy_unavailable_message("health")))
    simulators.control("health", down=True)
    try:
        patient = client_for(app, GIULIA)
        page = patient.get(RECORDS)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'data-testid="legacy-unavailable"' in text
        assert plain_words in text
        assert 'data-testid="consent-withdraw"' in text  # the rest of the page still works
        assert patient.get(RECORDS + "accessi").status_code == 200
        download = patient.get(RECORDS + "documenti/DOC-BNC-0009")
        assert download.status_code == 503 and plain_words in download.get_data(as_text=True)
        # Without the regional service no care relationship can be checked: no access, and
        # the page says why in plain words.
        doctor = client_for(app, PAOLO)
        listing = doctor.get(f"/clinico/pazienti/{GIULIA_CF}")
        assert listing.status_code == 503 and plain_words in listing.get_data(as_text=True)
        assert (
            doctor.get(f"/clinico/pazienti/{GIULIA_CF}/documenti/DOC-BNC-0009").status_code == 503
        )
        assert audit_entries(session, GIULIA_CF, "health.consult_") == []  # nothing was seen
    finally:
        simulators.control("health", down=False)


def test_the_demo_lets_the_clinician_see_giulia_but_not_luca(app: Flask, session: Session) -> None:
    with db.fresh_session(app) as s:
        s.execute(delete(RoleAssignment))  # the demo seeds its own roles
        assert seed_demo(s)
        s.commit()
    assert ops.has_consent(session, GIULIA_CF) and not ops.has_consent(session, LUCA_CF)
    doctor = client_for(app, PAOLO)
    assert doctor.get(f"/clinico/pazienti/{GIULIA_CF}").status_code == 200
    assert doctor.get(f"/clinico/pazienti/{LUCA_CF}").status_code == 403
    log = client_for(app, GIULIA).get(RECORDS + "accessi").get_data(as_text=True)
    assert log.count('<tr data-basis="consent"') == 1


def test_the_privacy_officer_reviews_an_emergency_access_and_the_patient_sees_it(
    app: Flask, session: Session
) -> None:
    grant_id = open_break_glass(app, LUCA_CF)
    officer = client_for(app, FONTANA)
    listed = officer.get("/privacy/emergenze/")
    assert listed.status_code == 200 and REASON in listed.get_data(as_text=True)
    marked = officer.post(
        f"/privacy/emergenze/{grant_id}/esito",
        data={
            "csrf_token": csrf_token(officer),
            "outcome": "unjustified",
            "note": "Nessuna emergenza in corso: segnalato alla direzione sanitaria",
        },
    )
    assert marked.status_code == 302
    bad = officer.post(
        f"/privacy/emergenze/{grant_id}/esito",
        data={"csrf_token": csrf_token(officer), "outcome": "maybe"},
    )
    assert bad.status_code == 422
    assert (
        officer.post(
            "/privacy/emergenze/999999/esito",
            data={"csrf_token": csrf_token(officer), "outcome": "justified"},
        ).status_code
        == 404
    )
    session.expire_all()
    grant = session.get(BreakGlass, grant_id)
    assert grant is not None and grant.review_outcome == "unjustified"
    assert grant.reviewed_by_cf == FONTANA["fiscal_code"]
    viewed = audit_entries(session, "-", "health.break_glass_review_viewed")
    reviewed = audit_entries(session, LUCA_CF, "health.break_glass_reviewed")
    assert len(viewed) == 1 and viewed[0].actor == f"privacy_officer:{FONTANA['fiscal_code']}"
    assert [audit_data(e)["outcome"] for e in reviewed] == ["unjustified"]
    log = client_for(app, LUCA).get(RECORDS + "accessi").get_data(as_text=True)
    assert f'data-grant="{grant_id}" data-outcome="unjustified"' in log
    assert "Referente privacy: non giustificato" in log and "direzione sanitaria" in log
    told = session.scalars(select(InboxMessage).where(InboxMessage.citizen_cf == LUCA_CF)).all()
    assert [m.kind for m in told] == ["break_glass_access", "break_glass_unjustified"]
    inbox = client_for(app, LUCA).get(f"/area-personale/messaggi/{told[1].id}")
    text = inbox.get_data(as_text=True)
    assert inbox.status_code == 200 and "non era giustificato" in text
    assert "direzione sanitaria" in text
