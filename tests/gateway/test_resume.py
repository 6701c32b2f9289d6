"""Resume codes: a draft started on one channel, finished on another; codes that must not work."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms.resume import check_char, format_code
from gateway import create_app
from gateway.db import db
from gateway.forms_web.demo import DEMO_RESUME_CODE, seed_forms
from gateway.forms_web.operations import draft_summary_for_counter
from gateway.forms_web.resume import code_hash
from gateway.models import Draft, ResumeGuess, utcnow
from printing.verify import read_codes

from ..conftest import make_config
from .forms_support import ANNA as ANNA_CLERK
from .forms_support import (
    CHIARA,
    NEW_FORM,
    certificate_answers,
    csrf_token,
    login,
    make_clerk,
    open_desk_session,
    post_form,
    reference_from,
    shown_code,
    transaction,
)
from .payments_factories import terminal_client

NOT_FOUND_IT = "Nessuna bozza corrisponde a questo codice, oppure è scaduta."
MISTYPED_IT = "Il codice sembra scritto male: controlla ogni carattere e riprova."


def save_draft(client: FlaskClient, app: Flask, **answers: Any) -> tuple[str, str]:
    """Mario saves a partial certificate request online: (reference, resume code)."""
    login(client, app)
    response = post_form(
        client, NEW_FORM, answers or {"alunno": "RSSSFO12P50H501K"}, "save", follow=True
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return reference_from(response), shown_code(html)


def resume(client: FlaskClient, code: str) -> Any:
    return client.post("/riprendi", data={"csrf_token": csrf_token(client), "code": code})


def error_of(response: Any) -> str:
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return str(doc.xpath("//*[@data-testid='resume-error']")[0].text_content())


def other_code(code: str) -> str:
    """A well-formed code (valid check character) that is not ``code``."""
    raw = code.replace("-", "")
    payload = ("3" if raw[0] != "3" else "4") + raw[1:8]
    return format_code(payload + check_char(payload))


def test_only_an_hmac_of_the_code_is_stored(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    reference, code = save_draft(client, app)
    draft = session.scalar(select(Draft))
    assert draft is not None and draft.transaction.reference == reference
    raw = code.replace("-", "")
    assert draft.code_hash == code_hash(app.config["SPORTELLO"].secret_key, raw)
    assert raw not in str(draft.data) and raw not in draft.code_hash


def test_saved_online_resumed_online_by_code_and_qr_link(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    reference, code = save_draft(client, app)
    typed = code.lower().replace("-", " ")  # read aloud, typed carelessly
    response = resume(client, typed)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/area-personale/pratiche/{reference}/modulo"
    page = lxml_html.fromstring(client.get(response.headers["Location"]).data)
    assert page.xpath("//input[@name='alunno'][@checked]/@value") == ["RSSSFO12P50H501K"]
    # The QR code's address does the same.
    assert client.get(f"/riprendi/{code}").status_code == 302
    kinds = [e.kind for e in transaction(session, reference).events]
    assert kinds == ["created", "draft_saved", "draft_resumed", "draft_resumed"]


def test_printed_sheet_carries_the_code_and_its_qr(app: Flask, client: FlaskClient) -> None:
    reference, code = save_draft(client, app)
    response = client.post(
        f"/area-personale/pratiche/{reference}/foglio",
        data={"csrf_token": csrf_token(client), "code": code.replace("-", "")},
    )
    assert response.mimetype == "application/pdf"
    base = app.config["SPORTELLO"].base_url
    assert read_codes(response.data) == [f"{base}/riprendi/{code}"]
    # The code shown is still the one that works: printing did not change it.
    assert resume(client, code).status_code == 302


def test_saved_online_finished_at_the_desk_with_the_code(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    reference, code = save_draft(client, app)
    make_clerk(app)
    clerk = app.test_client()
    login(clerk, app, ANNA_CLERK)
    d = open_desk_session(clerk)
    response = clerk.post(
        f"/sportello-assistito/{d}/riprendi", data={"csrf_token": csrf_token(clerk), "code": code}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/pratiche/{reference}")
    response = post_form(clerk, response.headers["Location"], certificate_answers())
    assert response.status_code == 303  # the desk sends it: post, redirect, get
    tx = transaction(session, reference)
    assert tx.state == "awaiting_payment"
    assert [(e.kind, e.channel, e.actor_kind) for e in tx.events][:4] == [
        ("created", "web", "citizen"),
        ("draft_saved", "web", "citizen"),
        ("draft_resumed", "desk", "clerk"),
        ("submitted", "desk", "clerk"),
    ]
    # Once submitted, the code opens nothing any more.
    assert resume(client, code).status_code == 404


def test_a_counter_terminal_reads_a_summary_only(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    reference, code = save_draft(client, app, alunno="RSSSFO12P50H501K", uso="sport")
    counter = terminal_client(app, session)
    response = counter.call("POST", "/drafts/summary", {"code": code})
    assert response.status_code == 200, response.get_json()
    summary = response.get_json()
    assert summary["reference"] == reference and summary["state"] == "draft"
    fields = {f["label"]: f["value"] for f in summary["fields"]}
    assert fields["Figlia o figlio"].startswith("Sofia Rossi")
    assert fields["Uso"] == "Attività sportiva dilettantistica"
    assert summary["fee_cents"] == 1600
    # Read-only: nothing happened to the draft, and no write route exists for counters.
    assert [e.kind for e in transaction(session, reference).events] == ["created", "draft_saved"]
    unknown = counter.call("POST", "/drafts/summary", {"code": other_code(code)})
    assert unknown.status_code == 404 and unknown.get_json()["code"] == "RESUME_CODE_NOT_FOUND"
    unsigned = client.post("/counter/api/v1/drafts/summary", json={"code": code})
    assert unsigned.status_code == 401
    # The same operation, for a counter page of the gateway.
    with app.test_request_context():
        direct = draft_summary_for_counter(db.session, code, client="terminal:T1")
        assert direct["reference"] == reference


def test_someone_elses_code_gets_the_same_answer_as_an_unknown_one(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    _reference, code = save_draft(client, app)
    other = app.test_client()
    login(other, app, CHIARA)
    theirs = resume(other, code)
    unknown = resume(other, other_code(code))
    assert theirs.status_code == unknown.status_code == 404
    assert error_of(theirs) == error_of(unknown) == NOT_FOUND_IT
    assert session.scalar(select(func.count()).select_from(ResumeGuess)) == 2


def test_a_mistyped_code_is_told_apart_and_not_counted(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    _reference, code = save_draft(client, app)
    raw = code.replace("-", "")
    swapped = raw[1] + raw[0] + raw[2:] if raw[0] != raw[1] else raw[:-1] + "Z"
    for typo in (swapped, raw[:-1], "1234-5678-90"):
        response = resume(client, typo)
        assert response.status_code == 422
        assert error_of(response) == MISTYPED_IT
    assert session.scalar(select(func.count()).select_from(ResumeGuess)) == 0


def test_an_expired_code_opens_nothing(app: Flask, client: FlaskClient, session: Session) -> None:
    _reference, code = save_draft(client, app)
    draft = session.scalar(select(Draft))
    assert draft is not None
    draft.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    response = resume(client, code)
    assert response.status_code == 404 and error_of(response) == NOT_FOUND_IT


@pytest.fixture
def throttled_app(database_url: str, simulators: Any) -> Iterator[Flask]:
    simulators.reset()
    config = make_config(
        database_url,
        simulators_url=simulators.base_url,
        rate_limits="resume_code=3/600,resume_code_global=5/86400",
    )
    application = create_app(config)
    yield application
    db.dispose(application)


def test_guessing_is_throttled_per_client_and_overall(
    throttled_app: Flask, session: Session
) -> None:
    app = throttled_app
    client = app.test_client()
    _reference, code = save_draft(client, app)
    wrong = other_code(code)
    for _ in range(3):
        assert resume(client, wrong).status_code == 404
    blocked = resume(client, code)  # even the right code waits now
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["Retry-After"]) <= 600
    # Another address still has its own allowance, until everyone's runs out.
    other = app.test_client()
    login(other, app)
    environ = {"REMOTE_ADDR": "192.0.2.7"}
    token = csrf_token(other)
    guess = {"csrf_token": token, "code": wrong}
    assert other.post("/riprendi", data=guess, environ_base=environ).status_code == 404
    assert other.post("/riprendi", data=guess, environ_base=environ).status_code == 404
    overall = other.post("/riprendi", data=guess, environ_base=environ)
    assert overall.status_code == 429 and overall.headers["Retry-After"]
    assert session.scalar(select(func.count()).select_from(ResumeGuess)) == 5


def test_the_demo_draft_opens_with_its_published_code(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    with app.app_context():
        seed_forms(session)
        seed_forms(session)  # idempotent
        session.commit()
    assert session.scalar(select(func.count()).select_from(Draft)) == 1
    login(client, app)
    response = resume(client, format_code(DEMO_RESUME_CODE))
    assert response.status_code == 302
    page = client.get("/area-personale/deleghe/").get_data(as_text=True)
    assert "Anna Esposito" in page and "Scaduta" in page
