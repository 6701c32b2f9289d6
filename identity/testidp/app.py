"""`TestIdPApp`: the TEST IdP as a plain WSGI application (standard library only).

Routes, relative to where it is mounted (`SCRIPT_NAME`): `GET /metadata` (signed by the IdP),
`GET /federation-metadata` (the same, signed by the TEST federation key), `GET|POST /sso`
(login page), `POST /sso/continue` (a choice on that page), `GET|POST /slo` (SP-initiated
logout), `GET|POST /slo/response` (an SP's answer to an IdP-initiated logout),
`GET /static/autosubmit.js`. Mount it e.g. at `/test-idp` with a dispatcher; the entityID and the
URLs inside SAML messages come from `TestIdPSettings`, links inside pages from `SCRIPT_NAME`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any
from urllib.parse import parse_qs

from identity.saml.messages import post_form_html
from identity.testdata import federation_cert_pem, federation_key_pem
from identity.testidp.idp import AuthnRequestInfo, TestIdP, TestIdPError

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
_MAX_BODY = 512 * 1024


def _form(environ: dict[str, Any]) -> dict[str, str]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(min(length, _MAX_BODY)) if length > 0 else b""
    return {k: v[0] for k, v in parse_qs(body.decode("latin-1")).items()}


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


class TestIdPApp:
    """WSGI front end of a `TestIdP`."""

    __test__ = False  # a TEST IdP, not a test case

    def __init__(self, idp: TestIdP) -> None:
        self.idp = idp
        self._script = files("identity.testidp").joinpath("static/autosubmit.js").read_bytes()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        try:
            if path == "/metadata" and method == "GET":
                return self._send(
                    start_response, "200 OK", self.idp.metadata(), "application/samlmetadata+xml"
                )
            if path == "/federation-metadata" and method == "GET":
                signed = self.idp.metadata(signed_by=(federation_key_pem(), federation_cert_pem()))
                return self._send(start_response, "200 OK", signed, "application/samlmetadata+xml")
            if path == "/static/autosubmit.js" and method == "GET":
                return self._send(
                    start_response, "200 OK", self._script, "text/javascript; charset=utf-8"
                )
            if path == "/sso" and method in ("GET", "POST"):
                return self._login_page(environ, start_response, method)
            if path == "/sso/continue" and method == "POST":
                return self._continue(environ, start_response)
            if path == "/slo" and method in ("GET", "POST"):
                return self._logout(environ, start_response, method)
            if path == "/slo/response" and method in ("GET", "POST"):
                return self._logout_answered(environ, start_response, method)
        except TestIdPError as e:
            body = _page("Richiesta non valida", f"<p>{html.escape(str(e))}</p>")
            return self._send(start_response, "400 Bad Request", body.encode())
        body = _page("Pagina non trovata", "<p>Indirizzo sconosciuto.</p>")
        return self._send(start_response, "404 Not Found", body.encode())

    @staticmethod
    def _send(
        start_response: StartResponse,
        status: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        extra: list[tuple[str, str]] | None = None,
    ) -> list[bytes]:
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Content-Security-Policy", _CSP),
            ("X-Content-Type-Options", "nosniff"),
            ("Cache-Control", "no-store"),
            *(extra or []),
        ]
        start_response(status, headers)
        return [body]

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

    def _login_page(
        self, environ: dict[str, Any], start_response: StartResponse, method: str
    ) -> list[bytes]:
        if method == "GET":
            fields = {"binding": "redirect", "query": environ.get("QUERY_STRING", "")}
        else:
            fields = {"binding": "post", **_form(environ)}
        request = self._read_request(fields)  # verifies the SP's signature before showing anything
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in fields.items()
            if k in ("binding", "query", "SAMLRequest", "RelayState")
        )
        options = "".join(
            f'<option value="{n}"{" selected" if n == request.level else ""}>'
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
        action = html.escape(environ.get("SCRIPT_NAME", "") + "/sso/continue")
        body = (
            f"<p>Il servizio <strong>{html.escape(request.sp_entity_id)}</strong> chiede "
            f"l'accesso con livello SpidL{request.level}.</p>\n"
            f'<form method="post" action="{action}">{hidden}\n'
            f'<p><label for="level">Livello di sicurezza</label> '
            f'<select id="level" name="level">{options}</select></p>\n'
            f"<h2>Scegli l'utente di prova</h2>\n<ul>{users}</ul>\n"
            '<p><button type="submit" name="cancel" value="1">Annulla</button></p>\n</form>'
        )
        return self._send(start_response, "200 OK", _page("Accedi con SPID", body).encode())

    def _continue(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        fields = _form(environ)
        request = self._read_request(fields)
        if fields.get("cancel"):
            acs, response, relay = self.idp.error_response(request, 25)
        else:
            try:
                level = int(fields.get("level", request.level))
            except ValueError:
                level = request.level
            if level not in _LEVELS:
                raise TestIdPError(f"livello {level} non valido")
            acs, response, relay = self.idp.build_response(
                request, self.idp.user(fields.get("user", "")), level=level
            )
        post = {"SAMLResponse": response}
        if relay is not None:
            post["RelayState"] = relay
        script = environ.get("SCRIPT_NAME", "") + "/static/autosubmit.js"
        return self._send(start_response, "200 OK", post_form_html(acs, post, script).encode())

    def _logout(
        self, environ: dict[str, Any], start_response: StartResponse, method: str
    ) -> list[bytes]:
        if method == "GET":
            request = self.idp.parse_logout_request(
                binding="redirect", query_string=environ.get("QUERY_STRING", "")
            )
            message = self.idp.logout_response(request, "redirect")
            return self._send(
                start_response, "302 Found", b"", "text/plain", [("Location", message.url)]
            )
        fields = _form(environ)
        request = self.idp.parse_logout_request(
            binding="post",
            saml_request=fields.get("SAMLRequest", ""),
            relay_state=fields.get("RelayState"),
        )
        message = self.idp.logout_response(request, "post")
        script = environ.get("SCRIPT_NAME", "") + "/static/autosubmit.js"
        page = post_form_html(message.url, message.form_fields, script)
        return self._send(start_response, "200 OK", page.encode())

    def _logout_answered(
        self, environ: dict[str, Any], start_response: StartResponse, method: str
    ) -> list[bytes]:
        if method == "GET":
            answer = self.idp.parse_logout_response(
                binding="redirect", query_string=environ.get("QUERY_STRING", "")
            )
        else:
            fields = _form(environ)
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
        return self._send(start_response, "200 OK", _page("Uscita", body).encode())
