"""The citizen's personal area: its tabs, what waits first, badges, and whose things it shows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy.orm import Session

from gateway.citizen.status import STATUSES
from gateway.citizen.tabs import TAB_SLUGS, gather
from gateway.db import db
from gateway.features import AreaSection, Feature, installed, registry
from gateway.help import operations as help_ops
from gateway.help.slots import available_slots
from gateway.models import Notice, utcnow
from gateway.notifications import notify
from gateway.payments.operations import issue_notice
from gateway.transactions.documents import store_pdf
from gateway.transactions.states import State

from ..factories import CHIARA, MARIO, create_transaction, login
from .forms_support import (
    certificate_answers,
    make_clerk,
    open_desk_session,
    post_form,
    reference_from,
)
from .help_support import create_office
from .pages import token_in
from .payments_factories import MARIO_ACTOR

AREA = "/area-personale"


def page(client: FlaskClient, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return lxml_html.fromstring(response.get_data(as_text=True))


def text(node: Any) -> str:
    return " ".join(node.text_content().split())


def spoken(node: Any) -> str:
    """The text a screen reader reads: without what is hidden from it (aria-hidden)."""
    copy = lxml_html.fromstring(lxml_html.tostring(node))
    for hidden in copy.xpath('.//*[@aria-hidden="true"]'):
        hidden.drop_tree()
    return " ".join(copy.text_content().split())


def by_testid(doc: Any, name: str) -> list[Any]:
    return list(doc.xpath(f'//*[@data-testid="{name}"]'))


def issue(app: Flask, session: Session, description: str, amount_cents: int = 1600) -> Notice:
    """A notice of Mario's, for a transaction of a service with nothing behind it."""
    tx = create_transaction(session, service="area_probe", title=description, state=State.SUBMITTED)
    with app.test_request_context():
        notice = issue_notice(
            session,
            transaction=tx,
            amount_cents=amount_cents,
            description=description,
            payer_cf=tx.subject_cf,
            payer_name="Mario Rossi",
            due_date=date.today() + timedelta(days=30),
            details={},
            actor=MARIO_ACTOR,
        )
    session.commit()
    return notice


def pay_online(client: FlaskClient, notice: Notice) -> None:
    checkout = f"{AREA}/pagamenti/avvisi/{notice.code}/paga-online"
    shown = client.get(checkout).get_data(as_text=True)
    done = client.post(
        checkout,
        data={
            "csrf_token": token_in(shown),
            "action": "pay",
            "amount_cents": str(notice.amount_cents),
        },
    )
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    assert done.headers["Location"].endswith(f"/avvisi/{notice.code}/ricevuta")


def prepare_at_the_desk(app: Flask) -> str:
    """Anna prepares a certificate request for Mario to confirm online; its reference."""
    make_clerk(app)
    clerk = app.test_client()
    login(
        clerk, app, {"fiscal_code": "SPSNNA75S70L219W", "name": "Anna", "family_name": "Esposito"}
    )
    delegation = open_desk_session(clerk)
    saved = post_form(
        clerk,
        f"/sportello-assistito/{delegation}/servizi/certificato_scolastico",
        certificate_answers(),
        "prepare",
    )
    assert saved.status_code == 303
    return reference_from(saved)


def test_the_overview_puts_what_waits_for_the_citizen_first_with_one_action_each(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    reference = prepare_at_the_desk(app)
    due = issue(app, session, "Canone mensa scolastica")
    settled = issue(app, session, "Diritti di segreteria", 500)
    login(client, app)
    pay_online(client, settled)

    doc = page(client, f"{AREA}/")
    [waiting] = by_testid(doc, "waiting")
    items = waiting.xpath('.//*[@data-testid="area-item"]')
    assert [i.get("data-kind") for i in items] == ["to_confirm", "notice"]  # by date: oldest first
    confirm, pay = items
    assert "Da confermare" in text(confirm) and "Anna Esposito" in text(confirm)
    [action] = confirm.xpath('.//*[@data-testid="area-action"]')
    assert action.get("href") == f"{AREA}/pratiche/{reference}/conferma"
    assert text(action) == "Rivedi e conferma"
    assert "Da pagare" in text(pay) and "16,00 €" in text(pay) and due.code in text(pay)
    [action] = pay.xpath('.//*[@data-testid="area-action"]')
    assert action.get("href") == f"{AREA}/pagamenti/avvisi/{due.code}"
    assert settled.code not in text(waiting)  # paid: nothing to do
    # Waiting comes before everything else on the page.
    body = doc.xpath("//main")[0]
    order = [
        el.get("data-testid")
        for el in body.iter()
        if el.get("data-testid") in ("waiting", "area-links", "transactions")
    ]
    assert order == ["waiting", "area-links", "transactions"]
    [recent] = by_testid(doc, "transactions")
    assert reference in text(recent)


def test_with_nothing_to_do_the_overview_says_so(app: Flask, client: FlaskClient) -> None:
    login(client, app)
    doc = page(client, f"{AREA}/")
    assert by_testid(doc, "waiting-items") == []
    assert "Non hai nulla da fare" in text(by_testid(doc, "nothing-waiting")[0])


@pytest.mark.parametrize("slug", TAB_SLUGS)
def test_each_tab_has_its_own_address_and_says_it_is_the_current_one(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    login(client, app)
    doc = page(client, f"{AREA}/{slug}")
    [tabs] = by_testid(doc, "area-tabs")
    current = tabs.xpath('.//a[@aria-current="page"]')
    assert [a.get("href") for a in current] == [f"{AREA}/{slug}"]
    assert text(current[0]).startswith(text(doc.xpath("//h1")[0]))
    assert len(tabs.xpath(".//a")) == len(TAB_SLUGS) + 1  # and the overview
    [content] = by_testid(doc, "tab-content")
    assert content.get("data-tab") == slug


def test_an_unknown_tab_is_not_found(app: Flask, client: FlaskClient) -> None:
    login(client, app)
    page(client, f"{AREA}/segreti", 404)
    page(client, f"{AREA}/pagamenti%0A", 404)


def test_the_area_needs_a_login(client: FlaskClient) -> None:
    for path in ("/", "/pagamenti", "/posta"):
        response = client.get(f"{AREA}{path}")
        assert response.status_code == 302 and "/accedi" in response.headers["Location"]


def test_payments_to_pay_come_first_and_paid_ones_have_their_receipt(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    due = issue(app, session, "Canone mensa scolastica", 4250)
    settled = issue(app, session, "Diritti di segreteria", 500)
    login(client, app)
    pay_online(client, settled)

    doc = page(client, f"{AREA}/pagamenti")
    [waiting] = by_testid(doc, "waiting")
    assert [i.get("data-code") for i in waiting.xpath('.//*[@data-testid="area-item"]')] == [
        due.code
    ]
    assert "42,50 €" in text(waiting)
    [made] = by_testid(doc, "payments_made")
    [paid] = made.xpath('.//*[@data-testid="area-item"]')
    assert paid.get("data-code") == settled.code and "Pagato" in text(paid)
    [receipt] = paid.xpath('.//*[@data-testid="area-download"]')
    download = client.get(receipt.get("href"))
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF")
    # The tab's badge counts what there is to pay, in words for screen readers too.
    [tab] = doc.xpath('//*[@data-testid="tab-pagamenti"]')
    assert text(tab.xpath('.//*[@data-testid="tab-badge"]')[0]) == "1"
    assert spoken(tab) == "Pagamenti, 1 pagamento da fare"


def test_documents_lists_notices_and_receipts_to_download(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    settled = issue(app, session, "Diritti di segreteria", 500)
    login(client, app)
    pay_online(client, settled)
    doc = page(client, f"{AREA}/documenti")
    [section] = by_testid(doc, "payment_documents")
    items = section.xpath('.//*[@data-testid="area-item"]')
    assert sorted(i.get("data-kind") for i in items) == ["payment_notice", "receipt"]
    for item in items:
        [link] = item.xpath('.//*[@data-testid="area-download"]')
        response = client.get(link.get("href"), follow_redirects=True)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "Ricevuta di pagamento — Diritti di segreteria" in text(section)
    assert by_testid(doc, "certificates-empty")  # none issued: said so


def test_messages_show_the_unread_count_as_a_badge_with_words(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    tx = create_transaction(session)
    for n in range(3):
        with app.test_request_context():
            notify(
                session,
                citizen_cf=MARIO["fiscal_code"],
                kind="prepared_for_confirmation",
                context={
                    "title": f"Richiesta {n}",
                    "reference": tx.reference,
                    "clerk_name": "Anna",
                },
                link=f"{AREA}/",
                dedupe_key=f"area-{n}",
            )
    session.commit()
    login(client, app)
    doc = page(client, f"{AREA}/posta")
    [tab] = doc.xpath('//*[@data-testid="tab-posta"]')
    assert text(tab.xpath('.//*[@data-testid="tab-badge"]')[0]) == "3"
    assert tab.xpath('.//*[@data-testid="tab-badge"]')[0].get("aria-hidden") == "true"
    assert spoken(tab) == "Messaggi, 3 messaggi non letti"
    [inbox] = by_testid(doc, "inbox")
    links = inbox.xpath('.//a[contains(@href, "/messaggi/")]')
    assert len(links) == 3 and len(inbox.xpath('.//*[@data-status="message.unread"]')) == 3

    assert client.get(links[0].get("href")).status_code == 200  # reading one
    doc = page(client, f"{AREA}/")  # every tab shows the badge
    [tab] = doc.xpath('//*[@data-testid="tab-posta"]')
    assert spoken(tab) == "Messaggi, 2 messaggi non letti"
    client.get("/lingua/en")
    doc = page(client, f"{AREA}/posta")
    [tab] = doc.xpath('//*[@data-testid="tab-posta"]')
    assert spoken(tab) == "Messages, 2 unread messages"
    assert len(by_testid(doc, "inbox")[0].xpath('.//*[@data-status="message.unread"]')) == 2


def test_another_citizen_sees_none_of_it(app: Flask, client: FlaskClient, session: Session) -> None:
    prepare_at_the_desk(app)
    due = issue(app, session, "Canone mensa scolastica")
    login(client, app, CHIARA)
    for path in ("/", *(f"/{slug}" for slug in TAB_SLUGS)):
        doc = page(client, f"{AREA}{path}")
        assert by_testid(doc, "area-item") == [] and by_testid(doc, "tab-badge") == []
        assert due.code not in text(doc)


def test_every_page_of_the_area_speaks_one_language(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    prepare_at_the_desk(app)
    issue(app, session, "Canone mensa scolastica")
    book_next_free_slot(app)
    login(client, app)
    paths = ["/", *(f"/{slug}" for slug in TAB_SLUGS)]
    italian = ("Da fare", "Panoramica", "Pratiche", "Da pagare", "Non hai", "Prenotato", "Scarica")
    english: tuple[str, ...] = ("Waiting for you", "Overview", "Transactions", "To pay")
    english += (
        "You have",
        "Booked",
        "Download",
        "Due date",
        "Received",
        "Prepared by",
        "Your ",
        " at ",
    )
    for lang, own, other in (("it", italian, english), ("en", english, italian)):
        client.get(f"/lingua/{lang}")
        shown = " ".join(text(page(client, f"{AREA}{path}").xpath("//main")[0]) for path in paths)
        assert [w for w in other if w in shown] == [], lang
        assert [w for w in own if w not in shown] == [], lang


def book_next_free_slot(app: Flask, topic: str = "Cambio di residenza") -> str:
    """Mario books the first free slot of the URP office from now on; the booking code."""
    with app.test_request_context(), db.fresh_session(app) as s:
        office = create_office(s)
        slot = available_slots(s, office, now=utcnow())[0]
        booked = help_ops.book_appointment(
            s, office_slug="urp", starts_at=slot.starts_at, citizen=MARIO_ACTOR, topic=topic
        )
        s.commit()
        return booked.code


def test_appointments_show_the_next_booking_with_its_files_and_then_the_cancelled(
    app: Flask, client: FlaskClient
) -> None:
    code = book_next_free_slot(app)
    login(client, app)
    doc = page(client, f"{AREA}/appuntamenti")
    [booked] = by_testid(doc, "appointments")[0].xpath('.//*[@data-testid="area-item"]')
    assert "Prenotato" in text(booked) and "Cambio di residenza" in text(booked)
    assert "Ufficio URP" in text(booked) and ", ore " in text(booked)
    links = [a.get("href") for a in booked.xpath('.//*[@data-testid="area-download"]')]
    assert [client.get(href).mimetype for href in links] == ["application/pdf", "text/calendar"]
    assert by_testid(doc, "past_appointments") == []  # none: no empty section

    detail = booked.xpath(".//h3/a")[0].get("href")
    token = token_in(client.get(detail).get_data(as_text=True))
    assert client.post(f"{detail}/annulla", data={"csrf_token": token}).status_code == 302
    doc = page(client, f"{AREA}/appuntamenti")
    assert by_testid(doc, "appointments-empty")
    [cancelled] = by_testid(doc, "past_appointments")[0].xpath('.//*[@data-testid="area-item"]')
    assert cancelled.get("data-code") == help_ops.display_code(code)
    assert "Annullato" in text(cancelled) and not cancelled.xpath(
        './/*[@data-testid="area-download"]'
    )


def test_documents_lists_the_certificates_issued(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    tx = create_transaction(session, state=State.SUBMITTED)
    store_pdf(
        session,
        b"%PDF-1.4 certificate",
        kind="school_certificate",
        filename="certificato-7.pdf",
        subject_cf=tx.subject_cf,
        transaction=tx,
    )
    session.commit()
    login(client, app)
    doc = page(client, f"{AREA}/documenti")
    [item] = by_testid(doc, "certificates")[0].xpath('.//*[@data-testid="area-item"]')
    assert "Certificato di frequenza" in text(item) and tx.reference in text(item)
    [link] = item.xpath('.//*[@data-testid="area-download"]')
    assert client.get(link.get("href")).data == b"%PDF-1.4 certificate"
    login(client, app, CHIARA)
    assert client.get(link.get("href")).status_code == 404  # only for its subject


def test_the_timeline_shows_its_state_with_the_same_badge(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    tx = create_transaction(session, state=State.SUBMITTED)
    session.commit()
    login(client, app)
    doc = page(client, f"{AREA}/pratiche/{tx.reference}")
    [badge] = by_testid(doc, "state")
    assert text(badge) == "Inviata" and badge.get("data-status") == "transaction.submitted"
    assert STATUSES["transaction.submitted"].css in badge.get("class").split()


def test_a_section_for_a_tab_that_does_not_exist_is_refused(app: Flask) -> None:
    stray = AreaSection(
        tab="archivio", name="stray", heading="x", empty="x", items=lambda s, cf: []
    )
    probe = Feature(name="probe", area_sections=(stray,))
    with installed(probe), app.test_request_context(), pytest.raises(ValueError, match="archivio"):
        gather(db.session, MARIO["fiscal_code"])


def test_every_section_has_its_own_name_in_a_tab_of_the_area() -> None:
    sections = registry().area_sections
    assert len({s.name for s in sections}) == len(sections)  # ids and test ids on one page
    assert {s.tab for s in sections} == set(TAB_SLUGS)  # every tab has something in it
