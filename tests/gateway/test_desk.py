"""The clerk's desk: delegations, acting for a citizen, confirmation online, revocation."""

from __future__ import annotations

import json

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.models import AuditEntry, Delegation, Event
from tests.gateway.audit_support import assert_log_intact

from .forms_support import (
    ANNA,
    CHIARA,
    MARIO,
    SERVICE,
    certificate_answers,
    csrf_token,
    exempt_answers,
    expire_delegation,
    login,
    make_clerk,
    open_desk_session,
    post_form,
    reference_from,
    shown_code,
    transaction,
)

DESK = "/sportello-assistito"


def desk_form(delegation_id: int) -> str:
    return f"{DESK}/{delegation_id}/servizi/{SERVICE}"


def clerk_client(app: Flask) -> FlaskClient:
    make_clerk(app)
    client = app.test_client()
    login(client, app, ANNA)
    return client


def test_the_desk_is_for_clerks_only(app: Flask, client: FlaskClient) -> None:
    login(client, app, MARIO)
    assert client.get(f"{DESK}/").status_code == 403


def test_opening_a_session_checks_every_field_and_is_audited(app: Flask, session: Session) -> None:
    clerk = clerk_client(app)
    response = clerk.post(
        f"{DESK}/",
        data={
            "csrf_token": csrf_token(clerk),
            "citizen_cf": "RSSMRA80A01H501X",  # wrong check character
            "evidence_type": "identity_document",
            "valid_until": "1999-01-01",
        },
    )
    assert response.status_code == 422
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    invalid = set(doc.xpath("//*[@aria-invalid='true']/@id")) | set(
        doc.xpath("//fieldset[@aria-invalid='true']/legend/text()")
    )
    for field in ("citizen_cf", "citizen_name", "document_type", "evidence_number", "valid_until"):
        assert field in invalid, field
    assert doc.xpath("//*[@id='scope-error']")
    assert session.scalars(select(Delegation)).all() == []

    delegation_id = open_desk_session(clerk)
    d = session.get(Delegation, delegation_id)
    assert d is not None and d.citizen_cf == MARIO["fiscal_code"] and d.scope == [SERVICE]
    assert d.clerk_name == "Anna Esposito" and d.evidence_number == "CA12345AB"
    # End of today in Rome by default.
    assert d.expires_at.astimezone().tzinfo is not None
    opened = session.scalar(select(AuditEntry).where(AuditEntry.action == "delegation.open"))
    assert opened is not None and opened.subject == MARIO["fiscal_code"]
    assert json.loads(opened.data)["evidence_number"] == "*****45AB"


def test_without_a_delegation_a_clerk_sees_nothing_of_the_citizen(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app, MARIO)
    reference = reference_from(post_form(client, f"/servizi/{SERVICE}/nuova", {}, "save"))
    clerk = clerk_client(app)
    assert clerk.get(f"{DESK}/1/").status_code == 404
    assert clerk.get(f"{DESK}/1/pratiche/{reference}").status_code == 404
    # A delegation for another citizen does not open Mario's transaction either.
    other = open_desk_session(clerk, CHIARA)
    assert clerk.get(f"{DESK}/{other}/pratiche/{reference}").status_code == 404
    # Nor does another clerk's delegation.
    mine = open_desk_session(clerk, MARIO)
    second = {"fiscal_code": "GLLFNC48T47C351T", "name": "Francesca", "family_name": "Galli"}
    make_clerk(app, second)
    other_clerk = app.test_client()
    login(other_clerk, app, second)
    assert other_clerk.get(f"{DESK}/{mine}/").status_code == 404
    assert other_clerk.get(f"{DESK}/{mine}/pratiche/{reference}").status_code == 404


def test_sending_now_at_the_desk_needs_the_clerk_to_have_given_the_privacy_notice(
    app: Flask, session: Session
) -> None:
    clerk = clerk_client(app)
    d = open_desk_session(clerk)
    last = f"{desk_form(d)}/invio"
    page = clerk.get(last).get_data(as_text=True)
    assert 'id="f-privacy_given"' in page and 'data-testid="privacy-given"' in page
    refused = post_form(clerk, last, exempt_answers(), privacy=False)
    assert refused.status_code == 422
    summary = lxml_html.fromstring(refused.data).xpath("//*[@data-testid='error-summary']//a")
    assert [a.get("href") for a in summary] == ["#f-privacy_given"]
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)
    assert session.scalars(select(Event).where(Event.kind == "submitted")).all() == []
    # Leaving it for the citizen to confirm online needs no box: they tick theirs then.
    prepared = post_form(clerk, last, exempt_answers(), "prepare", privacy=False)
    assert prepared.status_code == 303
    sent = post_form(clerk, last, exempt_answers())
    assert sent.status_code == 303
    event = session.scalar(select(Event).where(Event.kind == "submitted"))
    assert event is not None and event.actor_kind == "clerk"
    notice = event.data["privacy_notice"]
    assert notice["given_by"] == ANNA["fiscal_code"] and notice["url"].endswith("/privacy")


def test_clerk_fills_for_the_citizen_every_event_says_who_and_is_audited(
    app: Flask, session: Session
) -> None:
    clerk = clerk_client(app)
    d = open_desk_session(clerk)
    response = post_form(clerk, desk_form(d), {"tipo_certificato": "frequenza"}, "save")
    assert response.status_code == 303  # post, redirect, get: the saved page
    reference = reference_from(response)
    response = post_form(clerk, f"{DESK}/{d}/pratiche/{reference}", exempt_answers())
    assert response.status_code == 303
    tx = transaction(session, reference)
    assert tx.state == "completed" and tx.subject_cf == MARIO["fiscal_code"]
    by_clerk = [e for e in tx.events if e.actor_kind == "clerk"]
    assert [e.kind for e in by_clerk] == ["created", "draft_saved", "submitted"]
    for event in by_clerk:
        assert event.actor_id == ANNA["fiscal_code"] and event.channel == "desk"
        assert event.on_behalf_of == MARIO["fiscal_code"]
        assert event.data["delegation"] == d
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.actor == f"clerk:{ANNA['fiscal_code']}")
    ).all()
    for action in (
        "delegation.open",
        "transaction.create_on_behalf",
        "desk.draft_saved",
        "transaction.state_on_behalf",
    ):
        assert action in actions
    assert_log_intact(app)

    # The certificate is printed at the desk: the printing is on the timeline too.
    page = lxml_html.fromstring(clerk.get(f"{DESK}/{d}/pratiche/{reference}").data)
    link = page.xpath("//a[@data-testid='document-school_certificate']/@href")[0]
    pdf = clerk.get(link)
    assert pdf.mimetype == "application/pdf"
    printed = session.scalar(
        select(Event).where(Event.transaction_id == tx.id, Event.kind == "document_printed")
    )
    assert printed is not None and printed.data["delegation"] == d


def test_prepared_at_the_desk_confirmed_online_by_the_citizen(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    clerk = clerk_client(app)
    d = open_desk_session(clerk)
    response = post_form(clerk, desk_form(d), certificate_answers(), "prepare")
    assert response.status_code == 303
    reference = reference_from(response)
    assert transaction(session, reference).state == "awaiting_confirmation"

    # The citizen is told: an inbox message that links to the confirmation page.
    from gateway.models import InboxMessage

    session.expire_all()
    messages = session.scalars(
        select(InboxMessage).where(InboxMessage.citizen_cf == MARIO["fiscal_code"])
    ).all()
    assert [(m.kind, m.link) for m in messages] == [
        ("prepared_for_confirmation", f"/area-personale/pratiche/{reference}/conferma")
    ]
    login(client, app, MARIO)
    status = client.get(f"/area-personale/richieste/{reference}")
    assert b'data-testid="to-confirm"' in status.data
    page = client.get(f"/area-personale/pratiche/{reference}/conferma").get_data(as_text=True)
    assert "Anna Esposito" in page
    response = client.post(
        f"/area-personale/pratiche/{reference}/conferma",
        data={"csrf_token": csrf_token(client), "privacy_ack": "on"},
    )
    assert response.status_code == 302
    tx = transaction(session, reference)
    assert tx.state == "awaiting_payment"
    confirmed = [e for e in tx.events if e.kind == "confirmed"]
    assert len(confirmed) == 1 and confirmed[0].actor_kind == "citizen"
    assert confirmed[0].channel == "web" and confirmed[0].on_behalf_of is None


def test_started_online_finished_at_the_desk(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app, MARIO)
    response = post_form(
        client, f"/servizi/{SERVICE}/nuova", {"alunno": "RSSSFO12P50H501K"}, "save"
    )
    reference = reference_from(response)
    clerk = clerk_client(app)
    d = open_desk_session(clerk)
    listing = clerk.get(f"{DESK}/{d}/").get_data(as_text=True)
    assert reference in listing
    response = post_form(clerk, f"{DESK}/{d}/pratiche/{reference}", certificate_answers())
    assert response.status_code == 303
    tx = transaction(session, reference)
    assert tx.state == "awaiting_payment"
    assert [(e.kind, e.channel) for e in tx.events] == [
        ("created", "web"),
        ("draft_saved", "web"),
        ("submitted", "desk"),
        ("notice_issued", "desk"),
    ]
    notice_event = next(e for e in tx.events if e.kind == "notice_issued")
    assert notice_event.on_behalf_of == MARIO["fiscal_code"]
    assert notice_event.data["delegation"] == d


def test_revocation_or_expiry_ends_the_clerks_access_at_once(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    clerk = clerk_client(app)
    d = open_desk_session(clerk)
    posted = post_form(clerk, desk_form(d), {}, "save")
    reference = reference_from(posted)
    saved = clerk.get(posted.headers["Location"]).get_data(as_text=True)
    code = shown_code(saved)
    # The code is shown once: a reload of the saved page no longer shows it.
    assert 'data-testid="resume-code"' not in clerk.get(posted.headers["Location"]).text
    assert clerk.get(f"{DESK}/{d}/pratiche/{reference}").status_code == 200
    sheet = clerk.post(
        f"{DESK}/{d}/pratiche/{reference}/foglio",
        data={"csrf_token": csrf_token(clerk), "code": code},
    )
    assert sheet.mimetype == "application/pdf"
    printed = transaction(session, reference).events[-1]
    assert printed.kind == "draft_sheet_printed" and printed.data == {
        "new_code": False,
        "delegation": d,
    }

    login(client, app, MARIO)
    page = lxml_html.fromstring(client.get("/area-personale/deleghe/").data)
    assert page.xpath(f"//*[@data-testid='delegation-{d}']")
    response = client.post(
        f"/area-personale/deleghe/{d}/revoca", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302
    assert clerk.get(f"{DESK}/{d}/").status_code == 403
    assert clerk.get(f"{DESK}/{d}/pratiche/{reference}").status_code == 403
    assert post_form(clerk, f"{DESK}/{d}/pratiche/{reference}", {}, "save").status_code == 403
    revoked = session.scalar(select(AuditEntry).where(AuditEntry.action == "delegation.revoke"))
    assert revoked is not None and revoked.actor == f"citizen:{MARIO['fiscal_code']}"

    # Another citizen cannot revoke Mario's delegations.
    second = open_desk_session(clerk)
    login(client, app, CHIARA)
    denied = client.post(
        f"/area-personale/deleghe/{second}/revoca", data={"csrf_token": csrf_token(client)}
    )
    assert denied.status_code == 404
    assert clerk.get(f"{DESK}/{second}/").status_code == 200
    expire_delegation(app, second)
    assert clerk.get(f"{DESK}/{second}/").status_code == 403


def test_services_outside_the_scope_are_refused(app: Flask) -> None:
    clerk = clerk_client(app)
    d = open_desk_session(clerk, scope=("consenso_fse",))
    assert clerk.get(desk_form(d)).status_code == 403
    assert post_form(clerk, desk_form(d), {}, "save").status_code == 403
