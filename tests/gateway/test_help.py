"""Appointments and call-backs: slots, no double booking, move/cancel, the clerks' queue."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.help import operations as ops
from gateway.help.errors import AlreadyTaken, InvalidSlot, NotOpen, SlotTaken
from gateway.help.slots import available_slots
from gateway.models import AuditEntry, Event, HelpRequest, InboxMessage, Transaction
from gateway.transactions.operations import Actor

from ..factories import create_transaction, login
from .help_support import ANNA, CHIARA, MARIO, MARIO_CF, MONDAY, create_office, seed_clerk
from .pages import token_in

MARIO_ACTOR = Actor(kind="citizen", id=MARIO_CF, name="Mario Rossi", channel="web")
CHIARA_ACTOR = Actor(kind="citizen", id=CHIARA["fiscal_code"], name="Chiara Romano")
ANNA_ACTOR = Actor(kind="clerk", id=ANNA["fiscal_code"], name="Anna Esposito", channel="desk")
OTHER_CLERK = Actor(kind="clerk", id="PLLMRC70A01H501X", name="Marco Pellegrini", channel="desk")
NINE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Villanova, the first slot


def book(app: Flask, starts_at: datetime = NINE, actor: Actor = MARIO_ACTOR, **kw: object) -> str:
    with app.app_context(), db.fresh_session(app) as s:
        booked = ops.book_appointment(
            s,
            office_slug="urp",
            starts_at=starts_at,
            citizen=actor,
            topic="Cambio di residenza",
            now=MONDAY,
            **kw,  # type: ignore[arg-type]
        )
        s.commit()
        return booked.code


def test_slots_follow_opening_hours_and_leave_out_full_ones(app: Flask, session: Session) -> None:
    office = create_office(session, desks=1)
    slots = available_slots(session, office, now=MONDAY, days=1)
    local = [s.local_start.strftime("%a %H:%M") for s in slots]
    assert local[:6] == [
        "Mon 09:00",
        "Mon 09:30",
        "Mon 10:00",
        "Mon 10:30",
        "Mon 11:00",
        "Mon 11:30",
    ]
    assert "Mon 12:00" not in local  # closes at 12: the last slot ends then
    book(app)
    session.expire_all()
    after = [s.starts_at for s in available_slots(session, office, now=MONDAY, days=1)]
    assert NINE not in after and NINE + timedelta(minutes=30) in after
    late = available_slots(session, office, now=NINE, days=1)  # one hour's notice needed
    assert late[0].local_start.strftime("%H:%M") == "10:00"


def test_booking_opens_a_help_transaction_with_its_timeline_and_a_message(
    app: Flask, session: Session
) -> None:
    create_office(session, desks=1)
    with db.fresh_session(app) as s:
        related = create_transaction(s)
        s.commit()
        reference = related.reference
    code = book(app, related_reference=reference)
    found = session.scalars(select(HelpRequest)).one()
    assert found.code == code and found.slot_start == NINE and found.status == "waiting"
    assert ops.find_by_code(session, ops.display_code(code).lower()).id == found.id
    tx = session.get(Transaction, found.transaction_id)
    assert tx is not None and tx.service == "assistenza" and tx.subject_cf == MARIO_CF
    assert [e.kind for e in tx.events] == ["created", "help_appointment_booked"]
    kinds = session.scalars(
        select(Event.kind).join(Transaction).where(Transaction.reference == reference)
    ).all()
    assert "help_requested" in kinds
    message = session.scalars(select(InboxMessage)).one()
    assert message.kind == "appointment_booked" and message.link == f"/area-personale/aiuto/{code}"


def test_a_full_slot_cannot_be_booked_again_and_bad_times_are_refused(
    app: Flask, session: Session
) -> None:
    create_office(session, desks=2)
    book(app)
    book(app, actor=CHIARA_ACTOR)
    with pytest.raises(SlotTaken):
        book(app)
    for bad in (NINE + timedelta(minutes=10), NINE - timedelta(days=1), NINE + timedelta(days=60)):
        with pytest.raises(InvalidSlot):
            book(app, starts_at=bad)
    desks = {r.desk_id for r in session.scalars(select(HelpRequest))}
    assert len(desks) == 2


def test_two_citizens_racing_for_the_last_slot_one_gets_it(app: Flask, session: Session) -> None:
    create_office(session, desks=1)
    barrier = threading.Barrier(6)
    results: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        actor = Actor(kind="citizen", id=f"RSSMRA80A01H50{n}U", name=f"Citizen {n}")
        barrier.wait()
        try:
            book(app, actor=actor)
            outcome = "booked"
        except SlotTaken:
            outcome = "taken"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["booked"] + ["taken"] * 5
    assert len(session.scalars(select(HelpRequest)).all()) == 1
    assert len(session.scalars(select(Transaction)).all()) == 1  # the losers left nothing


def test_moving_and_cancelling_free_the_slot(app: Flask, session: Session) -> None:
    create_office(session, desks=1)
    code = book(app)
    ten = NINE + timedelta(hours=1)
    with app.app_context(), db.fresh_session(app) as s:
        found = ops.citizen_request(s, MARIO_CF, code)
        ops.move_appointment(s, found, ten, MARIO_ACTOR, now=MONDAY)
        s.commit()
    other = book(app, actor=CHIARA_ACTOR)  # 09:00 is free again
    with app.app_context(), db.fresh_session(app) as s:
        found = ops.citizen_request(s, MARIO_CF, code)
        assert found.starts_at == ten and found.sequence == 1
        ops.cancel_request(s, found, MARIO_ACTOR)
        s.commit()
        with pytest.raises(NotOpen):
            ops.move_appointment(s, ops.citizen_request(s, MARIO_CF, code), NINE, MARIO_ACTOR)
    book(app, starts_at=ten, actor=CHIARA_ACTOR)  # 10:00 is free again
    with pytest.raises(ops.HelpRequestNotFound):
        ops.citizen_request(session, MARIO_CF, other)  # Chiara's code is not Mario's
    tx = session.scalars(select(Transaction).where(Transaction.subject_cf == MARIO_CF)).one()
    assert tx.state == "cancelled"
    assert [e.kind for e in tx.events][-2:] == ["help_appointment_moved", "help_cancelled"]
    # Each time (booked, moved) is announced once.
    assert (
        len(session.scalars(select(InboxMessage).where(InboxMessage.citizen_cf == MARIO_CF)).all())
        == 2
    )


def test_two_clerks_cannot_take_the_same_request_and_the_outcome_is_on_the_timeline(
    app: Flask, session: Session
) -> None:
    create_office(session, desks=1)
    code = book(app)
    request_id = session.scalars(select(HelpRequest.id)).one()
    with app.app_context(), db.fresh_session(app) as s:
        ops.take(s, request_id, ANNA_ACTOR)
        s.commit()
        with pytest.raises(AlreadyTaken):
            ops.take(s, request_id, OTHER_CLERK)
        s.rollback()
        with pytest.raises(NotOpen):  # only the clerk who took it closes it
            ops.close(s, request_id, OTHER_CLERK, outcome="done")
        s.rollback()
        ops.close(s, request_id, ANNA_ACTOR, outcome="done", note="Residenza registrata")
        s.commit()
    found = ops.find_by_code(session, code)
    assert (found.status, found.outcome, found.taken_by) == ("closed", "done", ANNA["fiscal_code"])
    tx = session.get(Transaction, found.transaction_id)
    assert tx is not None and tx.state == "completed"
    closing = tx.events[-1]
    assert (closing.kind, closing.actor_kind, closing.actor_name) == (
        "help_closed",
        "clerk",
        "Anna Esposito",
    )
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("help.%")))
    assert sorted(actions) == ["help.close", "help.take"]


def test_a_rescheduled_call_back_goes_back_to_the_queue_at_its_new_time(
    app: Flask, session: Session
) -> None:
    with app.app_context(), db.fresh_session(app) as s:
        asked = ops.request_callback(
            s, phone="+393331234567", topic="Bollo auto", citizen=MARIO_ACTOR
        )
        s.commit()
        ops.take(s, asked.id, ANNA_ACTOR)
        s.commit()
        later = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
        ops.close(s, asked.id, ANNA_ACTOR, outcome="rescheduled", new_time=later)
        s.commit()
        queue = ops.queue(s)
    assert [(r.id, r.status, r.starts_at) for r in queue] == [(asked.id, "waiting", later)]
    tx = session.scalars(select(Transaction)).one()
    assert tx.state == "submitted"
    assert [e.kind for e in tx.events] == [
        "created",
        "help_callback_requested",
        "help_taken",
        "help_rescheduled",
    ]


# --- pages ----------------------------------------------------------------------------------


def form_token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return token_in(page)


def test_a_citizen_books_gets_pdf_and_ics_and_cancels_from_the_pages(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    from printing.verify import read_codes

    office = create_office(session, desks=1, weekdays=tuple(range(7)), opens=datetime.min.time())
    login(client, app, MARIO)
    first = available_slots(session, office, now=datetime.now(UTC))[0]
    confirm = f"/area-personale/aiuto/appuntamento/conferma?ufficio=urp&ora={first.key}"
    page = client.get(confirm)
    assert page.status_code == 200 and 'data-testid="booking-summary"' in page.get_data(True)
    token = token_in(page.get_data(as_text=True))
    missing = client.post(confirm, data={"csrf_token": token, "topic": ""})
    assert missing.status_code == 422 and 'id="topic-error"' in missing.get_data(as_text=True)
    done = client.post(confirm, data={"csrf_token": token, "topic": "Residenza"})
    assert done.status_code == 303
    code = session.scalars(select(HelpRequest.code)).one()
    assert done.headers["Location"].endswith(f"/area-personale/aiuto/{code}")
    taken = client.post(confirm, data={"csrf_token": token, "topic": "Ancora"})
    assert taken.status_code == 303 and "/appuntamento/orario?" in taken.headers["Location"]
    assert session.scalars(select(HelpRequest.code)).all() == [code]
    pdf = client.get(f"/area-personale/aiuto/{code}/prenotazione.pdf")
    assert pdf.mimetype == "application/pdf" and read_codes(pdf.data) == [code]
    ics = client.get(f"/area-personale/aiuto/{code}/appuntamento.ics")
    assert ics.mimetype == "text/calendar"
    text = ics.data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART:{first.starts_at.strftime('%Y%m%dT%H%M%SZ')}\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    other = app.test_client()
    login(other, app, CHIARA)
    assert other.get(f"/area-personale/aiuto/{code}").status_code == 404
    token = form_token(client, f"/area-personale/aiuto/{code}")
    client.post(f"/area-personale/aiuto/{code}/annulla", data={"csrf_token": token})
    session.expire_all()
    assert session.scalars(select(HelpRequest)).one().status == "cancelled"


def test_a_visitor_asks_for_a_call_back_with_phone_and_topic_only(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    token = form_token(client, "/aiuto")
    assert (
        client.post("/aiuto/richiamata", data={"phone": "333 1234567", "topic": "x"}).status_code
        == 400
    )
    bad = client.post("/aiuto/richiamata", data={"csrf_token": token, "phone": "12", "topic": ""})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="phone-error"' in page and 'id="topic-error"' in page
    ok = client.post(
        "/aiuto/richiamata",
        data={"csrf_token": token, "phone": "333 123 4567", "topic": "Mensa scolastica"},
    )
    assert ok.status_code == 200 and 'data-testid="help-code"' in ok.get_data(as_text=True)
    found = session.scalars(select(HelpRequest)).one()
    assert (found.phone, found.citizen_cf, found.transaction_id) == ("+393331234567", None, None)
    statuses = [
        client.post(
            "/aiuto/richiamata", data={"csrf_token": token, "phone": "3331234567", "topic": "t"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses[-1] == 429 and statuses.count(429) == 2  # 5 an hour per client (1 + 1 + 3)


def test_the_clerks_queue_takes_and_closes_and_refuses_citizens(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    create_office(session, desks=1)
    code = book(app)
    seed_clerk(app)
    citizen = app.test_client()
    login(citizen, app, MARIO)
    assert citizen.get("/sportello/coda/").status_code == 403
    login(client, app, ANNA)
    queue = client.get("/sportello/coda/").get_data(as_text=True)
    assert f'data-code="{code}"' in queue
    looked_up = client.get("/sportello/coda/codice", query_string={"code": ops.display_code(code)})
    request_id = session.scalars(select(HelpRequest.id)).one()
    assert looked_up.headers["Location"].endswith(f"/sportello/coda/{request_id}")
    assert client.get("/sportello/coda/codice?code=ZZZZZZZ").status_code == 404
    token = form_token(client, "/sportello/coda/")
    client.post(f"/sportello/coda/{request_id}/prendi", data={"csrf_token": token})
    item = client.get(f"/sportello/coda/{request_id}").get_data(as_text=True)
    assert 'data-testid="close-form"' in item
    client.post(
        f"/sportello/coda/{request_id}/chiudi",
        data={"csrf_token": token, "outcome": "no_answer", "note": "Non si è presentato"},
    )
    found = session.scalars(select(HelpRequest)).one()
    session.refresh(found)
    assert (found.status, found.outcome) == ("closed", "no_answer")
    again = client.post(f"/sportello/coda/{request_id}/prendi", data={"csrf_token": token})
    assert again.status_code == 409


def test_a_citizen_asks_for_a_call_back_about_one_of_their_transactions(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    create_office(session, desks=1)
    with db.fresh_session(app) as s:
        related = create_transaction(s)
        s.commit()
        reference = related.reference
    home = client.get("/aiuto").get_data(as_text=True)
    assert "Lunedì: 9:00–12:00" in home and 'data-testid="visitor-callback"' in home
    login(client, app, MARIO)
    page = client.get("/area-personale/aiuto/richiamata").get_data(as_text=True)
    assert reference in page  # the open transactions are offered
    window = page.split('<option value="', 2)[2].split('"')[0]
    token = form_token(client, "/area-personale/aiuto/richiamata")
    data = {"csrf_token": token, "phone": "0123 456789", "topic": "Pagamento", "related": reference}
    bad = client.post("/area-personale/aiuto/richiamata", data={**data, "window": "1999-01-01-am"})
    assert bad.status_code == 422 and 'id="window-error"' in bad.get_data(as_text=True)
    done = client.post("/area-personale/aiuto/richiamata", data={**data, "window": window})
    assert done.status_code == 302
    found = session.scalars(select(HelpRequest)).one()
    assert (found.kind, found.phone, found.related_reference) == (
        "callback",
        "+390123456789",
        reference,
    )
    assert found.starts_at is not None and found.ends_at is not None
    kinds = session.scalars(
        select(Event.kind).join(Transaction).where(Transaction.reference == reference)
    ).all()
    assert kinds[-1] == "help_requested"
    other = app.test_client()
    login(other, app, CHIARA)
    token = form_token(other, "/area-personale/aiuto/richiamata")
    refused = other.post(
        "/area-personale/aiuto/richiamata", data={**data, "csrf_token": token, "window": "asap"}
    )
    assert refused.status_code == 404  # Chiara cannot attach Mario's transaction
