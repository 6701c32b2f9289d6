"""Demo data of forms and the desk: a draft with a known resume code, a past delegation.

The demo draft (Mario Rossi's request for Marco's enrolment certificate) opens with the code
``DEMO_RESUME_CODE`` online (logged in as Mario), at the desk, or at a counter terminal.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms.resume import check_char, format_code

from ..models import Delegation, Draft, utcnow
from ..transactions.operations import Actor, open_transaction, record_event
from .resume import code_hash

log = logging.getLogger(__name__)

MARIO = "RSSMRA80A01H501U"
ANNA = "SPSNNA75S70L219W"
_PAYLOAD = "7KQM4X9R"
DEMO_RESUME_CODE = _PAYLOAD + check_char(_PAYLOAD)
SERVICE = "certificato_scolastico"


def seed_forms(session: Session) -> None:
    """Add the demo draft and delegation unless they exist (idempotent)."""
    if session.scalar(select(Draft.id).where(Draft.subject_cf == MARIO).limit(1)) is not None:
        return
    now = utcnow()
    mario = Actor(kind="citizen", id=MARIO, name="Mario Rossi", channel="web")
    tx = open_transaction(
        session,
        service=SERVICE,
        title="Certificato di iscrizione o di frequenza scolastica — Marco Rossi",
        subject_cf=MARIO,
        actor=mario,
        data={"form_version": 1},
        at=now - timedelta(hours=20),
    )
    secret = current_app.config["SPORTELLO"].secret_key if has_app_context() else None
    session.add(
        Draft(
            transaction=tx,
            service=SERVICE,
            subject_cf=MARIO,
            code_hash=code_hash(secret, DEMO_RESUME_CODE) if secret else None,
            data={
                "answers": {"alunno": "RSSMRC15D22H501V", "tipo_certificato": "iscrizione"},
                "labels": {"alunno": 'Marco Rossi — 5A, Scuola primaria "Gianni Rodari"'},
            },
            expires_at=now + timedelta(days=30),
        )
    )
    record_event(session, tx, mario, "draft_saved", {"answered": 2}, at=now - timedelta(hours=20))
    yesterday = now - timedelta(days=1)
    session.add(
        Delegation(
            clerk_cf=ANNA,
            clerk_name="Anna Esposito",
            citizen_cf=MARIO,
            citizen_name="Mario Rossi",
            evidence_type="identity_document",
            document_type="carta_identita",
            evidence_number="CA0000000",
            scope=[SERVICE, "multa_rateizzazione_ricorso"],
            created_at=yesterday - timedelta(hours=2),
            expires_at=yesterday,
        )
    )
    if secret:
        log.info("demo draft resume code: %s", format_code(DEMO_RESUME_CODE))
