"""Refused in the shared live view: bad codes, guessing, third persons, other transactions,
sessions that ended (by a side or by inactivity)."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.resume import ALPHABET, check_char
from gateway.models import Document, Event, SharedSession, utcnow

from .cobrowse_support import (
    CITIZEN,
    CLERK,
    citizen_client,
    clerk_client,
    join,
    propose,
    save_draft,
    shared_draft,
    shared_row,
    start_sharing,
)
from .forms_support import ANNA, CHIARA, LUCA, MARIO, SOFIA_CF, csrf_token


def _age(app: Flask, session_id: int, **fields: object) -> None:
    from gateway.db import db

    with db.fresh_session(app) as s:
        row = s.get(SharedSession, session_id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)
        s.commit()


def test_mistyped_unknown_expired_and_used_codes_are_refused(app: Flask, session: Session) -> None:
    citizen = citizen_client(app)
    session_id, code = start_sharing(citizen, save_draft(citizen))
    clerk = clerk_client(app)
    compact = code.replace("-", "")
    swapped = compact[1] + compact[0] + compact[2:]
    if swapped != compact:
        mistyped = join(clerk, swapped)
        assert mistyped.status_code == 422 and b'data-testid="join-error"' in mistyped.data
    unknown_payload = "222222" if compact[:6] != "222222" else "333333"
    unknown = join(clerk, unknown_payload + check_char(unknown_payload))
    assert unknown.status_code == 404

    _age(app, session_id, code_expires_at=utcnow() - timedelta(seconds=1))
    assert join(clerk, code).status_code == 404
    assert shared_row(session, session_id).clerk_cf is None

    session_id, code = start_sharing(citizen, save_draft(citizen))
    assert join(clerk, code.lower()).status_code == 303  # read aloud, typed in lower case
    other_clerk = clerk_client(app, LUCA)
    assert join(other_clerk, code).status_code == 404  # single use
    assert join(clerk, code).status_code == 404
    assert shared_row(session, session_id).clerk_cf == ANNA["fiscal_code"]


def test_guessing_past_the_rate_limit_gets_429_with_retry_after(app: Flask) -> None:
    clerk = clerk_client(app)
    statuses = []
    for n in range(11):
        payload = ALPHABET[n] * 6
        statuses.append(join(clerk, payload + check_char(payload)).status_code)
    assert statuses[:10] == [404] * 10
    assert statuses[10] == 429
    last = join(clerk, "2222222")
    assert last.status_code == 429 and int(last.headers["Retry-After"]) > 0


def test_a_third_person_sees_nothing_and_the_clerk_sees_only_that_transaction(
    app: Flask, session: Session
) -> None:
    s = shared_draft(app)
    luca = clerk_client(app, LUCA)  # another clerk
    for path in ("/", "/pannello", "/eventi"):
        assert luca.get(f"{CLERK}/{s.session_id}{path}").status_code == 404
    assert propose(luca, s.session_id, {"alunno": SOFIA_CF}).status_code == 404
    chiara = citizen_client(app, CHIARA)  # another citizen
    assert chiara.get(f"{CITIZEN}/{s.session_id}/").status_code == 404
    assert chiara.get(f"{CITIZEN}/{s.session_id}/eventi").status_code == 404
    # A citizen without the clerk role cannot use the clerk's side at all.
    assert s.citizen.get(f"{CLERK}/{s.session_id}/").status_code == 403

    # Another transaction of the same citizen, with a document: not reachable from the session.
    other_reference = save_draft(s.citizen)
    with session.begin():
        from gateway.models import Transaction

        other = session.scalar(select(Transaction).where(Transaction.reference == other_reference))
        assert other is not None
        doc = Document(
            transaction_id=other.id, subject_cf=MARIO["fiscal_code"], kind="receipt",
            filename="r.pdf", content=b"%PDF-1.4", sha256="0" * 64,
        )  # fmt: skip
        session.add(doc)
    page = s.clerk.get(f"{CLERK}/{s.session_id}/").get_data(as_text=True)
    assert s.reference in page and other_reference not in page
    assert s.clerk.get(f"{CLERK}/{s.session_id}/documenti/{doc.id}").status_code == 404


def test_an_idle_session_ends_by_itself(app: Flask, session: Session) -> None:
    s = shared_draft(app)
    _age(app, s.session_id, last_activity_at=utcnow() - timedelta(hours=1))
    late = propose(s.clerk, s.session_id, {"alunno": SOFIA_CF}, Accept="application/json")
    assert late.status_code == 409
    page = s.citizen.get(f"{CITIZEN}/{s.session_id}/").get_data(as_text=True)
    assert 'data-testid="session-ended"' in page
    row = shared_row(session, s.session_id)
    assert row.state == "ended" and row.end_reason == "inactivity"
    ended = session.scalar(select(Event).where(Event.kind == "cobrowse_ended"))
    assert ended is not None and ended.actor_kind == "system"
    assert s.citizen.get(f"{CITIZEN}/{s.session_id}/eventi").status_code == 204


def test_a_closed_transaction_cannot_be_shared(app: Flask, session: Session) -> None:
    citizen = citizen_client(app)
    reference = save_draft(citizen)
    from gateway.models import Transaction

    with session.begin():
        tx = session.scalar(select(Transaction).where(Transaction.reference == reference))
        assert tx is not None
        tx.state = "cancelled"
    response = citizen.post(
        f"{CITIZEN}/avvia",
        data={"csrf_token": csrf_token(citizen), "reference": reference},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409 and response.json["code"] == "NOT_SHAREABLE"
    other = citizen_client(app, CHIARA)
    refused = other.post(
        f"{CITIZEN}/avvia",
        data={"csrf_token": csrf_token(other), "reference": reference},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 404  # Mario's transaction, not Chiara's
