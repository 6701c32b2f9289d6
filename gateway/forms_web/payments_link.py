"""How a request's stamp duty or fee can be paid, as links for the citizen's status page.

The payment notice and its checkout belong to the payments feature; this module only asks it
for the request's payable notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from ..db import db
from ..models import Transaction
from ..payments.operations import notices_of
from ..transactions.states import State


@dataclass(frozen=True)
class PaymentLink:
    label: str
    url: str
    testid: str


def payment_links(transaction: Transaction) -> list[PaymentLink]:
    """Pay online, or print the notice for a counter: while the request awaits payment."""
    if transaction.state != State.AWAITING_PAYMENT.value:
        return []
    notice = next((n for n in notices_of(db.session, transaction) if n.status == "issued"), None)
    if notice is None:
        return []
    return [
        PaymentLink(_("Pay online"), url_for("payments.checkout", code=notice.code), "pay-online"),
        PaymentLink(
            _("Download the payment notice to pay at a counter"),
            url_for("payments.notice_pdf", code=notice.code),
            "notice-pdf",
        ),
    ]
