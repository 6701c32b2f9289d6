"""The appointment wizard: office → day on a calendar → time of that day → confirm.

Each step is its own address; the choices made so far travel in the query string (an office
slug, a day, a slot start: nothing personal), each checked again at every step against what
the office offers now. A choice is posted and answered with a redirect to the next step, so
Back and reload never post twice. Moving an appointment uses the same calendar and times.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from babel import Locale
from babel.dates import get_day_names
from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from .. import clock
from ..access import SessionIdentity, require_identity
from ..db import db
from ..exceptions import SportelloError
from ..identifiers import valid_reference
from ..models import HelpRequest, Office, utcnow
from ..transactions.operations import list_for_subject
from . import operations as ops
from .errors import InvalidSlot, NotOpen, SlotTaken
from .slots import (
    HORIZON_DAYS,
    Slot,
    available_slots,
    calendar_months,
    is_bookable_start,
    parse_day_key,
    parse_slot_key,
    slots_by_day,
)

TOPIC_MAX = 500
BOOKING_STEPS = (_l("Office"), _l("Day"), _l("Time"), _l("Confirm"))
MOVE_STEPS = (_l("Day"), _l("Time"))


def lang() -> str:
    return str(get_locale() or "it")


def offices() -> list[Office]:
    return list(
        db.session.scalars(select(Office).where(Office.active.is_(True)).order_by(Office.id))
    )


def check_topic(raw: str, errors: dict[str, str]) -> str:
    topic = " ".join(raw.split())
    if not topic:
        errors["topic"] = _("Tell us briefly what you need.")
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = _("At most %(n)d characters.", n=TOPIC_MAX)
    return topic


def booking_error(error: SportelloError) -> str:
    if isinstance(error, NotOpen):  # said of the citizen's own appointment
        return _("This appointment can no longer be changed.")
    if isinstance(error, SlotTaken | InvalidSlot):
        return error.user_message
    return str(InvalidSlot.title)


def open_transactions(identity: SessionIdentity) -> list[Any]:
    return [
        tx
        for tx in list_for_subject(db.session, identity.fiscal_code)
        if tx.service != ops.SERVICE and tx.state not in ("completed", "cancelled", "expired")
    ]


class StepMissing(Exception):
    """A step was reached without a valid choice of an earlier one: go back to ``target``."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


def _chosen_office() -> Office:
    slug = request.args.get("ufficio", "")
    found = next((o for o in offices() if o.slug == slug), None)
    if found is None:
        raise StepMissing(url_for("help_citizen.book_page"))
    return found


def _chosen_day(back: str) -> date:
    day = parse_day_key(request.args.get("giorno"))
    if day is None:
        raise StepMissing(back)
    return day


def _free_slots(office: Office) -> dict[date, list[Slot]]:
    return slots_by_day(available_slots(db.session, office, now=utcnow()))


def _calendar(office: Office) -> dict[str, Any]:
    """What the day step shows: the month grids of the booking window, free times per day."""
    days = _free_slots(office)
    first = clock.today(utcnow())
    last = first + timedelta(days=HORIZON_DAYS)
    week_start = Locale.parse(lang()).first_week_day
    months = calendar_months(
        {d: len(s) for d, s in days.items()}, first, last, first_weekday=week_start
    )
    names = {width: get_day_names(width, locale=lang()) for width in ("wide", "abbreviated")}
    return {
        "months": months,
        "any_free": bool(days),
        "weekdays": _weekday_order(week_start),
        "day_names": {"wide": names["wide"], "short": names["abbreviated"]},
    }


def _weekday_order(first: int) -> list[int]:
    return [(first + n) % 7 for n in range(7)]


def _go_back(missing: StepMissing) -> BaseResponse:
    flash(_("Choose again: that choice is no longer available."), "warning")
    return redirect(missing.target, code=303)


# --- booking --------------------------------------------------------------------------------


def choose_office() -> Any:
    """Step 1: the offices; an old link with ``?ufficio=`` goes on to the calendar."""
    require_identity()
    chosen = request.args.get("ufficio")
    if chosen is not None and any(o.slug == chosen for o in offices()):
        return redirect(url_for("help_citizen.book_day", ufficio=chosen))
    return render_template("help/book_office.html", offices=offices(), steps=BOOKING_STEPS)


def choose_day() -> Any:
    """Step 2: a month calendar; days with free times are links to their times."""
    require_identity()
    try:
        office = _chosen_office()
    except StepMissing as e:
        return _go_back(e)
    return render_template(
        "help/book_day.html",
        office=office,
        steps=BOOKING_STEPS,
        day_url=lambda d: url_for("help_citizen.book_time", ufficio=office.slug, giorno=d),
        **_calendar(office),
    )


def choose_time() -> Any:
    """Step 3: the free times of the chosen day only; the one chosen goes on to step 4."""
    require_identity()
    try:
        office = _chosen_office()
        day = _chosen_day(url_for("help_citizen.book_day", ufficio=office.slug))
    except StepMissing as e:
        return _go_back(e)
    slots = _free_slots(office).get(day, [])
    error = None
    if request.method == "POST":
        chosen = request.form.get("slot", "")
        if any(s.key == chosen for s in slots):
            return redirect(
                url_for("help_citizen.book_confirm", ufficio=office.slug, ora=chosen), 303
            )
        error = _("Choose one of the times shown.")
    html = render_template(
        "help/book_time.html",
        office=office,
        day=day,
        slots=slots,
        error=error,
        steps=BOOKING_STEPS,
        step=3,
        back=url_for("help_citizen.book_day", ufficio=office.slug),
    )
    return html, (422 if error else 200)


def confirm_booking() -> Any:
    """Step 4: the appointment in plain words and what it is about; booking it redirects to
    the appointment; a time taken meanwhile goes back to that day's remaining times."""
    identity = require_identity()
    try:
        office = _chosen_office()
        starts_at = parse_slot_key(request.args.get("ora"))
        if starts_at is None or not is_bookable_start(office, starts_at, now=utcnow()):
            raise StepMissing(url_for("help_citizen.book_day", ufficio=office.slug))
    except StepMissing as e:
        return _go_back(e)
    day_times = url_for(
        "help_citizen.book_time", ufficio=office.slug, giorno=clock.today(starts_at).isoformat()
    )
    errors: dict[str, str] = {}
    if request.method == "POST":
        topic = check_topic(request.form.get("topic", ""), errors)
        if not errors:
            try:
                booked = ops.book_appointment(
                    db.session,
                    office_slug=office.slug,
                    starts_at=starts_at,
                    citizen=identity.actor(),
                    topic=topic,
                    related_reference=valid_reference(request.form.get("related")),
                    language=lang(),
                )
            except SportelloError as e:
                db.session.rollback()
                flash(_taken_message(e), "warning")
                return redirect(day_times, 303)
            db.session.commit()
            return redirect(url_for("help_citizen.detail", code=booked.code), 303)
    html = render_template(
        "help/book_confirm.html",
        office=office,
        starts_at=starts_at,
        transactions=open_transactions(identity),
        form=request.form,
        errors=errors,
        steps=BOOKING_STEPS,
        back=day_times,
    )
    return html, (422 if errors else 200)


def _taken_message(error: SportelloError) -> str:
    if isinstance(error, SlotTaken):
        return _("Someone else has just booked that time. These are the times still free that day.")
    return booking_error(error)


# --- moving an appointment -----------------------------------------------------------------


def move_calendar(found: HelpRequest, code: str) -> Any:
    """The day step of a move: the same calendar, for the appointment's office."""
    assert found.office is not None
    return render_template(
        "help/move_day.html",
        req=found,
        code=code,
        office=found.office,
        steps=MOVE_STEPS,
        day_url=lambda d: url_for("help_citizen.move", code=found.code, giorno=d),
        **_calendar(found.office),
    )


def move_times(found: HelpRequest, code: str, day: date, error: str | None = None) -> Any:
    """The time step of a move: that day's free times, posted back to the same address."""
    assert found.office is not None
    html = render_template(
        "help/book_time.html",
        office=found.office,
        day=day,
        slots=_free_slots(found.office).get(day, []),
        error=error,
        steps=MOVE_STEPS,
        step=2,
        back=url_for("help_citizen.move", code=found.code),
        req=found,
        code=code,
    )
    return html, (422 if error else 200)


def move_to(found: HelpRequest, code: str) -> Any:
    """Move the appointment to the posted time of the chosen day (PRG), or say why not."""
    back = url_for("help_citizen.move", code=found.code)
    day = parse_day_key(request.args.get("giorno"))
    if day is None:
        return redirect(back, 303)
    starts_at = parse_slot_key(request.form.get("slot"))
    if starts_at is None or clock.today(starts_at) != day:
        return move_times(found, code, day, _("Choose one of the times shown."))
    try:
        ops.move_appointment(db.session, found, starts_at, require_identity().actor())
    except SportelloError as e:
        db.session.rollback()
        flash(_taken_message(e), "warning")
        return redirect(url_for("help_citizen.move", code=found.code, giorno=day.isoformat()), 303)
    db.session.commit()
    return redirect(url_for("help_citizen.detail", code=found.code), 303)
