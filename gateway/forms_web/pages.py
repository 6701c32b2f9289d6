"""Pieces shared by the citizen's and the clerk's form pages: language, PDFs, saved page data."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask_babel import get_locale

from forms.resume import format_code, spell_code

from .. import clock
from ..i18n import current_language
from ..models import Draft


def lang() -> str:
    return str(get_locale() or "it")


def client_key(prefix: str = "ip") -> str:
    """Who is guessing codes, for throttling: the address the request came from."""
    return f"{prefix}:{request.remote_addr or '-'}"


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def code_display(draft: Draft, code: str) -> dict[str, Any]:
    """The code as the saved page shows it: grouped, spelled out, with its expiry date."""
    return {
        "code": format_code(code),
        "raw": code,
        "spelled": spell_code(code, current_language()),
        "expires_on": clock.today(draft.expires_at),
    }


def base_url() -> str:
    return str(current_app.config["SPORTELLO"].base_url)
