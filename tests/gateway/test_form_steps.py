"""Forms step by step: one page per step under the stepper, then the summary and the privacy
notice; Next and Back keep the answers; sending needs the privacy box, and says so when it
is missing; the acknowledgement is recorded with the submission (also when a citizen
confirms what a clerk prepared); the clerk's desk has the same steps but not the box."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway import create_app
from gateway.db import db
from gateway.models import Draft, Transaction

from ..conftest import make_config
from .forms_support import (
    MARIO,
    NEW_FORM,
    SERVICE,
    certificate_answers,
    csrf_token,
    login,
    make_clerk,
    open_desk_session,
    post_form,
    transaction,
)

ROOT = Path(__file__).resolve().parents[2]
FINES_FORM = "/servizi/multa_rateizzazione_ricorso/nuova"


def doc_of(response: Any) -> Any:
    return lxml_html.fromstring(response.get_data(as_text=True))


def stepper(doc: Any) -> tuple[str, list[str], list[str]]:
    """The stepper's "Step N of M: name", its steps' names, and the steps it links to."""
    nav = doc.xpath("//*[@data-testid='steppers']")[0]
    heading = " ".join(nav.xpath(".//*[@data-testid='step-of']")[0].text_content().split())
    names = [li.xpath("string(./text()|./a)").strip() for li in nav.xpath(".//li")]
    return heading, names, nav.xpath(".//li/a/@href")


def submitted(session: Session) -> list[Transaction]:
    session.expire_all()
    return list(session.scalars(select(Transaction).where(Transaction.state != "draft")))


def test_each_step_is_a_page_of_the_stepper_in_italian_and_english(
    app: Flask, client: FlaskClient
) -> None:
    login(client, app)
    doc = doc_of(client.get(NEW_FORM))
    heading, names, links = stepper(doc)
    assert heading == "Passo 1 di 5: Studente"
    assert names == ["Studente", "Uso del certificato", "Consegna", "Riepilogo",
                     "Informativa e invio"]  # fmt: skip
    assert links == []
    assert doc.xpath("//li[@aria-current='step']")[0].get("data-step") == "1"
    # Only this step's fields are shown; Next is the first button (Enter presses it).
    assert doc.xpath("//div[@data-field]/@data-field") == ["alunno", "tipo_certificato"]
    assert doc.xpath("//form[@data-testid='service-form']//button/@value") == ["next", "save"]

    doc = doc_of(client.get(f"{NEW_FORM}/consegna"))
    heading, _names, links = stepper(doc)
    assert heading == "Passo 3 di 5: Consegna"
    assert links == [NEW_FORM, f"{NEW_FORM}/uso"]
    assert doc.xpath("//form[@data-testid='service-form']//button/@value") == [
        "next", "save", "back"
    ]  # fmt: skip

    client.get("/lingua/en")
    heading, names, _links = stepper(doc_of(client.get(f"{NEW_FORM}/riepilogo")))
    assert heading == "Step 4 of 5: Summary"
    assert names[-1] == "Privacy notice and sending"
    assert client.get(f"{NEW_FORM}/nessuno").status_code == 404


def test_next_and_back_keep_the_answers_across_pages(app: Flask, client: FlaskClient) -> None:
    login(client, app)
    answers = certificate_answers()
    first = post_form(client, NEW_FORM, {k: answers[k] for k in ("alunno", "tipo_certificato")},
                      "next")  # fmt: skip
    assert first.status_code == 303 and first.headers["Location"] == f"{NEW_FORM}/uso"
    doc = doc_of(client.get(f"{NEW_FORM}/uso"))
    # The earlier answers ride along as hidden fields of this step's form.
    hidden = dict(zip(doc.xpath("//input[@type='hidden' and @name!='csrf_token' and "
                                "@name!='kept_owner']/@name"),
                      doc.xpath("//input[@type='hidden' and @name!='csrf_token' and "
                                "@name!='kept_owner']/@value"), strict=True))  # fmt: skip
    assert hidden == {"alunno": answers["alunno"], "tipo_certificato": "frequenza"}
    data = {**hidden, "uso": "sport"}
    back = post_form(client, f"{NEW_FORM}/uso", data, "back")
    assert back.status_code == 303 and back.headers["Location"] == NEW_FORM
    # Back, reload: the answers of both steps are still there.
    again = client.get(f"{NEW_FORM}/uso").get_data(as_text=True)
    assert '<option value="sport" selected>' in again
    assert 'value="frequenza" checked' in client.get(NEW_FORM).get_data(as_text=True)


def test_next_refuses_a_step_with_errors_and_names_only_them(
    app: Flask, client: FlaskClient
) -> None:
    login(client, app)
    response = post_form(client, NEW_FORM, {"tipo_certificato": "frequenza"}, "next")
    assert response.status_code == 422
    doc = doc_of(response)
    assert doc.xpath("//*[@data-testid='error-summary']//a/@href") == ["#f-alunno-1"]
    assert stepper(doc)[0] == "Passo 1 di 5: Studente"


def test_the_summary_shows_each_step_with_a_link_to_change_it(
    app: Flask, client: FlaskClient
) -> None:
    login(client, app)
    post_form(client, NEW_FORM, certificate_answers(), "next")
    response = client.get(f"{NEW_FORM}/riepilogo")
    assert response.status_code == 200
    doc = doc_of(response)
    sections = doc.xpath("//*[@data-testid='summary-section']")
    assert [s.findtext(".//h2") for s in sections] == ["Studente", "Uso del certificato",
                                                       "Consegna"]  # fmt: skip
    assert [s.xpath(".//a/@href")[0] for s in sections] == [
        NEW_FORM, f"{NEW_FORM}/uso", f"{NEW_FORM}/consegna"
    ]  # fmt: skip
    text = " ".join(sections[1].text_content().split())
    assert "Sport dilettantistico" in text or "sport" in text.lower()
    assert doc.xpath("//*[@data-testid='error-summary']") == []
    going_on = post_form(client, f"{NEW_FORM}/riepilogo", certificate_answers(), "next")
    assert going_on.headers["Location"] == f"{NEW_FORM}/informativa"


def test_sending_without_the_privacy_box_is_refused_with_the_error_summary(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app)
    page = client.get(f"{NEW_FORM}/informativa").get_data(as_text=True)
    assert 'data-testid="privacy-notice"' in page and 'href="/privacy"' in page
    response = post_form(client, f"{NEW_FORM}/informativa", certificate_answers(),
                         privacy=False)  # fmt: skip
    assert response.status_code == 422
    doc = doc_of(response)
    summary = doc.xpath("//*[@data-testid='error-summary']")[0]
    assert summary.xpath(".//a/@href") == ["#f-privacy_ack"]
    assert "informativa sulla privacy" in summary.text_content().lower()
    box = doc.xpath("//input[@name='privacy_ack']")[0]
    assert box.get("aria-invalid") == "true" and box.get("checked") is None
    assert submitted(session) == []
    assert session.scalars(select(Draft)).all() == []

    # A box that says something else than "on" is no acknowledgement either.
    odd = post_form(client, f"{NEW_FORM}/informativa",
                    {**certificate_answers(), "privacy_ack": "on\n"}, privacy=False)  # fmt: skip
    assert odd.status_code == 422 and submitted(session) == []


def test_the_acknowledgement_is_recorded_with_the_submission(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app)
    response = post_form(client, f"{NEW_FORM}/informativa", certificate_answers())
    assert response.status_code == 302
    (tx,) = submitted(session)
    event = next(e for e in tx.events if e.kind == "submitted")
    notice = event.data["privacy_notice"]
    assert notice["url"].endswith("/privacy") and notice["language"] == "it"
    assert re.fullmatch(r"[0-9a-f]{64}", notice["sha256"])
    assert notice["acknowledged_at"][:10] == event.at.isoformat()[:10]
    # Sent: the progress is gone, a new request starts empty.
    assert 'value="frequenza" checked' not in client.get(NEW_FORM).get_data(as_text=True)


@pytest.fixture
def roccalta(database_url: str, simulators: Any) -> Iterator[Flask]:
    """A body whose record names its own privacy notice."""
    simulators.reset()
    app = create_app(
        make_config(database_url, simulators_url=simulators.base_url,
                    ente_file=str(ROOT / "deploy" / "ente.example.yaml"))
    )  # fmt: skip
    yield app
    db.dispose(app)


def test_the_body_s_own_privacy_notice_is_the_one_shown_and_recorded(roccalta: Flask) -> None:
    client = roccalta.test_client()
    login(client, roccalta)
    own = "https://www.comune.roccalta.example/privacy"
    page = client.get(f"{NEW_FORM}/informativa").get_data(as_text=True)
    assert f'href="{own}"' in page and "Comune di Roccalta" in page
    assert post_form(client, f"{NEW_FORM}/informativa", certificate_answers()).status_code == 302
    with db.fresh_session(roccalta) as s:
        tx = s.scalars(select(Transaction)).one()
        notice = next(e for e in tx.events if e.kind == "submitted").data["privacy_notice"]
    assert notice["url"] == own and "sha256" not in notice


def test_a_step_no_answer_applies_to_is_skipped(app: Flask, client: FlaskClient) -> None:
    login(client, app)
    doc = doc_of(client.get(FINES_FORM))
    fine = doc.xpath("//input[@name='verbale']/@value")[0]
    answers = {"verbale": fine, "tipo_richiesta": "ricorso_prefetto"}
    response = post_form(client, FINES_FORM, answers, "next")
    assert response.headers["Location"] == f"{FINES_FORM}/ricorso"
    heading, names, _links = stepper(doc_of(client.get(f"{FINES_FORM}/ricorso")))
    assert heading.startswith("Passo 2 di 5") and "Rateizzazione" not in names
    assert client.get(f"{FINES_FORM}/rateizzazione").status_code == 303


def test_the_confirm_page_asks_the_citizen_for_the_privacy_notice(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    """A clerk prepares the request at the desk: the desk has the steps but no box, the
    citizen ticks it when confirming online."""
    make_clerk(app)
    from .forms_support import ANNA

    login(client, app, ANNA)
    d = open_desk_session(client)
    desk_form = f"/sportello-assistito/{d}/servizi/{SERVICE}"
    doc = doc_of(client.get(f"{desk_form}/invio"))
    assert stepper(doc)[1][-1] == "Invio"
    assert doc.xpath("//*[@data-testid='desk-privacy-note']")
    assert doc.xpath("//input[@name='privacy_ack']") == []
    prepared = post_form(client, f"{desk_form}/invio", certificate_answers(), "prepare")
    assert prepared.status_code == 303
    reference = re.search(r"(SP-[0-9A-Z]{4}-[0-9A-Z]{4})", prepared.headers["Location"])
    assert reference
    confirm = f"/area-personale/pratiche/{reference.group(1)}/conferma"

    login(client, app, MARIO)
    page = client.get(confirm).get_data(as_text=True)
    assert 'data-testid="privacy-notice"' in page and 'name="privacy_ack"' in page
    refused = client.post(confirm, data={"csrf_token": csrf_token(client)})
    assert refused.status_code == 422
    assert doc_of(refused).xpath("//*[@data-testid='error-summary']//a/@href") == ["#f-privacy_ack"]
    assert transaction(session, reference.group(1)).state == "awaiting_confirmation"
    accepted = client.post(confirm, data={"csrf_token": csrf_token(client), "privacy_ack": "on"})
    assert accepted.status_code == 302
    tx = transaction(session, reference.group(1))
    confirmed = next(e for e in tx.events if e.kind == "confirmed")
    assert confirmed.actor_kind == "citizen" and confirmed.data["privacy_notice"]["url"]


def test_a_later_step_posted_after_the_session_expired_keeps_the_whole_form(
    app: Flask, client: FlaskClient
) -> None:
    from .test_kept_answers import expire_sessions

    login(client, app)
    post_form(client, NEW_FORM, certificate_answers(), "next")
    html = client.get(f"{NEW_FORM}/consegna").get_data(as_text=True)
    owner = re.search(r'name="kept_owner" value="([0-9a-f]{64})"', html)
    assert owner and 'name="alunno" value="' in html  # step 1's answer rides along
    expire_sessions(app)
    data = {**certificate_answers(), "note": "Grazie", "kept_owner": owner.group(1),
            "csrf_token": "stale", "action": "next"}  # fmt: skip
    response = client.post(f"{NEW_FORM}/consegna", data=data)
    assert response.status_code == 303 and "/accedi" in response.headers["Location"]

    login(client, app)
    again = client.get(f"{NEW_FORM}/consegna").get_data(as_text=True)
    assert 'data-testid="answers-restored"' in again and ">Grazie</textarea>" in again
    assert 'value="frequenza" checked' in client.get(NEW_FORM).get_data(as_text=True)
