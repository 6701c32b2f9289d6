"""One template per kind of message, written in the recipient's language whatever the page's."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from gateway.features import registry
from gateway.notifications.rendering import render_email_html, render_email_text, render_message

CONTEXT: dict[str, Any] = {
    "starts_at": "2026-12-03T09:40:00+00:00",
    "at": "2026-12-03T09:40:00+00:00",
    "valid_until": "2026-12-02",
    "office_name": "Ufficio Relazioni con il Pubblico",
    "office_address": "Piazza del Municipio 1",
    "code": "AB3K-7MQ",
    "clinician_name": "Dott. Marco Galli",
    "reason": "paziente incosciente",
    "note": "",
    "clerk_name": "Anna Bianchi",
    "minutes": 10,
    "description": "Sanzione al Codice della Strada",
    "amount_cents": 8610,
    "notice_code": "3012 0260 0001 2345 71",
    "title": "Pagamento verbale n. V-1",
    "reference": "SP-7KQ4-MX2D",
    "report_number": "V/2026/001234",
}


def test_a_reminder_reads_in_the_recipients_language_not_the_pages(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        italian = render_message("reduced_amount_ending", CONTEXT, "it")
    with app.test_request_context(headers={"Accept-Language": "it"}):
        english = render_message("reduced_amount_ending", CONTEXT, "en")
    assert italian.subject == "Multa: l'importo ridotto termina il 2 dicembre 2026"
    assert italian.paragraphs[0].startswith("Per il verbale n. V/2026/001234 puoi pagare")
    assert "86,10\xa0€" in italian.paragraphs[0] and italian.action == "Paga ora"
    assert english.subject == "Fine: the reduced amount ends on 2 December 2026"
    assert "€86.10" in english.paragraphs[0] and english.action == "Pay now"


@pytest.mark.parametrize("kind", sorted(registry().notification_kinds))
def test_every_kind_is_written_in_both_languages(app: Flask, kind: str) -> None:
    with app.app_context():
        italian = render_message(kind, CONTEXT, "it")
        english = render_message(kind, CONTEXT, "en")
        unknown = render_message(kind, CONTEXT, "fr")  # not offered: the default language
    for message in (italian, english):
        assert message.subject and message.paragraphs and message.action
        assert "%(" not in message.subject + message.text + message.action
    assert italian.subject != english.subject and italian.action != english.action
    assert unknown == italian


def test_the_e_mail_layout_follows_the_message_language(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "it"}):
        message = render_message("receipt_issued", CONTEXT, "en")
        text = render_email_text(message, lang="en", link="https://x/p", unsubscribe="https://x/u")
        html = render_email_html(message, lang="en", link="https://x/p", unsubscribe="https://x/u")
    assert "Municipality of Villanova — Sportello, online services" in text
    assert "To stop receiving messages of this kind by e-mail: https://x/u" in text
    assert '<html lang="en">' in html and "Stop receiving messages of this kind" in html
    assert "Comune" not in text + html
