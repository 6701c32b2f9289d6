"""The service catalogue and its service pages, as the Designers Italia model for
municipalities draws them: every card of the home opens a page that says who, how, what is
needed, when and how much, then leads to the service."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from gateway.features import registry

SECTIONS_IT = ("A chi è rivolto", "Come fare", "Cosa serve", "Tempi e scadenze", "Quanto costa")
SECTIONS_EN = ("Who it is for", "How to do it", "What you need", "Times and deadlines")


def test_every_card_of_the_home_opens_a_service_page_in_both_languages(
    app: Flask, client: FlaskClient
) -> None:
    home = client.get("/").get_data(as_text=True)
    cards = re.findall(r'<a href="([^"]+)" data-testid="service-card">', home)
    with app.app_context():
        slugs = [service.slug for service in registry().services]
    assert cards == [f"/servizi/{slug}" for slug in slugs] and len(cards) >= 4
    for card in cards:
        page = client.get(card).get_data(as_text=True)
        assert all(section in page for section in SECTIONS_IT), card
        assert "Accedi al servizio" in page and 'data-testid="breadcrumb"' in page
        english = client.get(card, headers={"Accept-Language": "en"}).get_data(as_text=True)
        assert all(section in english for section in SECTIONS_EN), card
        assert "Access the service" in english and "Accedi al servizio" not in english


def test_the_school_certificate_page_leads_to_its_form(client: FlaskClient) -> None:
    page = client.get("/servizi/certificato_scolastico").get_data(as_text=True)
    assert 'href="/servizi/certificato_scolastico/nuova" data-testid="access-service"' in page
    assert "16,00 €" in page and "Istruzione" in page


def test_the_catalogue_groups_services_and_searches_them(client: FlaskClient) -> None:
    page = client.get("/servizi/").get_data(as_text=True)
    assert page.count('data-testid="catalogue-card"') == 5
    found = client.get("/servizi/", query_string={"q": "  BOLLO  "}).get_data(as_text=True)
    assert found.count('data-testid="catalogue-card"') == 1
    assert "/servizi/certificato_scolastico" in found and "“BOLLO”: 1" in found
    none = client.get("/servizi/", query_string={"q": "passaporto"}).get_data(as_text=True)
    assert 'data-testid="no-services"' in none
    english = client.get("/servizi/?q=fines", headers={"Accept-Language": "en"})
    assert english.get_data(as_text=True).count('data-testid="catalogue-card"') == 1


def test_bad_addresses_and_searches_are_client_errors(client: FlaskClient) -> None:
    assert client.get("/servizi/non_esiste").status_code == 404
    assert client.get("/servizi/%3Cscript%3E").status_code == 404
    assert client.get("/servizi/", query_string={"q": "x" * 101}).status_code == 400
    assert client.get("/servizi/", query_string={"q": "a\x00b"}).status_code == 400
