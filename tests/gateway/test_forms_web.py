"""Form definitions rendered as web pages: labels, conditions, choices, every error at once."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.models import Draft

from .forms_support import (
    LUCA,
    MARCO_CF,
    NEW_FORM,
    SOFIA_CF,
    certificate_answers,
    login,
    post_form,
    reference_from,
)


def page(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200
    return lxml_html.fromstring(response.get_data(as_text=True))


def test_form_renders_in_italian_with_children_from_the_school_registry(
    app: Flask, client: FlaskClient
) -> None:
    login(client, app)
    doc = page(client, NEW_FORM)
    assert doc.findtext(".//h1") == "Certificato di iscrizione o di frequenza scolastica"
    children = doc.xpath("//input[@name='alunno']/@value")
    assert sorted(children) == sorted([SOFIA_CF, MARCO_CF])
    label = doc.xpath("//label[@for='f-alunno-1']")[0].text_content()
    assert "Rossi" in label and "—" in label
    # Required fields carry a marker; conditional ones say when they apply, for forms.js.
    legend = doc.xpath("//div[@data-field='alunno']//legend")[0].text_content()
    assert "*" in legend
    doc = page(client, f"{NEW_FORM}/uso")  # the next step, on its own page
    uso_altro = doc.xpath("//div[@data-field='uso_altro']")[0]
    assert uso_altro.get("hidden") is not None
    assert '"field": "uso"' in uso_altro.get("data-visible-if")
    assert doc.xpath("//script[contains(@src, 'js/forms.js')]")
    # Help text is bound to its control.
    select_uso = doc.xpath("//select[@name='uso']")[0]
    assert "f-uso-help" in select_uso.get("aria-describedby")


def test_form_speaks_english_when_chosen(app: Flask, client: FlaskClient) -> None:
    login(client, app)
    client.get("/lingua/en")
    doc = page(client, NEW_FORM)
    assert doc.findtext(".//h1") == "School enrolment or attendance certificate"
    assert doc.xpath("//label[@for='f-tipo_certificato-1']")[0].text_content().strip() == (
        "Enrolment certificate"
    )


def test_every_error_is_shown_at_once_with_aria_in_the_users_language(
    app: Flask, client: FlaskClient
) -> None:
    login(client, app)
    response = post_form(client, f"{NEW_FORM}/uso", {"uso": "altro"})
    assert response.status_code == 422
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    summary = doc.xpath("//*[@data-testid='error-summary']")[0]
    assert summary.get("role") == "alert"
    # Errors on the step shown are anchors; the others link to their step's page.
    wrong = {a.get("href") for a in summary.xpath(".//a")}
    assert wrong == {
        f"{NEW_FORM}#f-alunno-1",
        f"{NEW_FORM}#f-tipo_certificato-1",
        "#f-uso_altro",
        f"{NEW_FORM}/consegna#f-consegna-1",
    }
    # The conditional field became visible and required because "altro" was chosen.
    assert doc.xpath("//div[@data-field='uso_altro']")[0].get("hidden") is None
    field = doc.xpath("//input[@name='uso_altro']")[0]
    assert field.get("aria-invalid") == "true"
    assert "f-uso_altro-error" in field.get("aria-describedby")
    error = doc.xpath("//*[@id='f-uso_altro-error']")[0].text_content()
    assert error == "Questo campo è obbligatorio."
    # The answer given is kept.
    assert doc.xpath("//select[@name='uso']/option[@selected]/@value") == ["altro"]

    client.get("/lingua/en")
    response = post_form(client, f"{NEW_FORM}/uso", {"uso": "altro"})
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert doc.xpath("//*[@id='f-uso_altro-error']")[0].text_content() == (
        "This field is required."
    )


def test_answers_to_hidden_fields_are_dropped_on_the_server(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    """Without JavaScript a stale answer may be posted: the server's conditions decide."""
    login(client, app)
    answers = certificate_answers(uso="sport", uso_altro="stale", motivo_esenzione="tab_b_art_8")
    response = post_form(client, NEW_FORM, answers, action="save", follow=True)
    assert response.status_code == 200
    reference = reference_from(response)
    draft = session.scalar(select(Draft).where(Draft.subject_cf == "RSSMRA80A01H501U"))
    assert draft is not None and draft.transaction.reference == reference
    stored = draft.data["answers"]
    assert stored["uso"] == "sport"
    assert "uso_altro" not in stored and "motivo_esenzione" not in stored
    assert draft.data["labels"]["alunno"].startswith("Sofia Rossi")


def test_a_child_of_someone_else_is_refused(app: Flask, client: FlaskClient) -> None:
    login(client, app, LUCA)
    doc = page(client, NEW_FORM)
    assert doc.xpath("//input[@name='alunno']") == []
    assert doc.xpath("//*[@data-testid='no-options-alunno']")
    response = post_form(client, NEW_FORM, certificate_answers())
    assert response.status_code == 422
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert doc.xpath("//*[@id='f-alunno-error']")[0].text_content() == (
        "Scegli una delle opzioni proposte."
    )


def test_school_registry_down_the_form_says_so_and_drafts_still_save(
    app: Flask, client: FlaskClient, simulators: Any
) -> None:
    login(client, app)
    simulators.control("school", down=True)
    response = client.get(NEW_FORM)
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    notice = doc.xpath("//*[@data-testid='legacy-unavailable']")[0]
    assert notice.get("data-service") == "school"
    response = post_form(
        client, NEW_FORM, {"tipo_certificato": "iscrizione"}, action="save", follow=True
    )
    assert response.status_code == 200
    assert reference_from(response).startswith("SP-")


def test_fines_choices_come_from_the_fines_registry(app: Flask, client: FlaskClient) -> None:
    login(client, app)
    doc = page(client, "/servizi/multa_rateizzazione_ricorso/nuova")
    fines = doc.xpath("//input[@name='verbale']/@value")
    assert fines, "Mario has open fines in the simulator"
    assert all(value.startswith("VL-") for value in fines)


def test_unknown_service_is_not_found(app: Flask, client: FlaskClient) -> None:
    login(client, app)
    assert client.get("/servizi/nessuno/nuova").status_code == 404
