"""The "how clear is the information on this page?" box: its steps as plain forms, the one
POST that stores an answer for a page the gateway knows, and the clerks' report."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway import create_app
from gateway.db import db
from gateway.models import PageFeedback, WebSession

from ..conftest import make_config
from .forms_support import ANNA, MARIO, login, make_clerk
from .pages import csrf_token

SERVICE_PAGE = "/servizi/certificato_scolastico"
TITLE_IT = "Quanto sono chiare le informazioni su questa pagina?"


def step_of(page: str) -> str | None:
    match = re.search(r'data-testid="feedback" data-step="([a-z]+)"', page)
    return match.group(1) if match else None


def send(client: FlaskClient, path: str = SERVICE_PAGE, **fields: str) -> object:
    data = {"csrf_token": csrf_token(client, "/"), "page": path, "valutazione": "4"}
    data.update({"motivo": "clear", **fields})
    return client.post("/valutazione", data={k: v for k, v in data.items() if v is not None})


def answers(session: Session) -> list[tuple[str, int, str, str | None]]:
    rows = session.scalars(select(PageFeedback).order_by(PageFeedback.id))
    return [(r.page, r.rating, r.reason, r.comment) for r in rows]


def test_the_box_goes_stars_question_detail_as_plain_forms(client: FlaskClient) -> None:
    first = client.get(SERVICE_PAGE).get_data(as_text=True)
    assert step_of(first) == "rate" and TITLE_IT in first
    assert first.count('name="valutazione"') == 5 and "5 stelle su 5" in first
    assert f'action="{SERVICE_PAGE}#feedback"' in first and 'method="get"' in first

    liked = client.get(SERVICE_PAGE, query_string={"valutazione": "5"}).get_data(as_text=True)
    assert step_of(liked) == "reason" and "Quali sono stati gli aspetti che hai preferito?" in liked
    assert "Le indicazioni erano chiare" in liked and "Passo 1 di 2" in liked
    disliked = client.get(SERVICE_PAGE, query_string={"valutazione": "2"}).get_data(as_text=True)
    assert "Dove hai incontrato le maggiori difficoltà?" in disliked
    assert "A volte le indicazioni non erano chiare" in disliked

    detail = client.get(SERVICE_PAGE, query_string={"valutazione": "2", "motivo": "technical"})
    html = detail.get_data(as_text=True)
    assert step_of(html) == "detail" and "Vuoi aggiungere altri dettagli?" in html
    for hidden in (
        f'name="page" value="{SERVICE_PAGE}"',
        'name="valutazione" value="2"',
        'name="motivo" value="technical"',
    ):
        assert hidden in html
    assert 'maxlength="200"' in html and 'action="/valutazione"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"valutazione": "9"},
        {"valutazione": "04"},
        {"valutazione": "4 "},
        {"valutazione": "<script>"},
        {"valutazione": "١"},  # an Arabic-Indic one: a digit to Python, not to the box
    ],
)
def test_a_step_that_is_not_exactly_expected_starts_again_from_the_stars(
    client: FlaskClient, query: dict[str, str]
) -> None:
    response = client.get(SERVICE_PAGE, query_string=query)
    assert response.status_code == 200 and step_of(response.get_data(as_text=True)) == "rate"
    bad_reason = client.get(SERVICE_PAGE, query_string={"valutazione": "3", "motivo": "x"})
    assert step_of(bad_reason.get_data(as_text=True)) == "reason"


def test_an_answer_is_stored_for_the_page_and_the_page_thanks(
    client: FlaskClient, session: Session
) -> None:
    response = send(client, valutazione="2", motivo="complete", dettaglio="  Manca  il\tcosto ")
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["Location"]  # type: ignore[attr-defined]
    assert location == f"{SERVICE_PAGE}?valutazione=inviata#feedback"
    thanks = client.get(location).get_data(as_text=True)
    assert step_of(thanks) == "thanks"
    assert "Grazie, il tuo parere ci aiuterà a migliorare il servizio!" in thanks
    assert answers(session) == [(SERVICE_PAGE, 2, "complete", "Manca il costo")]
    assert session.scalar(select(PageFeedback.locale)) == "it"
    # An anonymous answer leaves no server-side session behind.
    assert session.scalar(select(func.count()).select_from(WebSession)) == 0


def test_every_content_page_has_the_box_and_other_pages_do_not(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    for path in ("/", "/servizi/", "/servizi/multe", "/aiuto", "/verifica", "/privacy"):
        page = client.get(path).get_data(as_text=True)
        assert step_of(page) == "rate", path
        assert send(client, path).status_code == 303, path  # type: ignore[attr-defined]
    assert [row[0] for row in answers(session)][-1] == "/privacy"
    for path in ("/servizi/non_esiste", "/cerca?q=multe", "/accedi"):
        assert step_of(client.get(path).get_data(as_text=True)) is None, path
    login(client, app, MARIO)
    assert step_of(client.get("/area-personale/").get_data(as_text=True)) is None


@pytest.mark.parametrize(
    "path",
    [
        "/servizi/non_esiste",  # a route that matches, a service that does not exist
        "/servizi/multe/",  # a redirect, not the page
        "/servizi/multe?x=1",
        "/servizi/multe#feedback",
        "/servizi",
        "https://example.org/servizi/multe",
        "//example.org/",
        "/area-personale/",  # a real page, but not one that asks
        "/valutazione",
        "/servizi/multe\n",
        "/" + "a" * 300,
        "",
    ],
)
def test_only_a_page_that_carries_the_box_can_be_rated(
    client: FlaskClient, session: Session, path: str
) -> None:
    response = send(client, path)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Traceback" not in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert answers(session) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"valutazione": "0"},
        {"valutazione": "6"},
        {"valutazione": None},
        {"motivo": "best"},
        {"motivo": None},
        {"dettaglio": "x" * 201},
        {"dettaglio": "bad\x00byte"},
    ],
)
def test_a_rating_reason_or_detail_out_of_bounds_is_refused(
    client: FlaskClient, session: Session, fields: dict[str, str | None]
) -> None:
    assert send(client, **fields).status_code == 400  # type: ignore[arg-type, attr-defined]
    assert answers(session) == []
    assert send(client, dettaglio="x" * 200).status_code == 303  # type: ignore[attr-defined]
    assert len(answers(session)) == 1


def test_an_answer_without_the_csrf_token_is_refused(client: FlaskClient, session: Session) -> None:
    response = client.post(
        "/valutazione", data={"page": SERVICE_PAGE, "valutazione": "5", "motivo": "clear"}
    )
    assert response.status_code == 400
    assert answers(session) == []


def test_answers_are_rate_limited_per_address(
    database_url: str, simulators: object, tmp_path: object
) -> None:
    app = create_app(make_config(database_url, rate_limits="feedback=3/3600"))
    try:
        client = app.test_client()
        codes = [send(client).status_code for _ in range(4)]  # type: ignore[attr-defined]
        assert codes == [303, 303, 303, 429]
        with db.fresh_session(app) as s:
            assert len(answers(s)) == 3
    finally:
        db.dispose(app)


def test_the_box_speaks_english_to_english_visitors(client: FlaskClient) -> None:
    english = {"Accept-Language": "en"}
    page = client.get(SERVICE_PAGE, headers=english, query_string={"valutazione": "1"})
    html = page.get_data(as_text=True)
    assert "How clear is the information on this page?" in html
    assert "Where did you find the most difficulty?" in html and "Quanto sono" not in html


def test_clerks_see_answers_and_average_per_page(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    for stars in ("5", "4", "2"):
        send(client, valutazione=stars, motivo="clear")
    send(client, "/privacy", valutazione="3", motivo="other", dettaglio="Troppo lunga")
    make_clerk(app)
    login(client, app, ANNA)
    report = client.get("/sportello-assistito/valutazioni/")
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    rows = re.findall(r'<tr data-testid="feedback-row" data-page="([^"]+)">(.*?)</tr>', html, re.S)
    cells = {page: re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for page, row in rows}
    assert list(cells) == [SERVICE_PAGE, "/privacy"]
    assert [c.strip() for c in cells[SERVICE_PAGE][:3]] == ["3", "3,7", "2"]
    assert "Certificati scolastici" in html and "Informativa privacy" in html
    assert "Troppo lunga" in html


def test_the_report_is_for_clerks_only(app: Flask, client: FlaskClient) -> None:
    assert client.get("/sportello-assistito/valutazioni/").status_code in (302, 303)
    login(client, app, MARIO)
    assert client.get("/sportello-assistito/valutazioni/").status_code == 403
