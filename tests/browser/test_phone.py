"""The README's tour on a phone (390×844): every place it names is reached as it says, from
the menu behind the ☰ button and then the links' own words ("*Servizi → Multe → Accedi al
servizio*"), by each of the tour's people. A place that cannot be reached that way fails."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from gateway.db import db
from gateway.demo.seed import seed_demo

from .conftest import LiveServer
from .login import open_dropdown, spid_login, step_up

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MARIO = "RSSMRA80A01H501U"
ANNA = "SPSNNA75S70L219W"
GIULIA = "BNCGLI85C55F205C"
CLINICIANS = ("FRRPLA70E12A944T", "GLLMRC76C09F205U", "NRERRT66B14L781B", "MRTSLV78H61G224G")
ANDREA = "FNTNDR72P05D969H"


@dataclass
class Visitor:
    """One person's phone: a page, and who logs in again when a page needs SPID level 2."""

    page: Any
    fiscal_code: str | None = None

    def _click(self, link: Any) -> None:
        """Click ``link`` and wait for the page it loads (even the same address again)."""
        with self.page.expect_navigation():
            link.click()
        if "/accedi/livello" in self.page.url:  # the page needs a stronger login
            assert self.fiscal_code, "a public place of the tour asked for a login"
            step_up(self.page, self.fiscal_code)

    def menu(self, label: str) -> None:
        """Open the menu with its toggler and follow the item that reads ``label``."""
        items = self.page.locator("[data-testid=main-menu]")
        item = items.locator("a").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
        assert item.count() == 1, f"no menu item {label!r}: {items.inner_text()!r}"
        assert not item.is_visible()  # on a phone the menu stays closed until asked for
        self.page.locator("[data-testid=menu-toggle]").click()
        item.wait_for(state="visible")
        self._click(item)

    def follow(self, text: str) -> None:
        """Follow the link of the page (not an anchor within it) that reads ``text``."""
        exactly = re.compile(rf"^\s*{re.escape(text)}\s*$")
        links = self.page.locator("main a:not([href^='#'])").filter(has_text=exactly)
        assert links.count() >= 1, f"no link {text!r} on {self.page.url}"
        self._click(links.first)

    def tour(self, path: str, arrives: str) -> None:
        """``path`` as the README writes it, "Menu item → link → link"; ``arrives`` is a
        selector of the place it leads to."""
        first, *rest = (step.strip() for step in path.split("→"))
        self.menu(first)
        for text in rest:
            self.follow(text)
        self.page.locator(arrives).first.wait_for()


def test_on_a_phone_the_menu_reaches_every_part_of_the_tour(
    live_app: Flask, live_server: LiveServer, browser: Any
) -> None:
    with db.fresh_session(live_app) as s:
        seed_demo(s)
        s.commit()
    base = live_server.url

    def person(fiscal_code: str | None = None) -> tuple[Any, Visitor]:
        context = browser.new_context(locale="it-IT", viewport=PHONE)
        page = context.new_page()
        if fiscal_code:
            spid_login(page, base, fiscal_code, "/")
        else:
            page.goto(base + "/")
        return context, Visitor(page, fiscal_code)

    # Anyone: the home's cards open service pages; the catalogue, verifying, help, no login.
    context, visitor = person()
    try:
        visitor.follow("Certificati scolastici")
        assert "A chi è rivolto" in visitor.page.locator("[data-testid=service-page]").inner_text()
        visitor.tour("Servizi", "h1:text-is('Servizi')")
        visitor.tour("Servizi → Verifica un documento → Accedi al servizio", "#document")
        visitor.tour("Serve aiuto?", "[data-testid=visitor-callback]")
    finally:
        context.close()

    # Mario, citizen and parent, logs in as the tour says: Accedi → Entra con SPID → the IdP.
    context, mario = person()
    mario.fiscal_code = MARIO
    try:
        header = mario.page.locator("header .it-access-top-wrapper")
        header.get_by_role("link", name="Accedi", exact=True).click()
        mario.page.wait_for_url("**/accedi?**")  # loaded: the list opens on the page as it is
        open_dropdown(mario.page, "#spid-button")
        assert "Entra con SPID" in mario.page.locator("#spid-button").inner_text()
        mario.page.get_by_role("link", name="Sportello Test IdP").click()
        mario.page.locator(f"button[name=user][value={MARIO}]").click()
        mario.page.wait_for_url(base + "/")
        mario.tour("Servizi → Multe → Accedi al servizio", "[data-testid=fine]")
        mario.tour(
            "Servizi → Certificati scolastici → Accedi al servizio", "[data-testid=service-form]"
        )
        mario.tour("La mia area", "[data-testid=area-links]")
        mario.tour("La mia area → Multe", "[data-testid=fine]")
        mario.tour("La mia area → Scuola", "[data-testid=child]")
        mario.tour("La mia area → Riprendi una bozza", "main form")
        mario.tour("La mia area → Deleghe", "h1:text-is('Le tue deleghe')")
        mario.tour("La mia area → Fascicolo sanitario", "[data-testid=consent-status]")
        mario.tour("La mia area → Fascicolo sanitario → Sofia Rossi", "[data-testid=ward-record]")
        mario.tour("Messaggi", "h1:text-is('Messaggi')")
        mario.tour("Serve aiuto?", "[data-testid=book-appointment]")
        mario.tour("Serve aiuto? → Prenota un appuntamento", "[data-testid=office-urp]")
        mario.tour("Serve aiuto? → Condividi una pratica con l'operatore", "main h1")
    finally:
        context.close()

    # Anna, municipal clerk.
    context, anna = person(ANNA)
    try:
        anna.tour("Sportello del Comune", "[data-testid=open-session]")
        anna.tour("Coda assistenza", "main h1")
        anna.tour("Assistenza dal vivo", "#session-code")
        anna.tour("Valutazioni delle pagine", "h1:text-is('Quanto sono chiare le pagine')")
    finally:
        context.close()

    # The clinicians, the privacy officer and a patient.
    for clinician in CLINICIANS:
        context, doctor = person(clinician)
        try:
            doctor.tour("Pazienti", "h1:text-is('Consulta un Fascicolo Sanitario')")
            if clinician == CLINICIANS[0]:  # Paolo Ferrari sees Giulia's record, as she consented
                doctor.page.get_by_label("Codice fiscale del paziente").fill(GIULIA)
                doctor.page.get_by_role("button", name="Cerca", exact=True).click()
                doctor.page.locator("table[data-testid=documents]").wait_for()
        finally:
            context.close()
    context, andrea = person(ANDREA)
    try:
        andrea.tour("Accessi in emergenza", "h1:text-is('Accessi in emergenza da verificare')")
    finally:
        context.close()
    context, giulia = person(GIULIA)
    try:
        giulia.tour(
            "Servizi → Fascicolo sanitario → Accedi al servizio", "[data-testid=consent-status]"
        )
        giulia.tour("La mia area → Fascicolo sanitario", "[data-testid=access-log-link]")
        giulia.follow(giulia.page.get_by_test_id("access-log-link").inner_text())
        giulia.page.locator(
            "[data-testid=access-log], [data-testid=access-log-empty]"
        ).first.wait_for()
    finally:
        context.close()
