"""How timeline events read to a person: what happened, on which channel, by whom."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from .models import Event

CHANNELS = {
    "web": _l("online"),
    "counter": _l("at a partner counter"),
    "desk": _l("at the municipal desk"),
    "phone": _l("by phone"),
    "api": _l("through the API"),
    "system": _l("automatically"),
}

KINDS = {
    "created": _l("Transaction started"),
    "submitted": _l("Request submitted"),
    "notice_issued": _l("Payment notice issued"),
    "notice_printed": _l("Payment notice printed"),
    "paid_at_counter": _l("Paid at a counter"),
    "paid_online": _l("Paid online"),
    "receipt_issued": _l("Receipt issued"),
    "legacy_updated": _l("Municipal records updated"),
    "certificate_issued": _l("Certificate issued"),
    "prepared_for_confirmation": _l("Prepared for your confirmation"),
    "confirmed": _l("Confirmed by the citizen"),
    "cancelled": _l("Cancelled"),
    "draft_saved": _l("Draft saved"),
    "draft_reopened": _l("Draft reopened for changes"),
    "draft_resumed": _l("Draft resumed with its code"),
    "draft_sheet_printed": _l("Draft sheet printed"),
    "certificate_delayed": _l("School registry not answering: the certificate will follow"),
    "certificate_refused": _l("The school registry refused the certificate"),
    "document_printed": _l("Document printed"),
    "health_consent_given": _l("Consent to consult your health record given"),
    "health_consent_withdrawn": _l("Consent to consult your health record withdrawn"),
    "health_document_obscured": _l("Health document hidden from clinicians"),
    "health_document_unobscured": _l("Health document shown again to clinicians"),
    "health_break_glass": _l("Emergency access to your health record by a clinician"),
    "health_break_glass_reviewed": _l("Emergency access reviewed by the privacy officer"),
    "health_clinician_named": _l("Clinician allowed to consult the health record"),
    "health_clinician_unnamed": _l("Clinician no longer allowed to consult the health record"),
    "help_appointment_booked": _l("Appointment booked"),
    "help_appointment_moved": _l("Appointment moved"),
    "help_cancelled": _l("Request for help cancelled"),
    "help_callback_requested": _l("Call-back requested"),
    "help_requested": _l("Help requested from the municipal staff"),
    "help_taken": _l("A clerk is handling your request"),
    "help_rescheduled": _l("Rescheduled by the clerk"),
    "help_closed": _l("Request for help closed"),
    "cobrowse_started": _l("Live help session started"),
    "cobrowse_proposed": _l("The clerk proposed an answer"),
    "cobrowse_accepted": _l("The citizen accepted the clerk's proposal"),
    "cobrowse_rejected": _l("The citizen rejected the clerk's proposal"),
    "cobrowse_ended": _l("Live help session ended"),
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


def describe(event: Event) -> TimelineEntry:
    what = KINDS.get(event.kind)
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
