"""A counter looks up what a person owes by the fiscal code on their card: open notices of
every service, that person's only, each look-up audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.fines.operations import request_fine_notice
from gateway.models import AuditEntry, Notice
from gateway.payments.notices import issue_notice
from gateway.transactions.operations import Actor
from gateway.transactions.states import State

from ..factories import create_transaction
from .payments_factories import (
    BASE_FINE,
    GIULIA_FINE,
    MARIO_CF,
    REDUCED_FINE,
    create_fine_notice,
    fine_number,
    terminal_client,
)
from .test_counter_contract import refused

GIULIA_CF = "BNCGLI85C55F205C"


def school_notice(app: Flask) -> Notice:
    """A notice of another service (a school certificate's fee) for Mario."""
    with app.test_request_context(), db.fresh_session(app) as session:
        tx = create_transaction(session, state=State.SUBMITTED)
        notice = issue_notice(
            session,
            transaction=tx,
            amount_cents=1600,
            description="Diritti di segreteria",
            payer_cf=MARIO_CF,
            payer_name="Mario Rossi",
            due_date=date.today() + timedelta(days=30),
            details={},
            actor=Actor(kind="system", id="test", name="test", channel="system"),
        )
        session.commit()
        return notice


def lookup(tc: object, fiscal_code: str, read_from: str = "health_card") -> object:
    return tc.call(  # type: ignore[attr-defined]
        "POST", "/debts/lookup", {"fiscal_code": fiscal_code, "read_from": read_from}
    )


def test_the_open_notices_of_every_service_for_that_person_only(
    app: Flask, session: Session
) -> None:
    reduced = create_fine_notice(app, REDUCED_FINE)
    base = create_fine_notice(app, BASE_FINE)
    school = school_notice(app)
    with app.test_request_context(), db.fresh_session(app) as s:
        request_fine_notice(
            s,
            fiscal_code=GIULIA_CF,
            payer_name="Giulia Bianchi",
            report_number=fine_number(GIULIA_FINE, app),
            actor=Actor(kind="citizen", id=GIULIA_CF, name="Giulia Bianchi", channel="web"),
        )
        s.commit()
    tc = terminal_client(app, session, terminal_id="TAB-0001")
    tc.pay(base)  # paid: no longer owed

    found = lookup(tc, MARIO_CF)
    assert found.status_code == 200, found.get_json()  # type: ignore[attr-defined]
    body = found.get_json()  # type: ignore[attr-defined]
    assert body["fiscal_code"] == MARIO_CF
    codes = {n["notice_code"]: n for n in body["notices"]}
    assert set(codes) == {reduced.code, school.code}
    assert {n["service"] for n in body["notices"]} == {reduced.service, school.service}
    assert all(n["payer"] == "M**** R****" for n in body["notices"])

    # Expired notices are not open either.
    session.execute(
        update(Notice).where(Notice.id == school.id).values(valid_until=date(2020, 1, 1))
    )
    session.commit()
    again = lookup(tc, MARIO_CF, "cie").get_json()  # type: ignore[attr-defined]
    assert [n["notice_code"] for n in again["notices"]] == [reduced.code]

    audits = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "counter.debts_looked_up")
    ).all()
    assert len(audits) == 2
    assert {a.subject for a in audits} == {MARIO_CF}
    assert {a.actor for a in audits} == {"terminal:TAB-0001"}


def test_a_person_with_nothing_to_pay_gets_an_empty_list_and_an_audit_entry(
    app: Flask, session: Session
) -> None:
    tc = terminal_client(app, session)
    found = lookup(tc, "RMNCHR95B68D612V")
    assert found.get_json()["notices"] == []  # type: ignore[attr-defined]
    assert session.scalars(select(AuditEntry).where(AuditEntry.subject == "RMNCHR95B68D612V")).one()


@pytest.mark.parametrize(
    ("fiscal_code", "read_from", "code"),
    [
        ("RSSMRA80A01H501X", "health_card", "INVALID_FISCAL_CODE"),  # wrong check character
        ("rssmra80a01h501u", "health_card", "INVALID_REQUEST"),
        ("RSSMRA80A01H501U\n", "health_card", "INVALID_REQUEST"),
        ("RSSMRA80A01H501", "health_card", "INVALID_REQUEST"),
        ("RSSMRA80A01H501U", "typed", "INVALID_REQUEST"),
    ],
)
def test_fiscal_codes_are_checked_strictly(
    app: Flask, session: Session, fiscal_code: str, read_from: str, code: str
) -> None:
    tc = terminal_client(app, session)
    refused(lookup(tc, fiscal_code, read_from), 400, code)
    assert (
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == "counter.debts_looked_up")
        ).all()
        == []
    )
