"""Every PDF the gateway issues is stored the same way: its bytes, their hash, its seal."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from ..models import Document, Transaction, utcnow


def store_pdf(
    session: Session,
    pdf: bytes,
    *,
    kind: str,
    filename: str,
    subject_cf: str,
    transaction: Transaction | None = None,
    transaction_id: int | None = None,
    seal: str | None = None,
    issued_at: datetime | None = None,
) -> Document:
    """Add the document (the caller commits) and flush it, so that its id can be linked."""
    document = Document(
        subject_cf=subject_cf,
        kind=kind,
        filename=filename,
        content=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        seal=seal,
        issued_at=issued_at or utcnow(),
    )
    if transaction is not None:
        document.transaction = transaction
    else:
        document.transaction_id = transaction_id
    session.add(document)
    session.flush()
    return document
