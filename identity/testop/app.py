"""`TestOPApp`: the TEST OpenID provider as a plain WSGI application (standard library only).

Routes, relative to where it is mounted (`SCRIPT_NAME`): `GET /.well-known/openid-configuration`,
`GET /jwks`, `GET /authorize` (a page listing the demo users; with `login_hint=<fiscal code>` it
approves at once), `POST /authorize` (a choice on that page), `POST /token`,
`GET|POST /userinfo`. URLs inside tokens and discovery come from `TestOP.issuer`; links inside
the page from `SCRIPT_NAME`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error

from identity.testop.grants import WSGIRequest
from identity.testop.provider import TestOP

StartResponse = Callable[..., Any]
Answer = tuple[int, Any, list[tuple[str, str]]]
_MAX_BODY = 64 * 1024
_CSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'"
_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}
_REASONS.update({405: "Method Not Allowed", 500: "Internal Server Error"})


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["Content-Type"] = environ["CONTENT_TYPE"]
    return headers


def _form(environ: dict[str, Any]) -> dict[str, list[str]]:
    if environ.get("REQUEST_METHOD") != "POST":
        return {}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(min(length, _MAX_BODY)) if length > 0 else b""
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)


class TestOPApp:
    """WSGI front end of a `TestOP`."""

    __test__ = False  # a TEST provider, not a test case

    def __init__(self, op: TestOP) -> None:
        self.op = op

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        self.op.hits[path] += 1
        try:
            answer = self._route(environ, path, method)
        except OAuth2Error as e:
            answer = e()
        return self._send(start_response, answer)

    def _route(self, environ: dict[str, Any], path: str, method: str) -> Answer:
        if path == "/.well-known/openid-configuration" and method == "GET":
            return 200, self.op.discovery(), []
        if path == "/jwks" and method == "GET":
            return 200, self.op.jwks(), []
        if path == "/authorize" and method in ("GET", "POST"):
            return self._with_issuer(self._authorize(environ, method))
        if path == "/token" and method == "POST":
            answer: Answer = self.op.server.create_token_response(self._request(environ))
            return answer
        if path == "/userinfo" and method in ("GET", "POST"):
            return self._userinfo(environ)
        if path in ("/.well-known/openid-configuration", "/jwks", "/authorize", "/token"):
            return 405, {"error": "method_not_allowed"}, []
        return 404, {"error": "not_found"}, []

    def _request(self, environ: dict[str, Any]) -> WSGIRequest:
        path = environ.get("PATH_INFO", "")
        query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        return WSGIRequest(
            environ.get("REQUEST_METHOD", "GET"),
            self.op.endpoint(path),
            _headers(environ),
            query,
            _form(environ),
        )

    def _authorize(self, environ: dict[str, Any], method: str) -> Answer:
        request = self._request(environ)
        server = self.op.server
        data = request.payload.data
        if method == "GET":
            user = self.op.find_user(data.get("login_hint", ""))
            try:
                grant = server.get_consent_grant(request, end_user=user)
            except OAuth2Error as e:
                return server.handle_error_response(request, e)
            if user is None:
                return 200, self._login_page(environ, request), [("Content-Type", "text/html")]
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

    def _userinfo(self, environ: dict[str, Any]) -> Answer:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _, token = auth.partition(" ")
        claims = self.op.userinfo(token.strip()) if scheme.lower() == "bearer" else None
        if claims is None:
            challenge = 'Bearer error="invalid_token"'
            return 401, {"error": "invalid_token"}, [("WWW-Authenticate", challenge)]
        return 200, claims, []

    def _login_page(self, environ: dict[str, Any], request: WSGIRequest) -> str:
        action = html.escape(environ.get("SCRIPT_NAME", "") + "/authorize")
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

    def _send(self, start_response: StartResponse, answer: Answer) -> list[bytes]:
        status, body, headers = answer
        names = {name.lower() for name, _ in headers}
        if isinstance(body, dict | list):
            payload = json.dumps(body).encode()
            if "content-type" not in names:
                headers.append(("Content-Type", "application/json"))
        else:
            payload = str(body or "").encode("utf-8")
            if "content-type" not in names:
                headers.append(("Content-Type", "text/plain; charset=utf-8"))
        headers = [
            (name, "text/html; charset=utf-8" if value == "text/html" else value)
            for name, value in headers
        ]
        headers += [
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
            ("Content-Security-Policy", _CSP),
            ("X-Content-Type-Options", "nosniff"),
        ]
        start_response(f"{status} {_REASONS.get(status, 'Status')}", headers)
        return [payload]
