"""The web terminal's day: a cart of notices paid at once, the day's transactions, the
end-of-day report, and the notices a person owes looked up from their card.

The same operations as the API (``payments.carts``, ``payments.daybook``). The cart is kept
in the server-side session as a list of notice codes until the operator takes the money;
the amounts paid are those shown on the cart page (posted back and checked again).
"""

from __future__ import annotations

import secrets

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from .. import clock
from ..db import db
from ..identifiers import typed_fiscal_code, valid_notice_code
from ..models import Document, Notice, Terminal
from ..payments.carts import CartItem, activate_cart, cart_by_token, close_cart
from ..payments.daybook import (
    day_report,
    open_notices,
    recent_payments,
    report_csv,
    report_pdf,
)
from ..payments.errors import DisabledTerminal, PaymentError
from ..payments.messages import refusal_message
from ..payments.notices import mask_name, notice_for_counter
from ..payments.settle import terminal_actor
from ..ratelimit import check_limit
from ..seals import seal_keys
from .contract import MAX_CART
from .idempotency import Answer, check_key, fingerprint, run_idempotent
from .web import AMOUNT_CENTS, METHODS, signed_in_terminal, signed_out_when_disabled

bp = Blueprint("counter_day", __name__, template_folder="templates")

CART_KEY = "counter_cart"
CART_REFUSED_KEY = "counter_cart_refused"  # the last refusal, shown once on the cart page
DEBTS_KEY = "counter_debts"  # the last look-up, shown once on the debts page
READ_FROM = ("health_card", "cie")


def _cart_notices() -> list[Notice]:
    """The notices in the session's cart that can still be paid (the others are dropped)."""
    kept = []
    for code in session.get(CART_KEY, []):
        try:
            kept.append(notice_for_counter(db.session, code))
        except PaymentError:
            continue
    session[CART_KEY] = [n.code for n in kept]
    return kept


def _cart_page(terminal: Terminal, error: str | None = None) -> str:
    notices = _cart_notices()
    return render_template(
        "counter/cart.html",
        terminal=terminal,
        notices=notices,
        total=sum(n.amount_cents for n in notices),
        payer=mask_name,
        error=error,
        idempotency_key=secrets.token_urlsafe(16),
        methods=METHODS,
        max_cart=MAX_CART,
    )


@bp.get("/carrello")
def cart() -> str | Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    return _cart_page(terminal, session.pop(CART_REFUSED_KEY, None))


def _cart_refused(error: str) -> Response:
    """Back to the cart with the refusal: a POST never answers with a page."""
    session[CART_REFUSED_KEY] = error
    return redirect(url_for("counter_day.cart"), code=303)


@bp.post("/carrello/aggiungi")
def add_to_cart() -> Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    code = valid_notice_code(request.form.get("notice_code") or "")
    codes: list[str] = list(session.get(CART_KEY, []))
    if code is None:
        return _cart_refused(_("Invalid request."))
    if len(codes) >= MAX_CART and code not in codes:
        return _cart_refused(_("A cart holds at most %(count)d notices.", count=MAX_CART))
    try:
        notice_for_counter(db.session, code)
    except PaymentError as e:
        return _cart_refused(refusal_message(e))
    if code not in codes:
        session[CART_KEY] = [*codes, code]
    return redirect(url_for("counter_day.cart"), code=303)


@bp.post("/carrello/svuota")
def empty_cart() -> Response:
    session.pop(CART_KEY, None)
    return redirect(url_for("counter_day.cart"), code=303)


@bp.post("/carrello/incassa")
def pay_cart() -> Response:
    """Take the money for every notice of the cart at once (once, even if sent twice)."""
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    codes = request.form.getlist("notice_code")
    amounts = request.form.getlist("amount_cents")
    method = request.form.get("method") or "cash"
    valid = [valid_notice_code(c) for c in codes]
    if (
        not codes
        or len(codes) > MAX_CART
        or len(codes) != len(amounts)
        or None in valid
        or not all(AMOUNT_CENTS.fullmatch(a) for a in amounts)
        or method not in METHODS
    ):
        return _cart_refused(_("Invalid request."))
    items = [CartItem(c, int(a)) for c, a in zip(codes, amounts, strict=True)]
    key = check_key(request.form.get("idempotency_key"))
    fp = fingerprint("POST", request.path, f"{codes}|{amounts}|{method}".encode())
    ref = f"WEB-{secrets.token_hex(5).upper()}"

    def operation() -> Answer:
        cart = activate_cart(db.session, items, terminal)
        close_cart(
            db.session,
            token=cart.token,
            terminal=terminal,
            outcome="OK",
            actor=terminal_actor(terminal),
            signer=seal_keys().signer,
            payment_method=method,
            external_ref=ref,
        )
        return Answer(200, {"token": cart.token})

    answer = run_idempotent(
        db.session,
        scope=f"web:{terminal.id}",
        key=key,
        fp=fp,
        operation=operation,
        refusal=lambda e: Answer(e.status, {"code": e.code}),
    )
    if answer.status != 200:
        return _cart_refused(refusal_message(str(answer.body.get("code", ""))))
    session.pop(CART_KEY, None)
    return redirect(url_for("counter_day.cart_done", token=answer.body["token"]), code=303)


@bp.get("/carrelli/<payment_token:token>")
def cart_done(token: str) -> str | Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    paid = cart_by_token(db.session, token, terminal)
    return render_template("counter/cart_done.html", terminal=terminal, cart=paid)


@bp.get("/carrelli/<payment_token:token>/ricevuta.pdf")
def cart_receipt(token: str) -> Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    paid = cart_by_token(db.session, token, terminal)
    document = db.session.get(Document, paid.receipt_document_id or 0)
    if document is None:
        return redirect(url_for("counter_day.cart"))
    response = Response(document.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{document.filename}"'
    return response


@bp.get("/transazioni")
def transactions() -> str | Response:
    """The terminal's last transactions and the day's report to print."""
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    payments, _total = recent_payments(db.session, terminal, page=1, page_size=30)
    today = clock.today()
    return render_template(
        "counter/transactions.html",
        terminal=terminal,
        payments=payments,
        report=day_report(db.session, terminal, today, "terminal"),
    )


@bp.get("/chiusura.pdf", defaults={"kind": "pdf"})
@bp.get("/chiusura.csv", defaults={"kind": "csv"})
def day_close(kind: str) -> Response:
    """Today's end-of-day report of this terminal (or ``?ambito=negozio``: of its shop)."""
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    scope = "shop" if request.args.get("ambito") == "negozio" else "terminal"
    report = day_report(db.session, terminal, clock.today(), scope)
    name = f"chiusura-{terminal.id}-{report.day.isoformat()}.{kind}"
    if kind == "csv":
        response = Response(report_csv(report), mimetype="text/csv")
    else:
        response = Response(report_pdf(report), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@bp.route("/debiti", methods=["GET", "POST"])
def debts() -> str | Response:
    """What the person whose card was read can pay now (audited at each look-up).

    The look-up is the POST; its answer is shown once by the GET it redirects to (the
    notices it found, read again), so that Back and reload never send the card again."""
    terminal = signed_in_terminal()
    if terminal is None:
        return redirect(url_for("counter_web.login"))
    if request.method == "POST":
        check_limit("counter_debts", f"terminal:{terminal.id}")
        fiscal_code = typed_fiscal_code(request.form.get("fiscal_code")) or ""
        read_from = request.form.get("read_from") or ""
        if not fiscal_code or read_from not in READ_FROM:
            looked_up: dict[str, object] = {
                "error": _("The fiscal code is not valid: check it on the card."),
                "fiscal_code": (request.form.get("fiscal_code") or "")[:20],
            }
        else:
            found = open_notices(db.session, terminal, fiscal_code, read_from)
            db.session.commit()
            looked_up = {"fiscal_code": fiscal_code, "codes": [n.code for n in found]}
        session[DEBTS_KEY] = looked_up
        return redirect(url_for("counter_day.debts"), code=303)
    shown = session.pop(DEBTS_KEY, None) or {}
    notices: list[Notice] | None = None
    if "codes" in shown:
        notices = []
        for code in shown["codes"]:
            try:
                notices.append(notice_for_counter(db.session, code))
            except PaymentError:
                continue  # paid or withdrawn since the look-up
    return render_template(
        "counter/debts.html",
        terminal=terminal,
        notices=notices,
        fiscal_code=shown.get("fiscal_code", ""),
        error=shown.get("error"),
        payer=mask_name,
    )


@bp.errorhandler(DisabledTerminal)
def _disabled(e: DisabledTerminal) -> tuple[str, int]:
    return signed_out_when_disabled(e)
