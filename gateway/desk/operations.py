"""Delegations: a clerk acts for a citizen who is present, on evidence, in scope, until expiry.

Every desk request loads its delegation again (``delegation_for_clerk``): one revoked by the
citizen, closed, or past its expiry stops working at the next click. Opening, closing and every
clerk action are in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import InvalidValue
from forms.validators.codice_fiscale import normalize_codice_fiscale

from .. import clock
from ..audit import append_audit
from ..exceptions import Forbidden, NotFound
from ..forms_web.errors import OutOfScope
from ..forms_web.filler import Filler
from ..models import Delegation, utcnow
from ..transactions.operations import Actor

EVIDENCE_TYPES = ("identity_document", "delegation_form")
DOCUMENT_TYPES = ("carta_identita", "passaporto", "patente", "permesso_soggiorno")
MAX_DAYS = 90


class DelegationEnded(Forbidden):
    code = "DELEGATION_ENDED"
    title = _l("This desk session has ended: the delegation was revoked or has expired.")


@dataclass(frozen=True)
class DelegationRequest:
    citizen_cf: str
    citizen_name: str
    evidence_type: str
    document_type: str | None
    evidence_number: str
    scope: tuple[str, ...]
    valid_until: date


@dataclass(frozen=True)
class ParsedRequest:
    request: DelegationRequest | None
    errors: dict[str, str] = field(default_factory=dict)


def today_local(now: datetime | None = None) -> date:
    return clock.today(now)


def end_of_day(day: date) -> datetime:
    """The last second of ``day`` in Rome, as an aware datetime."""
    return clock.at(day, time(23, 59, 59))


def parse_request(
    form: Mapping[str, Any], scope: Iterable[str], services: Iterable[str], today: date
) -> ParsedRequest:
    """Check the desk's "open a session" form; every error at once, by field name."""
    errors: dict[str, str] = {}
    cf = ""
    try:
        cf = normalize_codice_fiscale(str(form.get("citizen_cf", "")))
    except InvalidValue:
        errors["citizen_cf"] = _(
            "Enter a valid fiscal code (16 characters, check letter included)."
        )
    name = " ".join(str(form.get("citizen_name", "")).split())
    if not name:
        errors["citizen_name"] = _("Enter the name as written on the document.")
    evidence = str(form.get("evidence_type", ""))
    if evidence not in EVIDENCE_TYPES:
        errors["evidence_type"] = _("Choose the evidence you checked.")
    document_type = str(form.get("document_type", "")) or None
    if evidence == "identity_document" and document_type not in DOCUMENT_TYPES:
        errors["document_type"] = _("Choose the kind of identity document.")
    if evidence != "identity_document":
        document_type = None
    number = "".join(str(form.get("evidence_number", "")).split()).upper()
    if not (3 <= len(number) <= 64):
        errors["evidence_number"] = _("Enter the number of the document or of the signed form.")
    known = set(services)
    chosen = tuple(s for s in scope if s in known)
    if not chosen:
        errors["scope"] = _("Choose at least one service.")
    raw_until = str(form.get("valid_until", "")).strip()
    try:
        until = date.fromisoformat(raw_until) if raw_until else today
    except ValueError:
        until = None
    if until is None or not (today <= until <= today + timedelta(days=MAX_DAYS)):
        errors["valid_until"] = _("The expiry must be between today and %(days)d days from now.",
                                  days=MAX_DAYS)  # fmt: skip
        until = today
    if errors:
        return ParsedRequest(None, errors)
    return ParsedRequest(
        DelegationRequest(cf, name, evidence, document_type, number, chosen, until)
    )


def _mask(number: str) -> str:
    return "*" * max(len(number) - 4, 0) + number[-4:]


def open_delegation(
    session: Session, *, clerk_cf: str, clerk_name: str, request: DelegationRequest
) -> Delegation:
    """Record the delegation and audit it; valid until the end of ``valid_until`` (Rome)."""
    delegation = Delegation(
        clerk_cf=clerk_cf,
        clerk_name=clerk_name,
        citizen_cf=request.citizen_cf,
        citizen_name=request.citizen_name,
        evidence_type=request.evidence_type,
        document_type=request.document_type,
        evidence_number=request.evidence_number,
        scope=list(request.scope),
        created_at=utcnow(),
        expires_at=end_of_day(request.valid_until),
    )
    session.add(delegation)
    session.flush()
    append_audit(
        session,
        actor=f"clerk:{clerk_cf}",
        action="delegation.open",
        subject=request.citizen_cf,
        channel="desk",
        data={
            "delegation": delegation.id,
            "evidence_type": request.evidence_type,
            "document_type": request.document_type,
            "evidence_number": _mask(request.evidence_number),
            "scope": list(request.scope),
            "expires_at": delegation.expires_at.isoformat(),
        },
    )
    return delegation


def delegation_for_clerk(
    session: Session, delegation_id: int, clerk_cf: str, now: datetime | None = None
) -> Delegation:
    """The clerk's own delegation if it is still valid: NotFound for anyone else's,
    DelegationEnded once revoked or expired."""
    delegation = session.get(Delegation, delegation_id)
    if delegation is None or delegation.clerk_cf != clerk_cf:
        raise NotFound(_("Desk session not found."), detail=f"delegation {delegation_id}")
    if not delegation.is_valid(now or utcnow()):
        raise DelegationEnded(
            detail=f"delegation {delegation_id} no longer valid",
        )
    return delegation


def active_delegations(session: Session, clerk_cf: str) -> list[Delegation]:
    now = utcnow()
    return list(
        session.scalars(
            select(Delegation)
            .where(
                Delegation.clerk_cf == clerk_cf,
                Delegation.revoked_at.is_(None),
                Delegation.expires_at > now,
            )
            .order_by(Delegation.created_at.desc())
        )
    )


def delegations_given(session: Session, citizen_cf: str) -> list[Delegation]:
    return list(
        session.scalars(
            select(Delegation)
            .where(Delegation.citizen_cf == citizen_cf)
            .order_by(Delegation.created_at.desc())
        )
    )


def revoke_delegation(
    session: Session, delegation_id: int, *, by: str, citizen_cf: str | None = None,
    clerk_cf: str | None = None, channel: str = "web",
) -> Delegation:  # fmt: skip
    """End a delegation now, by its citizen (``citizen_cf``) or by its clerk (``clerk_cf``).

    Anyone else gets NotFound. Revoking twice keeps the first revocation.
    """
    delegation = session.scalar(
        select(Delegation).where(Delegation.id == delegation_id).with_for_update()
    )
    if (
        delegation is None
        or (citizen_cf is not None and delegation.citizen_cf != citizen_cf)
        or (clerk_cf is not None and delegation.clerk_cf != clerk_cf)
        or (citizen_cf is None and clerk_cf is None)
    ):
        raise NotFound(_("Delegation not found."), detail=f"delegation {delegation_id}")
    if delegation.revoked_at is None:
        delegation.revoked_at = utcnow()
        delegation.revoked_by = by
        append_audit(
            session,
            actor=by,
            action="delegation.revoke",
            subject=delegation.citizen_cf,
            channel=channel,
            data={"delegation": delegation.id, "clerk": delegation.clerk_cf},
        )
    return delegation


def check_scope(delegation: Delegation, service: str) -> None:
    if service not in delegation.scope:
        raise OutOfScope(
            detail=f"delegation {delegation.id} does not cover {service}",
        )


def clerk_actor(delegation: Delegation) -> Actor:
    return Actor(
        kind="clerk",
        id=delegation.clerk_cf,
        name=delegation.clerk_name,
        channel="desk",
        on_behalf_of=delegation.citizen_cf,
    )


def desk_filler(delegation: Delegation) -> Filler:
    return Filler(
        actor=clerk_actor(delegation),
        subject_cf=delegation.citizen_cf,
        subject_name=delegation.citizen_name,
        delegation_id=delegation.id,
    )


def audit_desk(
    session: Session, delegation: Delegation, action: str, data: Mapping[str, Any] | None = None
) -> None:
    """An audit entry for a clerk action that changes nothing (a page seen, a PDF printed)."""
    append_audit(
        session,
        actor=f"clerk:{delegation.clerk_cf}",
        action=action,
        subject=delegation.citizen_cf,
        channel="desk",
        data={"delegation": delegation.id, **dict(data or {})},
    )
