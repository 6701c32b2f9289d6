"""Authorization matrix: every health endpoint against every kind of caller.

The endpoints are enumerated from the app's URL map, so a new health route that this table
does not cover fails the test instead of escaping it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from gateway.health import operations as ops

from .health_support import (
    ANNA,
    CHIARA,
    GIULIA,
    GIULIA_CF,
    GIULIA_DOCS,
    LUCA_CF,
    LUCA_DOC,
    PAOLO,
    REASON,
    audit_entries,
    client_for,
    csrf_token,
    main_content,
    open_break_glass,
    seed_people,
    set_consent,
)

BLUEPRINTS = ("health", "clinical")
GIULIA_DOC = "DOC-BNC-0009"


def requests_for(patient_cf: str, document_id: str) -> dict[str, tuple[str, str, dict[str, str]]]:
    """One request per endpoint: (method, url, form) aimed at ``patient_cf``'s record."""
    records = "/area-personale/salute"
    clinical = f"/clinico/pazienti/{patient_cf}"
    return {
        "health.overview": ("GET", f"{records}/", {}),
        "health.download": ("GET", f"{records}/documenti/{GIULIA_DOC}", {}),
        "health.access_log": ("GET", f"{records}/accessi", {}),
        "health.consent": ("POST", f"{records}/consenso", {"consent": "si"}),
        "health.obscure": (
            "POST",
            f"{records}/documenti/{GIULIA_DOC}/oscuramento",
            {"obscured": "si"},
        ),
        "clinical.search": ("GET", f"/clinico/?codice_fiscale={patient_cf}", {}),
        "clinical.patient": ("GET", clinical, {}),
        "clinical.document": ("GET", f"{clinical}/documenti/{document_id}", {}),
        "clinical.review": ("GET", "/clinico/break-glass", {}),
        "clinical.break_glass": ("POST", f"{clinical}/emergenza", {"reason": REASON}),
    }


# A citizen's own pages; the document addressed is Giulia's, so it is not theirs.
CITIZEN_ON_OTHERS = {
    "health.overview": 200,
    "health.download": 404,
    "health.access_log": 200,
    "health.consent": 302,
    "health.obscure": 404,
}
NO_CLINICIAN_ROLE = {
    "clinical.search": 403,
    "clinical.patient": 403,
    "clinical.document": 403,
    "clinical.review": 403,
    "clinical.break_glass": 403,
}
EVERYONE_SIGNED_OUT = {e: 302 for e in {**CITIZEN_ON_OTHERS, **NO_CLINICIAN_ROLE}}

EXPECTED: dict[str, dict[str, int]] = {
    "patient": {
        "health.overview": 200,
        "health.download": 200,
        "health.access_log": 200,
        "health.consent": 302,
        "health.obscure": 302,
        **NO_CLINICIAN_ROLE,
    },
    "other_citizen": {**CITIZEN_ON_OTHERS, **NO_CLINICIAN_ROLE},
    "clerk": {**CITIZEN_ON_OTHERS, **NO_CLINICIAN_ROLE},
    "clinician_with_consent": {
        **CITIZEN_ON_OTHERS,
        "clinical.search": 302,
        "clinical.patient": 200,
        "clinical.document": 200,
        "clinical.review": 200,
        "clinical.break_glass": 409,
    },
    "clinician_without_consent": {
        **CITIZEN_ON_OTHERS,
        "clinical.search": 302,
        "clinical.patient": 403,
        "clinical.document": 403,
        "clinical.review": 200,
        "clinical.break_glass": 302,  # allowed: it is how an emergency is declared
    },
    "clinician_in_break_glass": {
        **CITIZEN_ON_OTHERS,
        "clinical.search": 302,
        "clinical.patient": 200,
        "clinical.document": 200,
        "clinical.review": 200,
        "clinical.break_glass": 302,
    },
    # No session, a terminal's headers with a signature that is not valid: refused before
    # any view runs (POSTs already at the CSRF check, which no signature replaces).
    "counter_terminal": {
        e: 400 if requests_for(GIULIA_CF, GIULIA_DOC)[e][0] == "POST" else 401
        for e in EVERYONE_SIGNED_OUT
    },
    "anonymous": EVERYONE_SIGNED_OUT,
}
# Who may see the targeted record's documents, and where.
ENTITLED = {
    "patient": {"health.overview", "health.download"},
    "clinician_with_consent": {"clinical.patient", "clinical.document"},
    "clinician_in_break_glass": {"clinical.patient", "clinical.document"},
}


def terminal_headers() -> dict[str, str]:
    return {
        "Accept": "application/json",
        "X-Terminal-Id": "TAB-0001",
        "X-Timestamp": str(int(time.time())),
        "X-Nonce": "health-matrix-nonce-0001",
        "X-Signature": "0" * 64,
    }


def setup_persona(app: Flask, persona: str) -> tuple[FlaskClient, str, str]:
    """The persona's client and the record it aims at (patient, document)."""
    set_consent(app, GIULIA, True)
    people: dict[str, Callable[[], Any]] = {
        "patient": lambda: client_for(app, GIULIA),
        "other_citizen": lambda: client_for(app, CHIARA),
        "clerk": lambda: client_for(app, ANNA),
        "clinician_with_consent": lambda: client_for(app, PAOLO),
        "clinician_without_consent": lambda: client_for(app, PAOLO),
        "clinician_in_break_glass": lambda: client_for(app, PAOLO),
        "counter_terminal": lambda: client_for(app, None),
        "anonymous": lambda: client_for(app, None),
    }
    client = people[persona]()
    if persona == "clinician_in_break_glass":
        open_break_glass(app, LUCA_CF)
    if persona in ("clinician_without_consent", "clinician_in_break_glass"):
        return client, LUCA_CF, LUCA_DOC
    return client, GIULIA_CF, GIULIA_DOC


def test_the_matrix_covers_every_health_endpoint(app: Flask) -> None:
    rules = {
        rule.endpoint: rule.methods - {"HEAD", "OPTIONS"}
        for rule in app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] in BLUEPRINTS
    }
    table = requests_for(GIULIA_CF, GIULIA_DOC)
    assert set(rules) == set(table)
    for endpoint, methods in rules.items():
        assert methods == {table[endpoint][0]}, endpoint
    for persona, expected in EXPECTED.items():
        assert set(expected) == set(rules), persona


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_authorization_matrix(app: Flask, session: Session, persona: str) -> None:
    seed_people(app)
    client, patient_cf, document_id = setup_persona(app, persona)
    headers = terminal_headers() if persona == "counter_terminal" else {}
    token = None if persona == "counter_terminal" else csrf_token(client)
    table = requests_for(patient_cf, document_id)
    # Reads first, then writes; declaring an emergency last, as it changes the rest.
    order = sorted(table, key=lambda e: (table[e][0] == "POST", e == "clinical.break_glass"))
    secrets = [*GIULIA_DOCS, "Emocromo"] if patient_cf == GIULIA_CF else [LUCA_DOC, "epatite"]
    outcome: dict[str, int] = {}
    for endpoint in order:
        method, url, form = table[endpoint]
        data = {**form, "csrf_token": token} if token and method == "POST" else form
        response = client.open(url, method=method, data=data, headers=headers)
        outcome[endpoint] = response.status_code
        if response.status_code == 302:
            location = response.headers["Location"]
            assert ("/accedi" in location) == (persona == "anonymous"), (endpoint, location)
        if persona == "counter_terminal":
            assert response.mimetype == "application/problem+json"
            continue
        if endpoint not in ENTITLED.get(persona, set()) and response.mimetype == "text/html":
            body = main_content(response) if "<main" in response.get_data(as_text=True) else ""
            leaked = [s for s in secrets if s in body]
            assert leaked == [], (endpoint, leaked)
    assert outcome == EXPECTED[persona]
    consulted = audit_entries(session, patient_cf, "health.consult_")
    if persona in ("clinician_with_consent", "clinician_in_break_glass"):
        assert sorted(e.action for e in consulted) == ["health.consult_list", "health.consult_open"]
    else:
        assert consulted == []
    assert ops.has_consent(session, GIULIA_CF)  # nobody but Giulia can change her consent
