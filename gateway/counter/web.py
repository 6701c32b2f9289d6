"""The web terminal: a partner counter without its own software pays notices from a browser.

The operator logs the counter in with its terminal id and secret; the gateway then keeps the
terminal in the server-side session (the secret never reaches the page's scripts) and checks
on every request that it is still enabled. The pages call the same operations as the API:
scan (camera or typed code) -> see what is being paid -> confirm -> print the receipt.
"""

from __future__ import annotations

import re
import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..audit import append_audit
from ..db import db
from ..exceptions import SportelloError
from ..identifiers import valid_notice_code
from ..models import Terminal
from ..payments.errors import DisabledTerminal, PaymentError, UnauthorizedTerminal
from ..payments.messages import refusal_message
from ..payments.notices import mask_name, verified_notice
from ..payments.receipts import receipt_for
from ..payments.settle import pay_now, payment_by_token, terminal_actor
from ..ratelimit import check_limit
from ..seals import seal_keys
from .idempotency import Answer, check_key, fingerprint, run_idempotent
from .terminals import active_terminal, check_password

bp = Blueprint("counter_web", __name__, template_folder="templates")

SESSION_KEY = "counter_terminal"
METHODS = ("cash", "card")
AMOUNT_CENTS = re.compile(r"[0-9]{1,10}")  # as in the pagoPA QR payload


def signed_in_terminal() -> Terminal | None:
    """The terminal this browser signed in, still enabled; None when none is."""
    terminal_id = session.get(SESSION_KEY)
    if not terminal_id:
        return None
    try:
        return active_terminal(db.session, terminal_id)
    except UnauthorizedTerminal:
        session.pop(SESSION_KEY, None)
        raise


def _login_redirect() -> Response:
    return redirect(url_for("counter_web.login"))


@bp.route("/accesso", methods=["GET", "POST"])
def login() -> str | Response:
    error = None
    if request.method == "POST":
        check_limit("login")
        terminal_id = (request.form.get("terminal_id") or "").strip().upper()
        try:
            terminal = check_password(
                db.session,
                current_app.config["SPORTELLO"].secret_key,
                terminal_id,
                request.form.get("secret") or "",
            )
        except UnauthorizedTerminal as e:
            error = refusal_message(e)
        else:
            session.pop("identity", None)  # a counter browser is not a citizen's session
            session[SESSION_KEY] = terminal.id
            session.rotate()  # type: ignore[attr-defined]
            append_audit(
                db.session,
                actor=f"terminal:{terminal.id}",
                action="counter.web_login",
                subject=terminal.id,
                channel="counter",
            )
            db.session.commit()
            return redirect(url_for("counter_web.home"))
    return render_template("counter/login.html", error=error)


@bp.post("/esci")
def logout() -> Response:
    session.pop(SESSION_KEY, None)
    return _login_redirect()


@bp.get("/")
def home() -> str | Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    return render_template("counter/scan.html", terminal=terminal, error=None, code="")


@bp.post("/verifica")
def verify() -> str | Response:
    """Show what the scanned or typed code pays, and ask the operator to confirm."""
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    code = (request.form.get("code") or "").strip()
    try:
        notice, due = verified_notice(db.session, code)
    except PaymentError as e:
        return render_template(
            "counter/scan.html", terminal=terminal, error=refusal_message(e), code=code
        )
    return render_template(
        "counter/confirm.html",
        terminal=terminal,
        notice=notice,
        due=due,
        window=_(due.label) if due.label else None,
        payer=mask_name(notice.payer_name),
        idempotency_key=secrets.token_urlsafe(16),
        methods=METHODS,
    )


@bp.post("/incassa")
def pay() -> str | Response:
    """The operator has taken the money: record the payment (once, even if sent twice)."""
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    posted = request.form.get("notice_code") or ""
    code = valid_notice_code(posted)
    method = request.form.get("method") or "cash"
    amount = request.form.get("amount_cents") or ""
    if code is None or method not in METHODS or not AMOUNT_CENTS.fullmatch(amount):
        return render_template(
            "counter/scan.html", terminal=terminal, error=_("Invalid request."), code=posted
        )
    key = check_key(request.form.get("idempotency_key"))
    fp = fingerprint("POST", request.path, f"{code}|{amount}|{method}".encode())

    def operation() -> Answer:
        payment = pay_now(
            db.session,
            notice_code=code,
            amount_cents=int(amount),
            terminal=terminal,
            actor=terminal_actor(terminal),
            signer=seal_keys().signer,
            payment_method=method,
            external_ref=f"WEB-{secrets.token_hex(5).upper()}",
        )
        return Answer(200, {"token": payment.token})

    answer = run_idempotent(
        db.session,
        scope=f"web:{terminal.id}",
        key=key,
        fp=fp,
        operation=operation,
        refusal=lambda e: Answer(e.status, {"code": e.code}),
    )
    if answer.status != 200:
        return render_template(
            "counter/scan.html",
            terminal=terminal,
            error=refusal_message(str(answer.body.get("code", ""))),
            code=code,
        )
    return redirect(url_for("counter_web.done", token=answer.body["token"]))


@bp.get("/pagamenti/<payment_token:token>")
def done(token: str) -> str | Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    payment = payment_by_token(db.session, token, terminal)
    return render_template("counter/done.html", terminal=terminal, payment=payment)


@bp.get("/pagamenti/<payment_token:token>/ricevuta.pdf")
def receipt(token: str) -> Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    payment = payment_by_token(db.session, token, terminal)
    document = receipt_for(db.session, payment)
    if document is None:
        flash(_("This payment has no receipt."), "error")
        return redirect(url_for("counter_web.home"))
    response = Response(document.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{document.filename}"'
    return response


@bp.errorhandler(DisabledTerminal)
def signed_out_when_disabled(e: SportelloError) -> tuple[str, int]:
    """A terminal disabled meanwhile: its browser is signed out (every web terminal page)."""
    session.pop(SESSION_KEY, None)
    return render_template("counter/login.html", error=refusal_message(e)), 403
