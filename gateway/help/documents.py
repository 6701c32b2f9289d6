"""The booking sheet (PDF) and calendar file (ICS) of an appointment."""

from __future__ import annotations

from urllib.parse import urlsplit

from printing.booking import BookingSheet, render_booking

from .. import clock
from ..ente import Ente
from ..i18n import language
from ..models import HelpRequest
from .ics import CalendarEvent, Organizer, calendar
from .operations import display_code


def _manage_url(base_url: str, request: HelpRequest) -> str:
    return f"{base_url.rstrip('/')}/area-personale/aiuto/{request.code}"


def booking_pdf(request: HelpRequest, *, ente: Ente, base_url: str, lang: str) -> bytes:
    assert request.office and request.starts_at and request.ends_at
    return render_booking(
        BookingSheet(
            code=request.code,
            display_code=display_code(request.code),
            office_name=request.office.name,
            office_address=request.office.address,
            desk_name=request.desk.name if request.desk else "",
            starts_at=clock.local(request.starts_at),
            ends_at=clock.local(request.ends_at),
            citizen_name=request.citizen_name,
            topic=request.topic,
            manage_url=_manage_url(base_url, request),
            issuer=ente.shown_name(lang),
        ),
        language(lang),
    )


def booking_ics(request: HelpRequest, *, ente: Ente, base_url: str, lang: str) -> bytes:
    assert request.office and request.starts_at and request.ends_at
    host = urlsplit(base_url).hostname or "sportello.localhost"
    code = display_code(request.code)
    words = language(lang)
    summary = words.gettext("Appointment: %(office)s", office=request.office.name)
    description = words.gettext(
        "Booking code %(code)s. Topic: %(topic)s", code=code, topic=request.topic
    )
    return calendar(
        CalendarEvent(
            organizer=Organizer(ente.shown_name(lang), ente.contacts.email),
            uid=f"help-{request.code}@{host}",
            starts_at=request.starts_at,
            ends_at=request.ends_at,
            summary=summary,
            location=f"{request.office.name}, {request.office.address}",
            description=description,
            url=_manage_url(base_url, request),
            sequence=request.sequence,
            cancelled=request.status == "cancelled",
        )
    )
