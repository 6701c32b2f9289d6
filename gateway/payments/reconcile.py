"""The clerk's list of payments to reconcile: late counter payments that must be refunded.

A counter's OK that arrives after its token expired, when another payment held or had paid
the notice, cannot be accepted (``settle.close_payment``): the counter was told to give the
cash back. A clerk checks with the counter that it did and records it here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..access import require_identity
from ..db import db
from ..transactions.operations import Actor
from .settle import payments_to_reconcile, reconcile_payment

bp = Blueprint("payments_clerk", __name__, template_folder="templates")

NOTE_MAX = 500


@bp.get("/")
def to_reconcile() -> Any:
    require_identity()
    return render_template(
        "payments/reconcile.html",
        payments=payments_to_reconcile(db.session),
        errors={},
        values={},
    )


@bp.post("/<id:payment_id>")
def reconcile(payment_id: int) -> Any:
    identity = require_identity()
    note = request.form.get("note", "").strip()
    errors: dict[str, str] = {}
    if not note:
        errors[str(payment_id)] = _("Write how the money went back to the payer.")
    elif len(note) > NOTE_MAX or not note.isprintable():
        errors[str(payment_id)] = _(
            "The note must be at most %(n)d printable characters.", n=NOTE_MAX
        )
    if errors:
        return render_template(
            "payments/reconcile.html",
            payments=payments_to_reconcile(db.session),
            errors=errors,
            values={str(payment_id): note[:NOTE_MAX]},
        ), 422
    clerk = Actor(
        kind="clerk",
        id=identity.fiscal_code,
        name=identity.name_as("clerk"),
        channel="desk",
    )
    reconcile_payment(db.session, payment_id, clerk=clerk, note=note)
    db.session.commit()
    flash(_("Refund recorded."), "success")
    response: Response = redirect(url_for("payments_clerk.to_reconcile"))
    return response
