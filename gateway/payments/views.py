"""The citizen's notices: the notice page, its PDF, the simulated online checkout, documents."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..access import SessionIdentity, require_identity
from ..db import db
from ..exceptions import InvalidInput, NotFound
from ..i18n import current_language, default_locale, supported
from ..models import Document, Event, Notice
from ..seals import seal_keys
from ..transactions.operations import Actor, record_event
from .errors import PaymentError
from .messages import refusal_message
from .notices import amount_due_today, amount_table, effective_status, render_notice_pdf
from .operations import paid_payment
from .settle import pay_now

bp = Blueprint("payments", __name__, template_folder="templates")
AMOUNT_CENTS = re.compile(r"[0-9]{1,10}")


def citizen_actor(identity: SessionIdentity) -> Actor:
    return identity.actor()


def own_notice(identity: SessionIdentity, code: str) -> Notice:
    """The notice if the logged-in citizen is its payer; anyone else's reads as missing."""
    notice = db.session.scalar(select(Notice).where(Notice.code == code))
    if notice is None or identity.fiscal_code not in (
        notice.payer_cf,
        notice.transaction.subject_cf,
    ):
        raise NotFound(_("Payment notice not found."), detail=f"notice {code}")
    return notice


@bp.get("/avvisi/<notice_code:code>")
def notice(code: str) -> str:
    identity = require_identity()
    item = own_notice(identity, code)
    return render_template(
        "payments/notice.html",
        notice=item,
        amounts=amount_table(item, current_language()),
        status=effective_status(item),
        payment=paid_payment(db.session, item),
    )


@bp.get("/avvisi/<notice_code:code>/avviso.pdf")
def notice_pdf(code: str) -> Response:
    """The notice PDF; the first download is the "printed" step of the timeline."""
    identity = require_identity()
    item = own_notice(identity, code)
    # In the installation's language unless another offered one is asked for (?lang=en).
    pdf = render_notice_pdf(item, supported(request.args.get("lang") or default_locale()))
    printed = db.session.scalars(
        select(Event).where(
            Event.transaction_id == item.transaction_id, Event.kind == "notice_printed"
        )
    ).all()
    if not any(e.data.get("notice_code") == item.code for e in printed):
        record_event(
            db.session,
            item.transaction,
            citizen_actor(identity),
            "notice_printed",
            {"notice_code": item.code},
        )
        db.session.commit()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="avviso-{item.code}.pdf"'
    return response


@bp.get("/avvisi/<notice_code:code>/ricevuta")
def receipt(code: str) -> Any:
    """The paid notice's receipt: where the checkout leads, and Back and reload after it."""
    identity = require_identity()
    item = own_notice(identity, code)
    payment = paid_payment(db.session, item)
    if payment is None:
        return redirect(url_for("payments.notice", code=item.code), code=303)
    return render_template("payments/receipt.html", notice=item, payment=payment)


def _to_receipt(item: Notice) -> Response | None:
    """The way to the receipt when the notice is paid already (Back to the checkout)."""
    if paid_payment(db.session, item) is None:
        return None
    return redirect(url_for("payments.receipt", code=item.code), code=303)


@bp.get("/avvisi/<notice_code:code>/paga-online")
def checkout(code: str) -> Any:
    identity = require_identity()
    item = own_notice(identity, code)
    paid = _to_receipt(item)
    if paid is not None:
        return paid
    status = effective_status(item)
    due = None
    if status == "issued":
        try:
            due = amount_due_today(item)  # the amount is brought up to what is due today
        except PaymentError as e:
            flash(refusal_message(e), "error")
            status = "unavailable"
    return render_template("payments/checkout.html", notice=item, status=status, due=due)


@bp.post("/avvisi/<notice_code:code>/paga-online")
def checkout_pay(code: str) -> Response:
    """The simulated checkout: no card is charged; the payment is recorded as online."""
    identity = require_identity()
    item = own_notice(identity, code)
    if request.form.get("action") != "pay":
        flash(_("Payment cancelled: nothing was charged."), "info")
        return redirect(url_for("payments.notice", code=item.code), code=303)
    shown = request.form.get("amount_cents", "")
    if not AMOUNT_CENTS.fullmatch(shown):
        raise InvalidInput(detail="amount_cents: the amount the page showed, in cents")
    try:
        pay_now(
            db.session,
            notice_code=item.code,
            amount_cents=int(shown),  # what the citizen saw: a changed amount is refused
            terminal=None,
            actor=citizen_actor(identity),
            signer=seal_keys().signer,
            payment_method="card",
            external_ref=f"SIM-{secrets.token_hex(6).upper()}",
        )
    except PaymentError as e:
        db.session.rollback()
        paid = _to_receipt(item)  # sent again after it went through: its receipt
        if paid is not None:
            return paid
        flash(refusal_message(e), "error")
        return redirect(url_for("payments.notice", code=item.code), code=303)
    db.session.commit()
    flash(_("Payment completed. Your receipt is ready."), "success")
    return redirect(url_for("payments.receipt", code=item.code), code=303)


@bp.get("/documenti/<id:doc_id>")
def document(doc_id: int) -> Response:
    """A PDF the gateway issued to the logged-in citizen (notice, receipt, certificate)."""
    identity = require_identity()
    doc = db.session.get(Document, doc_id)
    if doc is None or doc.subject_cf != identity.fiscal_code:
        raise NotFound(_("Document not found."), detail=f"document {doc_id}")
    if doc.kind == "payment_notice":  # through the notice, so that printing is on the timeline
        code = doc.filename.removeprefix("avviso-").removesuffix(".pdf")
        return redirect(url_for("payments.notice_pdf", code=code))
    response = Response(doc.content, mimetype=doc.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    return response


NOTICE_STATUSES = {
    "issued": _l("To be paid"),
    "paid": _l("Already paid"),
    "revoked": _l("Replaced or withdrawn"),
    "expired": _l("No longer valid (its last day has passed)"),
}


# A counter payment's state, as a terminal operator reads it (the transaction list).
PAYMENT_STATUSES = {
    "activated": _l("In progress"),
    "paid": _l("Paid"),
    "aborted": _l("Cancelled"),
    "expired": _l("Timed out"),
    "refund_due": _l("To be refunded"),
    "refunded": _l("Refunded"),
}


@bp.app_context_processor
def _notice_labels() -> dict[str, Any]:
    return {
        "notice_status_label": lambda status: str(NOTICE_STATUSES.get(status, status)),
        "payment_status_label": lambda status: str(PAYMENT_STATUSES.get(status, status)),
    }
