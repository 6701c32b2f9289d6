"""Demo offices of the Comune di Villanova (desks, opening hours) and a visitor's call-back."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Desk, Office, OpeningHours
from .operations import request_callback

MON, TUE, WED, THU, FRI = range(5)

OFFICES: list[dict[str, Any]] = [
    {
        "slug": "urp",
        "name": "Ufficio Relazioni con il Pubblico (URP)",
        "address": "Piazza del Municipio 1, Villanova",
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
        "address": "Piazza del Municipio 1, Villanova (piano terra)",
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
        "address": "Via Roma 40, Villanova",
        "slot_minutes": 30,
        "desks": ["Sportello Verbali"],
        "hours": [(day, time(9), time(12)) for day in (MON, WED, FRI)],
    },
]


def seed_offices(session: Session) -> bool:
    """Create the offices unless one exists; returns whether anything was added."""
    if session.scalar(select(Office.id).limit(1)) is not None:
        return False
    for spec in OFFICES:
        office = Office(
            slug=spec["slug"],
            name=spec["name"],
            address=spec["address"],
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


def seed_help(session: Session) -> None:
    """Offices, and one visitor waiting for a call-back so the clerks' queue is not empty."""
    if seed_offices(session):
        request_callback(
            session,
            phone="+390123987654",
            topic="Vorrei sapere come iscrivere mio figlio alla mensa scolastica.",
            citizen=None,
        )
