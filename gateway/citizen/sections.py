"""The citizen feature's own section of its area: every transaction (pratica) and its state."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..features import AreaItem, AreaSection
from ..formatting import format_datetime
from ..i18n import shown_title
from ..transactions.operations import list_for_subject
from .status import transaction_status


def transactions(session: Session, fiscal_code: str) -> list[AreaItem]:
    """The citizen's transactions, the last updated first (the timeline is each one's page)."""
    return [
        AreaItem(
            title=shown_title(tx),
            status=transaction_status(tx.state),
            url=url_for("citizen.timeline", reference=tx.reference),
            code=tx.reference,
            details=((_("Last update"), format_datetime(tx.updated_at, "short")),),
            kind="transaction",
        )
        for tx in list_for_subject(session, fiscal_code)
    ]


TRANSACTIONS = AreaSection(
    tab="pratiche",
    name="transactions",
    heading=_l("Your transactions"),
    empty=_l("You have no transactions yet."),
    items=transactions,
    layout="table",
)
