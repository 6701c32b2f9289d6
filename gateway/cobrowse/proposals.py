"""Proposals in a shared session: the clerk proposes, only the citizen's answer changes data.

A field proposal is validated when it is made (a malformed value is refused to the clerk at
once) and again when the citizen accepts it: it is then written into the draft through
``forms_web.operations.save_draft``, as the citizen's own change. A payment-notice proposal, on
a fine's payment, issues the notice through the fines feature when accepted. Submitting stays
with the citizen unless a desk delegation covers the clerk (``submit_for_citizen``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms import FieldDefinition, FormDefinition, display_value, to_json, validate

from ..audit import append_audit
from ..desk.operations import check_scope, delegation_for_clerk
from ..exceptions import NotFound
from ..forms_web import operations as drafts
from ..forms_web.catalogue import Choices
from ..forms_web.errors import DraftClosed, FormNotValid
from ..forms_web.filler import Filler
from ..forms_web.privacy import Acknowledgement
from ..i18n import Language, default_locale, in_every_language
from ..models import Draft, SharedProposal, SharedSession, Transaction, utcnow
from ..transactions.operations import Actor, record_event
from .errors import NothingToPropose, NotShareable, ProposalNotPending
from .live import LiveSettings, emit
from .operations import citizen_actor, clerk_actor, require_active

FINE_SERVICE = "pagamento_multa"


def draft_of(session: Session, shared: SharedSession) -> Draft | None:
    return session.scalar(select(Draft).where(Draft.transaction_id == shared.transaction_id))


def _editable_draft(session: Session, shared: SharedSession) -> Draft:
    draft = draft_of(session, shared)
    if draft is None or shared.transaction is None:
        raise NotShareable(_("This request has no form to fill in."))
    if shared.transaction.state not in drafts.EDITABLE or draft.submitted_at is not None:
        raise DraftClosed()
    return draft


def _shown(
    field: FieldDefinition, cleaned: Mapping[str, Any], choices: Choices, words: Language
) -> str:
    """How a proposed value reads in ``words``' language (kept for each offered language)."""
    if field.name not in cleaned:
        return "—"
    return display_value(field, cleaned[field.name], words, choices.options)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value is False


def _record(
    session: Session, shared: SharedSession, actor: Actor, kind: str, proposal: SharedProposal
) -> None:
    tx = shared.transaction
    assert tx is not None
    data = {
        "session": shared.id,
        "proposal": proposal.id,
        "field": proposal.field,
        "proposal_kind": proposal.kind,
        "value": proposal.display.get(default_locale(), ""),
        "clerk": shared.clerk_name,
    }
    record_event(session, tx, actor, kind, data)
    append_audit(
        session,
        actor=actor.audit_name,
        action=f"cobrowse.{kind.removeprefix('cobrowse_')}",
        subject=shared.citizen_cf,
        channel=actor.channel,
        data={"reference": tx.reference, **data},
    )


def propose_fields(
    session: Session,
    shared: SharedSession,
    raw: Mapping[str, Any],
    *,
    definition: FormDefinition,
    choices: Choices,
    settings: LiveSettings,
) -> list[SharedProposal]:
    """One proposal per field whose value ``raw`` changes (a newer one replaces a pending
    proposal for the same field). Raises FormNotValid for a malformed value,
    NothingToPropose when nothing changes, SharedSessionEnded, DraftClosed."""
    require_active(session, shared, settings)
    draft = _editable_draft(session, shared)
    current = drafts.answers_of(draft)
    offered = {k: v for k, v in raw.items() if k in {f.name for f in definition.fields}}
    result = validate(definition, {**current, **offered}, choices=choices.options, partial=True)
    if not result.ok:
        wrong = {name: errs for name, errs in result.errors.items() if name in offered}
        if wrong:
            raise FormNotValid(result, _("Some proposed values are not valid."))
    proposed_json = to_json(definition, result.cleaned)
    made: list[SharedProposal] = []
    now = utcnow()
    for field in definition.fields:
        if field.name not in offered or field.type == "file":
            continue
        new, old = proposed_json.get(field.name), current.get(field.name)
        if new == old or (_blank(new) and _blank(old)):
            continue
        display = in_every_language(partial(_shown, field, result.cleaned, choices))
        for older in session.scalars(
            select(SharedProposal).where(
                SharedProposal.session_id == shared.id,
                SharedProposal.field == field.name,
                SharedProposal.status == "pending",
            )
        ):
            older.status = "superseded"
        proposal = SharedProposal(
            session_id=shared.id, kind="field", field=field.name, value=new, display=display,
            status="pending", proposed_by=shared.clerk_cf or "", proposed_at=now,
        )  # fmt: skip
        session.add(proposal)
        session.flush()
        _record(session, shared, clerk_actor(shared), "cobrowse_proposed", proposal)
        made.append(proposal)
    if not made:
        raise NothingToPropose()
    emit(session, shared, "proposed", {"proposals": [p.id for p in made]})
    return made


def propose_notice(
    session: Session, shared: SharedSession, *, settings: LiveSettings
) -> SharedProposal:
    """On a fine's payment: propose to prepare the payment notice for the amount due today."""
    require_active(session, shared, settings)
    tx = shared.transaction
    report = str(((tx.data if tx else None) or {}).get("report_number", ""))
    if tx is None or tx.service != FINE_SERVICE or not report:
        raise NotShareable(_("A payment notice can be prepared only for a fine's payment."))
    display = in_every_language(
        lambda words: words.gettext(
            "Prepare the payment notice for fine report no. %(report)s", report=report
        )
    )
    proposal = SharedProposal(
        session_id=shared.id, kind="payment_notice", field=None, value={"report_number": report},
        display=display, status="pending", proposed_by=shared.clerk_cf or "",
        proposed_at=utcnow(),
    )  # fmt: skip
    session.add(proposal)
    session.flush()
    _record(session, shared, clerk_actor(shared), "cobrowse_proposed", proposal)
    emit(session, shared, "proposed", {"proposals": [proposal.id]})
    return proposal


def pending_proposal(session: Session, shared: SharedSession, proposal_id: int) -> SharedProposal:
    proposal = session.scalar(
        select(SharedProposal)
        .where(SharedProposal.id == proposal_id, SharedProposal.session_id == shared.id)
        .with_for_update()
    )
    if proposal is None:
        raise NotFound(_("Proposal not found."), detail=f"proposal {proposal_id}")
    if proposal.status != "pending":
        raise ProposalNotPending()
    return proposal


def citizen_filler(shared: SharedSession) -> Filler:
    return Filler(
        actor=citizen_actor(shared), subject_cf=shared.citizen_cf, subject_name=shared.citizen_name
    )


def answer(
    session: Session,
    shared: SharedSession,
    proposal_id: int,
    *,
    accept: bool,
    definition: FormDefinition | None,
    choices: Choices,
    settings: LiveSettings,
) -> SharedProposal:
    """The citizen accepts (the value goes into the draft, validated) or rejects a proposal.

    Raises ProposalNotPending, SharedSessionEnded, FormNotValid (the value no longer fits,
    e.g. a child no longer listed: nothing is written), DraftClosed."""
    require_active(session, shared, settings)
    proposal = pending_proposal(session, shared, proposal_id)
    if accept:
        if proposal.kind == "field":
            assert definition is not None and proposal.field is not None
            draft = _editable_draft(session, shared)
            answers = drafts.answers_of(draft)
            if proposal.value is None:
                answers.pop(proposal.field, None)
            else:
                answers[proposal.field] = proposal.value
            drafts.save_draft(session, definition=definition, raw=answers, choices=choices,
                              filler=citizen_filler(shared), draft=draft)  # fmt: skip
        else:
            from ..fines.operations import request_fine_notice

            request_fine_notice(
                session,
                fiscal_code=shared.citizen_cf,
                payer_name=shared.citizen_name,
                report_number=str(proposal.value["report_number"]),
                actor=citizen_actor(shared),
            )
    proposal.status = "accepted" if accept else "rejected"
    proposal.answered_by = shared.citizen_cf
    proposal.answered_at = utcnow()
    kind = "cobrowse_accepted" if accept else "cobrowse_rejected"
    _record(session, shared, citizen_actor(shared), kind, proposal)
    emit(session, shared, "answered", {"proposal": proposal.id, "status": proposal.status})
    return proposal


def submit_by_citizen(
    session: Session,
    shared: SharedSession,
    *,
    definition: FormDefinition,
    choices: Choices,
    settings: LiveSettings,
    privacy: Acknowledgement,
) -> Transaction:
    """The citizen sends the request from the shared view (FormNotValid if incomplete), with
    their acknowledgement of the privacy notice."""
    require_active(session, shared, settings)
    draft = _editable_draft(session, shared)
    tx = drafts.submit_form(session, definition=definition, raw=None, choices=choices,
                            filler=citizen_filler(shared), draft=draft,
                            privacy=privacy)  # fmt: skip
    _audit_submit(session, shared, citizen_actor(shared), tx)
    emit(session, shared, "submitted", {"state": tx.state})
    return tx


def submit_for_citizen(
    session: Session,
    shared: SharedSession,
    delegation_id: int,
    *,
    definition: FormDefinition,
    choices: Choices,
    settings: LiveSettings,
    privacy: Acknowledgement,
) -> Transaction:
    """The clerk sends the request, only under a valid desk delegation from this citizen that
    covers the service (NotFound, DelegationEnded, OutOfScope otherwise), having given the
    citizen the privacy notice (``privacy`` names the clerk)."""
    require_active(session, shared, settings)
    delegation = delegation_for_clerk(session, delegation_id, shared.clerk_cf or "")
    if delegation.citizen_cf != shared.citizen_cf:
        raise NotFound(_("Desk session not found."), detail=f"delegation {delegation_id}")
    draft = _editable_draft(session, shared)
    check_scope(delegation, draft.service)
    filler = Filler(actor=clerk_actor(shared), subject_cf=shared.citizen_cf,
                    subject_name=shared.citizen_name, delegation_id=delegation.id)  # fmt: skip
    tx = drafts.submit_form(session, definition=definition, raw=None, choices=choices,
                            filler=filler, draft=draft, privacy=privacy)  # fmt: skip
    _audit_submit(session, shared, clerk_actor(shared), tx, delegation=delegation.id)
    emit(session, shared, "submitted", {"state": tx.state})
    return tx


def _audit_submit(
    session: Session, shared: SharedSession, actor: Actor, tx: Transaction, **data: Any
) -> None:
    append_audit(
        session,
        actor=actor.audit_name,
        action="cobrowse.submit",
        subject=shared.citizen_cf,
        channel=actor.channel,
        data={"session": shared.id, "reference": tx.reference, **data},
    )


def proposals_of(session: Session, shared: SharedSession) -> list[SharedProposal]:
    return list(
        session.scalars(
            select(SharedProposal)
            .where(SharedProposal.session_id == shared.id)
            .order_by(SharedProposal.id.desc())
        )
    )
