"""Shared live sessions: open with a code or an invitation, join, end, end by inactivity.

A session binds one citizen, one clerk and one transaction. The code (``forms.resume``: six
characters and a check character, easy to read aloud) is stored as an HMAC, works once, for
``code_minutes``, and only for a clerk; the first clerk who redeems it is bound to the session
and nobody else can act in it. Every step is on the transaction's timeline and in the audit
log; each live event locks its shared session's row, so that message ids follow commit order.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import InvalidResumeCode, InvalidValue
from forms.resume import new_session_code, normalize_session_code
from forms.validators.codice_fiscale import normalize_codice_fiscale

from ..audit import append_audit
from ..exceptions import InvalidInput, NotFound
from ..models import SharedProposal, SharedSession, Transaction, utcnow
from ..transactions.operations import Actor, get_by_reference, record_event
from ..transactions.states import FINAL_STATES, State
from .errors import NotShareable, SessionCodeMistyped, SessionCodeNotFound, SharedSessionEnded
from .live import LiveSettings, emit

WAITING, INVITED, ACTIVE, ENDED = "waiting", "invited", "active", "ended"
INVITATION_KIND = "cobrowse_invitation"


@dataclass(frozen=True)
class Opened:
    """A session waiting for the clerk, and its code (show it once)."""

    shared: SharedSession
    code: str


def code_hash(secret: str, code: str) -> str:
    return hmac.new(secret.encode(), b"session-code:" + code.encode(), hashlib.sha256).hexdigest()


def citizen_actor(shared: SharedSession) -> Actor:
    return Actor(kind="citizen", id=shared.citizen_cf, name=shared.citizen_name, channel="web")


def clerk_actor(shared: SharedSession) -> Actor:
    """The clerk on the phone, for the citizen: events read "clerk X for citizen Y"."""
    return Actor(
        kind="clerk",
        id=shared.clerk_cf or "",
        name=shared.clerk_name,
        channel="phone",
        on_behalf_of=shared.citizen_cf,
    )


def _audit(
    session: Session, shared: SharedSession, actor: Actor, action: str, **data: object
) -> None:
    tx = shared.transaction
    append_audit(
        session,
        actor=actor.audit_name,
        action=f"cobrowse.{action}",
        subject=shared.citizen_cf,
        channel=actor.channel,
        data={"session": shared.id, "reference": tx.reference if tx else None, **data},
    )


def shareable(session: Session, reference: str, citizen_cf: str) -> Transaction:
    """The citizen's own transaction ``reference`` if it is still open (NotFound otherwise)."""
    tx = get_by_reference(session, reference, subject_cf=citizen_cf)
    if State(tx.state) in FINAL_STATES:
        raise NotShareable(_("This request is closed: there is nothing left to do together."))
    return tx


def open_with_code(
    session: Session,
    *,
    citizen_cf: str,
    citizen_name: str,
    reference: str,
    secret: str,
    settings: LiveSettings,
) -> Opened:
    """The citizen shares one of their transactions: a new session and its one-time code."""
    tx = shareable(session, reference, citizen_cf)
    now = utcnow()
    code = new_session_code()
    shared = SharedSession(
        transaction=tx,
        citizen_cf=citizen_cf,
        citizen_name=citizen_name,
        state=WAITING,
        code_hash=code_hash(secret, code),
        code_expires_at=now + timedelta(minutes=settings.code_minutes),
        created_at=now,
        last_activity_at=now,
    )
    session.add(shared)
    session.flush()
    _audit(session, shared, citizen_actor(shared), "code_issued")
    return Opened(shared, code)


def join_with_code(
    session: Session, text: str, *, clerk_cf: str, clerk_name: str, secret: str
) -> SharedSession:
    """The clerk redeems the code the citizen read: they are bound to the session, the code
    stops working. Raises SessionCodeMistyped or SessionCodeNotFound (unknown, expired, used)."""
    try:
        code = normalize_session_code(text)
    except InvalidResumeCode as e:
        raise SessionCodeMistyped(reason=e.reason) from e
    now = utcnow()
    shared = session.scalar(
        select(SharedSession)
        .where(SharedSession.code_hash == code_hash(secret, code))
        .with_for_update()
    )
    if (
        shared is None
        or shared.state != WAITING
        or shared.code_expires_at is None
        or shared.code_expires_at <= now
    ):
        raise SessionCodeNotFound(
            detail=f"session code refused for clerk {clerk_cf}",
        )
    shared.code_hash = None
    shared.clerk_cf = clerk_cf
    shared.clerk_name = clerk_name
    _start(session, shared, clerk_actor(shared), now)
    return shared


def _start(session: Session, shared: SharedSession, actor: Actor, now: datetime) -> None:
    shared.state = ACTIVE
    shared.joined_at = now
    shared.last_activity_at = now
    tx = shared.transaction
    assert tx is not None
    record_event(session, tx, actor, "cobrowse_started", {"session": shared.id,
                 "clerk": shared.clerk_name})  # fmt: skip
    _audit(session, shared, actor, "start", clerk=shared.clerk_cf)
    emit(session, shared, "joined", {"clerk": shared.clerk_name})


def invite(
    session: Session,
    *,
    clerk_cf: str,
    clerk_name: str,
    citizen_cf: str,
    settings: LiveSettings,
) -> SharedSession:
    """The clerk invites a citizen (their inbox and e-mail); the citizen picks what to share."""
    from ..notifications import notify

    try:
        cf = normalize_codice_fiscale(citizen_cf)
    except InvalidValue as e:
        raise InvalidInput(_("Enter a valid fiscal code.")) from e
    now = utcnow()
    shared = SharedSession(
        citizen_cf=cf,
        clerk_cf=clerk_cf,
        clerk_name=clerk_name,
        state=INVITED,
        code_expires_at=now + timedelta(minutes=settings.code_minutes),
        created_at=now,
        last_activity_at=now,
    )
    session.add(shared)
    session.flush()
    append_audit(
        session,
        actor=f"clerk:{clerk_cf}",
        action="cobrowse.invite",
        subject=cf,
        channel="phone",
        data={"session": shared.id},
    )
    notify(
        session,
        citizen_cf=cf,
        kind=INVITATION_KIND,
        context={"clerk_name": clerk_name, "minutes": settings.code_minutes},
        link="/area-personale/assistenza-live/",
        mandatory=True,
        dedupe_key=f"cobrowse:{shared.id}",
    )
    return shared


def pending_invitations(session: Session, citizen_cf: str) -> list[SharedSession]:
    now = utcnow()
    return list(
        session.scalars(
            select(SharedSession)
            .where(
                SharedSession.citizen_cf == citizen_cf,
                SharedSession.state == INVITED,
                SharedSession.code_expires_at > now,
            )
            .order_by(SharedSession.id.desc())
        )
    )


def accept_invitation(
    session: Session, invitation_id: int, *, citizen_cf: str, citizen_name: str, reference: str
) -> SharedSession:
    """The citizen accepts the clerk's invitation for one of their transactions."""
    now = utcnow()
    shared = session.scalar(
        select(SharedSession).where(SharedSession.id == invitation_id).with_for_update()
    )
    if (
        shared is None
        or shared.citizen_cf != citizen_cf
        or shared.state != INVITED
        or shared.code_expires_at is None
        or shared.code_expires_at <= now
    ):
        raise NotFound(_("This invitation has expired."), detail=f"invitation {invitation_id}")
    shared.transaction = shareable(session, reference, citizen_cf)
    shared.citizen_name = citizen_name
    session.flush()
    _start(session, shared, citizen_actor(shared), now)
    return shared


def for_citizen(session: Session, session_id: int, citizen_cf: str) -> SharedSession:
    """The citizen's own session (NotFound for anyone else's)."""
    shared = session.get(SharedSession, session_id)
    if shared is None or shared.citizen_cf != citizen_cf or shared.state == INVITED:
        raise NotFound(_("Shared session not found."), detail=f"cobrowse {session_id}")
    return shared


def for_clerk(session: Session, session_id: int, clerk_cf: str) -> SharedSession:
    """The session this clerk joined (NotFound for any other: a third person cannot join)."""
    shared = session.get(SharedSession, session_id)
    if shared is None or shared.clerk_cf != clerk_cf or shared.transaction_id is None:
        raise NotFound(_("Shared session not found."), detail=f"cobrowse {session_id}")
    return shared


def is_idle(shared: SharedSession, settings: LiveSettings, now: datetime | None = None) -> bool:
    now = now or utcnow()
    if shared.state == WAITING and shared.code_expires_at is not None:
        return shared.code_expires_at <= now
    return (
        shared.state == ACTIVE
        and shared.last_activity_at + timedelta(minutes=settings.idle_minutes) <= now
    )


def end_if_idle(session: Session, shared: SharedSession, settings: LiveSettings) -> bool:
    """End a session nobody used for ``idle_minutes`` (or a code nobody redeemed)."""
    if not is_idle(shared, settings):
        return False
    end(session, shared, by="system:sportello", reason="inactivity")
    return True


def require_active(session: Session, shared: SharedSession, settings: LiveSettings) -> None:
    """Raise SharedSessionEnded unless the session is active (ending it if it went idle)."""
    end_if_idle(session, shared, settings)
    if shared.state != ACTIVE:
        raise SharedSessionEnded()
    shared.last_activity_at = utcnow()


def end(session: Session, shared: SharedSession, *, by: str, reason: str) -> None:
    """End the session (either side, or the system); ending twice keeps the first end."""
    if shared.state == ENDED:
        return
    was_active = shared.state == ACTIVE
    shared.state = ENDED
    shared.ended_at = utcnow()
    shared.ended_by = by
    shared.end_reason = reason
    shared.code_hash = None
    for proposal in session.scalars(
        select(SharedProposal).where(
            SharedProposal.session_id == shared.id, SharedProposal.status == "pending"
        )
    ):
        proposal.status = "expired"
    kind, _sep, who = by.partition(":")
    if kind == "clerk":
        actor = clerk_actor(shared)
    elif kind == "citizen":
        actor = citizen_actor(shared)
    else:
        actor = Actor(kind="system", id=who or "sportello", name="Sportello", channel="system")
    if was_active and shared.transaction is not None:
        record_event(session, shared.transaction, actor, "cobrowse_ended",
                     {"session": shared.id, "reason": reason})  # fmt: skip
    _audit(session, shared, actor, "end", reason=reason)
    emit(session, shared, "ended", {"reason": reason})


def sessions_of_clerk(session: Session, clerk_cf: str) -> list[SharedSession]:
    return list(
        session.scalars(
            select(SharedSession)
            .where(SharedSession.clerk_cf == clerk_cf, SharedSession.state.in_((ACTIVE, INVITED)))
            .order_by(SharedSession.id.desc())
            .limit(20)
        )
    )


def sessions_of_citizen(session: Session, citizen_cf: str) -> list[SharedSession]:
    return list(
        session.scalars(
            select(SharedSession)
            .where(
                SharedSession.citizen_cf == citizen_cf,
                SharedSession.state.in_((ACTIVE, WAITING)),
            )
            .order_by(SharedSession.id.desc())
            .limit(20)
        )
    )
