"""Logging out: the local session, SP-initiated single logout, and the IdP's own LogoutRequest.

The SLO endpoint ends nothing on its own say-so: a LogoutResponse counts only for a logout this
browser started (``/esci`` is a POST with CSRF), and a LogoutRequest only when the session's
IdP signed it. A bare or forged link to ``/saml/slo`` leaves every session as it was.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from identity import AuthenticationError, Identity

from ..access import SessionIdentity
from ..db import db
from ..models import WebSession
from ..sessions import end_sessions, sso_key
from .operations import record_logout
from .providers import service_provider

log = logging.getLogger(__name__)


def end_local_session(identity: SessionIdentity | None, *, reason: str) -> BaseResponse:
    """End this browser's session and, after a SAML login, start single logout at the IdP."""
    data = session.get("identity") or {}
    session.destroy()  # type: ignore[attr-defined]
    if identity is None:
        return redirect(url_for("core.home"))
    record_logout(db.session, identity.fiscal_code, reason)
    db.session.commit()
    if data.get("method") in ("spid", "cie") and data.get("idp_entity_id"):
        try:
            full = Identity.from_dict({k: v for k, v in data.items() if k != "level"})
            slo = service_provider(current_app).logout_request(full)
        except (AuthenticationError, TypeError, ValueError) as e:
            log.info("single logout not started: %s", e)
        else:
            session["slo"] = {"request_id": slo.request_id, "idp": full.idp_entity_id}
            return redirect(slo.url)
    return redirect(url_for("auth.logged_out"))


def single_logout_endpoint() -> BaseResponse:
    """``/saml/slo``: the IdP's answer to our LogoutRequest, or its own LogoutRequest."""
    values = request.args if request.method == "GET" else request.form
    if "SAMLRequest" in values:
        return _idp_logout_request()
    if "SAMLResponse" in values:
        return _logout_response()
    return redirect(url_for("core.home"))


def _logout_response() -> BaseResponse:
    pending = session.get("slo")
    if not isinstance(pending, dict) or not pending.get("request_id"):
        log.info("LogoutResponse with no logout pending in this browser: ignored")
        return redirect(url_for("core.home"))
    session.pop("slo", None)
    try:
        service_provider(current_app).process_logout_response(
            request_id=str(pending["request_id"]),
            idp_entity_id=str(pending.get("idp", "")),
            binding="redirect" if request.method == "GET" else "post",
            query_string=request.query_string.decode("latin-1"),
            saml_response_b64=request.form.get("SAMLResponse", ""),
        )
    except AuthenticationError as e:
        log.info("logout response not accepted: %s (%s)", e.reason, e.detail)
    return redirect(url_for("auth.logged_out"))


def _idp_logout_request() -> BaseResponse:
    """IdP-initiated logout: end that login's sessions here, then answer the IdP."""
    sp = service_provider(current_app)
    try:
        incoming = sp.process_logout_request(
            binding="redirect" if request.method == "GET" else "post",
            query_string=request.query_string.decode("latin-1"),
            saml_request_b64=request.form.get("SAMLRequest", ""),
            relay_state=request.form.get("RelayState") if request.method == "POST" else None,
        )
    except AuthenticationError as e:
        log.warning("IdP LogoutRequest refused: %s (%s)", e.reason, e.detail)
        html = render_template("auth/logout_refused.html")
        return Response(html, status=400, mimetype="text/html")
    key = sso_key(incoming.idp_entity_id, incoming.name_id)
    rows = db.session.scalars(select(WebSession).where(WebSession.sso_key == key)).all()
    ended = []
    for row in rows:
        index = (row.data.get("identity") or {}).get("session_index")
        if incoming.session_indexes and index not in incoming.session_indexes:
            continue
        ended.append(row)
    end_sessions(db.session, id_hashes=[row.id_hash for row in ended])
    for subject in sorted({row.subject_cf for row in ended if row.subject_cf}):
        record_logout(db.session, subject, "idp")
    db.session.commit()
    data = session.get("identity") or {}
    if data and sso_key(str(data.get("idp_entity_id", "")), str(data.get("name_id", ""))) == key:
        session.destroy()  # type: ignore[attr-defined]
    log.info("IdP logout from %s ended %d session(s)", incoming.idp_entity_id, len(ended))
    message = sp.logout_response(incoming, success=True)
    if message.form_html:
        return Response(message.form_html, mimetype="text/html")
    return redirect(message.url)
