"""Help from anywhere: appointments, call-backs and the clerks' queue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..features import Feature, Link, Mount, Service
from ..notifications.kinds import Kind
from .area import AREA_SECTIONS
from .views import citizen, clerks, public

FEATURE = Feature(
    name="help",
    mounts=(
        Mount(public, "public"),
        Mount(citizen, "citizen", "/area-personale/aiuto"),
        Mount(clerks, "clerk", "/sportello/coda"),
    ),
    timeline_kinds={
        "help_appointment_booked": _l("Appointment booked"),
        "help_appointment_moved": _l("Appointment moved"),
        "help_cancelled": _l("Request for help cancelled"),
        "help_callback_requested": _l("Call-back requested"),
        "help_requested": _l("Help requested from the municipal staff"),
        "help_taken": _l("A clerk is handling your request"),
        "help_rescheduled": _l("Rescheduled by the clerk"),
        "help_closed": _l("Request for help closed"),
    },
    notification_kinds=(
        Kind("appointment_booked", "updates"),
        Kind("appointment_reminder", "reminders"),
    ),
    services=(
        Service(
            slug="assistenza",
            label=_l("Help"),
            description=_l("Book an appointment at the desk or ask to be called back."),
            access=Link(_l("Need help?"), "help.home"),
            topic=_l("Help and appointments"),
            audience=_l("Anyone: no login is needed to ask to be called back."),
            how=(
                _l("Open the help page."),
                _l(
                    "Ask to be called back, book an appointment at a municipal office, or share"
                    " your screen with a clerk while you fill in a request."
                ),
                _l("You find the appointment and its reminders in your area and your messages."),
            ),
            needs=(
                _l("A phone number to be called back."),
                _l("SPID or CIE to book an appointment or share a request."),
            ),
            times=_l("A clerk calls you back from the help queue; appointments are on weekdays."),
            cost=_l("Free of charge."),
        ),
    ),
    area_sections=AREA_SECTIONS,
)
