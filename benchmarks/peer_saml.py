"""The peer of the SAML ACS benchmark: an ACS built as python3-saml's own demo-flask builds it.

    SPORTELLO_BENCH_PEER_SETTINGS=settings.json gunicorn benchmarks.peer_saml:app

`OneLogin_Saml2_Auth` from a settings dict (strict), `process_response()`, the attributes in
Flask's cookie session, a redirect: no SPID checks, no replay cache, no audit entry, no server
session. It validates the same signed responses Sportello's ACS does (same SP entity id and ACS
URL, same IdP certificate), so the ratio of their CPU per login is what Sportello's checks and
records cost on top of the toolkit.
"""

from __future__ import annotations

import json
import os
from typing import Any

from flask import Flask, redirect, request, session
from onelogin.saml2.auth import OneLogin_Saml2_Auth


def prepare_flask_request() -> dict[str, Any]:
    """As in python3-saml's demo-flask."""
    return {
        "https": "on" if request.scheme == "https" else "off",
        "http_host": request.host,
        "script_name": request.path,
        "get_data": request.args.copy(),
        "post_data": request.form.copy(),
    }


def create_app(settings: dict[str, Any]) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.urandom(32)

    @app.post("/saml/acs")
    def acs() -> Any:
        auth = OneLogin_Saml2_Auth(prepare_flask_request(), settings)
        auth.process_response()
        errors = auth.get_errors()
        if errors:
            return {"errors": errors, "reason": auth.get_last_error_reason()}, 400
        session["samlUserdata"] = auth.get_attributes()
        session["samlNameId"] = auth.get_nameid()
        session["samlSessionIndex"] = auth.get_session_index()
        return redirect(request.form.get("RelayState") or "/")

    return app


def _from_environment() -> Flask | None:
    path = os.environ.get("SPORTELLO_BENCH_PEER_SETTINGS")
    if not path:
        return None
    with open(path, encoding="utf-8") as f:
        return create_app(json.load(f))


app = _from_environment()
