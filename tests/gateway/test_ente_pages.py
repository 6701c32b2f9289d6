"""Another body's record changes every place that names the body: the pages' header and
footer, the SP metadata, notices and receipts, the calendar file and the OpenAPI document;
the footer's legal links lead to its pages or, unset, to the built-in ones."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from lxml import etree

from gateway import create_app
from gateway.db import db
from gateway.ente import LegalPages, load_ente
from gateway.help import operations as ops
from gateway.help.slots import available_slots

from ..conftest import make_config
from ..factories import login
from .help_support import MARIO, create_office
from .payments_factories import create_fine_notice, terminal_client
from .test_help import MARIO_ACTOR

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "ente.example.yaml"
NS = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "spid": "https://spid.gov.it/saml-extensions"}


@pytest.fixture
def roccalta(database_url: str, simulators: Any) -> Iterator[Flask]:
    simulators.reset()
    app = create_app(
        make_config(database_url, simulators_url=simulators.base_url, ente_file=str(EXAMPLE))
    )
    yield app
    db.dispose(app)


def pdf_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()
    return " ".join(" ".join(pages).split())


def test_the_header_and_footer_name_the_body_of_the_record(roccalta: Flask) -> None:
    client = roccalta.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "<title>Sportello — Comune di Roccalta</title>" in page
    assert 'class="it-brand-title">Comune di Roccalta<' in page
    assert "Provincia di Monteverde" in page and "https://www.provincia.monteverde.example" in page
    for shown in (
        "Via del Castello 4, 12099 Roccalta (MV)",
        "Sportello del Cittadino",
        "0171 998877",
        "mailto:info@comune.roccalta.example",
        "mailto:comune.roccalta@pec.example",
        "83005678905",
    ):
        assert shown in page, shown
    assert "Villanova" not in page and "Esempio" not in page
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'class="it-brand-title">Municipality of Roccalta<' in english
    logo = client.get("/ente/logo")
    assert logo.mimetype == "image/svg+xml"
    assert logo.data == (ROOT / "deploy" / "roccalta.svg").read_bytes()


def test_the_footer_links_to_the_body_s_legal_pages(roccalta: Flask) -> None:
    page = roccalta.test_client().get("/").get_data(as_text=True)
    assert 'href="https://www.comune.roccalta.example/privacy" data-testid="link-privacy"' in page
    assert 'href="https://form.agid.gov.it/view/roccalta-dichiarazione"' in page
    assert 'href="https://www.comune.roccalta.example/note-legali"' in page
    assert 'href="#"' not in page.split('id="footer"', 1)[1]


@pytest.mark.parametrize(
    ("path", "testid", "italian", "english"),
    [
        ("/privacy", "link-privacy", "Titolare del trattamento", "Data controller"),
        (
            "/dichiarazione-accessibilita",
            "link-accessibility",
            "Meccanismo di feedback e recapiti",
            "Feedback and contact information",
        ),
        ("/note-legali", "link-legal-notes", "Titolare del sito", "Owner of the website"),
    ],
)
def test_without_the_body_s_urls_the_footer_leads_to_built_in_pages(
    database_url: str, path: str, testid: str, italian: str, english: str
) -> None:
    ente = replace(load_ente(str(EXAMPLE), {}), legal=LegalPages())
    app = create_app(make_config(database_url, auto_migrate=True, ente=ente))
    try:
        client = app.test_client()
        home = client.get("/").get_data(as_text=True)
        assert f'href="{path}" data-testid="{testid}"' in home
        page = client.get(path)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert italian in text and "Comune di Roccalta" in text and '<html lang="it">' in text
        assert "info@comune.roccalta.example" in text
        shown = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert english in shown and "Municipality of Roccalta" in shown
        assert '<html lang="en">' in shown
    finally:
        db.dispose(app)


def test_the_accessibility_statement_follows_agid_s_model(client: FlaskClient) -> None:
    page = client.get("/dichiarazione-accessibilita").get_data(as_text=True)
    sections = [
        "Stato di conformità",
        "Contenuti non accessibili",
        "Redazione della dichiarazione di accessibilità",
        "Meccanismo di feedback e recapiti",
        "Procedura di attuazione",
    ]
    positions = [page.index(section) for section in sections]
    assert positions == sorted(positions)
    assert "Comune di Villanova si impegna a rendere il proprio sito web accessibile" in page
    assert "https://form.agid.gov.it" in page


def test_the_sp_metadata_describe_the_body_of_the_record(roccalta: Flask) -> None:
    client = roccalta.test_client()
    root = etree.fromstring(client.get("/saml/metadata").data)
    organization = root.find("md:Organization", NS)
    assert organization.findtext("md:OrganizationName", namespaces=NS) == "Comune di Roccalta"
    assert organization.findtext("md:OrganizationDisplayName", namespaces=NS) == "Roccalta"
    assert (
        organization.findtext("md:OrganizationURL", namespaces=NS)
        == "https://www.comune.roccalta.example"
    )
    contact = root.find("md:ContactPerson", NS)
    assert contact.findtext("md:Extensions/spid:IPACode", namespaces=NS) == "c_m998"
    assert contact.findtext("md:EmailAddress", namespaces=NS) == (
        "servizi.online@comune.roccalta.example"
    )
    assert contact.findtext("md:TelephoneNumber", namespaces=NS) == "+390171998877"
    cie = etree.fromstring(client.get("/saml/metadata/cie").data)
    extensions = {
        etree.QName(e).localname: e.text
        for e in cie.iterfind("md:ContactPerson/md:Extensions/*", NS)
    }
    assert extensions["Municipality"] == "M998" and extensions["Province"] == "MV"
    assert extensions["FiscalCode"] == "83005678905"
    assert extensions["VATNumber"] == "IT83005678905"


def test_notices_and_receipts_name_the_body_of_the_record(roccalta: Flask) -> None:
    notice = create_fine_notice(roccalta)
    assert (notice.creditor_name, notice.creditor_fiscal_code) == (
        "Comune di Roccalta",
        "83005678905",
    )
    client = roccalta.test_client()
    login(client, roccalta)
    with roccalta.test_request_context():
        path = url_for("payments.notice_pdf", code=notice.code)
    printed = pdf_text(client.get(path).data)
    assert "Comune di Roccalta" in printed and "83005678905" in printed
    assert "B7K2Q" in printed  # the CBILL code
    # (the fine's place and unit come from the fines system: data, not the body's record)
    with db.fresh_session(roccalta) as session:
        tc = terminal_client(roccalta, session, shop_address="Via del Castello 1, Roccalta")
        # The body has a postal account, so the fine's reduction has its own code and this
        # one prints the full amount; at the counter it costs what is due today.
        due = tc.verify(notice.code).get_json()["amount_cents"]
        token = tc.activate(notice, amount=due).get_json()["payment_token"]
        assert tc.close(token).status_code == 200
        receipt = tc.call("GET", f"/payments/{token}/receipt")
    text = pdf_text(receipt.data)
    assert "Comune di Roccalta (83005678905)" in text and "Villanova" not in text


def test_the_calendar_file_and_the_booking_sheet_name_the_body(roccalta: Flask) -> None:
    with db.fresh_session(roccalta) as session:
        office = create_office(session, weekdays=tuple(range(7)), opens=datetime.min.time())
        first = available_slots(session, office, now=datetime.now(UTC))[0]
    with roccalta.app_context(), db.fresh_session(roccalta) as session:
        code = ops.book_appointment(
            session,
            office_slug="urp",
            starts_at=first.starts_at,
            citizen=MARIO_ACTOR,
            topic="Cambio di residenza",
            now=datetime.now(UTC),
        ).code
        session.commit()
    client = roccalta.test_client()
    login(client, roccalta, MARIO)
    ics = client.get(f"/area-personale/aiuto/{code}/appuntamento.ics").data.decode()
    lines = ics.replace("\r\n ", "").split("\r\n")
    assert "PRODID:-//Comune di Roccalta//Sportello//IT" in lines
    assert 'ORGANIZER;CN="Comune di Roccalta":mailto:info@comune.roccalta.example' in lines
    assert "Villanova" not in "\n".join(line for line in lines if not line.startswith("LOC"))
    sheet = pdf_text(client.get(f"/area-personale/aiuto/{code}/prenotazione.pdf").data)
    assert sheet.startswith("Comune di Roccalta")


def test_the_openapi_document_names_the_body(roccalta: Flask) -> None:
    info = roccalta.test_client().get("/counter/api/v1/openapi.json").get_json()["info"]
    assert "Comune di Roccalta" in info["description"] and "83005678905" in info["description"]
    assert info["contact"] == {
        "name": "Comune di Roccalta",
        "url": "https://www.comune.roccalta.example",
        "email": "servizi.online@comune.roccalta.example",
    }
    assert "Villanova" not in str(info)


def test_the_demo_s_offices_and_counters_are_seeded_in_the_body_s_town(roccalta: Flask) -> None:
    from sqlalchemy import select

    from gateway.counter.demo import seed_counter
    from gateway.help.demo import seed_offices
    from gateway.models import Office, Terminal

    with roccalta.app_context(), db.fresh_session(roccalta) as session:
        assert seed_offices(session)
        seed_counter(session)
        session.commit()
        addresses = session.scalars(select(Office.address)).all()
        shops = session.scalars(select(Terminal.shop_address)).all()
    assert "Via del Castello 4, Roccalta" in addresses
    assert all(a.endswith(("Roccalta", "Roccalta (piano terra)")) for a in addresses), addresses
    assert shops and all(s.endswith(", Roccalta") for s in shops), shops
