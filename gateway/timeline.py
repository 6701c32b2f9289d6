"""How timeline events read to a person: what happened, on which channel, by whom."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .formatting import format_datetime
from .models import Event

CHANNELS = {
    "web": _l("online"),
    "counter": _l("at a partner counter"),
    "desk": _l("at the municipal desk"),
    "phone": _l("by phone"),
    "api": _l("through the API"),
    "system": _l("automatically"),
}

# What happens to any transaction; each feature adds its own (``Feature.timeline_kinds``).
CORE_KINDS = {
    "created": _l("Transaction started"),
    "submitted": _l("Request submitted"),
    "notice_issued": _l("Payment notice issued"),
    "notice_printed": _l("Payment notice printed"),
    "paid_at_counter": _l("Paid at a counter"),
    "paid_online": _l("Paid online"),
    "receipt_issued": _l("Receipt issued"),
    "legacy_updated": _l("Municipal records updated"),
    "prepared_for_confirmation": _l("Prepared for your confirmation"),
    "confirmed": _l("Confirmed by the citizen"),
    "cancelled": _l("Cancelled"),
    "draft_saved": _l("Draft saved"),
    "draft_reopened": _l("Draft reopened for changes"),
    "draft_resumed": _l("Draft resumed with its code"),
    "draft_sheet_printed": _l("Draft sheet printed"),
    "document_printed": _l("Document printed"),
}

ROLES = {
    "citizen": _l("citizen"),
    "clerk": _l("municipal clerk"),
    "terminal": _l("counter terminal"),
    "clinician": _l("clinician"),
    "privacy_officer": _l("privacy officer"),
    "system": _l("system"),
}


@dataclass(frozen=True)
class TimelineEntry:
    when: str
    what: str
    channel: str
    who: str
    on_behalf_of: str | None
    kind: str


def kind_label(kind: str) -> str:
    """What an event of ``kind`` means, in the user's language (the kind itself if unknown)."""
    from .features import registry

    label = CORE_KINDS.get(kind) or registry().timeline_kinds.get(kind)
    return str(label) if label is not None else kind


def describe(event: Event) -> TimelineEntry:
    known = kind_label(event.kind)
    what: object = known if known != event.kind else None
    if what is None and event.kind.startswith("state."):
        what = _l("Status changed")
    name = event.actor_name or event.actor_id
    return TimelineEntry(
        when=format_datetime(event.at, "medium"),
        what=str(what or event.kind),
        channel=str(CHANNELS.get(event.channel, event.channel)),
        who=f"{name} ({ROLES.get(event.actor_kind, event.actor_kind)})",
        on_behalf_of=event.on_behalf_of,
        kind=event.kind,
    )


STATES = {
    "draft": _l("Draft"),
    "awaiting_confirmation": _l("Awaiting your confirmation"),
    "submitted": _l("Submitted"),
    "awaiting_payment": _l("Awaiting payment"),
    "paid": _l("Paid"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "expired": _l("Expired"),
    "failed": _l("Failed"),
}


def state_label(state: str) -> str:
    return str(STATES.get(state, state))
