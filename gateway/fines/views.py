"""The citizen's traffic fines: what the fines system holds for their fiscal code, and paying."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ..access import require_identity
from ..db import db
from ..legacy import try_legacy
from ..payments.errors import PaymentError
from ..payments.messages import refusal_message
from ..payments.views import citizen_actor
from .errors import FineNotPayable, UnknownFine
from .operations import current_notice, fines_of, open_transaction_for, request_fine_notice

bp = Blueprint("fines", __name__, template_folder="templates")

FINE_STATUSES = {
    "open": _l("To be paid"),
    "paid": _l("Paid"),
    "cancelled": _l("Cancelled"),
    "disputed": _l("Disputed (appeal pending)"),
}
AMOUNT_RULES = {
    "reduced": _l("reduced by 30% (paid within 5 days of notification)"),
    "base": _l("full amount (within 60 days of notification)"),
    "increased": _l("increased (more than 60 days after notification)"),
}


@bp.get("/")
def fines() -> str:
    identity = require_identity()
    found, unavailable = try_legacy("fines", lambda: fines_of(identity.fiscal_code))
    rows = []
    for fine in found or []:
        tx = open_transaction_for(
            db.session, identity.fiscal_code, fine.report_number, any_state=True
        )
        notice = current_notice(db.session, tx) if tx else None
        rows.append({"fine": fine, "tx": tx, "notice": notice})
    return render_template(
        "fines/list.html",
        rows=rows,
        unavailable=unavailable,
        statuses=FINE_STATUSES,
        rules=AMOUNT_RULES,
    )


def _notice_for(report_number: str) -> str | None:
    identity = require_identity()
    try:
        notice = request_fine_notice(
            db.session,
            fiscal_code=identity.fiscal_code,
            payer_name=identity.full_name,
            report_number=report_number,
            actor=citizen_actor(identity),
        )
    except (FineNotPayable, UnknownFine, PaymentError) as e:
        db.session.rollback()
        flash(refusal_message(e), "error")
        return None
    db.session.commit()
    return notice.code


@bp.post("/<report_number:report_number>/avviso")
def pay_at_counter(report_number: str) -> Response:
    """ "Pay at a partner counter": the notice for today's amount, then its page with the PDF."""
    code = _notice_for(report_number)
    if code is None:
        return redirect(url_for("fines.fines"))
    return redirect(url_for("payments.notice", code=code))


@bp.post("/<report_number:report_number>/paga-online")
def pay_online(report_number: str) -> Response:
    code = _notice_for(report_number)
    if code is None:
        return redirect(url_for("fines.fines"))
    return redirect(url_for("payments.checkout", code=code))
