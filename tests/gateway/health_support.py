"""People, logins and small helpers shared by the health tests."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.demo.seed import seed_roles
from gateway.health import operations as ops
from gateway.models import AuditEntry, RoleAssignment
from gateway.transactions.operations import Actor

from ..factories import login
from . import pages

GIULIA = {"fiscal_code": "BNCGLI85C55F205C", "name": "Giulia", "family_name": "Bianchi"}
LUCA = {"fiscal_code": "VRDLCU90L20F839Q", "name": "Luca", "family_name": "Verdi"}
CHIARA = {"fiscal_code": "RMNCHR95B68D612V", "name": "Chiara", "family_name": "Romano"}
PAOLO = {"fiscal_code": "FRRPLA70E12A944T", "name": "Paolo", "family_name": "Ferrari"}
ANNA = {"fiscal_code": "SPSNNA75S70L219W", "name": "Anna", "family_name": "Esposito"}
MARIO = {"fiscal_code": "RSSMRA80A01H501U", "name": "Mario", "family_name": "Rossi"}
NERI = {"fiscal_code": "NRERRT66B14L781B", "name": "Roberto", "family_name": "Neri"}
GALLI = {"fiscal_code": "GLLMRC76C09F205U", "name": "Marco", "family_name": "Galli"}
MORETTI = {"fiscal_code": "MRTSLV78H61G224G", "name": "Silvia", "family_name": "Moretti"}
FONTANA = {"fiscal_code": "FNTNDR72P05D969H", "name": "Andrea", "family_name": "Fontana"}
GIULIA_CF, LUCA_CF, PAOLO_CF = GIULIA["fiscal_code"], LUCA["fiscal_code"], PAOLO["fiscal_code"]
SOFIA_CF = "RSSSFO12P50H501K"
SOFIA_DOCS = [f"DOC-RSF-{n:04d}" for n in range(3, 0, -1)]
GIULIA_DOCS = [f"DOC-BNC-{n:04d}" for n in range(9, 0, -1)]
LUCA_DOC = "DOC-VRD-0001"
REASON = "Paziente incosciente in pronto soccorso, serve la terapia in corso"


def seed_people(app: Flask) -> None:
    """The demo's clerk, clinicians and privacy officer."""
    with db.fresh_session(app) as s:
        seed_roles(s)
        s.commit()


def patient_actor(person: dict[str, str]) -> Actor:
    name = f"{person['name']} {person['family_name']}"
    return Actor(kind="citizen", id=person["fiscal_code"], name=name, channel="web")


def set_consent(app: Flask, person: dict[str, str], granted: bool) -> None:
    with db.fresh_session(app) as s:
        ops.set_consent(s, patient_actor(person), granted)
        s.commit()


def obscure(app: Flask, person: dict[str, str], document_id: str) -> None:
    with db.fresh_session(app) as s:
        ops.set_obscured(s, patient_actor(person), document_id, True)
        s.commit()


def open_break_glass(app: Flask, patient_cf: str, reason: str = REASON) -> int:
    # In the app's context, as a request or job is: the notification names the body.
    with app.app_context(), db.fresh_session(app) as s:
        clinician = ops.clinician_profile(s, PAOLO_CF)
        grant = ops.open_break_glass(s, clinician, patient_cf, reason)
        s.commit()
        return grant.id


def client_for(app: Flask, person: dict[str, str] | None) -> FlaskClient:
    client = app.test_client()
    if person is not None:
        login(client, app, person)
    return client


def csrf_token(client: FlaskClient) -> str:
    return pages.csrf_token(client, "/")


def audit_entries(session: Session, subject: str, prefix: str = "health.") -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject == subject, AuditEntry.action.startswith(prefix))
            .order_by(AuditEntry.seq)
        )
    )


def audit_data(entry: AuditEntry) -> dict[str, Any]:
    return json.loads(entry.data)


def deactivate_role(app: Flask, fiscal_code: str) -> None:
    with db.fresh_session(app) as s:
        role = s.scalar(select(RoleAssignment).where(RoleAssignment.fiscal_code == fiscal_code))
        assert role is not None
        role.active = False
        s.commit()


def main_content(response: Any) -> str:
    """The page's <main> only: the header's language links repeat the URL."""
    text: str = response.get_data(as_text=True)
    return text.split('<main id="main"', 1)[1].split("</main>", 1)[0]
