"""Errors carry lazy messages: each reader gets them in their own language, with no view
translating them again."""

from __future__ import annotations

import json

from flask import Flask

from gateway.exceptions import NotFound, SportelloError, error_with_code
from gateway.fines.errors import UnknownFine
from gateway.payments.errors import DisabledTerminal, InvalidCode, UnauthorizedTerminal
from gateway.payments.messages import refusal_message


def shown(app: Flask, error: SportelloError, lang: str, accept: str = "text/html") -> str:
    headers = {"Accept-Language": lang, "Accept": accept}
    with app.test_request_context("/area-personale/multe", headers=headers):
        return app.handle_user_exception(error).get_data(as_text=True)


def test_an_error_raised_without_words_reads_in_the_readers_language(app: Flask) -> None:
    error = UnknownFine(detail="V/2026/999999 is not RSSMRA80A01H501U's")
    assert "Multa non trovata." in shown(app, error, "it")
    assert "Fine not found." in shown(app, error, "en")
    assert "V/2026/999999" not in shown(app, error, "it")


def test_the_api_answer_has_the_title_in_the_callers_language(app: Flask) -> None:
    body = json.loads(shown(app, InvalidCode(detail="bad check digits"), "en", "application/json"))
    assert body["code"] == "INVALID_QRCODE"
    assert body["detail"] == "The code is not valid: check the 18 digits of the notice code."
    italian = json.loads(shown(app, InvalidCode(), "it", "application/json"))
    assert italian["detail"].startswith("Il codice non è valido")


def test_a_message_given_when_raising_wins_over_the_title(app: Flask) -> None:
    with app.test_request_context(headers={"Accept-Language": "it"}):
        assert NotFound("Only this.").user_message == "Only this."
        assert NotFound().user_message == "Non trovato."


def test_a_code_alone_finds_its_message(app: Flask) -> None:
    assert error_with_code("UNAUTHORIZED_TERMINAL") is UnauthorizedTerminal
    assert error_with_code("NO_SUCH_CODE") is None
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert refusal_message("UNKNOWN_NOTICE") == "No payment notice has this code."
        assert refusal_message("NO_SUCH_CODE") == "The payment could not be completed."
        assert refusal_message(DisabledTerminal()) == refusal_message(UnauthorizedTerminal())
