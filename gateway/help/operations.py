"""Operations on help requests: book, move and cancel appointments, ask for call-backs,
and the clerks' take / close / reschedule.

A logged-in citizen's request is a transaction of the service ``assistenza`` with its own
timeline; a transaction it concerns gets a "help requested" event too. A visitor's call-back
has no transaction (there is no citizen to show it to). Booking locks the office row
(``FOR UPDATE``: PostgreSQL row lock, SQLite write lock) so bookings of one office are
serialised, and the unique (desk, slot_start) pair refuses a double booking even so.
Taking a request is a compare-and-set UPDATE: of two clerks, one gets it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms.errors import InvalidResumeCode
from forms.resume import format_code, new_code, normalize_code

from ..audit import append_audit
from ..i18n import TITLES, written
from ..models import Desk, HelpRequest, Office, Transaction, utcnow
from ..notifications import notify
from ..transactions.operations import Actor, change_state, get_by_reference, open_transaction
from ..transactions.operations import record_event as add_event
from ..transactions.states import State
from .errors import AlreadyTaken, HelpRequestNotFound, InvalidSlot, NotOpen, SlotTaken
from .slots import is_bookable_start

SERVICE = "assistenza"
CODE_LENGTH = 6
OUTCOMES = ("done", "no_answer", "rescheduled")


def display_code(code: str) -> str:
    return format_code(code)


def _new_code(session: Session) -> str:
    for _attempt in range(5):
        code = new_code(CODE_LENGTH)
        if session.scalar(select(HelpRequest.id).where(HelpRequest.code == code)) is None:
            return code
    raise RuntimeError("could not draw an unused booking code")  # 5.9e8 codes: never


def find_by_code(session: Session, text: str) -> HelpRequest:
    """The request with this booking code (typed by hand: separators, case, S/U tolerated)."""
    try:
        code = normalize_code(text, CODE_LENGTH)
    except InvalidResumeCode as e:
        raise HelpRequestNotFound(detail=f"bad code ({e})") from e
    found = session.scalar(select(HelpRequest).where(HelpRequest.code == code))
    if found is None:
        raise HelpRequestNotFound(detail=f"no request {code}")
    return found


def citizen_request(session: Session, citizen_cf: str, code: str) -> HelpRequest:
    """The citizen's own request; anyone else's is reported exactly as a missing one."""
    found = find_by_code(session, code)
    if found.citizen_cf != citizen_cf:
        raise HelpRequestNotFound(detail="another citizen's request")
    return found


def list_for_citizen(session: Session, citizen_cf: str) -> list[HelpRequest]:
    return list(
        session.scalars(
            select(HelpRequest)
            .where(HelpRequest.citizen_cf == citizen_cf)
            .order_by(HelpRequest.created_at.desc())
            .limit(50)
        )
    )


def _appointment_title(office: Office, starts_at: datetime) -> tuple[str, dict[str, str]]:
    """The appointment's title, written in every offered language."""
    return written(
        lambda words: words.gettext(
            "Appointment — %(office)s, %(when)s",
            office=office.name,
            when=words.datetime(starts_at, "weekday"),
        )
    )


def _related(session: Session, citizen_cf: str, reference: str | None) -> Transaction | None:
    if not reference:
        return None
    return get_by_reference(session, reference, subject_cf=citizen_cf)


def _lock_office(session: Session, slug: str) -> Office:
    office = session.scalar(
        select(Office).where(Office.slug == slug, Office.active.is_(True)).with_for_update()
    )
    if office is None:
        raise InvalidSlot(detail=f"no office {slug!r}")
    return office


def _free_desk(session: Session, office: Office, starts_at: datetime) -> Desk:
    held = set(
        session.scalars(
            select(HelpRequest.desk_id).where(
                HelpRequest.office_id == office.id, HelpRequest.slot_start == starts_at
            )
        )
    )
    for desk in office.desks:
        if desk.active and desk.id not in held:
            return desk
    raise SlotTaken(detail=f"office {office.slug} full at {starts_at.isoformat()}")


def _flush_booking(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as e:  # a booking the lock did not serialise (safety net)
        session.rollback()
        raise SlotTaken(detail="unique (desk, slot) refused the booking") from e


def book_appointment(
    session: Session,
    *,
    office_slug: str,
    starts_at: datetime,
    citizen: Actor,
    topic: str,
    related_reference: str | None = None,
    language: str = "it",
    now: datetime | None = None,
) -> HelpRequest:
    """Book the slot at a free desk of the office, or raise SlotTaken / InvalidSlot.

    Opens the "assistenza" transaction, notifies the citizen (inbox + e-mail); the caller
    commits.
    """
    now = now or utcnow()
    office = _lock_office(session, office_slug)
    if not is_bookable_start(office, starts_at, now=now):
        raise InvalidSlot(detail=f"{starts_at.isoformat()} is not a slot of {office_slug}")
    desk = _free_desk(session, office, starts_at)
    related = _related(session, citizen.id, related_reference)
    ends_at = starts_at + timedelta(minutes=office.slot_minutes)
    title, titles = _appointment_title(office, starts_at)
    tx = open_transaction(
        session,
        service=SERVICE,
        title=title,
        subject_cf=citizen.id,
        actor=citizen,
        state=State.SUBMITTED,
        data={"kind": "appointment", "office": office.slug, TITLES: titles},
    )
    request = HelpRequest(
        kind="appointment",
        code=_new_code(session),
        status="waiting",
        citizen_cf=citizen.id,
        citizen_name=citizen.name,
        topic=topic,
        language=language,
        related_reference=related.reference if related else None,
        office_id=office.id,
        desk_id=desk.id,
        starts_at=starts_at,
        ends_at=ends_at,
        slot_start=starts_at,
        sequence=0,
    )
    session.add(request)
    _flush_booking(session)
    request.transaction_id = tx.id
    tx.data = {**tx.data, "code": request.code}
    add_event(
        session,
        tx,
        citizen,
        "help_appointment_booked",
        {"code": request.code, "office": office.name, "starts_at": starts_at.isoformat()},
    )
    if related is not None:
        add_event(session, related, citizen, "help_requested", {"code": request.code})
    _notify_booked(session, request, office, tx)
    return request


def _notify_booked(session: Session, request: HelpRequest, office: Office, tx: Transaction) -> None:
    assert request.citizen_cf and request.starts_at
    notify(
        session,
        citizen_cf=request.citizen_cf,
        kind="appointment_booked",
        context=appointment_context(request, office),
        link=f"/area-personale/aiuto/{request.code}",
        mandatory=False,
        dedupe_key=f"{request.code}:{request.sequence}",
        transaction_id=tx.id,
    )


def appointment_context(request: HelpRequest, office: Office) -> dict[str, str]:
    assert request.starts_at is not None
    return {
        "office_name": office.name,
        "office_address": office.address,
        "starts_at": request.starts_at.isoformat(),
        "code": display_code(request.code),
    }


def _lock_request(session: Session, request_id: int) -> HelpRequest:
    found = session.scalar(
        select(HelpRequest).where(HelpRequest.id == request_id).with_for_update()
    )
    if found is None:
        raise HelpRequestNotFound(detail=f"help request {request_id}")
    session.refresh(found)
    return found


def move_appointment(
    session: Session,
    request: HelpRequest,
    starts_at: datetime,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> HelpRequest:
    """Move a waiting appointment to another slot of its office (same rules as booking)."""
    now = now or utcnow()
    assert request.office is not None
    office = _lock_office(session, request.office.slug)
    request = _lock_request(session, request.id)
    if request.kind != "appointment" or request.status != "waiting":
        raise NotOpen(detail=f"{request.code} is {request.status}")
    if starts_at == request.starts_at:
        return request
    if not is_bookable_start(office, starts_at, now=now):
        raise InvalidSlot(detail=f"{starts_at.isoformat()} is not a slot of {office.slug}")
    desk = _free_desk(session, office, starts_at)
    previous = request.starts_at
    request.desk_id = desk.id
    request.starts_at = starts_at
    request.slot_start = starts_at
    request.ends_at = starts_at + timedelta(minutes=office.slot_minutes)
    request.sequence += 1
    _flush_booking(session)
    tx = session.get(Transaction, request.transaction_id) if request.transaction_id else None
    if tx is not None:
        title, titles = _appointment_title(office, starts_at)
        tx.title, tx.data = title, {**(tx.data or {}), TITLES: titles}
        add_event(
            session,
            tx,
            actor,
            "help_appointment_moved",
            {
                "code": request.code,
                "from": previous.isoformat() if previous else None,
                "to": starts_at.isoformat(),
            },
        )
        _notify_booked(session, request, office, tx)
    return request


def cancel_request(session: Session, request: HelpRequest, actor: Actor) -> HelpRequest:
    """Cancel a waiting appointment (its slot is free again) or call-back."""
    request = _lock_request(session, request.id)
    if request.status != "waiting":
        raise NotOpen(detail=f"{request.code} is {request.status}")
    request.status = "cancelled"
    request.slot_start = None
    request.closed_at = utcnow()
    tx = session.get(Transaction, request.transaction_id) if request.transaction_id else None
    if tx is not None:
        change_state(
            session, tx, State.CANCELLED, actor, kind="help_cancelled", data={"code": request.code}
        )
    return request


def request_callback(
    session: Session,
    *,
    phone: str,
    topic: str,
    citizen: Actor | None,
    window: tuple[datetime, datetime] | None = None,
    related_reference: str | None = None,
    language: str = "it",
) -> HelpRequest:
    """Queue a call-back. ``citizen`` None is a visitor: phone and topic only, no transaction."""
    related = _related(session, citizen.id, related_reference) if citizen else None
    request = HelpRequest(
        kind="callback",
        code=_new_code(session),
        status="waiting",
        citizen_cf=citizen.id if citizen else None,
        citizen_name=citizen.name if citizen else "",
        phone=phone,
        topic=topic,
        language=language,
        related_reference=related.reference if related else None,
        starts_at=window[0] if window else None,
        ends_at=window[1] if window else None,
        sequence=0,
    )
    session.add(request)
    if citizen is not None:
        title, titles = written(lambda words: words.gettext("Request to be called back"))
        tx = open_transaction(
            session,
            service=SERVICE,
            title=title,
            subject_cf=citizen.id,
            actor=citizen,
            state=State.SUBMITTED,
            data={"kind": "callback", TITLES: titles},
        )
        session.flush()
        request.transaction_id = tx.id
        tx.data = {**tx.data, "code": request.code}
        add_event(
            session,
            tx,
            citizen,
            "help_callback_requested",
            {
                "code": request.code,
                "from": window[0].isoformat() if window else None,
                "to": window[1].isoformat() if window else None,
            },
        )
        if related is not None:
            add_event(session, related, citizen, "help_requested", {"code": request.code})
    session.flush()
    return request


# --- the clerks' side -----------------------------------------------------------------------


def _clerk_channel(request: HelpRequest) -> str:
    return "phone" if request.kind == "callback" else "desk"


def take(session: Session, request_id: int, clerk: Actor) -> HelpRequest:
    """Take a waiting request for this clerk; AlreadyTaken if another clerk was quicker."""
    now = utcnow()
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == request_id, HelpRequest.status == "waiting")
        .values(status="taken", taken_by=clerk.id, taken_by_name=clerk.name, taken_at=now)
        .execution_options(synchronize_session=False)
    )
    found = session.get(HelpRequest, request_id)
    if found is None:
        raise HelpRequestNotFound(detail=f"help request {request_id}")
    session.refresh(found)
    if result.rowcount != 1:  # type: ignore[attr-defined]
        if found.status == "taken":
            raise AlreadyTaken(detail=f"{found.code} taken by {found.taken_by}")
        raise NotOpen(detail=f"{found.code} is {found.status}")
    _clerk_event(session, found, clerk, "help_taken", {})
    append_audit(
        session,
        actor=clerk.audit_name,
        action="help.take",
        subject=found.citizen_cf or f"visitor:{found.code}",
        channel=_clerk_channel(found),
        data={"code": found.code, "kind": found.kind},
    )
    return found


def _clerk_event(
    session: Session, request: HelpRequest, clerk: Actor, kind: str, data: dict[str, object]
) -> None:
    tx = session.get(Transaction, request.transaction_id) if request.transaction_id else None
    if tx is None:
        return
    actor = Actor(kind="clerk", id=clerk.id, name=clerk.name, channel=_clerk_channel(request))
    payload = {"code": request.code, **data}
    if kind == "help_closed" and tx.state == State.SUBMITTED.value:
        change_state(session, tx, State.COMPLETED, actor, kind=kind, data=payload)
    else:
        add_event(session, tx, actor, kind, payload)


def close(
    session: Session,
    request_id: int,
    clerk: Actor,
    *,
    outcome: str,
    note: str = "",
    new_time: datetime | None = None,
) -> HelpRequest:
    """Close a request this clerk took: done or no_answer; rescheduled puts it back to
    waiting at ``new_time`` (an appointment moves to that slot of its office)."""
    if outcome not in OUTCOMES:
        raise InvalidSlot(detail=f"unknown outcome {outcome!r}")
    request = _lock_request(session, request_id)
    if request.status != "taken" or request.taken_by != clerk.id:
        raise NotOpen(detail=f"{request.code} is {request.status}, taken by {request.taken_by}")
    if outcome == "rescheduled":
        if new_time is None:
            raise InvalidSlot(
                _l("Choose the new day and time"), detail="rescheduled without a time"
            )
        request.status = "waiting"
        request.taken_by, request.taken_by_name, request.taken_at = None, "", None
        if request.kind == "appointment":
            session.flush()
            move_appointment(session, request, new_time, clerk)
        else:
            request.starts_at, request.ends_at = new_time, new_time + timedelta(hours=1)
            request.sequence += 1
        _clerk_event(session, request, clerk, "help_rescheduled", {"to": new_time.isoformat()})
    else:
        request.status = "closed"
        request.outcome = outcome
        request.closed_at = utcnow()
        _clerk_event(session, request, clerk, "help_closed", {"outcome": outcome})
    request.note = note.strip()[:2000] or request.note
    append_audit(
        session,
        actor=clerk.audit_name,
        action="help.close",
        subject=request.citizen_cf or f"visitor:{request.code}",
        channel=_clerk_channel(request),
        data={"code": request.code, "outcome": outcome},
    )
    return request


def queue(session: Session, limit: int = 200) -> list[HelpRequest]:
    """Open requests, the one due first on top (a call-back with no window: when asked)."""
    rows = list(
        session.scalars(
            select(HelpRequest)
            .where(HelpRequest.status.in_(("waiting", "taken")))
            .order_by(HelpRequest.id)
            .limit(1000)
        )
    )
    rows.sort(key=due_at)
    return rows[:limit]


def due_at(request: HelpRequest) -> datetime:
    return request.starts_at or request.created_at
