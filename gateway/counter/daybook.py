"""A terminal's day book in the counter API: ``GET /payments`` (its last transactions) and
``GET /reports/day`` (the end-of-day report of the terminal or its shop, PDF or CSV)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request

from .. import clock
from ..db import db
from ..payments.daybook import day_report, recent_payments, report_csv, report_pdf
from ..security import csrf
from .api import payment_json, signed_terminal
from .contract import query_args

bp = Blueprint("counter_daybook", __name__)
csrf.exempt(bp)


@bp.get("/payments")
def payments() -> Response:
    """The terminal's last 30 payments of the last 30 days, newest first, a page at a time."""
    terminal = signed_terminal()
    args = query_args(request, "PaymentListQuery")
    page, size = args["page"], args["page_size"]
    items, total = recent_payments(db.session, terminal, page=page, page_size=size)
    return jsonify(
        items=[payment_json(p, listed=True) for p in items],
        page=page,
        page_size=size,
        total=total,
        next_page=page + 1 if page * size < total else None,
    )


@bp.get("/reports/day")
def report() -> Response:
    """The end-of-day report (Rome's day) of this terminal or of its whole shop."""
    terminal = signed_terminal()
    args = query_args(request, "DayReportQuery")
    day = date.fromisoformat(args["date"]) if args["date"] else clock.today()
    built = day_report(db.session, terminal, day, args["scope"])
    name = f"chiusura-{args['scope']}-{terminal.id}-{day.isoformat()}"
    if args["format"] == "csv":
        response = Response(report_csv(built), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = Response(report_pdf(built), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
