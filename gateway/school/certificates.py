"""Issuing a school certificate: the registry's record, the sealed PDF, the completed request.

Asking the registry is a write that gives a new certificate number each time, so it is never
retried blindly and never made while a database transaction is open. The request is queued in
the outbox together with the state change that makes it due (submitted with an exemption, or
stamp duty paid); right after that commit one attempt is made at once, so the citizen usually
gets the certificate in the same page load. If the registry does not answer, the request stays
as it is (paid) and the outbox worker tries again later. A request already completed is never
issued twice.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from connectors import NotFound, Rejected
from printing import CertificateData, CertificateKind, StampDuty, render_certificate

from ..db import db
from ..i18n import default_language
from ..models import OutboxMessage, Transaction, utcnow
from ..outbox import Handler, PermanentFailure, enqueue, next_delay
from ..seals import seal_keys
from ..transactions.documents import store_pdf
from ..transactions.operations import SYSTEM, change_state, record_event
from ..transactions.states import State
from .registry import school_registry

log = logging.getLogger(__name__)

TOPIC = "school.issue_certificate"
SERVICE = "certificato_scolastico"
KINDS: dict[str, CertificateKind] = {
    "iscrizione": CertificateKind.ENROLMENT,
    "frequenza": CertificateKind.ATTENDANCE,
}
DUE_STATES = (State.SUBMITTED.value, State.PAID.value)
LEASE = timedelta(seconds=60)


def queue_certificate(session: Session, transaction: Transaction) -> None:
    """Queue the registry request with the caller's change; try it once after the commit."""
    session.flush()
    key = f"school-certificate:{transaction.reference}"
    enqueue(
        session,
        topic=TOPIC,
        key=key,
        payload={"reference": transaction.reference},
        transaction_id=transaction.id,
    )
    if has_app_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        event.listen(session, "after_commit", partial(_after_commit, app, key), once=True)


def _after_commit(app: Flask, key: str, _session: Session) -> None:
    try:
        deliver_now(app, key)
    except Exception:  # the worker will deliver it; this page must not fail for it
        log.exception("immediate certificate delivery failed for %s", key)


def deliver_now(app: Flask, key: str) -> str | None:
    """Claim the outbox message ``key`` if it is due and deliver it now; the outcome or None."""
    from ..wiring import outbox_handlers

    handler = outbox_handlers(app).by_topic[TOPIC]
    factory = db.session_factory(app)
    with factory() as session:
        now = utcnow()
        msg = session.scalar(
            select(OutboxMessage)
            .where(
                OutboxMessage.key == key,
                OutboxMessage.status == "pending",
                or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now),
            )
            .with_for_update()
        )
        if msg is None:
            return None
        msg.locked_until = now + LEASE
        session.commit()
        outcome, error = "delivered", None
        try:
            handler(msg.payload)
        except PermanentFailure as e:
            outcome, error = "failed", str(e)
        except Exception as e:  # worth another try by the worker
            outcome, error = "retry", f"{type(e).__name__}: {e}"
        msg.attempts += 1
        msg.locked_until = None
        msg.last_error = error
        if outcome == "delivered":
            msg.status, msg.delivered_at = "delivered", utcnow()
        elif outcome == "failed":
            msg.status = "failed"
        else:
            msg.next_attempt_at = utcnow() + timedelta(seconds=next_delay(msg.attempts))
            tx = session.get(Transaction, msg.transaction_id) if msg.transaction_id else None
            if tx is not None and msg.attempts == 1:
                record_event(session, tx, SYSTEM, "certificate_delayed", {"retry": True})
        session.commit()
        return outcome


def purpose_text(answers: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """What the certificate is for, as the form's label (or the citizen's words)."""
    if answers.get("uso") == "altro" and answers.get("uso_altro"):
        return str(answers["uso_altro"])
    return labels.get("uso", str(answers.get("uso", "")))


def _choice_label(app: Flask, field: str, value: str) -> str:
    """A choice's label in the installation's default language: the language the certificate
    is printed in and the registry is written to."""
    from ..forms_web.catalogue import form_registry

    definition = form_registry(app).get(SERVICE)
    for choice in definition.field(field).choices:
        if choice.value == value:
            return default_language(app).gettext(choice.label)
    return value


def _stamp_duty(app: Flask, tx: Transaction, answers: Mapping[str, Any]) -> StampDuty:
    if answers.get("esenzione_bollo") is True:
        reason = _choice_label(app, "motivo_esenzione", str(answers.get("motivo_esenzione", "")))
        return StampDuty.exempt(f"DPR 642/1972 — {reason}")
    paid = dict(tx.data.get("stamp_duty") or {})
    return StampDuty.paid(int(paid.get("amount_cents", 0)), str(paid.get("reference", "")))


def deliver_certificate(app: Flask, payload: Mapping[str, Any]) -> None:
    """Outbox handler: ask the registry, seal the PDF, complete the request (idempotent)."""
    reference = str(payload["reference"])
    factory = db.session_factory(app)
    with factory() as session:
        tx = session.scalar(select(Transaction).where(Transaction.reference == reference))
        if tx is None:
            raise PermanentFailure(f"no transaction {reference}")
        if tx.state not in DUE_STATES:
            return  # completed (or cancelled) already: never a second certificate
        answers = dict(tx.data.get("form") or {})
        stamp = _stamp_duty(app, tx, answers)
    kind = KINDS[str(answers["tipo_certificato"])]
    purpose = purpose_text(answers, {"uso": _choice_label(app, "uso", str(answers["uso"]))})
    try:
        record = school_registry(app).issue_certificate(
            str(answers["alunno"]),
            kind.value,
            purpose,
        )
    except (NotFound, Rejected) as e:
        _refused(app, reference, type(e).__name__)
        raise PermanentFailure(f"registry refused the certificate: {type(e).__name__}") from e
    student, school = record.student, record.student.school
    words = default_language(app)
    data = CertificateData(
        certificate_number=record.certificate_number,
        kind=kind,
        school_name=school.name,
        school_code=school.code,
        school_address=f"{school.address}, {school.municipality}",
        student_name=f"{student.given_name} {student.family_name}",
        student_fiscal_code=student.fiscal_code,
        student_birth_date=student.birth_date,
        student_birth_place=student.birth_place,
        class_name=student.class_name,
        school_year=student.school_year,
        purpose=purpose,
        stamp_duty=stamp,
        issued_at=utcnow(),
        place=school.municipality,
        signatory=words.gettext("The head teacher"),
    )
    pdf, seal = render_certificate(data, seal_keys(app).signer, words)
    with factory() as session:
        tx = session.scalar(
            select(Transaction).where(Transaction.reference == reference).with_for_update()
        )
        if tx is None or tx.state not in DUE_STATES:
            return
        doc = store_pdf(
            session,
            pdf,
            transaction=tx,
            subject_cf=tx.subject_cf,
            kind="school_certificate",
            filename=f"certificato-{record.certificate_number.replace('/', '-')}.pdf",
            seal=seal,
        )
        tx.data = {
            **tx.data,
            "certificate": {"number": record.certificate_number, "document_id": doc.id},
        }
        change_state(
            session,
            tx,
            State.COMPLETED,
            SYSTEM,
            kind="certificate_issued",
            data={"certificate_number": record.certificate_number, "document_id": doc.id},
        )
        session.commit()


def _refused(app: Flask, reference: str, reason: str) -> None:
    with db.session_factory(app)() as session:
        tx = session.scalar(
            select(Transaction).where(Transaction.reference == reference).with_for_update()
        )
        if tx is not None and tx.state in DUE_STATES:
            change_state(
                session, tx, State.FAILED, SYSTEM, kind="certificate_refused",
                data={"reason": reason},
            )  # fmt: skip
            session.commit()


def certificate_delivery(app: Flask) -> Handler:
    """The delivery of ``school.issue_certificate`` messages, bound to this app's connector."""
    return partial(deliver_certificate, app)
