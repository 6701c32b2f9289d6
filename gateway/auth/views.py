"""Log in and out with SPID/CIE (SAML 2.0) and OpenID Connect: chooser, requests, ACS, logout.

The SPID level a login asks for is the policy level of the page it leads to
(``gateway/levels.py``), never a parameter of the request; every login is bound to the
browser that started it (``binding.py``); every ``next`` goes through ``safe_target``.
"""

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
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from identity import AuthenticationError, Identity

from ..access import current_identity
from ..config import Config
from ..db import db
from ..levels import required_level_for_path
from ..ratelimit import rate_limited
from ..redirects import safe_target
from ..security import csrf
from ..sessions import session_id_hash, store_now
from . import binding
from .buttons import (
    CIE_INFO_URL,
    CIE_KIT,
    SPID_HELP_URL,
    SPID_INFO_URL,
    SPID_KIT,
    SPID_REQUEST_URL,
    in_random_order,
)
from .logout import end_local_session, single_logout_endpoint
from .operations import (
    BrowserState,
    complete_spid_login,
    record_login,
    record_refusal,
    session_identity,
    start_spid_login,
)
from .providers import service_provider

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, template_folder="templates")

DEFAULT_NEXT = "/area-personale/"


def _config() -> Config:
    return current_app.config["SPORTELLO"]


def _next() -> str:
    return safe_target(request.args.get("next"), DEFAULT_NEXT)


def login_level(next_url: str) -> int:
    """The level to ask for: the policy level of the page, never less than the session's."""
    identity = current_identity()
    current = identity.level if identity else 0
    return min(3, max(1, required_level_for_path(current_app, next_url), current))


def _browser() -> BrowserState:
    identity = current_identity()
    return BrowserState(
        binder=binding.new_or_current(request, _config()),
        subject=identity.fiscal_code if identity else None,
        session_hash=session_id_hash(session) if identity else None,
    )


@bp.get("/accedi")
def login_page() -> str:
    providers = current_app.extensions.get("sportello.identity_providers", [])
    next_url = _next()
    return render_template(
        "auth/login.html",
        spid_providers=in_random_order([p for p in providers if p.method == "spid"]),
        cie_providers=[p for p in providers if p.method == "cie"],
        oidc_label=current_app.extensions.get("sportello.oidc_label"),
        next=next_url,
        level=login_level(next_url),
        expired=bool(session.get("expired")),
        spid_kit=SPID_KIT,
        cie_kit=CIE_KIT,
        spid_links=(
            (SPID_INFO_URL, _("More information")),
            (SPID_REQUEST_URL, _("Don't have SPID?")),
            (SPID_HELP_URL, _("Need help?")),
        ),
        cie_info_url=CIE_INFO_URL,
    )


@bp.get("/accedi/livello")
def step_up() -> str:
    """The page needs a higher level than this session's: explain, and offer to log in again."""
    providers = current_app.extensions.get("sportello.identity_providers", [])
    next_url = _next()
    identity = current_identity()
    return render_template(
        "auth/step_up.html",
        providers=providers,
        oidc_label=current_app.extensions.get("sportello.oidc_label"),
        next=next_url,
        level=login_level(next_url),
        current_level=identity.level if identity else 0,
    )


@bp.get("/accedi/oidc")
@rate_limited("login")
def oidc_login() -> BaseResponse:
    rp = current_app.extensions.get("sportello.oidc_rp")
    if rp is None:
        return refusal(AuthenticationError("INVALID", "no OIDC provider configured"))
    next_url = _next()
    level = login_level(next_url)
    browser = _browser()
    try:
        auth = rp.begin(min_level=level)
    except AuthenticationError as e:
        return refusal(e)
    session["oidc"] = {
        "state": auth.state,
        "nonce": auth.nonce,
        "code_verifier": auth.code_verifier,
        "next": next_url,
        "level": level,
        "browser": binding.binder_hash(browser.binder),
    }
    response = redirect(auth.url)
    binding.set_cookie(response, browser.binder, _config())
    return response


@bp.get("/accedi/oidc/callback")
@rate_limited("acs")
def oidc_callback() -> BaseResponse:
    rp = current_app.extensions.get("sportello.oidc_rp")
    pending = session.pop("oidc", None)
    client = request.remote_addr or "-"
    current = current_identity()
    try:
        if rp is None or not pending:
            raise AuthenticationError("OIDC_STATE_MISMATCH", "no OIDC login pending here")
        if not binding.matches(binding.binder_of(request, _config()), pending.get("browser")):
            raise AuthenticationError("BROWSER_MISMATCH", "OIDC callback in another browser")
        identity = rp.complete(
            request.args,
            state=pending["state"],
            nonce=pending["nonce"],
            code_verifier=pending["code_verifier"],
        )
        if identity.spid_level < int(pending.get("level", 1)):
            raise AuthenticationError(
                "LEVEL_TOO_LOW", f"SpidL{identity.spid_level}, asked SpidL{pending['level']}"
            )
        if current is not None and current.fiscal_code != identity.fiscal_code:
            raise AuthenticationError("SESSION_SWITCH", "logged in as another person")
    except AuthenticationError as e:
        record_refusal(db.session, e, rp.settings.issuer if rp else None, client)
        db.session.commit()
        return refusal(e)
    record_login(db.session, identity, client)
    begin_session(identity, lang=session.get("lang"))
    db.session.commit()
    return _logged_in(safe_target(pending.get("next"), DEFAULT_NEXT))


@bp.get("/saml/metadata")
def metadata() -> Response:
    body = service_provider(current_app).metadata()
    return Response(body, mimetype="application/samlmetadata+xml")


@bp.get("/saml/metadata/cie")
def cie_metadata() -> Response:
    """The same service provider described by the CIE federation's metadata profile."""
    body = service_provider(current_app).metadata(profile="cie")
    return Response(body, mimetype="application/samlmetadata+xml")


@bp.get("/accedi/spid")
@rate_limited("login")
def spid_login() -> BaseResponse:
    next_url = _next()
    browser = _browser()
    try:
        login = start_spid_login(
            db.session,
            service_provider(current_app),
            idp_entity_id=request.args.get("idp", ""),
            level=login_level(next_url),
            next_url=next_url,
            lang=str(get_locale()),
            browser=browser,
        )
    except AuthenticationError as e:
        return refusal(e)
    db.session.commit()
    response = redirect(login.url)
    binding.set_cookie(response, browser.binder, _config())
    return response


@bp.post("/saml/acs")
@csrf.exempt
@rate_limited("acs")
def acs() -> BaseResponse:
    current = current_identity()
    try:
        identity, pending = complete_spid_login(
            db.session,
            service_provider(current_app),
            saml_response=request.form.get("SAMLResponse", ""),
            relay_state=request.form.get("RelayState", ""),
            binder=binding.binder_of(request, _config()),
            current_subject=current.fiscal_code if current else None,
            client=request.remote_addr or "-",
        )
    except AuthenticationError as e:
        return refusal(e)
    begin_session(identity, lang=pending.lang)
    db.session.commit()
    return _logged_in(safe_target(pending.next_url, DEFAULT_NEXT))


def _logged_in(target: str) -> BaseResponse:
    response = redirect(target)
    binding.clear_cookie(response, _config())
    return response


def begin_session(identity: Identity, *, lang: str | None) -> None:
    """A new session id for the logged-in user: nothing from before the login is kept.

    The session row is written in the login's transaction, which the caller commits: the
    login's audit entry and its session land together or not at all.
    """
    session.clear()
    session.rotate()  # type: ignore[attr-defined]
    session["identity"] = session_identity(identity)
    if lang:
        session["lang"] = lang
    store_now(db.session)


GATEWAY_REASONS = ("BROWSER_MISMATCH", "SESSION_SWITCH", "UNKNOWN_REQUEST", "REQUEST_EXPIRED")


def refusal(error: AuthenticationError) -> BaseResponse:
    """A clear page for a refused login: plain words for the person, the reason in the log."""
    log.warning("login refused: %s (%s)", error.reason, error.detail)
    status = 400 if error.reason in {"INVALID", "UNKNOWN_IDP"} else 403
    messages = {
        "BROWSER_MISMATCH": _(
            "This login was not started in this browser, or it took too long. For your "
            "safety we did not complete it: please start the login again from this page."
        ),
        "SESSION_SWITCH": _(
            "You are already logged in as another person in this browser. Log out first, "
            "then log in with the other identity."
        ),
        "UNKNOWN_REQUEST": _(
            "We found no login under way for this answer. Please start the login again."
        ),
        "REQUEST_EXPIRED": _("The login took too long. Please start it again."),
    }
    html = render_template(
        "auth/refused.html",
        message=messages.get(error.reason) or error.user_message(_),
        cancelled=error.user_cancelled,
        reason=error.reason,
    )
    return make_response(html, status)


@bp.post("/esci")
def logout() -> BaseResponse:
    return end_local_session(current_identity(), reason="user")


bp.add_url_rule("/saml/slo", "slo", csrf.exempt(single_logout_endpoint), methods=["GET", "POST"])


@bp.get("/uscita")
def logged_out() -> str:
    return render_template("auth/logged_out.html")
