"""A fine's reduced amount on its own notice code (SEND's alternative code; the guidelines'
second page when a Poste slip carries a fixed amount): two codes, one debt, paid once."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.models import Notice, Payment
from gateway.payments.notices import render_notice_pdf
from printing.codes import parse_poste_datamatrix
from printing.verify import scan_codes

from .payments_factories import create_fine_notice, terminal_client

POSTAL_ACCOUNT = "001234567"


def with_postal_account(app: Flask) -> None:
    config = app.config["SPORTELLO"]
    app.config["SPORTELLO"] = replace(
        config, ente=replace(config.ente, postal_account=POSTAL_ACCOUNT)
    )


def codes_of(session: Session, notice: Notice) -> tuple[Notice, Notice]:
    alternative = session.scalars(select(Notice).where(Notice.primary_notice_id == notice.id)).one()
    return session.get(Notice, notice.id), alternative  # type: ignore[return-value]


def test_a_fine_gets_both_codes_on_one_transaction_and_one_pdf(
    app: Flask, session: Session, simulators: Any
) -> None:
    with_postal_account(app)
    notice = create_fine_notice(app)  # notified 2 days ago: 121,10 € for 3 more days
    primary, alternative = codes_of(session, notice)
    assert alternative.transaction_id == primary.transaction_id
    assert alternative.code != primary.code and alternative.status == "issued"
    assert (alternative.amount_cents, primary.amount_cents) == (12110, 17300)
    reduced = primary.details["amount_windows"][0]
    assert reduced["rule"] == "reduced"
    assert str(alternative.valid_until) == reduced["until"]
    with app.test_request_context():
        data = render_notice_pdf(alternative, "it")  # an alternative code prints its debt's PDF
    scanned = [(c.format, c.text) for c in scan_codes(data, every_format=True)]
    printed = [parse_poste_datamatrix(t) for f, t in scanned if f == "DataMatrix"]
    assert [(p.notice_code, p.amount_cents) for p in printed] == [
        (alternative.code, 12110),
        (primary.code, 17300),
    ]
    assert all(p.postal_account == "000" + POSTAL_ACCOUNT for p in printed)


def test_paying_either_code_closes_the_debt_once(
    app: Flask, session: Session, simulators: Any
) -> None:
    with_postal_account(app)
    primary, alternative = codes_of(session, create_fine_notice(app))
    tc = terminal_client(app, session)
    assert tc.verify(alternative.code).get_json()["amount_cents"] == 12110
    activated = tc.activate(alternative, amount=12110)
    assert activated.status_code == 201, activated.get_json()
    # While the alternative code is held, the debt is held: the primary code waits.
    held = tc.activate(primary, amount=12110)
    assert held.status_code == 409 and held.get_json()["code"] == "PAYMENT_ALREADY_IN_PROGRESS"
    token = activated.get_json()["payment_token"]
    first = tc.close(token, key="close-alt", ref="ALT-1")
    again = tc.close(token, key="close-alt", ref="ALT-1")  # the same retry
    retried = tc.close(token, ref="ALT-1")  # a retry with another key
    assert [r.status_code for r in (first, again, retried)] == [200, 200, 200]
    assert first.get_json()["receipt_id"] == retried.get_json()["receipt_id"]

    refused = tc.verify(primary.code)
    assert refused.status_code == 409 and refused.get_json()["code"] == "NOTICE_ALREADY_PAID"
    refused = tc.verify(alternative.code)
    assert refused.status_code == 409 and refused.get_json()["code"] == "NOTICE_ALREADY_PAID"
    session.expire_all()
    paid = session.scalars(select(Payment).where(Payment.status == "paid")).all()
    assert len(paid) == 1 and paid[0].paid_notice_id == primary.id
    assert paid[0].notice_id == alternative.id and paid[0].amount_cents == 12110
    assert {n.status for n in codes_of(session, primary)} == {"paid"}


def test_paying_the_primary_code_refuses_the_alternative(
    app: Flask, session: Session, simulators: Any
) -> None:
    with_postal_account(app)
    primary, alternative = codes_of(session, create_fine_notice(app))
    tc = terminal_client(app, session)
    activated = tc.activate(primary, amount=12110)  # today's amount, from the fines system
    assert activated.status_code == 201, activated.get_json()
    assert tc.close(activated.get_json()["payment_token"], ref="PRI-1").status_code == 200
    refused = tc.activate(alternative, amount=12110)
    assert refused.status_code == 409 and refused.get_json()["code"] == "NOTICE_ALREADY_PAID"
    session.expire_all()
    assert session.scalars(select(Payment).where(Payment.status == "paid")).all()[0].notice_id == (
        primary.id
    )
    assert len(session.scalars(select(Payment).where(Payment.status == "paid")).all()) == 1


def test_without_a_postal_account_a_fine_has_one_code(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    assert session.scalars(select(Notice).where(Notice.primary_notice_id == notice.id)).all() == []
