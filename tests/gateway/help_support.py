"""Offices, people and small helpers shared by the help and notification tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from gateway import create_app
from gateway.db import db
from gateway.demo.seed import seed_roles
from gateway.models import CitizenContact, Desk, Office, OpeningHours

from ..conftest import make_config
from . import pages

MARIO = {
    "fiscal_code": "RSSMRA80A01H501U",
    "name": "Mario",
    "family_name": "Rossi",
    "email": "mario.rossi@example.org",
}
CHIARA = {"fiscal_code": "RMNCHR95B68D612V", "name": "Chiara", "family_name": "Romano"}
ANNA = {"fiscal_code": "SPSNNA75S70L219W", "name": "Anna", "family_name": "Esposito"}
MARIO_CF = MARIO["fiscal_code"]
# A Monday, 07:00 in Villanova (UTC+1 in winter): the first bookable slots are that morning.
MONDAY = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def create_office(
    session: Session,
    *,
    slug: str = "urp",
    desks: int = 1,
    slot_minutes: int = 30,
    opens: time = time(9),
    closes: time = time(12),
    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4),
) -> Office:
    office = Office(
        slug=slug,
        name=f"Ufficio {slug.upper()}",
        address="Piazza del Municipio 1, Villanova",
        slot_minutes=slot_minutes,
        active=True,
    )
    session.add(office)
    session.flush()
    for n in range(desks):
        session.add(Desk(office_id=office.id, name=f"Sportello {n + 1}", active=True))
    for day in weekdays:
        session.add(OpeningHours(office_id=office.id, weekday=day, opens=opens, closes=closes))
    session.commit()
    session.refresh(office)
    return office


def create_contact(session: Session, **overrides: Any) -> CitizenContact:
    values: dict[str, Any] = {
        "fiscal_code": MARIO_CF,
        "email": "mario.rossi@example.org",
        "email_source": "citizen",
        "language": "it",
        "muted": [],
    }
    values.update(overrides)
    contact = CitizenContact(**values)
    session.add(contact)
    session.commit()
    return contact


def seed_clerk(app: Flask) -> None:
    with db.fresh_session(app) as s:
        seed_roles(s)
        s.commit()


def csrf_token(client: FlaskClient, path: str = "/aiuto") -> str:
    return pages.csrf_token(client, path)


def mail_app(database_url: str, simulators: Any, smtp_port: int) -> Iterator[Flask]:
    """The gateway with its SMTP settings pointing at a local test server's port."""
    simulators.reset()
    application = create_app(
        make_config(database_url, simulators_url=simulators.base_url, smtp_port=smtp_port)
    )
    yield application
    db.dispose(application)
