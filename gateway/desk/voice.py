"""The clerk's words: what the citizen's pages say to "you", the clerk's pages say of the citizen.

The states and timeline events of a request are worded for the citizen who owns it
("Awaiting your confirmation"); a clerk reading that at the desk or in live help would take
it for their own task. The clerk's blueprints put these labels in their templates' context
in place of the citizen's (``install``).
"""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from ..models import Event
from ..timeline import TimelineEntry, describe, state_label

CLERK_STATES = {
    "awaiting_confirmation": _l("Awaiting the citizen's confirmation"),
}
CLERK_KINDS = {
    "prepared_for_confirmation": _l("Prepared for the citizen's confirmation"),
}


def clerk_state_label(state: str) -> str:
    """A request's state as the clerk reads it."""
    label = CLERK_STATES.get(state)
    return str(label) if label is not None else state_label(state)


def clerk_describe(event: Event) -> TimelineEntry:
    """A timeline event as the clerk reads it."""
    entry = describe(event)
    label = CLERK_KINDS.get(event.kind)
    return replace(entry, what=str(label)) if label is not None else entry


def install(bp: Blueprint) -> None:
    """The clerk's labels in every template the blueprint's views render."""

    @bp.context_processor
    def clerk_words() -> dict[str, object]:
        return {"state_label": clerk_state_label}
