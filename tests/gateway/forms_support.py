"""Helpers for the forms, desk, resume and school tests: logins, tokens, delegations, answers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.models import Delegation, RoleAssignment, Transaction, utcnow

from ..factories import CHIARA, MARIO, login
from . import pages

ANNA = {"fiscal_code": "SPSNNA75S70L219W", "name": "Anna", "family_name": "Esposito"}
LUCA = {"fiscal_code": "VRDLCU90L20F839Q", "name": "Luca", "family_name": "Verdi"}
SOFIA_CF = "RSSSFO12P50H501K"
MARCO_CF = "RSSMRC15D22H501V"
SERVICE = "certificato_scolastico"
NEW_FORM = f"/servizi/{SERVICE}/nuova"

__all__ = ["ANNA", "CHIARA", "LUCA", "MARIO", "login"]


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    return pages.csrf_token(client, path)


def certificate_answers(**overrides: Any) -> dict[str, Any]:
    """A complete request for Sofia's attendance certificate, with stamp duty to pay."""
    answers = {
        "alunno": SOFIA_CF,
        "tipo_certificato": "frequenza",
        "uso": "sport",
        "consegna": "download",
    }
    answers.update(overrides)
    return {k: v for k, v in answers.items() if v is not None}


def exempt_answers(**overrides: Any) -> dict[str, Any]:
    return certificate_answers(
        uso="borsa_di_studio", esenzione_bollo="on", motivo_esenzione="tab_b_art_11", **overrides
    )


def post_form(
    client: FlaskClient,
    path: str,
    answers: dict[str, Any],
    action: str = "submit",
    *,
    privacy: bool = True,
    follow: bool = False,
) -> Any:
    """Post a whole form from one of its steps (each step's page carries every answer); a
    submit ticks the privacy box (the citizen's, or at the desk the clerk's) unless
    ``privacy=False``. With ``follow``, the page the
    post redirects to (a saved draft's page, with its resume code) is the answer."""
    token = csrf_token(client)
    data = {"csrf_token": token, "action": action, **answers}
    if action == "submit" and privacy:
        data["privacy_ack"] = "on"  # the citizen's box
        data["privacy_given"] = "on"  # at the desk, the clerk's
    response = client.post(path, data=data)
    if follow and response.status_code == 303:
        return client.get(response.headers["Location"])
    return response


def shown_code(html: str) -> str:
    """The resume code on a "draft saved" page."""
    match = re.search(r'data-testid="resume-code">([^<]+)<', html)
    assert match, "no resume code on the page"
    return match.group(1).strip()


def make_clerk(app: Flask, person: dict[str, str] = ANNA) -> None:
    with db.fresh_session(app) as s:
        s.add(
            RoleAssignment(
                fiscal_code=person["fiscal_code"],
                role="clerk",
                display_name=f"{person['name']} {person['family_name']}",
                office="URP",
            )
        )
        s.commit()


def open_desk_session(
    client: FlaskClient,
    citizen: dict[str, str] = MARIO,
    scope: tuple[str, ...] = (SERVICE,),
    **fields: str,
) -> int:
    """As the logged-in clerk, open a desk session through the page; return the delegation id."""
    data = {
        "csrf_token": csrf_token(client),
        "citizen_cf": citizen["fiscal_code"],
        "citizen_name": f"{citizen['name']} {citizen['family_name']}",
        "evidence_type": "identity_document",
        "document_type": "carta_identita",
        "evidence_number": "CA12345AB",
        **fields,
    }
    response = client.post(
        "/sportello-assistito/", data={**data, "scope": list(scope)}, follow_redirects=False
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def transaction(session: Session, reference: str) -> Transaction:
    session.expire_all()
    tx = session.scalar(select(Transaction).where(Transaction.reference == reference))
    assert tx is not None
    return tx


def expire_delegation(app: Flask, delegation_id: int) -> None:
    with db.fresh_session(app) as s:
        d = s.get(Delegation, delegation_id)
        assert d is not None
        d.expires_at = utcnow() - timedelta(seconds=1)
        s.commit()


def reference_from(response: Any) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'data-testid="reference">([^<]+)<', html)
    if match:
        return match.group(1).strip()
    location = response.headers.get("Location", "")
    match = re.search(r"(SP-[0-9A-Z]{4}-[0-9A-Z]{4})", location)
    assert match, "no reference in the response"
    return match.group(1)
