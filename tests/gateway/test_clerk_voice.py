"""The clerk's pages speak to the clerk: no text in the citizen's voice on any of them.

A clerk reads these pages while the citizen sits in front of them or waits on the phone; a
"your code" there is ambiguous (whose?) and a "waiting for your confirmation" is wrong (the
clerk confirms nothing). So no clerk page says "tuo, tua, tue, tuoi" or "your": the citizen
is named ("Codice di ripresa del cittadino", "In attesa della conferma del cittadino").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select

from gateway.db import db
from gateway.help import operations as help_ops
from gateway.models import HelpRequest

from .cobrowse_support import CLERK, propose, shared_draft
from .forms_support import (
    ANNA,
    SERVICE,
    certificate_answers,
    csrf_token,
    open_desk_session,
    post_form,
    reference_from,
)
from .help_support import create_office
from .test_help import book

DESK = "/sportello-assistito"
CITIZEN_VOICE = {
    "it": re.compile(r"\b(tuo|tua|tue|tuoi)\b", re.IGNORECASE),
    "en": re.compile(r"\b(your|yours)\b", re.IGNORECASE),
}


def visible_text(page: bytes) -> str:
    """The words of the page's <main> a person reads (not the header and footer, which are
    the site's own and the same for everyone)."""
    tree = lxml_html.fromstring(page)
    # A fragment (the live panel the page reloads) has no <main>: all of it is read.
    main = (tree.xpath("//main") or [tree])[0]
    for hidden in main.xpath(".//script|.//style|.//template"):
        hidden.drop_tree()
    return " ".join(main.text_content().split())


def clerk_pages(app: Flask) -> Iterator[tuple[str, FlaskClient, str, Any]]:
    """Every page the clerk sees (the path, the clerk's client, and the response): the desk,
    the live help, the help queue."""
    shared = shared_draft(app)
    clerk = shared.clerk
    yield "live home", clerk, f"{CLERK}/", None
    yield "live session", clerk, f"{CLERK}/{shared.session_id}/", None
    proposed = propose(clerk, shared.session_id, {"tipo_certificato": "iscrizione"})
    assert proposed.status_code in (200, 303), proposed.get_data(as_text=True)[:500]
    yield "live, proposal waiting", clerk, f"{CLERK}/{shared.session_id}/", None
    yield "live panel", clerk, f"{CLERK}/{shared.session_id}/pannello", None

    yield "desk home", clerk, f"{DESK}/", None
    d = open_desk_session(clerk, scope=(SERVICE,))
    yield "desk citizen", clerk, f"{DESK}/{d}/", None
    yield "desk form", clerk, f"{DESK}/{d}/servizi/{SERVICE}", None
    saved = post_form(clerk, f"{DESK}/{d}/servizi/{SERVICE}", certificate_answers(), "save")
    yield "desk draft saved", clerk, "", clerk.get(saved.headers["Location"])
    reference = reference_from(saved)
    yield "desk request", clerk, f"{DESK}/{d}/pratiche/{reference}", None
    prepared = post_form(clerk, f"{DESK}/{d}/servizi/{SERVICE}", certificate_answers(), "prepare")
    yield "desk prepared", clerk, "", clerk.get(prepared.headers["Location"])
    prepared_ref = reference_from(prepared)
    yield "desk prepared request", clerk, f"{DESK}/{d}/pratiche/{prepared_ref}", None
    yield "desk citizen with requests", clerk, f"{DESK}/{d}/", None
    confirmed = shared.citizen.post(
        f"/area-personale/pratiche/{prepared_ref}/conferma",
        data={"csrf_token": csrf_token(shared.citizen), "privacy_ack": "on"},
    )
    assert confirmed.status_code == 302
    page = f"{DESK}/{d}/pratiche/{prepared_ref}"
    yield "desk request confirmed by the citizen", clerk, page, None
    bad = post_form(clerk, f"{DESK}/{d}/riprendi", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    yield "desk wrong resume code", clerk, "", bad

    with db.fresh_session(app) as s:
        create_office(s, desks=1)
        s.commit()
    code = book(app)
    yield "help queue", clerk, "/sportello/coda/", None
    with db.fresh_session(app) as s:
        request_id = s.scalars(select(HelpRequest.id)).one()
    yield "help request", clerk, f"/sportello/coda/{request_id}", None
    clerk.post(f"/sportello/coda/{request_id}/prendi", data={"csrf_token": csrf_token(clerk)})
    yield "help request taken", clerk, f"/sportello/coda/{request_id}", None
    yield "help lookup, unknown code", clerk, "/sportello/coda/codice?code=ZZZZZZZ", None
    assert help_ops.display_code(code)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_no_clerk_page_speaks_in_the_citizens_voice(app: Flask, lang: str) -> None:
    found = []
    texts: dict[str, str] = {}
    for name, clerk, path, response in clerk_pages(app):
        clerk.get(f"/lingua/{lang}")
        if response is None:
            response = clerk.get(path)
        elif lang == "en":
            continue  # a POST's answer was rendered in the language of that moment
        assert response.status_code in (200, 404, 422), (name, response.status_code)
        text = visible_text(response.data)
        assert text, name
        texts[name] = text
        for match in CITIZEN_VOICE[lang].finditer(text):
            start = max(0, match.start() - 50)
            found.append(f"{name}: …{text[start : match.end() + 50]}…")
    assert len(texts) >= 15
    assert not found, "\n".join(found)
    # ... and the clerk's own words are there in their place.
    clerk_words = {
        "it": ("Preparata per la conferma del cittadino", "In attesa della conferma del cittadino"),
        "en": ("Prepared for the citizen's confirmation", "Awaiting the citizen's confirmation"),
    }[lang]
    assert clerk_words[0] in texts["desk request confirmed by the citizen"]
    assert clerk_words[1] in texts["desk prepared request"]


def test_the_check_catches_the_citizens_voice() -> None:
    page = b'<html><body><main id="main"><p>In attesa della tua conferma</p></main></body></html>'
    assert CITIZEN_VOICE["it"].search(visible_text(page))
    page = b'<html><body><main id="main"><p>Your resume code</p></main></body></html>'
    assert CITIZEN_VOICE["en"].search(visible_text(page))
    assert ANNA["name"] == "Anna"


def test_the_delegations_page_names_the_services_not_their_ids(app: Flask) -> None:
    shared = shared_draft(app)
    open_desk_session(shared.clerk, scope=(SERVICE,))
    page = lxml_html.fromstring(shared.citizen.get("/area-personale/deleghe/").data)
    (cell,) = page.xpath("//*[@data-testid='delegation-services']")
    names = cell.text_content().strip()
    assert names == "Certificato di iscrizione o di frequenza scolastica"
    assert SERVICE not in names
