"""Status badges: the one place that says how each state reads and which colour it wears.

A badge always carries its words; the colour only repeats what the words say, one colour per
meaning (``TONES``), so that no state is told by colour alone. The personal area, the timeline
and any page that shows a state use the macro ``status_badge`` (``macros/status.html``) with a
key of ``STATUSES``: ``<thing>.<state>``, as the features' area sections give them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

# Marked as pgettext(context, message), the call the catalogue's extractor knows, so that each
# label is extracted with its context (Italian agrees "pagata" with a pratica, "pagato" with an
# avviso); the value is lazy and is translated when a page shows it.
from flask_babel import lazy_pgettext as pgettext

log = logging.getLogger(__name__)

# What a colour means, and Bootstrap Italia's background class that draws it.
TONES = {
    "to_do": "bg-warning",  # the citizen has to act: confirm, pay
    "in_progress": "bg-primary",  # with the municipality, or booked
    "done": "bg-success",
    "problem": "bg-danger",
    "closed": "bg-secondary",  # over without an outcome: cancelled, expired, replaced
    "draft": "bg-dark",  # not sent yet
}


@dataclass(frozen=True)
class Status:
    label: Any  # a lazy string
    tone: str  # a key of TONES

    @property
    def css(self) -> str:
        return TONES[self.tone]


STATUSES: dict[str, Status] = {
    # A transaction (pratica), gateway/transactions/states.py.
    "transaction.draft": Status(pgettext("transaction status", "Draft"), "draft"),
    "transaction.awaiting_confirmation": Status(
        pgettext("transaction status", "To confirm"), "to_do"
    ),
    "transaction.submitted": Status(pgettext("transaction status", "Submitted"), "in_progress"),
    "transaction.awaiting_payment": Status(pgettext("transaction status", "To pay"), "to_do"),
    "transaction.paid": Status(pgettext("transaction status", "Paid"), "done"),
    "transaction.completed": Status(pgettext("transaction status", "Completed"), "done"),
    "transaction.cancelled": Status(pgettext("transaction status", "Cancelled"), "closed"),
    "transaction.expired": Status(pgettext("transaction status", "Expired"), "closed"),
    "transaction.failed": Status(pgettext("transaction status", "Failed"), "problem"),
    # A payment notice (avviso), gateway/payments/notices.py effective_status.
    "notice.issued": Status(pgettext("notice status", "To pay"), "to_do"),
    "notice.paid": Status(pgettext("notice status", "Paid"), "done"),
    "notice.revoked": Status(pgettext("notice status", "Replaced or withdrawn"), "closed"),
    "notice.expired": Status(pgettext("notice status", "Expired"), "closed"),
    # An appointment or a call-back (gateway/help).
    "help.booked": Status(pgettext("appointment status", "Booked"), "in_progress"),
    "help.waiting_call": Status(
        pgettext("appointment status", "Waiting for the call"), "in_progress"
    ),
    "help.taken": Status(pgettext("appointment status", "Being handled"), "in_progress"),
    "help.done": Status(pgettext("appointment status", "Done"), "done"),
    "help.no_answer": Status(pgettext("appointment status", "No answer"), "problem"),
    "help.cancelled": Status(pgettext("appointment status", "Cancelled"), "closed"),
    # A message of the inbox (gateway/notifications).
    "message.unread": Status(pgettext("message status", "Unread"), "to_do"),
}


def status_of(key: str | None) -> Status | None:
    """The badge of ``key``; None (no badge, and a line in the log) for a key not listed."""
    if key is None:
        return None
    found = STATUSES.get(key)
    if found is None:
        log.error("no status badge for %r: add it to gateway/citizen/status.py", key)
    return found


def transaction_status(state: str) -> str:
    """The badge key of a transaction in ``state``."""
    return f"transaction.{state}"
