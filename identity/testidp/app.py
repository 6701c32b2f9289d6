"""`TestIdPApp`: the TEST IdP as a plain WSGI application (werkzeug's request and response).

Routes, relative to where it is mounted (`SCRIPT_NAME`): `GET /metadata` (signed by the IdP),
`GET /federation-metadata` (the same, signed by the TEST federation key), `GET|POST /sso`
(login page), `POST /sso/continue` (a choice on that page), `GET|POST /slo` (SP-initiated
logout), `GET|POST /slo/response` (an SP's answer to an IdP-initiated logout),
`GET /static/autosubmit.js`. Mount it e.g. at `/test-idp` with a dispatcher; the entityID and the
URLs inside SAML messages come from `TestIdPSettings`, links inside pages from `SCRIPT_NAME`.
Bodies are bounded (`MAX_BODY`), forms are UTF-8 and url-encoded, query strings ASCII
(`identity.testidp.web`): a request that breaks a rule is answered 400, 413 or 415.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request, Response

from identity.saml.messages import post_form_html
from identity.testdata import federation_cert_pem, federation_key_pem
from identity.testidp.idp import AuthnRequestInfo, TestIdP, TestIdPError
from identity.testidp.web import form, query_string, read_request, status_line

StartResponse = Callable[..., Any]
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
_LEVELS = {
    1: "SpidL1 (nome utente e password)",
    2: "SpidL2 (due fattori)",
    3: "SpidL3 (dispositivo)",
}
MAX_BODY = 512 * 1024


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="it"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} - IdP di prova</title></head><body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        "<p><strong>Ambiente di prova:</strong> questo gestore di identità serve solo per la "
        "dimostrazione e i test. Le identità sono fittizie.</p>\n"
        f"{body}\n</main>\n</body></html>\n"
    )


def _send(
    status: int,
    body: bytes,
    content_type: str = "text/html; charset=utf-8",
    extra: list[tuple[str, str]] | None = None,
) -> Response:
    headers = [
        ("Content-Security-Policy", _CSP),
        ("X-Content-Type-Options", "nosniff"),
        ("Cache-Control", "no-store"),
        *(extra or []),
    ]
    return Response(body, status=status_line(status), headers=headers, content_type=content_type)


class TestIdPApp:
    """WSGI front end of a `TestIdP`."""

    __test__ = False  # a TEST IdP, not a test case

    def __init__(self, idp: TestIdP) -> None:
        self.idp = idp
        self._script = files("identity.testidp").joinpath("static/autosubmit.js").read_bytes()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = read_request(environ, MAX_BODY)
        return self._answer(request)(environ, start_response)

    def _answer(self, request: Request) -> Response:
        path, method = request.path, request.method
        try:
            if path == "/metadata" and method == "GET":
                return _send(200, self.idp.metadata(), "application/samlmetadata+xml")
            if path == "/federation-metadata" and method == "GET":
                signed = self.idp.metadata(signed_by=(federation_key_pem(), federation_cert_pem()))
                return _send(200, signed, "application/samlmetadata+xml")
            if path == "/static/autosubmit.js" and method == "GET":
                return _send(200, self._script, "text/javascript; charset=utf-8")
            if path == "/sso" and method in ("GET", "POST"):
                return self._login_page(request)
            if path == "/sso/continue" and method == "POST":
                return self._continue(request)
            if path == "/slo" and method in ("GET", "POST"):
                return self._logout(request)
            if path == "/slo/response" and method in ("GET", "POST"):
                return self._logout_answered(request)
        except TestIdPError as e:
            body = _page("Richiesta non valida", f"<p>{html.escape(str(e))}</p>")
            return _send(400, body.encode())
        except HTTPException as e:  # the HTTP request itself: too large, not a UTF-8 form...
            body = _page("Richiesta non valida", f"<p>{html.escape(e.description or '')}</p>")
            return _send(e.code or 400, body.encode())
        body = _page("Pagina non trovata", "<p>Indirizzo sconosciuto.</p>")
        return _send(404, body.encode())

    def _read_request(self, fields: dict[str, str]) -> AuthnRequestInfo:
        if fields.get("binding") == "redirect":
            return self.idp.parse_authn_request(
                binding="redirect", query_string=fields.get("query", "")
            )
        return self.idp.parse_authn_request(
            binding="post",
            saml_request=fields.get("SAMLRequest", ""),
            relay_state=fields.get("RelayState"),
        )

    def _login_page(self, request: Request) -> Response:
        if request.method == "GET":
            fields = {"binding": "redirect", "query": query_string(request)}
        else:
            fields = {"binding": "post", **form(request).to_dict()}
        authn = self._read_request(fields)  # verifies the SP's signature before showing anything
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in fields.items()
            if k in ("binding", "query", "SAMLRequest", "RelayState")
        )
        options = "".join(
            f'<option value="{n}"{" selected" if n == authn.level else ""}>'
            f"{html.escape(label)}</option>"
            for n, label in _LEVELS.items()
        )
        users = "".join(
            f'<li><span id="u-{u.fiscal_code}">{html.escape(u.display_name)} '
            f"({u.fiscal_code})</span> "
            f'<button type="submit" name="user" value="{u.fiscal_code}" '
            f'aria-describedby="u-{u.fiscal_code}">Entra</button></li>'
            for u in self.idp.users
        )
        action = html.escape(request.root_path + "/sso/continue")
        body = (
            f"<p>Il servizio <strong>{html.escape(authn.sp_entity_id)}</strong> chiede "
            f"l'accesso con livello SpidL{authn.level}.</p>\n"
            f'<form method="post" action="{action}">{hidden}\n'
            f'<p><label for="level">Livello di sicurezza</label> '
            f'<select id="level" name="level">{options}</select></p>\n'
            f"<h2>Scegli l'utente di prova</h2>\n<ul>{users}</ul>\n"
            '<p><button type="submit" name="cancel" value="1">Annulla</button></p>\n</form>'
        )
        return _send(200, _page("Accedi con SPID", body).encode())

    def _continue(self, request: Request) -> Response:
        fields = form(request).to_dict()
        authn = self._read_request(fields)
        if fields.get("cancel"):
            acs, response, relay = self.idp.error_response(authn, 25)
        else:
            try:
                level = int(fields.get("level", authn.level))
            except ValueError:
                level = authn.level
            if level not in _LEVELS:
                raise TestIdPError(f"livello {level} non valido")
            acs, response, relay = self.idp.build_response(
                authn, self.idp.user(fields.get("user", "")), level=level
            )
        post = {"SAMLResponse": response}
        if relay is not None:
            post["RelayState"] = relay
        script = request.root_path + "/static/autosubmit.js"
        return _send(200, post_form_html(acs, post, script).encode())

    def _logout(self, request: Request) -> Response:
        if request.method == "GET":
            logout = self.idp.parse_logout_request(
                binding="redirect", query_string=query_string(request)
            )
            message = self.idp.logout_response(logout, "redirect")
            return _send(302, b"", "text/plain", [("Location", message.url)])
        fields = form(request)
        logout = self.idp.parse_logout_request(
            binding="post",
            saml_request=fields.get("SAMLRequest", ""),
            relay_state=fields.get("RelayState"),
        )
        message = self.idp.logout_response(logout, "post")
        script = request.root_path + "/static/autosubmit.js"
        page = post_form_html(message.url, message.form_fields, script)
        return _send(200, page.encode())

    def _logout_answered(self, request: Request) -> Response:
        if request.method == "GET":
            answer = self.idp.parse_logout_response(
                binding="redirect", query_string=query_string(request)
            )
        else:
            fields = form(request)
            answer = self.idp.parse_logout_response(
                binding="post",
                saml_response=fields.get("SAMLResponse", ""),
                relay_state=fields.get("RelayState"),
            )
        sp = html.escape(answer.sp_entity_id)
        if answer.success:
            body = f"<p>Il servizio <strong>{sp}</strong> ha chiuso la sessione.</p>"
        else:
            body = f"<p>Il servizio <strong>{sp}</strong> non ha potuto chiudere la sessione.</p>"
        return _send(200, _page("Uscita", body).encode())
