"""Helpers for the shared live view tests: a shared draft, a joined clerk, proposals."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.models import Draft, SharedSession

from .forms_support import (
    ANNA,
    MARIO,
    NEW_FORM,
    csrf_token,
    login,
    make_clerk,
    post_form,
    reference_from,
)

CITIZEN = "/area-personale/assistenza-live"
CLERK = "/sportello/live"


@dataclass
class Shared:
    citizen: FlaskClient
    clerk: FlaskClient
    reference: str
    session_id: int
    code: str


def citizen_client(app: Flask, person: dict[str, str] = MARIO) -> FlaskClient:
    client = app.test_client()
    login(client, app, person)
    return client


def clerk_client(app: Flask, person: dict[str, str] = ANNA, *, make: bool = True) -> FlaskClient:
    if make:
        make_clerk(app, person)
    client = app.test_client()
    login(client, app, person)
    return client


def save_draft(client: FlaskClient, **answers: str) -> str:
    response = post_form(
        client, NEW_FORM, answers or {"tipo_certificato": "frequenza"}, "save", follow=True
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:1500]
    return reference_from(response)


def start_sharing(client: FlaskClient, reference: str) -> tuple[int, str]:
    """As the citizen: share ``reference``; return the session id and the code shown."""
    response = client.post(
        f"{CITIZEN}/avvia", data={"csrf_token": csrf_token(client), "reference": reference}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    session_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    page = client.get(f"{CITIZEN}/{session_id}/").get_data(as_text=True)
    match = re.search(r'data-testid="session-code">([^<]+)<', page)
    assert match, "no session code on the page"
    return session_id, match.group(1).strip()


def join(clerk: FlaskClient, code: str) -> Any:
    return clerk.post(f"{CLERK}/unisciti", data={"csrf_token": csrf_token(clerk), "code": code})


def shared_draft(app: Flask, **answers: str) -> Shared:
    """Mario shares a new certificate draft; Anna joins with the code."""
    citizen = citizen_client(app)
    reference = save_draft(citizen, **answers)
    session_id, code = start_sharing(citizen, reference)
    clerk = clerk_client(app)
    response = join(clerk, code)
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    assert response.headers["Location"].endswith(f"{CLERK}/{session_id}/")
    return Shared(citizen, clerk, reference, session_id, code)


def propose(clerk: FlaskClient, session_id: int, answers: dict[str, str], **headers: str) -> Any:
    token = csrf_token(clerk)
    return clerk.post(
        f"{CLERK}/{session_id}/proponi",
        data={"csrf_token": token, "action": "propose", **answers},
        headers=headers,
    )


def answer(citizen: FlaskClient, session_id: int, proposal_id: int, accept: bool) -> Any:
    choice = "accetta" if accept else "rifiuta"
    return citizen.post(
        f"{CITIZEN}/{session_id}/proposte/{proposal_id}/{choice}",
        data={"csrf_token": csrf_token(citizen)},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )


def draft_answers(app: Flask, reference: str) -> dict[str, Any]:
    with db.fresh_session(app) as s:
        draft = s.scalar(
            select(Draft).join(Draft.transaction).where(Draft.transaction.has(reference=reference))
        )
        assert draft is not None
        return dict(draft.data.get("answers", {}))


def shared_row(session: Session, session_id: int) -> SharedSession:
    session.expire_all()
    row = session.get(SharedSession, session_id)
    assert row is not None
    return row
