"""What the school slice shows in the citizen's personal area: the certificates issued to
them, newest first, each to download."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..features import Action, AreaItem, AreaSection
from ..formatting import format_datetime
from ..i18n import shown_title
from ..models import Document, Transaction

KIND = "school_certificate"


def certificates(session: Session, fiscal_code: str) -> list[AreaItem]:
    found = session.execute(
        select(Document, Transaction)
        .join(Transaction, Document.transaction_id == Transaction.id)
        .where(Document.subject_cf == fiscal_code, Document.kind == KIND)
        .order_by(Document.issued_at.desc(), Document.id.desc())
        .limit(50)
    ).all()
    return [
        AreaItem(
            title=shown_title(tx),
            url=url_for("citizen.timeline", reference=tx.reference),
            code=tx.reference,
            details=((_("Issued on"), format_datetime(doc.issued_at, "short")),),
            downloads=(
                Action(
                    _("Certificate (PDF)"),
                    url_for("forms_web.document", reference=tx.reference, document_id=doc.id),
                ),
            ),
            kind=KIND,
        )
        for doc, tx in found
    ]


CERTIFICATES = AreaSection(
    tab="documenti",
    name="certificates",
    heading=_l("Certificates"),
    empty=_l("No certificate has been issued to you yet."),
    items=certificates,
)
