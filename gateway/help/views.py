"""Pages of "Serve aiuto?": public (visitor call-back), citizen (appointments, call-backs)
and the clerks' queue."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from babel.dates import get_day_names
from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from forms.errors import InvalidValue
from forms.messages import field_error
from forms.validators import normalize_phone

from .. import clock
from ..access import SessionIdentity, require_identity
from ..db import db
from ..ente import current_ente
from ..i18n import current_language
from ..identifiers import typed_session_code, valid_reference
from ..models import HelpRequest, utcnow
from ..ratelimit import check_limit
from ..transactions.operations import Actor
from . import booking
from . import operations as ops
from .documents import booking_ics, booking_pdf
from .errors import HelpRequestNotFound
from .slots import parse_day_key
from .windows import callback_windows, window_by_key

public = Blueprint("help", __name__, template_folder="templates")
citizen = Blueprint("help_citizen", __name__, template_folder="templates")
clerks = Blueprint("help_queue", __name__, template_folder="templates")


def _citizen_actor(identity: SessionIdentity) -> Actor:
    return identity.actor()


def _clerk_actor(identity: SessionIdentity, channel: str = "desk") -> Actor:
    return identity.actor("clerk", channel)


def _weekday_name(index: int) -> str:
    return str(get_day_names("wide", locale=get_locale())[index]).capitalize()


def _check_phone(raw: str, errors: dict[str, str]) -> str:
    try:
        return normalize_phone(raw)
    except InvalidValue as e:
        code = "required" if not raw.strip() else e.code
        error = field_error(code, e.params if raw.strip() else {})
        errors["phone"] = error.message(current_language())
        return ""


# --- public ---------------------------------------------------------------------------------


@public.get("/aiuto")
def home() -> str:
    return render_template(
        "help/home.html", offices=booking.offices(), form={}, errors={}, weekday_name=_weekday_name
    )


@public.post("/aiuto/richiamata")
def visitor_callback() -> str | tuple[str, int]:
    """A visitor leaves a phone number and a topic; nothing is shown back but the code."""
    check_limit("callback_request")
    errors: dict[str, str] = {}
    phone = _check_phone(request.form.get("phone", ""), errors)
    topic = booking.check_topic(request.form.get("topic", ""), errors)
    if errors:
        html = render_template(
            "help/home.html",
            offices=booking.offices(),
            form=request.form,
            errors=errors,
            weekday_name=_weekday_name,
        )
        return html, 422
    created = ops.request_callback(
        db.session, phone=phone, topic=topic, citizen=None, language=booking.lang()
    )
    db.session.commit()
    return render_template(
        "help/callback_done.html", req=created, code=ops.display_code(created.code)
    )


# --- citizen --------------------------------------------------------------------------------


@citizen.get("/")
def my_requests() -> str:
    identity = require_identity()
    return render_template(
        "help/my_requests.html", requests=ops.list_for_citizen(db.session, identity.fiscal_code)
    )


@citizen.get("/appuntamento")
def book_page() -> Any:
    return booking.choose_office()


@citizen.get("/appuntamento/giorno")
def book_day() -> Any:
    return booking.choose_day()


@citizen.route("/appuntamento/orario", methods=["GET", "POST"])
def book_time() -> Any:
    return booking.choose_time()


@citizen.route("/appuntamento/conferma", methods=["GET", "POST"])
def book_confirm() -> Any:
    return booking.confirm_booking()


@citizen.get("/<session_code:code>")
def detail(code: str) -> str:
    identity = require_identity()
    found = ops.citizen_request(db.session, identity.fiscal_code, code)
    return render_template("help/detail.html", req=found, code=ops.display_code(found.code))


def _my_appointment_file(code: str, render: Any) -> tuple[Any, bytes]:
    """This citizen's appointment ``code`` (HelpRequestNotFound for anything else) and its
    file drawn by ``render`` (the PDF or the calendar entry), in the page's language."""
    identity = require_identity()
    found = ops.citizen_request(db.session, identity.fiscal_code, code)
    if found.kind != "appointment":
        raise HelpRequestNotFound(detail="not an appointment")
    config = current_app.config["SPORTELLO"]
    return found, render(found, ente=current_ente(), base_url=config.base_url, lang=booking.lang())


@citizen.get("/<session_code:code>/prenotazione.pdf")
def pdf(code: str) -> Response:
    found, body = _my_appointment_file(code, booking_pdf)
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="appuntamento-{found.code}.pdf"'},
    )


@citizen.get("/<session_code:code>/appuntamento.ics")
def ics(code: str) -> Response:
    found, body = _my_appointment_file(code, booking_ics)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="appuntamento-{found.code}.ics"'},
    )


@citizen.route("/<session_code:code>/sposta", methods=["GET", "POST"])
def move(code: str) -> Any:
    """Move an appointment: its office's calendar, then the times of the day chosen."""
    identity = require_identity()
    found = ops.citizen_request(db.session, identity.fiscal_code, code)
    if found.kind != "appointment" or found.office is None:
        raise HelpRequestNotFound(detail="not an appointment")
    shown = ops.display_code(found.code)
    if request.method == "POST":
        return booking.move_to(found, shown)
    day = parse_day_key(request.args.get("giorno"))
    if day is None:
        return booking.move_calendar(found, shown)
    return booking.move_times(found, shown, day)


@citizen.post("/<session_code:code>/annulla")
def cancel(code: str) -> BaseResponse:
    identity = require_identity()
    found = ops.citizen_request(db.session, identity.fiscal_code, code)
    ops.cancel_request(db.session, found, _citizen_actor(identity))
    db.session.commit()
    return redirect(url_for("help_citizen.detail", code=found.code))


@citizen.route("/richiamata", methods=["GET", "POST"])
def callback() -> Any:
    identity = require_identity()
    now = utcnow()
    errors: dict[str, str] = {}
    if request.method == "POST":
        check_limit("callback_request", identity.fiscal_code)
        phone = _check_phone(request.form.get("phone", ""), errors)
        topic = booking.check_topic(request.form.get("topic", ""), errors)
        key = request.form.get("window", "asap")
        window = None if key == "asap" else window_by_key(key, now)
        if key != "asap" and window is None:
            errors["window"] = _("Choose when we should call you.")
        if not errors:
            created = ops.request_callback(
                db.session,
                phone=phone,
                topic=topic,
                citizen=_citizen_actor(identity),
                window=(window.starts_at, window.ends_at) if window else None,
                related_reference=valid_reference(request.form.get("related")),
                language=booking.lang(),
            )
            db.session.commit()
            return redirect(url_for("help_citizen.detail", code=created.code))
    html = render_template(
        "help/callback.html",
        windows=callback_windows(now),
        transactions=booking.open_transactions(identity),
        form=request.form,
        errors=errors,
    )
    return html, (422 if errors else 200)


# --- clerks ---------------------------------------------------------------------------------


@clerks.get("/")
def queue() -> str:
    identity = require_identity()
    items = ops.queue(db.session)
    now = utcnow()
    return render_template(
        "help/queue.html",
        items=[(item, ops.due_at(item)) for item in items],
        now=now,
        me=identity.fiscal_code,
        display_code=ops.display_code,
    )


def _waiting(now: datetime, due: datetime) -> timedelta | None:
    """How long a request has waited past its time, if it has."""
    late = now - due
    return late if late >= timedelta(minutes=1) else None


@clerks.get("/codice")
def lookup() -> Any:
    require_identity()
    text = request.args.get("code", "")
    code = typed_session_code(text)
    try:
        if code is None:
            raise HelpRequestNotFound(detail="mistyped booking code")
        found = ops.find_by_code(db.session, code)
    except HelpRequestNotFound:
        return render_template("help/lookup.html", code=text, not_found=True), 404
    return redirect(url_for("help_queue.item", request_id=found.id))


@clerks.get("/<id:request_id>")
def item(request_id: int) -> str:
    identity = require_identity()
    found = db.session.get(HelpRequest, request_id)
    if found is None:
        raise HelpRequestNotFound(detail=f"help request {request_id}")
    return render_template(
        "help/item.html",
        req=found,
        code=ops.display_code(found.code),
        me=identity.fiscal_code,
        wait=_waiting(utcnow(), ops.due_at(found)),
    )


@clerks.post("/<id:request_id>/prendi")
def take(request_id: int) -> BaseResponse:
    identity = require_identity()
    found = ops.take(db.session, request_id, _clerk_actor(identity))
    db.session.commit()
    return redirect(url_for("help_queue.item", request_id=found.id))


@clerks.post("/<id:request_id>/chiudi")
def close(request_id: int) -> BaseResponse:
    identity = require_identity()
    outcome = request.form.get("outcome", "")
    new_time = None
    if outcome == "rescheduled":
        new_time = _local_input(request.form.get("new_time", ""))
    ops.close(
        db.session,
        request_id,
        _clerk_actor(identity),
        outcome=outcome,
        note=request.form.get("note", ""),
        new_time=new_time,
    )
    db.session.commit()
    return redirect(url_for("help_queue.queue"))


def _local_input(value: str) -> datetime | None:
    """A datetime-local field (Europe/Rome wall clock) as an aware UTC datetime, or None."""
    return clock.from_wall_clock(value)
