"""The kinds of message the gateway sends, and the category each belongs to.

Each feature declares the kinds it sends (``Feature.notification_kinds``), each with its
template ``messages/<kind>.txt`` (its words in ``{% trans %}``, translated in the catalogues).

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


def kind_of(name: str) -> Kind:
    """The kind ``name`` a feature declared; a ValueError names the known ones (a bug)."""
    from ..features import registry

    kinds = registry().notification_kinds
    try:
        return kinds[name]
    except KeyError:
        raise ValueError(f"unknown message kind {name!r}: one of {', '.join(kinds)}") from None
