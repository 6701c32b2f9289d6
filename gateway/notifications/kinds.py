"""The kinds of message the gateway sends, and the category each belongs to.

A citizen may mute a category of optional messages for e-mail (``reminders`` or ``updates``);
``security`` messages cannot be muted and are always mandatory.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "reminders": _l("Reminders: deadlines of payment notices and appointments"),
    "updates": _l("Updates on your transactions: receipts, things to confirm, appointments"),
    "security": _l("Security: who accessed your data"),
}
MUTABLE_CATEGORIES = ("reminders", "updates")


@dataclass(frozen=True)
class Kind:
    name: str
    category: str

    @property
    def always_mandatory(self) -> bool:
        return self.category == "security"


KINDS = {
    k.name: k
    for k in (
        Kind("receipt_issued", "updates"),
        Kind("prepared_for_confirmation", "updates"),
        Kind("appointment_booked", "updates"),
        Kind("notice_expiring", "reminders"),
        Kind("reduced_amount_ending", "reminders"),
        Kind("appointment_reminder", "reminders"),
        Kind("break_glass_access", "security"),
        Kind("break_glass_unjustified", "security"),
        Kind("cobrowse_invitation", "updates"),
    )
}


def kind_of(name: str) -> Kind:
    """The registered kind ``name``; a ValueError names the known ones (a programming error)."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown message kind {name!r}: one of {', '.join(KINDS)}") from None
