"""The notification service: one call writes the inbox message and queues its e-mail.

Public API for every slice::

    from gateway.notifications import AttachmentRef, notify

    notify(
        session,
        citizen_cf="RSSMRA80A01H501U",
        kind="receipt_issued",            # a kind some feature declares
        context={"title": ..., "reference": ..., "amount_cents": 2940},
        link="/area-personale/pratiche/SP-7KQ4-MX2D",   # a path on the portal, or None
        attachments=[AttachmentRef(document_id=doc.id)],
        mandatory=True,
        dedupe_key=f"receipt:{doc.id}",
        transaction_id=tx.id,             # optional: shows the message beside the transaction
    ) -> InboxMessage | None

Call it inside the database transaction of the change that causes the message, before the
caller commits: the inbox message and the outbox entry of its e-mail are stored with the
change or not at all, and the outbox worker sends the e-mail later (retried with backoff while
the mail server is down; the outbox key ``email:<kind>:<dedupe_key>:<citizen_cf>`` is sent
once). Calling again with the same ``(kind, dedupe_key, citizen_cf)`` does nothing and returns
None, so a retried operation never notifies twice; two transactions racing with the same key
meet the unique constraint, and the later one fails with IntegrityError at its flush (jobs
catch it and skip the item).

- ``context`` holds JSON values only (str, int, float, bool, None, lists, dicts); dates and
  times as ISO strings. The keys each kind needs are those its templates use
  (``templates/messages/<lang>/<kind>.txt``); a missing one raises ValueError here, not in the
  worker.
- The e-mail goes to the address in the citizen's preferences (taken from the login identity
  until they set one), in their language. Optional messages (``mandatory=False``) of a category
  the citizen muted, or for a citizen with no address, reach the inbox only; ``security``
  messages are always mandatory. Optional e-mails carry an unsubscribe link.
- Attachments are references to ``Document`` rows of this citizen: the worker reads the stored
  PDF bytes when it sends, so the e-mail carries exactly the sealed document.
- ``link`` must be a path on this site; the e-mail links to ``/area-personale/messaggi/<id>/apri``
  which marks the message read and goes on to ``link`` — after the login if needed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import UndefinedError
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from forms.errors import InvalidValue
from forms.validators import normalize_email

from ..config import Config
from ..db import insert_ignoring_duplicates
from ..models import CitizenContact, Document, InboxMessage, utcnow
from ..outbox import enqueue
from .kinds import MUTABLE_CATEGORIES, kind_of
from .rendering import message_language, render_email_html, render_email_text, render_message

EMAIL_TOPIC = "notify.email"
INBOX: Table = InboxMessage.__table__  # type: ignore[assignment]
_UNSUBSCRIBE_SALT = "sportello.notifications.unsubscribe"


@dataclass(frozen=True)
class AttachmentRef:
    """A stored document to attach; ``filename`` defaults to the document's own."""

    document_id: int
    filename: str | None = None


def _config() -> Config:
    config: Config = current_app.config["SPORTELLO"]
    return config


def contact_of(session: Session, fiscal_code: str) -> CitizenContact | None:
    return session.scalar(select(CitizenContact).where(CitizenContact.fiscal_code == fiscal_code))


def notify(
    session: Session,
    *,
    citizen_cf: str,
    kind: str,
    context: Mapping[str, Any],
    link: str | None,
    attachments: Sequence[AttachmentRef] | None = None,
    mandatory: bool = False,
    dedupe_key: str,
    transaction_id: int | None = None,
) -> InboxMessage | None:
    """Write the inbox message and queue its e-mail in the caller's transaction (see above).

    Returns the new message, or None when this message was already written. Raises
    ValueError for an unknown kind, a context the templates cannot render or that is not
    JSON, a link off this site, or an attachment that is not this citizen's document.
    """
    spec = kind_of(kind)
    mandatory = mandatory or spec.always_mandatory
    row_key = f"{kind}:{dedupe_key}:{citizen_cf}"
    if len(row_key) > 120:
        raise ValueError(f"dedupe key too long: {row_key!r}")
    if link is not None and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"link must be a path on this site, not {link!r}")
    try:
        values: dict[str, Any] = json.loads(json.dumps(dict(context)))
    except (TypeError, ValueError) as e:
        raise ValueError(f"context of {kind} is not JSON: {e}") from e
    contact = contact_of(session, citizen_cf)
    lang = message_language(contact.language if contact else None)
    try:
        rendered = render_message(kind, values, lang)
    except UndefinedError as e:
        raise ValueError(f"context of {kind} lacks a value: {e}") from e
    refs = [_attachment(session, ref, citizen_cf) for ref in attachments or ()]
    skipped = _email_skipped(contact, spec.category, mandatory)
    row = {
        "citizen_cf": citizen_cf,
        "kind": kind,
        "category": spec.category,
        "mandatory": mandatory,
        "context": values,
        "link": link,
        "attachments": refs,
        "transaction_id": transaction_id,
        "dedupe_key": row_key,
        # Known before the insert, so the row is written once (no update after it).
        "email_skipped": skipped,
        "email_key": None if skipped else f"email:{row_key}",
        "created_at": utcnow(),
        "read_at": None,
        "version": 1,
    }
    # One statement: a message already written for this key (committed, or by a rival
    # transaction, which this one waits for) is skipped, with no read before the insert.
    new_id = session.execute(
        insert_ignoring_duplicates(session, INBOX, ("dedupe_key",))
        .values(**row)
        .returning(INBOX.c.id)
    ).scalar()
    if new_id is None:
        return None
    message = InboxMessage(id=new_id, **row)  # detached: a record of the row written
    if skipped:
        return message
    assert contact is not None and contact.email
    config = _config()
    base = config.base_url.rstrip("/")
    open_url = f"{base}/area-personale/messaggi/{message.id}/apri" if link else None
    unsubscribe = None if mandatory else f"{base}{unsubscribe_path(contact, spec.category)}"
    assert message.email_key is not None
    enqueue(
        session,
        topic=EMAIL_TOPIC,
        key=message.email_key,
        transaction_id=transaction_id,
        payload={
            "to": contact.email,
            "citizen_cf": citizen_cf,
            "kind": kind,
            "lang": lang,
            "subject": rendered.subject,
            "text": render_email_text(rendered, lang=lang, link=open_url, unsubscribe=unsubscribe),
            "html": render_email_html(rendered, lang=lang, link=open_url, unsubscribe=unsubscribe),
            "attachments": refs,
            "unsubscribe": unsubscribe,
            "message_id": _message_id(message.email_key, config.base_url),
        },
    )
    return message


def _email_skipped(contact: CitizenContact | None, category: str, mandatory: bool) -> str | None:
    if contact is None or not contact.email:
        return "no_address"
    if not mandatory and category in (contact.muted or []):
        return "muted"
    return None


def _attachment(session: Session, ref: AttachmentRef, citizen_cf: str) -> dict[str, Any]:
    doc = session.get(Document, ref.document_id)
    if doc is None or doc.subject_cf != citizen_cf:
        raise ValueError(f"document {ref.document_id} is not a document of this citizen")
    return {
        "document_id": doc.id,
        "filename": ref.filename or doc.filename,
        "content_type": doc.content_type,
        "sha256": doc.sha256,
    }


def _message_id(key: str, base_url: str) -> str:
    # The same outbox message always has the same Message-ID: a resend after a lost
    # acknowledgement can be recognised by the receiving mail system.
    host = urlsplit(base_url).hostname or "sportello.localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{host}>"


# --- contacts and preferences -------------------------------------------------------------


def remember_login_contact(
    session: Session, fiscal_code: str, email: str | None, language: str | None
) -> CitizenContact:
    """Keep the address the identity provider gave at login, unless the citizen set one.

    The caller commits; two first requests racing may both insert: the loser's IntegrityError
    is the caller's to ignore.
    """
    contact = contact_of(session, fiscal_code)
    if contact is None:
        contact = CitizenContact(
            fiscal_code=fiscal_code,
            email=clean_email(email) if email else None,
            email_source="login",
            language=message_language(language),
            muted=[],
        )
        session.add(contact)
    elif contact.email_source == "login" and email and clean_email(email) != contact.email:
        contact.email = clean_email(email)
    return contact


def clean_email(value: str) -> str:
    """The address as ``forms.validators.normalize_email`` keeps it; ValueError otherwise."""
    try:
        return normalize_email(value)
    except InvalidValue as e:
        raise ValueError(e.code) from e


def update_preferences(
    session: Session,
    fiscal_code: str,
    *,
    email: str | None,
    language: str,
    muted: Sequence[str],
) -> CitizenContact:
    """Store what the citizen chose. ValueError for a bad address (caller shows it)."""
    contact = contact_of(session, fiscal_code)
    if contact is None:
        contact = CitizenContact(fiscal_code=fiscal_code, muted=[])
        session.add(contact)
    contact.email = clean_email(email) if email else None
    contact.email_source = "citizen"
    contact.language = message_language(language)
    contact.muted = sorted({m for m in muted if m in MUTABLE_CATEGORIES})
    return contact


# --- unsubscribe links ----------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_path(contact: CitizenContact, category: str) -> str:
    """The path of the one-click unsubscribe page; the token names no person, only a row id."""
    token = _serializer().dumps([contact.id, category])
    return f"/messaggi/disiscrizione/{token}"


def read_unsubscribe_token(session: Session, token: str) -> tuple[CitizenContact, str] | None:
    """The contact and category a token was made for, or None if it is forged or stale."""
    try:
        contact_id, category = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    contact = session.get(CitizenContact, contact_id) if isinstance(contact_id, int) else None
    if contact is None or category not in MUTABLE_CATEGORIES:
        return None
    return contact, category


def unsubscribe(session: Session, contact: CitizenContact, category: str) -> None:
    if category not in (contact.muted or []):
        contact.muted = sorted({*(contact.muted or []), category})


__all__ = [
    "EMAIL_TOPIC",
    "AttachmentRef",
    "clean_email",
    "contact_of",
    "notify",
    "read_unsubscribe_token",
    "remember_login_contact",
    "unsubscribe",
    "unsubscribe_path",
    "update_preferences",
]
