"""Notifications: inbox and e-mail through a real SMTP server, once, in the citizen's language."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.models import CitizenContact, Document, InboxMessage, OutboxMessage, utcnow
from gateway.notifications import AttachmentRef, notify
from gateway.notifications.mailserver import LocalMailServer
from gateway.outbox import DeliveryStats, deliver_due
from gateway.wiring import outbox_handlers
from printing.keys import generate_key
from printing.receipt import render_receipt
from printing.seal import SealSigner, SealVerifier
from printing.verify import verify_pdf

from ..factories import create_transaction, login
from ..printing.printing_factories import create_receipt_data
from .help_support import ANNA, CHIARA, MARIO, MARIO_CF, create_contact, mail_app, seed_clerk
from .pages import token_in

SEAL_KEY = generate_key()  # TEST KEY, made for this test run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def app(database_url: str, simulators: Any, smtp_port: int) -> Iterator[Flask]:
    yield from mail_app(database_url, simulators, smtp_port)


@pytest.fixture
def smtp(smtp_port: int) -> Iterator[LocalMailServer]:
    with LocalMailServer("127.0.0.1", smtp_port) as server:
        yield server


def deliver(app: Flask, now: datetime | None = None) -> DeliveryStats:
    with app.app_context():
        return deliver_due(
            db.session_factory(app), outbox_handlers(app), now=lambda: now or utcnow()
        )


def store_receipt(session: Session, tx_id: int) -> Document:
    pdf, seal = render_receipt(create_receipt_data(), SealSigner(SEAL_KEY))
    doc = Document(
        transaction_id=tx_id,
        subject_cf=MARIO_CF,
        kind="receipt",
        filename="ricevuta-RIC-2026-000123.pdf",
        content=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        seal=seal,
    )
    session.add(doc)
    session.flush()
    return doc


def send_receipt(app: Flask, *, mandatory: bool = True) -> int | None:
    with app.app_context(), db.fresh_session(app) as s:
        tx = create_transaction(s)
        doc = store_receipt(s, tx.id)
        message = notify(
            s,
            citizen_cf=MARIO_CF,
            kind="receipt_issued",
            context={"title": tx.title, "reference": tx.reference, "amount_cents": 1600},
            link=f"/area-personale/pratiche/{tx.reference}",
            attachments=[AttachmentRef(doc.id)],
            mandatory=mandatory,
            dedupe_key=f"receipt:{doc.id}",
            transaction_id=tx.id,
        )
        s.commit()
        return message.id if message else None


def test_receipt_arrives_once_in_the_citizens_language_with_its_seal_intact(
    app: Flask, session: Session, smtp: LocalMailServer
) -> None:
    create_contact(session, language="en")
    message_id = send_receipt(app)
    assert deliver(app).delivered == 1
    assert deliver(app).claimed == 0
    [mail] = smtp.received
    assert mail.rcpt_tos == ("mario.rossi@example.org",)
    assert mail.message["Subject"].startswith("Payment receipt")
    assert mail.message["Content-Language"] == "en"
    assert "List-Unsubscribe" not in mail.message  # mandatory: no way to opt out
    body = mail.message.get_body(("plain",)).get_content()
    assert "£" not in body and "€16.00" in body
    assert f"/area-personale/messaggi/{message_id}/apri" in body
    [attachment] = list(mail.message.iter_attachments())
    pdf = attachment.get_content()
    stored = session.scalars(select(Document)).one()
    assert pdf == stored.content and attachment.get_filename() == stored.filename
    verified = verify_pdf(pdf, SealVerifier.from_public_keys([SEAL_KEY.public_key()]))
    assert verified.claims["rid"] == "RIC-2026-000123"
    inbox = session.scalars(select(InboxMessage)).one()
    assert inbox.email_key and inbox.email_skipped is None


def test_the_same_event_notifies_once(app: Flask, session: Session, smtp: LocalMailServer) -> None:
    create_contact(session)
    with app.app_context(), db.fresh_session(app) as s:
        tx = create_transaction(s)
        s.commit()
        first = second = None
        for _ in range(2):
            message = notify(
                s,
                citizen_cf=MARIO_CF,
                kind="prepared_for_confirmation",
                context={"title": tx.title, "reference": tx.reference, "clerk_name": "Anna"},
                link=f"/area-personale/pratiche/{tx.reference}",
                dedupe_key=tx.reference,
            )
            s.commit()
            first, second = (message, second) if first is None else (first, message)
    assert first is not None and second is None
    assert deliver(app).delivered == 1
    assert len(smtp.received) == 1 and smtp.received[0].message["Subject"].startswith(
        "Da confermare"
    )
    assert len(session.scalars(select(InboxMessage)).all()) == 1


def test_with_the_mail_server_down_messages_wait_and_arrive_once_when_it_is_back(
    app: Flask, client: FlaskClient, session: Session, smtp_port: int
) -> None:
    create_contact(session)
    send_receipt(app)
    now = utcnow()
    for _ in range(3):
        stats = deliver(app, now)
        assert stats.retried == 1 and stats.delivered == 0
        out = session.scalars(select(OutboxMessage)).one()
        session.refresh(out)
        assert out.status == "pending" and "unreachable" in (out.last_error or "")
        session.commit()
        now = out.next_attempt_at + timedelta(seconds=1)
    # Clerks see the stalled message for this citizen.
    seed_clerk(app)
    login(client, app, ANNA)
    page = client.get(f"/sportello/notifiche/?cf={MARIO_CF}").get_data(as_text=True)
    assert 'data-testid="delivery-problems"' in page and "mario.rossi@example.org" in page
    with LocalMailServer("127.0.0.1", smtp_port) as server:
        assert deliver(app, now).delivered == 1
        assert deliver(app, now + timedelta(hours=1)).claimed == 0
        assert len(server.received) == 1
    session.refresh(out)
    assert out.status == "delivered" and out.attempts == 4


def test_muted_optional_messages_stay_in_the_inbox_but_mandatory_ones_are_emailed(
    app: Flask, session: Session, smtp: LocalMailServer
) -> None:
    create_contact(session, muted=["updates"])
    send_receipt(app, mandatory=False)
    with app.app_context(), db.fresh_session(app) as s:
        notify(
            s,
            citizen_cf=MARIO_CF,
            kind="break_glass_access",  # security: mandatory whatever the caller says
            context={
                "clinician_name": "Paolo Ferrari",
                "reason": "urgenza",
                "at": "2026-11-23T10:00:00+00:00",
            },
            link="/area-personale/salute/accessi",
            mandatory=False,
            dedupe_key="bg-1",
        )
        s.commit()
    deliver(app)
    assert [m.message["Subject"] for m in smtp.received] == [
        "Accesso in emergenza al tuo Fascicolo Sanitario"
    ]
    skipped = session.scalars(
        select(InboxMessage).where(InboxMessage.kind == "receipt_issued")
    ).one()
    assert skipped.email_skipped == "muted" and skipped.email_key is None


def test_the_unsubscribe_link_works_without_login_after_one_confirmation(
    app: Flask, client: FlaskClient, session: Session, smtp: LocalMailServer
) -> None:
    create_contact(session)
    send_receipt(app, mandatory=False)
    deliver(app)
    [mail] = smtp.received
    url = mail.message["List-Unsubscribe"].strip("<>")
    assert url in mail.message.get_body(("plain",)).get_content()
    assert MARIO_CF not in url  # the token names a row, not a person
    path = url.split("127.0.0.1:5000", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and 'data-testid="confirm-unsubscribe"' in page.get_data(
        as_text=True
    )
    contact = session.scalars(select(CitizenContact)).one()
    assert contact.muted == []  # a GET (a mail scanner following links) changes nothing
    token = token_in(page.get_data(as_text=True))
    done = client.post(path, data={"csrf_token": token})
    assert 'data-testid="unsubscribed"' in done.get_data(as_text=True)
    session.refresh(contact)
    assert contact.muted == ["updates"]
    assert client.post(path).status_code == 400  # no CSRF token, no change
    forged = client.get(path[:-3] + "xyz")
    assert forged.status_code == 404


def test_inbox_shows_the_citizens_messages_marks_them_read_and_hides_others(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    message_id = send_receipt(app)
    login(client, app, MARIO)
    listing = client.get("/area-personale/messaggi").get_data(as_text=True)
    assert 'data-testid="inbox-item"' in listing and "Ricevuta di pagamento" in listing
    page = client.get(f"/area-personale/messaggi/{message_id}").get_data(as_text=True)
    assert 'data-testid="attachment"' in page
    message = session.get(InboxMessage, message_id)
    assert message is not None and message.read_at is not None
    doc_id = message.attachments[0]["document_id"]
    pdf = client.get(f"/area-personale/messaggi/{message_id}/allegati/{doc_id}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    other = app.test_client()
    login(other, app, CHIARA)
    assert other.get(f"/area-personale/messaggi/{message_id}").status_code == 404
    assert other.get(f"/area-personale/messaggi/{message_id}/allegati/{doc_id}").status_code == 404


def test_the_email_link_survives_a_real_spid_login_and_marks_the_message_read(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    message_id = send_receipt(app)
    target = f"/area-personale/messaggi/{message_id}/apri"
    anonymous = client.get(target)
    location = urlsplit(anonymous.headers["Location"])
    assert anonymous.status_code == 302 and location.path == "/accedi"
    [next_url] = parse_qs(location.query)["next"]
    assert next_url == target
    idp = app.extensions["sportello.test_idp"]
    started = client.get(
        "/accedi/spid", query_string={"idp": idp.settings.entity_id, "level": 2, "next": next_url}
    )
    request = idp.parse_authn_request(
        binding="redirect", query_string=urlsplit(started.headers["Location"]).query
    )
    _acs, saml_response, relay_state = idp.build_response(request, MARIO_CF)
    back = client.post("/saml/acs", data={"SAMLResponse": saml_response, "RelayState": relay_state})
    assert back.status_code == 302 and back.headers["Location"] == target
    opened = client.get(target)
    message = session.get(InboxMessage, message_id)
    assert message is not None
    assert opened.status_code == 302 and opened.headers["Location"] == message.link
    session.refresh(message)
    assert message.read_at is not None
    # The identity provider's e-mail attribute became the citizen's address.
    contact = session.scalars(select(CitizenContact)).one()
    assert (contact.email, contact.email_source) == ("mario.rossi@example.org", "login")


def test_the_login_address_is_kept_until_the_citizen_sets_one(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app, MARIO)
    client.get("/area-personale/")
    contact = session.scalars(select(CitizenContact)).one()
    assert contact.email == "mario.rossi@example.org" and contact.email_source == "login"
    page = client.get("/area-personale/preferenze").get_data(as_text=True)
    token = token_in(page)
    bad = client.post(
        "/area-personale/preferenze",
        data={"csrf_token": token, "email": "not an address", "language": "en"},
    )
    assert 'role="alert"' in bad.get_data(as_text=True)
    saved = client.post(
        "/area-personale/preferenze",
        data={
            "csrf_token": token,
            "email": "m.rossi@Example.ORG",
            "language": "en",
            "category": ["reminders"],
        },
    )
    assert saved.status_code == 302
    session.refresh(contact)
    assert (contact.email, contact.language, contact.muted) == (
        "m.rossi@example.org",
        "en",
        ["updates"],
    )
    # A new login with the provider's address does not undo the citizen's choice.
    again = app.test_client()
    login(again, app, MARIO)
    again.get("/area-personale/")
    session.refresh(contact)
    assert contact.email == "m.rossi@example.org"


def test_notify_refuses_what_it_cannot_send(app: Flask, session: Session) -> None:
    with app.app_context(), db.fresh_session(app) as s:
        tx = create_transaction(s)
        doc = store_receipt(s, tx.id)
        base: dict[str, Any] = {
            "citizen_cf": CHIARA["fiscal_code"],
            "kind": "receipt_issued",
            "context": {"title": "x", "reference": "y", "amount_cents": 1},
            "link": "/area-personale/",
            "dedupe_key": "k",
        }
        cases: list[dict[str, Any]] = [
            {"kind": "birthday_wishes"},
            {"context": {"title": "x"}},
            {"link": "https://elsewhere.example/"},
            {
                "context": {
                    "title": "x",
                    "reference": "y",
                    "amount_cents": 1,
                    "when": datetime.now(),
                }
            },
            {"attachments": [AttachmentRef(doc.id)]},  # Mario's receipt to Chiara
        ]
        for change in cases:
            with pytest.raises(ValueError):
                notify(s, **{**base, **change})
        assert notify(s, **base) is not None  # no contact: inbox only


def test_a_payment_at_the_counter_sends_its_receipt_by_email_and_to_the_inbox_once(
    app: Flask, session: Session, smtp: LocalMailServer, simulators: Any
) -> None:
    """The close of a payment writes the inbox message and queues the e-mail with the receipt;
    the terminal retrying its close (same Idempotency-Key) sends nothing more."""
    from gateway.seals import seal_keys

    from .payments_factories import create_fine_notice, terminal_client

    simulators.reset()  # the fine is open again in the fines system, whatever ran before
    create_contact(session)
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    token = tc.activate(notice).get_json()["payment_token"]
    closed = tc.close(token, key="close-once")
    assert closed.status_code == 200, closed.get_json()
    assert tc.close(token, key="close-once").status_code == 200
    assert deliver(app).delivered == 2  # the e-mail, and the payment to the fines system
    assert deliver(app).claimed == 0
    [inbox] = session.scalars(
        select(InboxMessage).where(InboxMessage.kind == "receipt_issued")
    ).all()
    assert inbox.citizen_cf == MARIO_CF and inbox.transaction_id == notice.transaction_id
    receipt = session.scalars(select(Document).where(Document.kind == "receipt")).one()
    assert [a["document_id"] for a in inbox.attachments] == [receipt.id]
    [mail] = [m for m in smtp.received if m.message["Subject"].startswith("Ricevuta")]
    assert mail.rcpt_tos == ("mario.rossi@example.org",)
    [attachment] = list(mail.message.iter_attachments())
    assert attachment.get_content() == receipt.content
    with app.app_context():
        verifier = seal_keys().verifier
    verified = verify_pdf(attachment.get_content(), verifier)
    assert verified.claims["rid"] == closed.get_json()["receipt_id"]
