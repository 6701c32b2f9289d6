"""Logging in and out: the operations behind the auth views.

A login request is stored on the server and found again by its RelayState, because the IdP's
POST to the ACS is cross-site and arrives without the session cookie. It is answered only in
the browser that started it (its binder cookie, ``binding.py``), only once, and only for the
person that browser was already logged in as, if any (a step-up never switches people).
Replayed assertions are refused by the shared replay cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from identity import AuthenticationError, Identity, LoginRequest, ServiceProvider

from ..audit import append_audit
from ..levels import effective_level
from ..models import SamlRequest, utcnow
from ..sessions import end_sessions
from .binding import binder_hash, matches

REQUEST_VALIDITY = timedelta(minutes=10)


@dataclass(frozen=True)
class BrowserState:
    """What the starting browser shows: its binder, and the session it is logged in with."""

    binder: str
    subject: str | None = None
    session_hash: str | None = None


def start_spid_login(
    session: Session,
    sp: ServiceProvider,
    *,
    idp_entity_id: str,
    level: int,
    next_url: str,
    lang: str | None,
    browser: BrowserState,
) -> LoginRequest:
    """Build the AuthnRequest and remember it; the caller commits, sets the binder, redirects."""
    login = sp.login(idp_entity_id, level=level, binding="redirect")
    session.add(
        SamlRequest(
            request_id=login.request_id,
            relay_state=login.relay_state,
            idp_entity_id=idp_entity_id,
            level=level,
            issue_instant=login.issue_instant,
            next_url=next_url,
            lang=lang,
            expires_at=utcnow() + REQUEST_VALIDITY,
            browser_hash=binder_hash(browser.binder),
            session_subject=browser.subject,
            session_hash=browser.session_hash,
        )
    )
    return login


def complete_spid_login(
    session: Session,
    sp: ServiceProvider,
    *,
    saml_response: str,
    relay_state: str,
    binder: str | None,
    current_subject: str | None,
    client: str,
) -> tuple[Identity, SamlRequest]:
    """Validate the IdP's answer to one of our pending requests and audit the outcome.

    ``binder`` is the binder cookie this browser sent; ``current_subject`` the fiscal code of
    the session that came with the answer, if any. Raises AuthenticationError (after auditing
    the refusal) for anything but a good answer from the browser that asked.
    """
    pending = (
        session.scalar(select(SamlRequest).where(SamlRequest.relay_state == relay_state))
        if relay_state
        else None
    )
    try:
        if pending is None:
            raise AuthenticationError("UNKNOWN_REQUEST", "no pending request for this RelayState")
        if pending.used_at is not None:
            raise AuthenticationError("REQUEST_ALREADY_USED", pending.request_id)
        if pending.expires_at < utcnow():
            raise AuthenticationError("REQUEST_EXPIRED", pending.request_id)
        if not matches(binder, pending.browser_hash):
            raise AuthenticationError(
                "BROWSER_MISMATCH",
                "no binder cookie" if binder is None else "another browser started this login",
            )
        identity = sp.process_response(
            saml_response,
            request_id=pending.request_id,
            requested_level=pending.level,
            issue_instant=pending.issue_instant,
            idp_entity_id=pending.idp_entity_id,
        )
        claimed = cast(
            CursorResult[Any],
            session.execute(
                update(SamlRequest)
                .where(SamlRequest.request_id == pending.request_id, SamlRequest.used_at.is_(None))
                .values(used_at=utcnow())
            ),
        )
        if claimed.rowcount != 1:
            raise AuthenticationError("REQUEST_ALREADY_USED", pending.request_id)
        for subject in (pending.session_subject, current_subject):
            if subject is not None and subject != identity.fiscal_code:
                raise AuthenticationError(
                    "SESSION_SWITCH", "the browser is logged in as another person"
                )
        if pending.session_hash:
            end_sessions(session, id_hashes=[pending.session_hash])
    except AuthenticationError as e:
        session.rollback()
        record_refusal(session, e, pending.idp_entity_id if pending else None, client)
        session.commit()
        raise
    record_login(session, identity, client)
    return identity, pending


def session_identity(identity: Identity) -> dict[str, Any]:
    """What the web session keeps of a login (roles are looked up per request, not here)."""
    data = identity.to_dict()
    data["level"] = effective_level(identity.method, identity.spid_level)
    return data


def record_logout(session: Session, fiscal_code: str, reason: str) -> None:
    append_audit(
        session,
        actor=f"citizen:{fiscal_code}",
        action="auth.logout",
        subject=fiscal_code,
        channel="web",
        data={"reason": reason},
    )


def record_login(session: Session, identity: Identity, client: str) -> None:
    append_audit(
        session,
        actor=f"citizen:{identity.fiscal_code}",
        action="auth.login",
        subject=identity.fiscal_code,
        channel="web",
        data={
            "method": identity.method,
            "idp": identity.idp_entity_id,
            "level": identity.spid_level,
            "client": client,
        },
    )


def record_refusal(
    session: Session, error: AuthenticationError, idp: str | None, client: str
) -> None:
    append_audit(
        session,
        actor="anonymous",
        action="auth.login_refused",
        subject="-",
        channel="web",
        data={"reason": error.reason, "idp": idp, "client": client},
    )
