"""Outbox delivery of fine payments to the municipal police's fines system."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from flask import Flask
from sqlalchemy import select

from connectors import Invalid, PaymentRecord, Rejected

from ..db import db
from ..models import Event, Transaction
from ..outbox import Handler, PermanentFailure
from ..transactions.operations import SYSTEM, Actor, change_state, record_event
from ..transactions.states import State
from .operations import fines_system

log = logging.getLogger(__name__)
FINES_SYSTEM = Actor(kind="system", id="fines", name="Polizia Locale", channel="system")


def payment_delivery(app: Flask) -> Handler:
    """The delivery of ``fines.register_payment`` messages, bound to this app's connector."""
    return partial(deliver_payment, app)


def deliver_payment(app: Flask, payload: Mapping[str, Any]) -> None:
    """Register the payment (idempotent on the notice code) and note it on the timeline.

    Rejected/Invalid answers cannot get better by retrying: PermanentFailure. Unavailable
    (and anything else) propagates, so the outbox tries again later.
    """
    record = PaymentRecord(
        report_number=str(payload["report_number"]),
        amount=int(payload["amount_cents"]),
        payment_date=date.fromisoformat(str(payload["payment_date"])),
        notice_code=str(payload["notice_code"]),
        payer_fiscal_code=str(payload["payer_cf"]),
    )
    try:
        ack = fines_system(app).register_payment(record)
    except (Rejected, Invalid) as e:
        log.warning("fines system refused payment %s: %s", record.notice_code, e.legacy_code)
        raise PermanentFailure(f"fines system refused the payment ({e.legacy_code})") from e
    with db.fresh_session(app) as session:
        tx = session.get(Transaction, int(payload["transaction_id"]))
        if tx is None:
            return
        already = session.scalar(
            select(Event.id).where(Event.transaction_id == tx.id, Event.kind == "legacy_updated")
        )
        if already is not None:  # a second delivery after a lost acknowledgement
            return
        record_event(
            session,
            tx,
            FINES_SYSTEM,
            "legacy_updated",
            {"receipt_number": ack.receipt_number, "notice_code": ack.notice_code},
        )
        if tx.state == State.PAID:
            change_state(session, tx, State.COMPLETED, SYSTEM, kind="state.completed")
        session.commit()
