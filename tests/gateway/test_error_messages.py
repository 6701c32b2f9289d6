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


def _all_errors() -> list[type[SportelloError]]:
    from gateway.features import load_features

    load_features()  # every slice's errors module is imported by its manifest's imports
    found: list[type[SportelloError]] = []
    pending: list[type[SportelloError]] = [SportelloError]
    while pending:
        cls = pending.pop(0)
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_error_page_reads_in_one_language_with_a_heading(app: Flask) -> None:
    """Each error class, and each status the error pages know, rendered in Italian and in
    English: a page has an <h1>, and neither language's words show on the other's page."""
    from flask_babel import force_locale

    from gateway.errors import _titles, error_response

    errors = _all_errors()
    assert len(errors) > 20
    errors = list(errors)
    checked = 0
    for cls in list(errors):
        try:
            cls()
        except TypeError:  # needs its facts (StepUpRequired: the levels); a page of its own
            errors.remove(cls)
            continue
        with app.test_request_context():
            with force_locale("it"):
                italian_words = str(cls.title)
            with force_locale("en"):
                english_words = str(cls.title)
        for lang, own, other in (
            ("it", italian_words, english_words),
            ("en", english_words, italian_words),
        ):
            page = shown(app, cls(), lang)
            assert f'<html lang="{lang}">' in page and "<h1" in page, (cls, lang)
            assert own.replace("'", "&#39;") in page, (cls, lang)
            if own != other:
                assert other.replace("'", "&#39;") not in page, (cls, lang)
            checked += 1
    with app.test_request_context():
        statuses = sorted(_titles())
    for status in statuses:
        for lang in ("it", "en"):
            with app.test_request_context(headers={"Accept-Language": lang, "Accept": "text/html"}):
                page = error_response(status, "ANY").get_data(as_text=True)
            assert f'<html lang="{lang}">' in page and "<h1" in page, (status, lang)
            assert ("Errore" in page) is (lang == "it") and ("Error " in page) is (lang == "en")
    assert checked == 2 * len(errors)


def test_a_program_reads_of_its_request_a_person_of_the_page(app: Flask) -> None:
    """problem+json titles speak of the request (a terminal or a script reads them); the
    error pages of the same statuses speak of the page, in both languages."""
    from gateway.errors import _titles, error_response

    page_words = ("page", "pagina")
    for status in (401, 403, 404):
        for lang in ("it", "en"):
            headers = {"Accept-Language": lang}
            with app.test_request_context("/counter/api/v1/payments", headers=headers):
                body = json.loads(error_response(status, "ANY").get_data(as_text=True))
            with app.test_request_context("/x", headers={**headers, "Accept": "text/html"}):
                page = error_response(status, "ANY").get_data(as_text=True)
                page_title = _titles()[status]
            assert not any(w in body["title"].lower() for w in page_words), (status, lang, body)
            assert body["detail"] == body["title"]
            assert any(w in page_title.lower() for w in page_words), (status, lang)
            assert page_title.replace("'", "&#39;") in page, (status, lang)
    with app.test_request_context("/counter/api/v1/x", headers={"Accept-Language": "it"}):
        body = json.loads(error_response(401, "ANY").get_data(as_text=True))
    assert body["title"] == "Per questa richiesta serve l'accesso o l'autenticazione."
