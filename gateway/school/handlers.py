"""The school certificate request once submitted: stamp duty, then the certificate.

With an exemption nothing is owed and the certificate is requested at once. Otherwise a
payment notice for the stamp duty (imposta di bollo) is issued through the payments feature,
payable online or at a counter; when it is paid, ``stamp_duty_paid`` queues the certificate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from forms import FormDefinition

from ..forms_web.filler import Filler
from ..i18n import in_every_language, written
from ..models import Payment, Transaction
from ..payments.notices import DESCRIPTIONS
from ..payments.operations import issue_notice, today_local
from ..transactions.operations import Actor
from .certificates import queue_certificate

NOTICE_DAYS = 30


def certificate_request(
    session: Session,
    *,
    definition: FormDefinition,
    transaction: Transaction,
    cleaned: Mapping[str, Any],
    filler: Filler,
) -> None:
    """Submit handler of ``certificato_scolastico`` (see the module docstring)."""
    fee = definition.fee_due_cents(cleaned)
    if fee == 0:
        queue_certificate(session, transaction)
        return
    labels = dict((transaction.data or {}).get("labels") or {})
    kind = definition.field("tipo_certificato")
    kind_label = next(c.label for c in kind.choices if c.value == cleaned["tipo_certificato"])
    student = labels.get("alunno", str(cleaned["alunno"])).split(" — ")[0]
    today = today_local()
    description, descriptions = written(
        lambda words: words.gettext(
            "Stamp duty — %(certificate)s — %(student)s",
            certificate=words.gettext(kind_label),
            student=student,
        )[:300]
    )
    issue_notice(
        session,
        transaction=transaction,
        amount_cents=fee,
        description=description,
        payer_cf=transaction.subject_cf,
        payer_name=filler.subject_name,
        due_date=today + timedelta(days=NOTICE_DAYS),
        details={
            "lines": in_every_language(
                lambda words: [
                    [words.gettext("Certificate"), words.gettext(kind_label)],
                    [words.gettext("Student"), student],
                ]
            ),
            "unit": "Anagrafe scolastica regionale",
            "_student_cf": str(cleaned["alunno"]),
            DESCRIPTIONS: descriptions,
        },
        actor=filler.actor,
    )


def stamp_duty_paid(
    session: Session, transaction: Transaction, payment: Payment, actor: Actor
) -> None:
    """Paid hook: remember the payment for the certificate and queue the registry request."""
    transaction.data = {
        **(transaction.data or {}),
        "stamp_duty": {"amount_cents": payment.amount_cents, "reference": payment.notice.code},
    }
    queue_certificate(session, transaction)
