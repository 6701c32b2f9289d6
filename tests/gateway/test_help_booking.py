"""The booking wizard: office → day on a calendar → that day's times → confirm, one address
per step, post-redirect-get, and a time taken meanwhile sends back to the day's free times."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from html import unescape

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway import clock
from gateway.db import db
from gateway.formatting import format_date
from gateway.help import operations as ops
from gateway.help.slots import Slot, available_slots, slots_by_day
from gateway.models import HelpRequest, Office
from gateway.transactions.operations import Actor

from ..factories import login
from .help_support import CHIARA, MARIO, MARIO_CF, create_office
from .pages import token_in

BASE = "/area-personale/aiuto/appuntamento"
CHIARA_ACTOR = Actor(kind="citizen", id=CHIARA["fiscal_code"], name="Chiara Romano")
EVERY_DAY = tuple(range(7))


def free_days(session: Session, office_id: int) -> dict[date, list[Slot]]:
    office = session.get(Office, office_id)
    assert office is not None
    return slots_by_day(available_slots(session, office, now=datetime.now(UTC)))


def page(client: FlaskClient, path: str, lang: str = "it") -> tuple[int, str]:
    response = client.get(path, headers={"Accept-Language": lang})
    return response.status_code, unescape(response.get_data(as_text=True))


def day_labels(html: str) -> dict[str, str]:
    """day (ISO) -> accessible name of each day link of the calendar."""
    found = re.findall(
        r'data-testid="day" data-day="([^"]+)"><span aria-hidden="true">\d+</span>'
        r'<span class="visually-hidden" data-testid="day-name">([^<]+)</span></a>',
        html,
    )
    return dict(found)


def test_each_step_has_its_own_address_and_the_stepper_says_where_one_is(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    office = create_office(session, desks=1, weekdays=EVERY_DAY, opens=time(9), closes=time(17))
    login(client, app, MARIO)
    status, first = page(client, BASE)
    assert status == 200 and "Passo 1 di 4" in first and 'data-testid="office-urp"' in first
    # An old link with the office in the query goes on to the calendar.
    old = client.get(f"{BASE}?ufficio=urp")
    assert old.status_code == 302 and old.headers["Location"].endswith("/giorno?ufficio=urp")

    status, calendar = page(client, f"{BASE}/giorno?ufficio=urp")
    assert status == 200 and "Passo 2 di 4" in calendar and 'aria-current="step"' in calendar
    assert 'data-testid="slot"' not in calendar  # no times on the calendar page
    days = free_days(session, office.id)
    labels = day_labels(calendar)
    assert set(labels) == {d.isoformat() for d in days}
    # Today may have one time left, or none, by the hour the suite runs at: both forms.
    for some_day, its_slots in days.items():
        name, n = format_date(some_day, "weekday", "it"), len(its_slots)
        said = "1 orario libero" if n == 1 else f"{n} orari liberi"
        assert labels[some_day.isoformat()] == f"{name}, {said}"
    # A day outside the window is a disabled button named as such.
    assert re.search(
        r'disabled><span aria-hidden="true">\d+</span>'
        r'<span class="visually-hidden">[^<]+, nessun orario libero<',
        calendar,
    )

    status, times = page(client, f"{BASE}/orario?ufficio=urp&giorno={some_day.isoformat()}")
    assert status == 200 and "Passo 3 di 4" in times
    shown = re.findall(r'value="([0-9T:Z-]+)" data-testid="slot"', times)
    assert shown == [s.key for s in its_slots]  # that day's times only
    assert len(shown) <= 16  # an eight-hour day of half hours, not two weeks of them
    assert all(
        not re.search(r"\b0\d:\d\d\b|:\d\d:\d\d", label)
        for label in re.findall(r'<label for="slot-\d+">([^<]+)</label>', times)
    )

    token = token_in(times)
    chosen = its_slots[-1]
    step = client.post(
        f"{BASE}/orario?ufficio=urp&giorno={some_day.isoformat()}",
        data={"csrf_token": token, "slot": chosen.key},
    )
    assert step.status_code == 303
    assert step.headers["Location"].endswith(f"/conferma?ufficio=urp&ora={chosen.key}")

    status, confirm = page(client, step.headers["Location"])
    assert status == 200 and "Passo 4 di 4" in confirm
    local = clock.local(chosen.starts_at)
    when = f"{format_date(local, 'weekday', 'it')}, ore {local.hour}:{local.minute:02d}"
    assert f'data-testid="booking-when">{when}</strong>' in confirm
    done = client.post(step.headers["Location"], data={"csrf_token": token, "topic": "Residenza"})
    assert done.status_code == 303
    booked = session.scalars(select(HelpRequest)).one()
    assert booked.slot_start == chosen.starts_at and booked.topic == "Residenza"
    assert done.headers["Location"].endswith(f"/area-personale/aiuto/{booked.code}")
    status, detail = page(client, done.headers["Location"])
    assert f'data-testid="help-when">{when}</strong>' in detail


def test_a_time_taken_meanwhile_says_so_and_shows_the_days_remaining_times(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    office = create_office(session, desks=1, weekdays=EVERY_DAY, opens=time(9), closes=time(12))
    login(client, app, MARIO)
    day, slots = next(iter(free_days(session, office.id).items()))
    wanted = slots[0]
    confirm = f"{BASE}/conferma?ufficio=urp&ora={wanted.key}"
    token = token_in(page(client, confirm)[1])
    with app.app_context(), db.fresh_session(app) as s:  # Chiara is quicker
        ops.book_appointment(
            s, office_slug="urp", starts_at=wanted.starts_at, citizen=CHIARA_ACTOR, topic="Carta"
        )
        s.commit()
    late = client.post(confirm, data={"csrf_token": token, "topic": "Residenza"})
    assert late.status_code == 303
    assert late.headers["Location"].endswith(f"/orario?ufficio=urp&giorno={day.isoformat()}")
    status, again = page(client, late.headers["Location"])
    assert status == 200
    assert "Qualcuno ha appena prenotato quell'orario" in again
    shown = re.findall(r'value="([0-9T:Z-]+)" data-testid="slot"', again)
    assert shown == [s.key for s in slots[1:]]
    mine = session.scalars(select(HelpRequest).where(HelpRequest.citizen_cf == MARIO_CF)).all()
    assert mine == []


def test_a_full_day_is_disabled_on_the_calendar(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    office = create_office(
        session, desks=1, weekdays=EVERY_DAY, opens=time(10), closes=time(10, 30)
    )
    days = free_days(session, office.id)
    full_day, (only,) = next(iter(days.items()))
    with app.app_context(), db.fresh_session(app) as s:
        ops.book_appointment(
            s, office_slug="urp", starts_at=only.starts_at, citizen=CHIARA_ACTOR, topic="Carta"
        )
        s.commit()
    login(client, app, MARIO)
    status, calendar = page(client, f"{BASE}/giorno?ufficio=urp", "en")
    assert status == 200 and "Step 2 of 4" in calendar
    assert full_day.isoformat() not in day_labels(calendar)
    name = format_date(full_day, "weekday", "en")
    hidden = f'<span aria-hidden="true">{full_day.day}</span>'
    assert (
        f'disabled>{hidden}<span class="visually-hidden">{name}, no free times</span>' in calendar
    )
    other = next(d for d in days if d != full_day)
    label = day_labels(calendar)[other.isoformat()]
    assert label == f"{format_date(other, 'weekday', 'en')}, 1 free time"
    status, none_left = page(client, f"{BASE}/orario?ufficio=urp&giorno={full_day.isoformat()}")
    assert status == 200 and 'data-testid="no-times"' in none_left


def test_choices_that_do_not_hold_send_back_a_step_with_a_message(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    office = create_office(session, desks=1, weekdays=EVERY_DAY)
    login(client, app, MARIO)
    day, slots = next(iter(free_days(session, office.id).items()))
    for path, back in [
        (f"{BASE}/giorno?ufficio=nope", BASE),
        (f"{BASE}/giorno", BASE),
        (f"{BASE}/orario?ufficio=urp&giorno=2026-13-01", f"{BASE}/giorno?ufficio=urp"),
        (f"{BASE}/orario?ufficio=urp&giorno=2026-12-1", f"{BASE}/giorno?ufficio=urp"),
        (f"{BASE}/conferma?ufficio=urp&ora=2026-12-02T08:00Z%0A", f"{BASE}/giorno?ufficio=urp"),
        (f"{BASE}/conferma?ufficio=urp&ora=2020-01-01T08:00Z", f"{BASE}/giorno?ufficio=urp"),
        (f"{BASE}/conferma?ufficio=urp&ora={slots[0].key[:-1]}", f"{BASE}/giorno?ufficio=urp"),
    ]:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].endswith(back), path
    _, shown = page(client, BASE)
    assert "Scegli di nuovo" in shown
    # A time of another day posted to this day's step is refused on the page.
    token = token_in(page(client, f"{BASE}/orario?ufficio=urp&giorno={day.isoformat()}")[1])
    later_day, later = list(free_days(session, office.id).items())[1]
    refused = client.post(
        f"{BASE}/orario?ufficio=urp&giorno={day.isoformat()}",
        data={"csrf_token": token, "slot": later[0].key},
    )
    assert refused.status_code == 422 and 'id="slot-error"' in refused.get_data(as_text=True)
    assert later_day != day


def test_moving_uses_the_same_calendar_and_redirects_after_the_post(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    office = create_office(session, desks=1, weekdays=EVERY_DAY)
    days = list(free_days(session, office.id).items())
    (first_day, first), (second_day, second) = days[0], days[1]
    login(client, app, MARIO)
    token = token_in(page(client, f"{BASE}/conferma?ufficio=urp&ora={first[0].key}")[1])
    client.post(
        f"{BASE}/conferma?ufficio=urp&ora={first[0].key}",
        data={"csrf_token": token, "topic": "Residenza"},
    )
    code = session.scalars(select(HelpRequest.code)).one()
    move = f"/area-personale/aiuto/{code}/sposta"
    status, calendar = page(client, move)
    assert status == 200 and "Passo 1 di 2" in calendar
    assert second_day.isoformat() in day_labels(calendar)
    status, times = page(client, f"{move}?giorno={second_day.isoformat()}")
    assert status == 200 and "Passo 2 di 2" in times
    moved = client.post(
        f"{move}?giorno={second_day.isoformat()}",
        data={"csrf_token": token_in(times), "slot": second[1].key},
    )
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/aiuto/{code}")
    session.expire_all()
    assert session.scalars(select(HelpRequest.slot_start)).one() == second[1].starts_at
    assert first_day != second_day
