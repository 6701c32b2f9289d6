"""What the forms slice shows in the citizen's personal area: requests a clerk prepared for
the citizen to confirm ("Da confermare"), each with the one button that opens it."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..features import Action, AreaItem, AreaSection
from ..formatting import format_datetime
from ..i18n import shown_title
from ..models import Draft, Transaction
from ..timeline import CHANNELS
from ..transactions.states import State


def to_confirm(session: Session, fiscal_code: str) -> list[AreaItem]:
    """The citizen's requests a clerk prepared and that wait for their confirmation."""
    found = session.scalars(
        select(Transaction)
        .join(Draft, Draft.transaction_id == Transaction.id)
        .where(
            Transaction.subject_cf == fiscal_code,
            Transaction.state == State.AWAITING_CONFIRMATION.value,
        )
        .order_by(Transaction.id)
    ).all()
    items = []
    for tx in found:
        prepared = next(
            (e for e in reversed(tx.events) if e.kind == "prepared_for_confirmation"), None
        )
        details = []
        if prepared is not None:
            by = _(
                "%(name)s, %(channel)s, %(when)s",
                name=prepared.actor_name or prepared.actor_id,
                channel=CHANNELS.get(prepared.channel, prepared.channel),
                when=format_datetime(prepared.at, "short"),
            )
            details.append((_("Prepared by"), by))
        items.append(
            AreaItem(
                title=shown_title(tx),
                status="transaction.awaiting_confirmation",
                url=url_for("citizen.timeline", reference=tx.reference),
                code=tx.reference,
                details=tuple(details),
                action=Action(
                    _("Review and confirm"),
                    url_for("forms_web.confirm", reference=tx.reference),
                ),
                waiting=True,
                when=prepared.at if prepared is not None else tx.created_at,
                kind="to_confirm",
            )
        )
    return items


TO_CONFIRM = AreaSection(
    tab="pratiche",
    name="to_confirm",
    heading=_l("Requests to confirm"),
    empty=None,  # its entries wait: they are shown above every section, or not at all
    items=to_confirm,
)
