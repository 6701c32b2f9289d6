"""The pages that show dates and times, read in Italian and in English, show them in one shape:
no seconds, no time-zone names, no two-digit years, no "762 min", no "il 1 dicembre"."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.help import operations as ops
from gateway.help.slots import available_slots
from gateway.models import InboxMessage, Notice, Transaction
from gateway.transactions.operations import Actor
from printing.codes import make_notice_code

from ..factories import create_transaction, login
from .forms_support import make_clerk, open_desk_session
from .help_support import ANNA, MARIO, MARIO_CF, create_office

MARIO_ACTOR = Actor(kind="citizen", id=MARIO_CF, name="Mario Rossi", channel="web")
CHIARA_ACTOR = Actor(kind="citizen", id="RMNCHR95B68D612V", name="Chiara Romano")
MONTHS_IT = (
    "gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"
)
OLD_SHAPES = {
    "a time with seconds": re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"),
    "a time-zone name": re.compile(
        r"Ora standard|Ora legale|Central European|\bCET\b|\bCEST\b|\bGMT\b|Europe/Rome"
    ),
    "a two-digit year": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}\b(?![\d/])"),
    "an hour with a leading zero": re.compile(r"(?<![\d:/T-])0\d:\d{2}\b"),
    "the first of a month without its º": re.compile(rf"\b1 ({MONTHS_IT}|dic|nov|gen)\b"),
}
MINUTES = re.compile(r"\b(\d+) min\b")


def visible_text(html: str) -> str:
    """What a reader sees and hears: the text outside tags plus the accessible names."""
    names = " ".join(re.findall(r'aria-label="([^"]*)"', html))
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", body) + " " + names)


def old_shapes_in(text: str) -> list[str]:
    found = [f"{what}: {m.group(0)!r}" for what, r in OLD_SHAPES.items() for m in r.finditer(text)]
    found += [f"a count of minutes: {m.group(0)!r}" for m in MINUTES.finditer(text)]
    return found


def test_the_check_itself_catches_each_old_shape() -> None:
    for old in [
        "09:00:00 Ora standard dell'Europa centrale",
        "tra 762 min",
        "01/12/26, 20:09",
        "entro il 1 dicembre",
        "1 dic 2026, 20:09:46",
        "alle 09:00",
    ]:
        assert old_shapes_in(old), old
    for new in ["mercoledì 2 dicembre, ore 9:00", "1º dic 2026, 20:09", "tra 13 ore", "19:05"]:
        assert old_shapes_in(new) == [], new


def seed(app: Flask, session: Session) -> dict[str, str]:
    """An appointment with its timeline and message, a notice due on the 1st, a late request
    in the clerks' queue; returns the addresses that show them."""
    office = create_office(session, desks=2, weekdays=tuple(range(7)), opens=time(0))
    now = datetime.now(UTC)
    slot = available_slots(session, office, now=now)[0]
    with app.app_context(), db.fresh_session(app) as s:
        booked = ops.book_appointment(
            s, office_slug="urp", starts_at=slot.starts_at, citizen=MARIO_ACTOR, topic="Residenza"
        )
        late = ops.book_appointment(
            s, office_slug="urp", starts_at=slot.starts_at, citizen=CHIARA_ACTOR, topic="Carta"
        )
        s.flush()
        # A request left waiting since the day before: it must not read "762 min".
        late.starts_at = late.slot_start = now - timedelta(minutes=762)
        s.commit()
        code, late_id = booked.code, late.id
    # Mario's appointment (Chiara's is the late one): by whose it is, not by row order.
    tx = session.scalars(
        select(Transaction).where(
            Transaction.service == ops.SERVICE, Transaction.subject_cf == MARIO_CF
        )
    ).first()
    assert tx is not None
    payment_tx = create_transaction(session, service="multe")
    notice = Notice(
        code=make_notice_code("01", f"{7:013d}"),
        transaction_id=payment_tx.id,
        service="multe",
        creditor_name="Comune di Villanova",
        creditor_fiscal_code="80001234568",
        amount_cents=2940,
        description="Verbale",
        payer_cf=MARIO_CF,
        payer_name="Mario Rossi",
        due_date=date(2027, 12, 1),
        valid_until=date(2027, 12, 1),
        details={"report_number": "2026/PL/000007"},
        status="issued",
    )
    session.add(notice)
    session.commit()
    message = session.scalars(
        select(InboxMessage.id).where(InboxMessage.citizen_cf == MARIO_CF)
    ).first()
    return {
        "home": "/area-personale/",
        "timeline": f"/area-personale/pratiche/{tx.reference}",
        "bookings": "/area-personale/aiuto/",
        "booking": f"/area-personale/aiuto/{code}",
        "messages": "/area-personale/messaggi",
        "message": f"/area-personale/messaggi/{message}",
        "payment": f"/area-personale/pagamenti/avvisi/{notice.code}",
        "queue": "/sportello/coda/",
        "queue item": f"/sportello/coda/{late_id}",
        "desk": "/sportello-assistito/",
    }


@pytest.mark.parametrize("lang", ["it", "en"])
def test_pages_with_dates_show_them_in_one_shape_in_both_languages(
    app: Flask, session: Session, lang: str
) -> None:
    pages = seed(app, session)
    citizen, clerk = app.test_client(), app.test_client()
    login(citizen, app, MARIO)
    make_clerk(app)
    login(clerk, app, ANNA)
    with app.test_request_context():
        open_desk_session(clerk)
    clerk_pages = {"queue", "queue item", "desk"}
    problems, seen = [], {}
    for name, path in pages.items():
        client: FlaskClient = clerk if name in clerk_pages else citizen
        response = client.get(path, headers={"Accept-Language": lang})
        assert response.status_code == 200, (name, path)
        text = visible_text(response.get_data(as_text=True))
        seen[name] = text
        problems += [f"{name} ({lang}): {p}" for p in old_shapes_in(text)]
    assert problems == []
    # The shapes that replace them are there, in the page's language.
    if lang == "it":
        assert "1º dicembre 2027" in seen["payment"]
        # 762 minutes ago is earlier today or yesterday, by the hour the suite runs at.
        assert re.search(r"(oggi|ieri) alle \d{1,2}:\d{2}|\d+ ore fa", seen["queue"])
        assert re.search(r"in attesa da (\d+ ore|1 giorno)", seen["queue item"])
        assert re.search(r", ore \d{1,2}:\d{2}", seen["booking"])
    else:
        assert "1 December 2027" in seen["payment"]
        assert re.search(r"(today|yesterday) at \d{1,2}:\d{2}|\d+ hours ago", seen["queue"])
        assert re.search(r"waiting for (\d+ hours|1 day)", seen["queue item"])
        assert re.search(r" at \d{1,2}:\d{2}", seen["booking"])
