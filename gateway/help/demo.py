"""Demo offices of the body (desks, opening hours) at its seat, and a visitor's call-back."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..ente import Ente, current_ente, demo_ente
from ..models import Desk, Office, OpeningHours
from .operations import request_callback

MON, TUE, WED, THU, FRI = range(5)

OFFICES: list[dict[str, Any]] = [
    {
        "slug": "urp",
        "name": "Ufficio Relazioni con il Pubblico (URP)",
        "address": "{street}, {city}",
        "slot_minutes": 20,
        "desks": ["Sportello URP 1", "Sportello URP 2"],
        "hours": [
            *[(day, time(9), time(12, 30)) for day in (MON, TUE, WED, THU, FRI)],
            (TUE, time(15), time(17, 30)),
            (THU, time(15), time(17, 30)),
        ],
    },
    {
        "slug": "anagrafe",
        "name": "Ufficio Anagrafe",
        "address": "{street}, {city} (piano terra)",
        "slot_minutes": 15,
        "desks": ["Anagrafe 1", "Anagrafe 2", "Anagrafe 3"],
        "hours": [
            *[(day, time(8, 30), time(12, 30)) for day in (MON, TUE, WED, THU, FRI)],
            (WED, time(14, 30), time(16, 30)),
        ],
    },
    {
        "slug": "polizia-locale",
        "name": "Polizia Locale — Ufficio Verbali",
        "address": "Via Roma 40, {city}",
        "slot_minutes": 30,
        "desks": ["Sportello Verbali"],
        "hours": [(day, time(9), time(12)) for day in (MON, WED, FRI)],
    },
]


def seed_offices(session: Session, ente: Ente | None = None) -> bool:
    """Create the offices unless one exists, in the town of ``ente`` (default: the current
    body, the demo's outside an app); returns whether anything was added."""
    if session.scalar(select(Office.id).limit(1)) is not None:
        return False
    seat = (ente or _ente()).address
    for spec in OFFICES:
        office = Office(
            slug=spec["slug"],
            name=spec["name"],
            address=spec["address"].format(street=seat.street, city=seat.city),
            slot_minutes=spec["slot_minutes"],
            active=True,
        )
        session.add(office)
        session.flush()
        for name in spec["desks"]:
            session.add(Desk(office_id=office.id, name=name, active=True))
        for weekday, opens, closes in spec["hours"]:
            session.add(
                OpeningHours(office_id=office.id, weekday=weekday, opens=opens, closes=closes)
            )
    session.flush()
    return True


def _ente() -> Ente:
    from flask import has_app_context

    return current_ente() if has_app_context() else demo_ente()


def seed_help(session: Session) -> None:
    """Offices, and one visitor waiting for a call-back so the clerks' queue is not empty."""
    if seed_offices(session):
        request_callback(
            session,
            phone="+390123987654",
            topic="Vorrei sapere come iscrivere mio figlio alla mensa scolastica.",
            citizen=None,
        )
