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
SCANNED_KEY = "counter_scanned"  # the code the confirmation page shows
REFUSED_KEY = "counter_refused"  # the last refusal, shown once on the scan page
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
def login() -> tuple[str, int] | Response:
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
    return render_template("counter/login.html", error=error), (401 if error else 200)


@bp.post("/esci")
def logout() -> Response:
    session.pop(SESSION_KEY, None)
    return _login_redirect()


@bp.get("/")
def home() -> str | Response:
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    refused = session.pop(REFUSED_KEY, None) or {}
    return render_template(
        "counter/scan.html",
        terminal=terminal,
        error=refused.get("error"),
        code=str(refused.get("code", "")),
    )


def _refused(error: str, code: str) -> Response:
    """Back to the scan page with the refusal and the code typed (a POST never answers with
    a page: Back and reload then never ask to send the form again)."""
    session[REFUSED_KEY] = {"error": error, "code": code[:500]}
    return redirect(url_for("counter_web.home"), code=303)


@bp.post("/verifica")
def verify() -> Response:
    """The scanned or typed code: keep it, and show what it pays on the confirmation page."""
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    code = (request.form.get("code") or "").strip()
    try:
        verified_notice(db.session, code)
    except PaymentError as e:
        return _refused(refusal_message(e), code)
    session[SCANNED_KEY] = code
    return redirect(url_for("counter_web.confirm"), code=303)


@bp.get("/conferma")
def confirm() -> str | Response:
    """What the code scanned last pays (checked again now), and the operator's confirmation."""
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    code = session.get(SCANNED_KEY)
    if not isinstance(code, str):
        return redirect(url_for("counter_web.home"), code=303)
    try:
        notice, due = verified_notice(db.session, code)
    except PaymentError as e:
        session.pop(SCANNED_KEY, None)
        return _refused(refusal_message(e), code)
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
def pay() -> Response:
    """The operator has taken the money: record the payment (once, even if sent twice)."""
    terminal = signed_in_terminal()
    if terminal is None:
        return _login_redirect()
    posted = request.form.get("notice_code") or ""
    code = valid_notice_code(posted)
    method = request.form.get("method") or "cash"
    amount = request.form.get("amount_cents") or ""
    if code is None or method not in METHODS or not AMOUNT_CENTS.fullmatch(amount):
        return _refused(_("Invalid request."), posted)
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
        return _refused(refusal_message(str(answer.body.get("code", ""))), code)
    session.pop(SCANNED_KEY, None)
    return redirect(url_for("counter_web.done", token=answer.body["token"]), code=303)


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
