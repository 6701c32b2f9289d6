"""Demo data of the health slice: Giulia Bianchi consents, Luca Verdi does not."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..transactions.operations import Actor
from .operations import current_consent, set_consent

GIULIA = Actor(kind="citizen", id="BNCGLI85C55F205C", name="Giulia Bianchi", channel="web")


def seed_health(session: Session) -> None:
    """Record Giulia's consent unless she already decided (Luca Verdi never decides)."""
    if current_consent(session, GIULIA.id) is None:
        set_consent(session, GIULIA, True)
