"""On a phone (390×844): the citizen logs in, sees first what waits for them, and walks the
personal area's tabs by touch and by keyboard; Back and the main menu land on the right tab."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from gateway.citizen.status import TONES
from gateway.db import db
from gateway.help import operations as help_ops
from gateway.help.slots import available_slots
from gateway.models import Office, utcnow
from gateway.notifications import notify
from gateway.payments.operations import issue_notice
from gateway.transactions.operations import Actor, change_state, open_transaction
from gateway.transactions.states import State

from ..gateway.help_support import create_office
from .conftest import LiveServer
from .login import spid_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MARIO = "RSSMRA80A01H501U"
MARIO_ACTOR = Actor(kind="citizen", id=MARIO, name="Mario Rossi", channel="web")
TABS = [
    ("pratiche", "Pratiche"),
    ("pagamenti", "Pagamenti"),
    ("documenti", "Documenti"),
    ("appuntamenti", "Appuntamenti"),
    ("posta", "Messaggi"),
]


COLOURS = "el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]"


def _luminance(css: str) -> float:
    """WCAG 2 relative luminance of an opaque ``rgb(r, g, b)`` colour."""
    channels = [float(c) / 255 for c in re.findall(r"[\d.]+", css)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def seed(app: Flask) -> str:
    """A notice to pay, an appointment next week and an unread message, all Mario's."""
    with app.test_request_context(), db.fresh_session(app) as s:
        office: Office = create_office(s, desks=1)
        tx = open_transaction(
            s,
            service="area_probe",
            title="Canone mensa scolastica",
            subject_cf=MARIO,
            actor=MARIO_ACTOR,
            state=State.SUBMITTED,
        )
        notice = issue_notice(
            s,
            transaction=tx,
            amount_cents=4250,
            description="Canone mensa scolastica",
            payer_cf=MARIO,
            payer_name="Mario Rossi",
            due_date=date.today() + timedelta(days=20),
            details={},
            actor=MARIO_ACTOR,
        )
        # One transaction per colour of badge, for axe-core to check each one's contrast.
        for target in (None, State.CANCELLED, State.COMPLETED, State.FAILED):
            other = open_transaction(
                s,
                service="area_probe",
                title=f"Pratica {target or 'in bozza'}",
                subject_cf=MARIO,
                actor=MARIO_ACTOR,
                state=State.SUBMITTED if target in (State.COMPLETED, State.FAILED) else State.DRAFT,
            )
            if target is not None:
                change_state(s, other, target, MARIO_ACTOR)
        slot = available_slots(s, office, now=utcnow())[0]
        help_ops.book_appointment(
            s,
            office_slug=office.slug,
            starts_at=slot.starts_at,
            citizen=MARIO_ACTOR,
            topic="Cambio di residenza",
        )
        notify(
            s,
            citizen_cf=MARIO,
            kind="prepared_for_confirmation",
            context={"title": "Richiesta", "reference": tx.reference, "clerk_name": "Anna"},
            link="/area-personale/",
            dedupe_key="area-browser",
        )
        s.commit()
        return notice.code


def test_on_a_phone_the_citizen_walks_the_area_tab_by_tab(
    live_app: Flask, live_server: LiveServer, browser: Any
) -> None:
    code = seed(live_app)
    base = live_server.url
    context = browser.new_context(locale="it-IT", viewport=PHONE)
    try:
        page = context.new_page()
        spid_login(page, base, MARIO, "/area-personale/")

        # First what waits: the notice to pay, with its one button.
        waiting = page.locator("[data-testid=waiting] [data-testid=area-item]")
        assert waiting.count() == 1 and waiting.get_attribute("data-code") == code
        shown = waiting.inner_text().replace("\xa0", " ")
        assert "Da pagare" in shown and "42,50 €" in shown
        assert waiting.locator("[data-testid=area-action]").inner_text() == "Paga"
        # Two unread messages: the one above and the booking's confirmation.
        badge = page.locator("[data-testid=tab-posta] [data-testid=tab-badge]")
        assert badge.inner_text() == "2"

        # Every tab by touch: all of them are on screen (they wrap), each at its own address.
        for slug, heading in TABS:
            tab = page.locator(f"[data-testid=tab-{slug}]")
            assert tab.is_visible()
            tab.click()
            page.wait_for_url(f"**/area-personale/{slug}")
            assert page.locator("h1").inner_text() == heading
            assert page.locator(f"[data-testid=tab-{slug}]").get_attribute("aria-current") == "page"
            if slug == "pratiche":
                tones = page.locator("[data-testid=transactions] [data-testid=status]")
                shown = {tones.nth(i).get_attribute("class") for i in range(tones.count())}
                assert shown == {f"badge {css}" for css in TONES.values()}  # every colour
                # axe-core cannot tell the background of a badge in a table cell (it reports
                # it "incomplete"), so each colour's contrast is measured here.
                for i in range(tones.count()):
                    colours = tones.nth(i).evaluate(COLOURS)
                    assert contrast(*colours) >= 4.5, (tones.nth(i).inner_text(), colours)
        assert "Cambio di residenza" not in page.content()  # the messages tab, not the booking
        assert page.locator("[data-testid=inbox] [data-testid=area-item]").count() == 2

        # Back goes to the tab before; reload stays there.
        page.go_back()
        page.wait_for_url("**/area-personale/appuntamenti")
        page.reload()
        booked = page.locator("[data-section=appointments] [data-testid=area-item]")
        assert "Prenotato" in booked.inner_text() and "Cambio di residenza" in booked.inner_text()

        # By keyboard: from one tab to the next with Tab, opened with Enter.
        page.locator("[data-testid=tab-overview]").focus()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.dataset.testid")
        assert focused == "tab-pratiche"
        page.keyboard.press("Enter")
        page.wait_for_url("**/area-personale/pratiche")

        # The main menu's Messaggi is the area's messages tab.
        page.locator("[data-testid=menu-toggle]").click()
        page.locator("[data-testid=main-menu] [data-testid=nav-messages]").click()
        page.wait_for_url("**/area-personale/posta")

        # The waiting notice's button opens the notice, ready to pay.
        page.locator("[data-testid=tab-overview]").click()
        page.wait_for_url("**/area-personale/")
        page.locator("[data-testid=waiting] [data-testid=area-action]").click()
        page.wait_for_url(f"**/area-personale/pagamenti/avvisi/{code}")

        # The same area in English.
        page.goto(f"{base}/lingua/en?next=/area-personale/pagamenti")
        page.wait_for_url("**/area-personale/pagamenti")
        assert page.locator("h1").inner_text() == "Payments"
        assert "To pay" in page.locator("[data-testid=waiting]").inner_text()
    finally:
        context.close()
