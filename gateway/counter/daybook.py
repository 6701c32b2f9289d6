"""A terminal's day book in the counter API: ``GET /payments`` (its last transactions),
``GET /reports/day`` (the end-of-day report of the terminal or its shop, PDF or CSV) and
``POST /debts/lookup`` (what the person whose card was read can pay now)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, jsonify, request

from .. import clock
from ..db import db
from ..identifiers import valid_fiscal_code
from ..payments.daybook import day_report, open_notices, recent_payments, report_csv, report_pdf
from ..payments.errors import InvalidFiscalCode, PaymentError
from ..payments.notices import amount_due_today
from ..ratelimit import check_limit
from ..security import csrf
from .api import notice_json, payment_json, signed_terminal
from .contract import json_body, query_args

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


@bp.post("/debts/lookup")
def debts() -> Response:
    """The open notices of the person whose card the terminal read (audited, limited)."""
    terminal = signed_terminal()
    check_limit("counter_debts", f"terminal:{terminal.id}")
    body = json_body(request, "DebtLookupRequest")
    fiscal_code = valid_fiscal_code(body["fiscal_code"])
    if fiscal_code is None:
        raise InvalidFiscalCode(detail="check character")
    notices = open_notices(db.session, terminal, fiscal_code, body["read_from"])
    db.session.commit()  # the audit entry
    payable = []
    for notice in notices:
        try:
            due = amount_due_today(notice)  # a fine's amount of today, as verify gives it
        except PaymentError:
            continue  # not payable today (the creditor's system says so)
        payable.append({**notice_json(notice, due), "service": notice.service})
    return jsonify(fiscal_code=fiscal_code, notices=payable)
