"""The outbox handler of ``notify.email``: builds the e-mail and sends it through SMTP.

Attachments are read from the stored documents at delivery time and checked against the
hash taken when the message was queued, so the e-mail carries exactly the issued PDF.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from flask import Flask

from ..db import db
from ..models import Document
from ..outbox import Handler, PermanentFailure
from .mail import Attachment, MailRefused, SmtpSettings, build_email, send_email


def email_sender(app: Flask) -> Handler:
    """The e-mail sender of ``app`` for the outbox (settings read now, once)."""
    settings = SmtpSettings.from_config(app.config["SPORTELLO"])

    def deliver(payload: Mapping[str, Any]) -> None:
        attachments = _attachments(app, payload.get("attachments") or [])
        message = build_email(
            settings,
            to=payload["to"],
            subject=payload["subject"],
            text=payload["text"],
            html=payload["html"],
            lang=payload.get("lang", "it"),
            message_id=payload["message_id"],
            attachments=attachments,
            unsubscribe=payload.get("unsubscribe"),
        )
        try:
            send_email(settings, message)
        except MailRefused as e:
            raise PermanentFailure(str(e)) from e

    return deliver


def _attachments(app: Flask, refs: list[dict[str, Any]]) -> list[Attachment]:
    found = []
    with db.fresh_session(app) as session:
        for ref in refs:
            doc = session.get(Document, ref["document_id"])
            if doc is None or hashlib.sha256(doc.content).hexdigest() != ref["sha256"]:
                raise PermanentFailure(f"document {ref['document_id']} is missing or changed")
            found.append(Attachment(ref["filename"], ref["content_type"], doc.content))
    return found
