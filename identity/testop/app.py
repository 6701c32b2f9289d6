"""`TestOPApp`: the TEST OpenID provider as a plain WSGI application (werkzeug's request).

Routes, relative to where it is mounted (`SCRIPT_NAME`): `GET /.well-known/openid-configuration`,
`GET /jwks`, `GET /authorize` (a page listing the demo users; with `login_hint=<fiscal code>` it
approves at once), `POST /authorize` (a choice on that page), `POST /token`,
`GET|POST /userinfo`. URLs inside tokens and discovery come from `TestOP.issuer`; links inside
the page from `SCRIPT_NAME`. Bodies are bounded (`MAX_BODY`), forms are UTF-8 and url-encoded,
query strings ASCII (`identity.testidp.web`): a request that breaks a rule is answered 400, 413
or 415 with an OAuth `invalid_request`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from typing import Any

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from identity.testidp.web import args, form, read_request, status_line
from identity.testop.grants import WSGIRequest
from identity.testop.provider import TestOP

StartResponse = Callable[..., Any]
Answer = tuple[int, Any, list[tuple[str, str]]]
MAX_BODY = 64 * 1024
_CSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'"


class TestOPApp:
    """WSGI front end of a `TestOP`."""

    __test__ = False  # a TEST provider, not a test case

    def __init__(self, op: TestOP) -> None:
        self.op = op

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ, MAX_BODY)
        self.op.hits[request.path] += 1
        try:
            answer = self._route(request)
        except OAuth2Error as e:
            answer = e()
        except HTTPException as e:  # the HTTP request itself: too large, not a UTF-8 form...
            answer = (
                e.code or 400,
                {"error": "invalid_request", "error_description": e.description},
                [],
            )
        return _response(answer)(environ, start_response)

    def _route(self, request: Request) -> Answer:
        path, method = request.path, request.method
        if path == "/.well-known/openid-configuration" and method == "GET":
            return 200, self.op.discovery(), []
        if path == "/jwks" and method == "GET":
            return 200, self.op.jwks(), []
        if path == "/authorize" and method in ("GET", "POST"):
            return self._with_issuer(self._authorize(request))
        if path == "/token" and method == "POST":
            if _unreadable_basic_credentials(request):
                challenge = 'Basic realm="test-op"'
                return 401, {"error": "invalid_client"}, [("WWW-Authenticate", challenge)]
            answer: Answer = self.op.server.create_token_response(self._request(request))
            return answer
        if path == "/userinfo" and method in ("GET", "POST"):
            return self._userinfo(request)
        if path in ("/.well-known/openid-configuration", "/jwks", "/authorize", "/token"):
            return 405, {"error": "method_not_allowed"}, []
        return 404, {"error": "not_found"}, []

    def _request(self, request: Request) -> WSGIRequest:
        fields = form(request) if request.method == "POST" else None
        return WSGIRequest(
            request.method,
            self.op.endpoint(request.path),
            dict(request.headers.items()),
            args(request).to_dict(flat=False),
            fields.to_dict(flat=False) if fields is not None else {},
        )

    def _authorize(self, http_request: Request) -> Answer:
        request = self._request(http_request)
        server = self.op.server
        data = request.payload.data
        if http_request.method == "GET":
            user = self.op.find_user(data.get("login_hint", ""))
            try:
                grant = server.get_consent_grant(request, end_user=user)
            except OAuth2Error as e:
                return server.handle_error_response(request, e)
            if user is None:
                page = self._login_page(http_request.root_path, request)
                return 200, page, [("Content-Type", "text/html")]
            return server.create_authorization_response(request, grant_user=user, grant=grant)
        # POST: a button of the login page, carrying the original parameters as hidden fields.
        user = None if data.get("decision") == "cancel" else self.op.find_user(data.get("user", ""))
        try:
            grant = server.get_consent_grant(request, end_user=user)
        except OAuth2Error as e:
            return server.handle_error_response(request, e)
        return server.create_authorization_response(request, grant_user=user, grant=grant)

    def _with_issuer(self, answer: Answer) -> Answer:
        """RFC 9207: name ourselves in every redirect back to the client (errors included)."""
        status, body, headers = answer
        if status != 302:
            return answer
        iss = self.op.tampering.callback_iss or self.op.issuer
        headers = [
            (name, add_params_to_uri(value, [("iss", iss)]) if name == "Location" else value)
            for name, value in headers
        ]
        return status, body, headers

    def _userinfo(self, request: Request) -> Answer:
        auth = request.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        claims = self.op.userinfo(token.strip()) if scheme.lower() == "bearer" else None
        if claims is None:
            challenge = 'Bearer error="invalid_token"'
            return 401, {"error": "invalid_token"}, [("WWW-Authenticate", challenge)]
        return 200, claims, []

    def _login_page(self, root_path: str, request: WSGIRequest) -> str:
        action = html.escape(root_path + "/authorize")
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in request.args.items()
            if k not in ("user", "decision")
        )
        rows = "\n".join(
            f'<li><form method="post" action="{action}">{hidden}'
            f'<input type="hidden" name="user" value="{html.escape(u.fiscal_code)}">'
            f'<button type="submit">Accedi come {html.escape(u.display_name)}</button> '
            f"<small>{html.escape(u.fiscal_code)} — {html.escape(u.role)}</small></form></li>"
            for u in self.op.users
        )
        return (
            '<!DOCTYPE html>\n<html lang="it"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Accesso - OpenID Provider di prova</title></head><body>\n<main>\n"
            "<h1>Accesso con OpenID Connect (prova)</h1>\n"
            "<p><strong>Ambiente di prova:</strong> questo gestore di identità serve solo per la "
            "dimostrazione e i test. Le identità sono fittizie.</p>\n"
            f"<p>Scegli con quale identità accedere:</p>\n<ul>\n{rows}\n</ul>\n"
            f'<form method="post" action="{action}">{hidden}'
            '<input type="hidden" name="decision" value="cancel">'
            '<button type="submit">Annulla</button></form>\n'
            "</main>\n</body></html>\n"
        )


def _response(answer: Answer) -> Response:
    status, body, answer_headers = answer
    headers = Headers(answer_headers)
    if isinstance(body, dict | list):
        payload = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    else:
        payload = str(body or "").encode("utf-8")
        headers.setdefault("Content-Type", "text/plain; charset=utf-8")
    if headers.get("Content-Type") == "text/html":
        headers["Content-Type"] = "text/html; charset=utf-8"
    headers["Cache-Control"] = "no-store"
    headers["Content-Security-Policy"] = _CSP
    headers["X-Content-Type-Options"] = "nosniff"
    return Response(payload, status=status_line(status), headers=headers)


def _unreadable_basic_credentials(request: Request) -> bool:
    """Basic credentials that do not decode (base64 of UTF-8): authlib would fail on them."""
    scheme = request.headers.get("Authorization", "").partition(" ")[0]
    return scheme.lower() == "basic" and request.authorization is None
