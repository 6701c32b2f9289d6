"""Log in and out with SPID/CIE (SAML 2.0): IdP picker, AuthnRequest, ACS, single logout."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from werkzeug.wrappers import Response as BaseResponse

from identity import AuthenticationError, Identity

from ..access import current_identity
from ..db import db
from ..ratelimit import rate_limited
from ..security import csrf
from .operations import (
    complete_spid_login,
    record_login,
    record_logout,
    record_refusal,
    session_identity,
    start_spid_login,
)
from .providers import service_provider

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, template_folder="templates")

DEFAULT_NEXT = "/area-personale/"


def safe_next(value: str | None, default: str = DEFAULT_NEXT) -> str:
    """Only a path on this site; never an absolute or protocol-relative address."""
    target = value or default
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.get("/accedi")
def login_page() -> str:
    providers = current_app.extensions.get("sportello.identity_providers", [])
    return render_template(
        "auth/login.html",
        spid_providers=[p for p in providers if p.method == "spid"],
        cie_providers=[p for p in providers if p.method == "cie"],
        oidc_label=current_app.extensions.get("sportello.oidc_label"),
        next=safe_next(request.args.get("next")),
        expired=bool(session.get("expired")),
    )


@bp.get("/accedi/oidc")
@rate_limited("login")
def oidc_login() -> BaseResponse:
    rp = current_app.extensions.get("sportello.oidc_rp")
    if rp is None:
        return refusal(AuthenticationError("INVALID", "no OIDC provider configured"))
    try:
        auth = rp.begin()
    except AuthenticationError as e:
        return refusal(e)
    session["oidc"] = {
        "state": auth.state,
        "nonce": auth.nonce,
        "code_verifier": auth.code_verifier,
        "next": safe_next(request.args.get("next")),
    }
    return redirect(auth.url)


@bp.get("/accedi/oidc/callback")
@rate_limited("acs")
def oidc_callback() -> BaseResponse:
    rp = current_app.extensions.get("sportello.oidc_rp")
    pending = session.pop("oidc", None)
    client = request.remote_addr or "-"
    try:
        if rp is None or not pending:
            raise AuthenticationError("OIDC_STATE_MISMATCH", "no OIDC login pending here")
        identity = rp.complete(
            request.args,
            state=pending["state"],
            nonce=pending["nonce"],
            code_verifier=pending["code_verifier"],
        )
    except AuthenticationError as e:
        record_refusal(db.session, e, rp.settings.issuer if rp else None, client)
        db.session.commit()
        return refusal(e)
    record_login(db.session, identity, client)
    db.session.commit()
    begin_session(identity, lang=session.get("lang"))
    return redirect(safe_next(pending.get("next")))


@bp.get("/saml/metadata")
def metadata() -> Response:
    body = service_provider(current_app).metadata()
    return Response(body, mimetype="application/samlmetadata+xml")


@bp.get("/accedi/spid")
@rate_limited("login")
def spid_login() -> BaseResponse:
    idp = request.args.get("idp", "")
    try:
        level = int(request.args.get("level", "2"))
    except ValueError:
        level = 0
    if level not in (1, 2, 3):
        return refusal(AuthenticationError("INVALID", f"bad level {request.args.get('level')!r}"))
    try:
        login = start_spid_login(
            db.session,
            service_provider(current_app),
            idp_entity_id=idp,
            level=level,
            next_url=safe_next(request.args.get("next")),
            lang=str(get_locale()),
        )
    except AuthenticationError as e:
        return refusal(e)
    db.session.commit()
    session["saml_request_id"] = login.request_id
    return redirect(login.url)


@bp.post("/saml/acs")
@csrf.exempt
@rate_limited("acs")
def acs() -> BaseResponse:
    try:
        identity, pending = complete_spid_login(
            db.session,
            service_provider(current_app),
            saml_response=request.form.get("SAMLResponse", ""),
            relay_state=request.form.get("RelayState", ""),
            browser_request_id=session.get("saml_request_id"),
            client=request.remote_addr or "-",
        )
    except AuthenticationError as e:
        return refusal(e)
    db.session.commit()
    begin_session(identity, lang=pending.lang)
    return redirect(safe_next(pending.next_url))


def begin_session(identity: Identity, *, lang: str | None) -> None:
    """A new session id for the logged-in user: nothing from before the login is kept."""
    session.clear()
    session.rotate()  # type: ignore[attr-defined]
    session["identity"] = session_identity(identity)
    if lang:
        session["lang"] = lang


def refusal(error: AuthenticationError) -> BaseResponse:
    """A clear page for a refused login: plain words for the person, the reason in the log."""
    log.warning("login refused: %s (%s)", error.reason, error.detail)
    lang = str(get_locale() or "it")
    status = 400 if error.reason in {"INVALID", "UNKNOWN_IDP"} else 403
    html = render_template(
        "auth/refused.html",
        message=error.user_message(lang),
        cancelled=error.user_cancelled,
        reason=error.reason,
    )
    return make_response(html, status)


@bp.post("/esci")
def logout() -> BaseResponse:
    identity = current_identity()
    data = session.get("identity") or {}
    session.destroy()  # type: ignore[attr-defined]
    if identity is None:
        return redirect(url_for("core.home"))
    record_logout(db.session, identity.fiscal_code, "user")
    db.session.commit()
    if data.get("method") in ("spid", "cie") and data.get("idp_entity_id"):
        try:
            full = Identity.from_dict({k: v for k, v in data.items() if k != "level"})
            slo = service_provider(current_app).logout_request(full)
        except (AuthenticationError, TypeError, ValueError) as e:
            log.info("single logout not started: %s", e)
        else:
            session["slo_request_id"] = slo.request_id
            session["slo_idp"] = full.idp_entity_id
            return redirect(slo.url)
    return redirect(url_for("auth.logged_out"))


@bp.route("/saml/slo", methods=["GET", "POST"])
@csrf.exempt
def slo() -> BaseResponse:
    request_id, idp = session.get("slo_request_id"), session.get("slo_idp")
    if request_id and idp:
        try:
            service_provider(current_app).process_logout_response(
                request_id=request_id,
                idp_entity_id=idp,
                binding="redirect" if request.method == "GET" else "post",
                query_string=request.query_string.decode(),
                saml_response_b64=request.form.get("SAMLResponse", ""),
            )
        except AuthenticationError as e:
            log.info("logout response not accepted: %s (%s)", e.reason, e.detail)
    session.destroy()  # type: ignore[attr-defined]
    return redirect(url_for("auth.logged_out"))


@bp.get("/uscita")
def logged_out() -> str:
    return render_template("auth/logged_out.html")
