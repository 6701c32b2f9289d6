"""Demo data: a few transactions of the demo cast with timelines across channels.

Idempotent: seeding a database that already holds the demo data changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..counter.demo import seed_counter
from ..forms_web.demo import seed_forms
from ..health.demo import seed_health
from ..help.demo import seed_help
from ..models import RoleAssignment, Transaction, utcnow
from ..transactions.operations import SYSTEM, Actor, change_state, open_transaction
from ..transactions.states import State

MARIO = "RSSMRA80A01H501U"
ANNA_CLERK = Actor(
    kind="clerk",
    id="SPSNNA75S70L219W",
    name="Anna Esposito",
    channel="desk",
    on_behalf_of=MARIO,
)
MARIO_WEB = Actor(kind="citizen", id=MARIO, name="Mario Rossi", channel="web")
TOBACCONIST = Actor(
    kind="terminal", id="TAB-0001", name="Tabaccheria Centrale, via Roma 12", channel="counter"
)


def seed_demo(session: Session) -> bool:
    """Create the demo transactions unless they exist; returns whether anything was added."""
    exists = session.scalar(select(Transaction.id).where(Transaction.subject_cf == MARIO).limit(1))
    if exists is not None:
        return False
    seed_roles(session)
    t0 = utcnow() - timedelta(days=3)

    cert = open_transaction(
        session,
        service="certificato_scolastico",
        title="Certificato di frequenza — Sofia Rossi",
        subject_cf=MARIO,
        actor=MARIO_WEB,
        amount_cents=1600,
        data={"student": "Sofia Rossi", "kind": "frequenza"},
        at=t0,
    )
    steps: list[tuple[State, Actor, str, dict[str, Any]]] = [
        (State.SUBMITTED, MARIO_WEB, "submitted", {}),
        (State.AWAITING_PAYMENT, SYSTEM, "notice_issued", {"amount_cents": 1600}),
        (
            State.PAID,
            TOBACCONIST,
            "paid_at_counter",
            {"amount_cents": 1600, "shop": "Tabaccheria Centrale"},
        ),
        (State.COMPLETED, SYSTEM, "certificate_issued", {}),
    ]
    for i, (state, actor, kind, data) in enumerate(steps, start=1):
        change_state(
            session, cert, state, actor, kind=kind, data=data, at=t0 + timedelta(hours=2 * i)
        )

    t1 = t0 + timedelta(days=2)
    fine = open_transaction(
        session,
        service="pagamento_multa",
        title="Pagamento verbale n. 2026/PL/004512",
        subject_cf=MARIO,
        actor=ANNA_CLERK,
        amount_cents=2940,
        data={"report_number": "2026/PL/004512"},
        at=t1,
    )
    change_state(
        session,
        fine,
        State.AWAITING_CONFIRMATION,
        ANNA_CLERK,
        kind="prepared_for_confirmation",
        at=t1 + timedelta(minutes=10),
    )

    open_transaction(
        session,
        service="multa_rateizzazione_ricorso",
        title="Ricorso al Prefetto — verbale n. 2026/PL/003877",
        subject_cf=MARIO,
        actor=MARIO_WEB,
        data={"report_number": "2026/PL/003877"},
        at=t1 + timedelta(hours=5),
    )
    seed_health(session)
    seed_forms(session)
    seed_help(session)
    seed_counter(session)
    return True


def seed_roles(session: Session) -> None:
    """The demo's clerk, clinicians and privacy officer: citizens the gateway grants a role."""
    session.add_all(
        [
            RoleAssignment(
                fiscal_code="SPSNNA75S70L219W",
                role="clerk",
                display_name="Anna Esposito",
                office="Ufficio Relazioni con il Pubblico — Comune di Villanova",
            ),
            RoleAssignment(
                fiscal_code="FRRPLA70E12A944T",
                role="clinician",
                display_name="Paolo Ferrari",
                facility="Ospedale Maggiore di Villanova",
                registry_number="VN-04512",
            ),
            *(
                RoleAssignment(
                    fiscal_code=cf,
                    role="clinician",
                    display_name=name,
                    facility=facility,
                    registry_number=number,
                )
                for cf, name, facility, number in DEMO_CLINICIANS
            ),
            RoleAssignment(
                fiscal_code="FNTNDR72P05D969H",
                role="privacy_officer",
                display_name="Andrea Fontana",
                office="Referente privacy — ASL Villanova",
            ),
        ]
    )


# Clinicians of the demo besides Paolo Ferrari; their facilities come from the regional
# practitioner registry (the health simulator), these are the names the gateway keeps.
DEMO_CLINICIANS = (
    ("NRERRT66B14L781B", "Roberto Neri", "ASL Villanova — Medicina generale", "VN-01873"),
    ("GLLMRC76C09F205U", "Marco Galli", "Ospedale Maggiore di Villanova", "VN-05120"),
    ("MRTSLV78H61G224G", "Silvia Moretti", "Clinica Santa Lucia di Borgo San Pietro", "PD-22031"),
)
