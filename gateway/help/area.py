"""What the help slice shows in the citizen's personal area: the appointments booked at the
municipal offices (the next one first) and the call-backs asked for."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..features import Action, AreaItem, AreaSection, Link
from ..formatting import format_date, format_time
from ..models import HelpRequest, utcnow
from .operations import display_code, list_for_citizen

OPEN = ("waiting", "taken")


def status_key(request: HelpRequest) -> str:
    """The badge of a request (gateway/citizen/status.py)."""
    if request.status == "waiting":
        return "help.booked" if request.kind == "appointment" else "help.waiting_call"
    if request.status in ("taken", "cancelled"):
        return f"help.{request.status}"
    return "help.no_answer" if request.outcome == "no_answer" else "help.done"


def _when(request: HelpRequest) -> str:
    if request.starts_at is None:
        return _("As soon as possible")
    return _(
        "%(day)s at %(time)s",
        day=format_date(request.starts_at, "full"),
        time=format_time(request.starts_at, "short"),
    )


def _appointment(request: HelpRequest) -> AreaItem:
    office = request.office
    details = [(_("When"), _when(request))]
    if office is not None:
        details.append((_("Where"), f"{office.name}, {office.address}"))
    details.append((_("Topic"), request.topic))
    downloads: tuple[Action, ...] = ()
    if request.status in OPEN:
        downloads = (
            Action(_("Booking (PDF)"), url_for("help_citizen.pdf", code=request.code)),
            Action(_("Add to calendar"), url_for("help_citizen.ics", code=request.code)),
        )
    return AreaItem(
        title=_("Appointment at %(office)s", office=office.name)
        if office is not None
        else _("Appointment"),
        status=status_key(request),
        url=url_for("help_citizen.detail", code=request.code),
        code=display_code(request.code),
        details=tuple(details),
        downloads=downloads,
        when=request.starts_at,
        kind="appointment",
    )


def _is_upcoming(request: HelpRequest) -> bool:
    return (
        request.kind == "appointment"
        and request.status in OPEN
        and request.starts_at is not None
        and request.starts_at >= utcnow()
    )


def upcoming(session: Session, fiscal_code: str) -> list[AreaItem]:
    found = [r for r in list_for_citizen(session, fiscal_code) if _is_upcoming(r)]
    return [_appointment(r) for r in sorted(found, key=lambda r: r.starts_at or utcnow())]


def past(session: Session, fiscal_code: str) -> list[AreaItem]:
    return [
        _appointment(r)
        for r in list_for_citizen(session, fiscal_code)
        if r.kind == "appointment" and not _is_upcoming(r)
    ]


def callbacks(session: Session, fiscal_code: str) -> list[AreaItem]:
    return [
        AreaItem(
            title=_("Call-back"),
            status=status_key(r),
            url=url_for("help_citizen.detail", code=r.code),
            code=display_code(r.code),
            details=((_("When"), _when(r)), (_("Topic"), r.topic)),
            when=r.starts_at,
            kind="callback",
        )
        for r in list_for_citizen(session, fiscal_code)
        if r.kind == "callback"
    ]


AREA_SECTIONS = (
    AreaSection(
        tab="appuntamenti",
        name="appointments",
        heading=_l("Your appointments"),
        empty=_l("You have no appointment booked."),
        items=upcoming,
        link=Link(_l("Book an appointment"), "help_citizen.book_page"),
    ),
    AreaSection(
        tab="appuntamenti",
        name="callbacks",
        heading=_l("Call-backs you asked for"),
        empty=None,
        items=callbacks,
    ),
    AreaSection(
        tab="appuntamenti",
        name="past_appointments",
        heading=_l("Past and cancelled appointments"),
        empty=None,
        items=past,
    ),
)
