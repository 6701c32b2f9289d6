"""The children's school records page and the school certificate journey, end to end."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.models import AuditEntry, Document, Notice, OutboxMessage
from gateway.outbox import deliver_due
from gateway.seals import seal_keys
from gateway.wiring import outbox_handlers
from printing.verify import verify_pdf
from tests.gateway.audit_support import assert_log_intact

from .forms_support import (
    NEW_FORM,
    SOFIA_CF,
    certificate_answers,
    csrf_token,
    exempt_answers,
    login,
    post_form,
    reference_from,
    transaction,
)
from .payments_factories import terminal_client

SCHOOL = "/area-personale/scuola/"


def issued(simulators: Any) -> int:
    """Certificates the registry simulator has issued since its last reset."""
    return int(simulators.state()["services"]["school"]["certificates_issued"])


def kinds(tx: Any) -> list[str]:
    return [e.kind for e in tx.events]


def test_children_page_shows_records_from_the_school_registry(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app)
    response = client.get(SCHOOL)
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    children = doc.xpath("//*[@data-testid='child']")
    assert sorted(c.get("data-cf") for c in children) == sorted([SOFIA_CF, "RSSMRC15D22H501V"])
    sofia = next(c for c in children if c.get("data-cf") == SOFIA_CF)
    text = sofia.text_content()
    assert "3B" in text and "Dante Alighieri" in text
    grades = sofia.xpath(".//table[@data-testid='grades']")[0]
    row = grades.xpath(".//tr[th='Matematica']")[0]
    assert [td.text_content() for td in row.xpath("td")] == ["9", "9"]
    assert sofia.xpath(".//table[@data-testid='absences']//tr")
    link = sofia.xpath(".//a[@data-testid='request-certificate']/@href")[0]
    assert link == f"{NEW_FORM}?alunno={SOFIA_CF}"
    audit = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "school.records_viewed")
    ).all()
    assert len(audit) == 1 and SOFIA_CF in audit[0].data


def test_children_page_keeps_working_when_the_registry_is_down(
    app: Flask, client: FlaskClient, simulators: Any
) -> None:
    login(client, app)
    simulators.control("school", down=True)
    response = client.get(SCHOOL)
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert doc.xpath("//*[@data-testid='legacy-unavailable'][@data-service='school']")
    assert doc.xpath("//*[@data-testid='child']") == []


def test_online_journey_stamp_duty_paid_online_then_sealed_certificate(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app)
    response = post_form(client, NEW_FORM, certificate_answers())
    assert response.status_code == 302
    reference = reference_from(response)
    tx = transaction(session, reference)
    assert tx.state == "awaiting_payment" and tx.amount_cents == 1600
    assert tx.title == "Certificato di iscrizione o di frequenza scolastica — Sofia Rossi"
    notice = session.scalar(select(Notice).where(Notice.transaction_id == tx.id))
    assert notice is not None and notice.amount_cents == 1600
    status = client.get(f"/area-personale/richieste/{reference}").get_data(as_text=True)
    doc = lxml_html.fromstring(status)
    checkout = doc.xpath("//a[@data-testid='pay-online']/@href")[0]
    assert doc.xpath("//a[@data-testid='notice-pdf']")

    # The simulated checkout of the payments feature; the certificate follows at once. It
    # posts back the amount its page showed.
    page = lxml_html.fromstring(client.get(checkout).get_data(as_text=True))
    shown = page.xpath("//input[@name='amount_cents']/@value")
    assert shown == ["1600"]
    response = client.post(
        checkout, data={"csrf_token": csrf_token(client), "action": "pay", "amount_cents": shown[0]}
    )
    assert response.status_code == 303  # post, redirect, get: the receipt
    tx = transaction(session, reference)
    assert tx.state == "completed", kinds(tx)
    assert kinds(tx)[-1] == "certificate_issued" and "paid_online" in kinds(tx), kinds(tx)
    cert = session.scalar(
        select(Document).where(
            Document.transaction_id == tx.id, Document.kind == "school_certificate"
        )
    )
    assert cert is not None
    assert cert.sha256 == hashlib.sha256(cert.content).hexdigest()
    verified = verify_pdf(cert.content, seal_keys(app).verifier)
    assert verified.claims["sub"] == SOFIA_CF and verified.claims["kind"] == "attendance"
    assert tx.data["stamp_duty"] == {"amount_cents": 1600, "reference": notice.code}

    # The citizen downloads it from the status page.
    status = client.get(f"/area-personale/richieste/{reference}").get_data(as_text=True)
    link = lxml_html.fromstring(status).xpath("//a[@data-testid='document-school_certificate']")
    pdf = client.get(link[0].get("href"))
    assert pdf.mimetype == "application/pdf" and pdf.data == cert.content
    school = lxml_html.fromstring(client.get(SCHOOL).get_data(as_text=True))
    assert school.xpath("//*[@data-testid='certificates']//a/text()") == [cert.filename]


def test_stamp_duty_paid_at_a_counter_issues_the_certificate(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app)
    reference = reference_from(post_form(client, NEW_FORM, certificate_answers()))
    notice = session.scalar(
        select(Notice).where(Notice.transaction_id == transaction(session, reference).id)
    )
    assert notice is not None
    counter = terminal_client(app, session)
    closed = counter.pay(notice)
    assert closed.status_code == 200, closed.get_json()
    tx = transaction(session, reference)
    assert tx.state == "completed"
    assert "paid_at_counter" in kinds(tx) and kinds(tx)[-1] == "certificate_issued"


def test_with_an_exemption_the_certificate_is_issued_at_once(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app)
    response = post_form(client, NEW_FORM, exempt_answers(tipo_certificato="iscrizione"))
    reference = reference_from(response)
    tx = transaction(session, reference)
    assert tx.state == "completed" and tx.amount_cents is None
    assert session.scalar(select(Notice).where(Notice.transaction_id == tx.id)) is None
    cert = next(d for d in tx.documents if d.kind == "school_certificate")
    claims = verify_pdf(cert.content, seal_keys(app).verifier).claims
    assert claims["kind"] == "enrolment"
    assert kinds(tx) == ["created", "submitted", "certificate_issued"]


def test_registry_failure_keeps_the_request_paid_and_the_outbox_retries(
    app: Flask, client: FlaskClient, session: Session, simulators: Any
) -> None:
    login(client, app)
    reference = reference_from(post_form(client, NEW_FORM, certificate_answers()))
    notice = session.scalar(
        select(Notice).where(Notice.transaction_id == transaction(session, reference).id)
    )
    assert notice is not None
    simulators.control("school", fail_next=1, fault="Server.Unavailable")
    assert terminal_client(app, session).pay(notice).status_code == 200
    tx = transaction(session, reference)
    assert tx.state == "paid" and kinds(tx)[-1] == "certificate_delayed"
    assert issued(simulators) == 0
    message = session.scalar(select(OutboxMessage).where(OutboxMessage.transaction_id == tx.id))
    assert message is not None and message.status == "pending" and message.attempts == 1

    # The worker delivers it once the registry answers again (made due now, not after backoff).
    message.next_attempt_at = message.created_at
    session.commit()
    stats = deliver_due(db.session_factory(app), outbox_handlers(app))
    assert stats.delivered == 1
    tx = transaction(session, reference)
    assert tx.state == "completed" and kinds(tx)[-1] == "certificate_issued"
    # A second delivery of the same message issues nothing more.
    outbox_handlers(app).by_topic["school.issue_certificate"]({"reference": reference})
    tx = transaction(session, reference)
    assert [d.kind for d in tx.documents].count("school_certificate") == 1
    assert issued(simulators) == 1
    assert_log_intact(app)
