"""What the notifications slice shows in the citizen's personal area: the inbox, newest
first, and the number of messages not read yet (the badge of the Messaggi tab)."""

from __future__ import annotations

from flask import url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..features import AreaItem, AreaSection, Link
from ..formatting import format_datetime
from ..models import InboxMessage
from .inbox import list_messages, show


def messages(session: Session, fiscal_code: str) -> list[AreaItem]:
    lang = str(get_locale() or "it")
    items = []
    for message in list_messages(session, fiscal_code):
        text = show(message, lang).text
        details = [(_("Received"), format_datetime(message.created_at, "short"))]
        if text.paragraphs:
            details.append((_("Message"), text.paragraphs[0]))
        items.append(
            AreaItem(
                title=text.subject,
                status="message.unread" if message.read_at is None else None,
                url=url_for("notifications.message", message_id=message.id),
                details=tuple(details),
                kind=message.kind,
            )
        )
    return items


def unread(session: Session, fiscal_code: str) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(InboxMessage)
            .where(InboxMessage.citizen_cf == fiscal_code, InboxMessage.read_at.is_(None))
        )
        or 0
    )


INBOX = AreaSection(
    tab="posta",
    name="inbox",
    heading=_l("Your messages"),
    empty=_l("You have no messages."),
    items=messages,
    count=unread,
    link=Link(_l("Choose how we write to you"), "notifications.preferences"),
)
