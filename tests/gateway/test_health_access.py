"""Authorization matrix of the shared health record, by the FSE rules.

Personas × every health URL of the URL map (the table is checked against the map, so a new
route cannot escape it): anonymous, a citizen, the patient, a parent of a minor, the patient's
GP of record, a clinician of another facility, a clinician of the facility with an open
episode, the privacy officer, a clerk, a counter terminal. Then hostile identifier variants
against everyone who may see a record. 0 leaks; every clinician's access is in the patient's
log; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import time

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.health import operations as ops
from gateway.models import BreakGlass, ClinicalAccess

from .health_support import (
    ANNA,
    CHIARA,
    FONTANA,
    GALLI,
    GIULIA,
    GIULIA_CF,
    GIULIA_DOCS,
    LUCA_CF,
    MARIO,
    MORETTI,
    NERI,
    PAOLO,
    REASON,
    SOFIA_CF,
    SOFIA_DOCS,
    audit_entries,
    client_for,
    csrf_token,
    main_content,
    open_break_glass,
    seed_people,
    set_consent,
)

BLUEPRINTS = ("health", "clinical", "privacy")
GIULIA_DOC = "DOC-BNC-0009"
SOFIA_DOC = "DOC-RSF-0003"
OWN = "/area-personale/salute"
WARD = f"/area-personale/salute/assistiti/{SOFIA_CF}"
CLINICAL = f"/clinico/pazienti/{GIULIA_CF}"


def requests_for(grant_id: int) -> dict[str, tuple[str, str, dict[str, str]]]:
    """One request per endpoint: (method, url, form)."""
    table: dict[str, tuple[str, str, dict[str, str]]] = {}
    for prefix, base, document in (("", OWN, GIULIA_DOC), ("ward_", WARD, SOFIA_DOC)):
        table |= {
            f"health.{prefix}overview": ("GET", f"{base}/", {}),
            f"health.{prefix}download": ("GET", f"{base}/documenti/{document}", {}),
            f"health.{prefix}access_log": ("GET", f"{base}/accessi", {}),
            # Entry 1 is no consultation of anyone's: nobody has a proof of it to download.
            f"health.{prefix}access_proof": ("GET", f"{base}/accessi/1/prova.json", {}),
            f"health.{prefix}consent": ("POST", f"{base}/consenso", {"consent": "si"}),
            f"health.{prefix}obscure": (
                "POST",
                f"{base}/documenti/{document}/oscuramento",
                {"obscured": "si"},
            ),
            f"health.{prefix}name_clinician": (
                "POST",
                f"{base}/clinici",
                {"codice_fiscale": MORETTI["fiscal_code"]},
            ),
            f"health.{prefix}unname_clinician": (
                "POST",
                f"{base}/clinici/{MORETTI['fiscal_code']}/rimuovi",
                {},
            ),
        }
    table |= {
        "clinical.search": ("GET", f"/clinico/?codice_fiscale={GIULIA_CF}", {}),
        "clinical.patient": ("GET", CLINICAL, {}),
        "clinical.document": ("GET", f"{CLINICAL}/documenti/{GIULIA_DOC}", {}),
        "clinical.break_glass": ("POST", f"{CLINICAL}/emergenza", {"reason": REASON}),
        "privacy.review": ("GET", "/privacy/emergenze/", {}),
        "privacy.mark": (
            "POST",
            f"/privacy/emergenze/{grant_id}/esito",
            {"outcome": "justified", "note": "Pronto soccorso"},
        ),
    }
    return table


# A citizen on their own (empty) record: Giulia's document is not theirs.
OWN_RECORD_NOT_THEIRS = {
    "health.overview": 200,
    "health.download": 404,
    "health.access_log": 200,
    "health.access_proof": 404,
    "health.consent": 302,
    "health.obscure": 404,
    "health.name_clinician": 302,
    "health.unname_clinician": 302,
}
NOT_A_GUARDIAN = {f"health.ward_{e.removeprefix('health.')}": 404 for e in OWN_RECORD_NOT_THEIRS}
GUARDIAN = {
    "health.ward_overview": 200,
    "health.ward_download": 200,
    "health.ward_access_log": 200,
    "health.ward_access_proof": 404,
    "health.ward_consent": 302,
    "health.ward_obscure": 302,
    "health.ward_name_clinician": 302,
    "health.ward_unname_clinician": 302,
}
NO_CLINICIAN_ROLE = {
    "clinical.search": 403,
    "clinical.patient": 403,
    "clinical.document": 403,
    "clinical.break_glass": 403,
}
NO_PRIVACY_ROLE = {"privacy.review": 403, "privacy.mark": 403}
CITIZEN = {**OWN_RECORD_NOT_THEIRS, **NOT_A_GUARDIAN, **NO_CLINICIAN_ROLE, **NO_PRIVACY_ROLE}
CONSULTS = {
    "clinical.search": 302,
    "clinical.patient": 200,
    "clinical.document": 200,
    "clinical.break_glass": 409,  # consent and care: no emergency to declare
}
EVERY_ENDPOINT = set(CITIZEN)

EXPECTED: dict[str, dict[str, int]] = {
    "anonymous": dict.fromkeys(EVERY_ENDPOINT, 302),
    "citizen": CITIZEN,
    "patient": {
        **CITIZEN,
        "health.download": 200,
        "health.obscure": 302,
    },
    "guardian": {**CITIZEN, **GUARDIAN},
    "gp_of_record": {**CITIZEN, **CONSULTS},
    "clinician_open_episode": {**CITIZEN, **CONSULTS},
    "clinician_other_facility": {
        **CITIZEN,
        "clinical.search": 302,
        "clinical.patient": 403,
        "clinical.document": 403,
        "clinical.break_glass": 302,  # allowed: it is how an emergency is declared
    },
    "privacy_officer": {**CITIZEN, "privacy.review": 200, "privacy.mark": 302},
    "clerk": CITIZEN,
    # A terminal's headers with a signature that is not valid: refused before any view runs
    # (POSTs already at the CSRF check, which no signature replaces).
    "counter_terminal": {
        e: 400 if requests_for(1)[e][0] == "POST" else 401 for e in EVERY_ENDPOINT
    },
}
PEOPLE: dict[str, dict[str, str] | None] = {
    "anonymous": None,
    "citizen": CHIARA,
    "patient": GIULIA,
    "guardian": MARIO,
    "gp_of_record": NERI,
    "clinician_open_episode": GALLI,
    "clinician_other_facility": MORETTI,
    "privacy_officer": FONTANA,
    "clerk": ANNA,
    "counter_terminal": None,
}
# Where each persona may see whose documents.
ENTITLED = {
    "patient": {"health.overview", "health.download", "health.access_log"},
    "guardian": {"health.ward_overview", "health.ward_download", "health.ward_access_log"},
    "gp_of_record": {"clinical.patient", "clinical.document"},
    "clinician_open_episode": {"clinical.patient", "clinical.document"},
    "privacy_officer": {"privacy.review"},
}
# The emergency grant the privacy officer reviews: Paolo's, on Luca, with its reason.
REVIEW_SECRETS = [LUCA_CF, REASON]


def terminal_headers() -> dict[str, str]:
    return {
        "Accept": "application/json",
        "X-Terminal-Id": "TAB-0001",
        "X-Timestamp": str(int(time.time())),
        "X-Nonce": "health-matrix-nonce-0001",
        "X-Signature": "0" * 64,
    }


def test_the_matrix_covers_every_health_endpoint(app: Flask) -> None:
    rules = {
        rule.endpoint: rule.methods - {"HEAD", "OPTIONS"}
        for rule in app.url_map.iter_rules()
        if rule.endpoint.partition(".")[0] in BLUEPRINTS
    }
    table = requests_for(1)
    assert set(rules) == set(table)
    for endpoint, methods in rules.items():
        assert methods == {table[endpoint][0]}, endpoint
    for persona, expected in EXPECTED.items():
        assert set(expected) == set(rules), persona
    assert set(PEOPLE) == set(EXPECTED)


def secrets_of(endpoint: str) -> list[str]:
    if endpoint.startswith("privacy."):
        return REVIEW_SECRETS
    if endpoint.startswith("health.ward_"):
        return [*SOFIA_DOCS, "Claritromicina"]
    return [*GIULIA_DOCS, "Emocromo"]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_authorization_matrix(app: Flask, session: Session, persona: str) -> None:
    seed_people(app)
    set_consent(app, GIULIA, True)
    grant_id = open_break_glass(app, LUCA_CF)
    client = client_for(app, PEOPLE[persona])
    headers = terminal_headers() if persona == "counter_terminal" else {}
    token = None if persona == "counter_terminal" else csrf_token(client)
    table = requests_for(grant_id)
    # Reads first, then writes; declaring an emergency last, as it changes the rest.
    order = sorted(table, key=lambda e: (table[e][0] == "POST", e == "clinical.break_glass"))
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
            leaked = [s for s in secrets_of(endpoint) if s in body]
            assert leaked == [], (endpoint, leaked)
    assert outcome == EXPECTED[persona]
    consulted = audit_entries(session, GIULIA_CF, "health.consult_")
    logged = session.scalars(
        select(ClinicalAccess).where(
            ClinicalAccess.patient_cf == GIULIA_CF, ClinicalAccess.basis != "self"
        )
    ).all()
    assert sorted(a.audit_seq for a in logged) == sorted(e.seq for e in consulted)
    if persona in ("gp_of_record", "clinician_open_episode"):
        assert sorted(e.action for e in consulted) == ["health.consult_list", "health.consult_open"]
        relationship = {"gp_of_record": "gp", "clinician_open_episode": "episode"}[persona]
        assert {a.relationship for a in logged} == {relationship}
        assert logged[0].clinician_cf == PEOPLE[persona]["fiscal_code"]
    else:
        assert consulted == []
    assert ops.has_consent(session, GIULIA_CF)  # nobody but Giulia can change her consent
    grant = session.get(BreakGlass, grant_id)
    assert grant is not None
    assert (grant.review_outcome is not None) == (persona == "privacy_officer")
    reviews_seen = audit_entries(session, "-", "health.break_glass_review_viewed")
    assert len(reviews_seen) == (1 if persona == "privacy_officer" else 0)


HOSTILE_DOCUMENTS = [
    f"{GIULIA_DOC}%0A",
    f"{GIULIA_DOC}%0D",
    f"{GIULIA_DOC}%09",
    f"{GIULIA_DOC}%00",
    f"%20{GIULIA_DOC}",
    GIULIA_DOC.lower(),
    GIULIA_DOC + "9" * 80,
    "DOC-VRD-0003",  # Luca's
    "DOC-RSF-0003",  # Sofia's
    "..%2FDOC-BNC-0008",
]


@pytest.mark.parametrize("persona", ["patient", "gp_of_record", "clinician_open_episode"])
def test_hostile_document_ids_never_serve_a_document(
    app: Flask, session: Session, persona: str
) -> None:
    """The hidden document, and other patients', under every spelling: 404, nothing logged."""
    seed_people(app)
    set_consent(app, GIULIA, True)
    from .health_support import obscure

    obscure(app, GIULIA, GIULIA_DOC)
    client = client_for(app, PEOPLE[persona])
    base = f"{OWN}/documenti/" if persona == "patient" else f"{CLINICAL}/documenti/"
    before = session.scalar(select(ClinicalAccess.id).order_by(ClinicalAccess.id.desc()))
    hostile = [d for d in HOSTILE_DOCUMENTS if persona != "patient" or "BNC" not in d[:9]]
    for document in [*hostile, GIULIA_DOC] if persona != "patient" else hostile:
        response = client.get(base + document)
        assert response.status_code == 404, (document, response.status_code)
        body = response.get_data(as_text=True)
        assert "Emoglobina" not in body and "REFERTO" not in body, document
    session.expire_all()
    after = session.scalar(select(ClinicalAccess.id).order_by(ClinicalAccess.id.desc()))
    assert after == before  # no consultation recorded for anything refused


def test_a_document_hidden_after_the_list_was_shown_is_refused(
    app: Flask, session: Session
) -> None:
    seed_people(app)
    set_consent(app, GIULIA, True)
    gp = client_for(app, NERI)
    assert GIULIA_DOC in gp.get(CLINICAL).get_data(as_text=True)
    from .health_support import obscure

    obscure(app, GIULIA, GIULIA_DOC)
    assert gp.get(f"{CLINICAL}/documenti/{GIULIA_DOC}").status_code == 404
    listed = main_content(gp.get(CLINICAL))
    assert GIULIA_DOC not in listed and "Emocromo" not in listed
    assert 'data-testid="document-count">Documenti: 8' in listed.replace("\n", "")


def test_the_author_still_sees_an_obscured_document_a_colleague_does_not(
    app: Flask, session: Session
) -> None:
    """FSE: an obscured document stays visible to the patient and to whoever produced it."""
    seed_people(app)
    set_consent(app, GIULIA, True)
    from .health_support import obscure

    letter = "DOC-BNC-0004"  # Paolo Ferrari's discharge letter, Ortopedia
    obscure(app, GIULIA, letter)
    author, colleague = client_for(app, PAOLO), client_for(app, GALLI)
    listed = main_content(author.get(CLINICAL))
    assert letter in listed and 'data-testid="own-obscured"' in listed
    assert author.get(f"{CLINICAL}/documenti/{letter}").status_code == 200
    assert letter not in main_content(colleague.get(CLINICAL))
    assert colleague.get(f"{CLINICAL}/documenti/{letter}").status_code == 404
    opened = session.scalars(select(ClinicalAccess).where(ClinicalAccess.action == "open")).all()
    assert [(a.clinician_cf, a.document_titles) for a in opened] == [
        (PAOLO["fiscal_code"], ["Lettera di dimissione — Ortopedia e traumatologia"])
    ]


def test_a_clinician_without_care_relationship_is_told_so_and_may_only_break_glass(
    app: Flask, session: Session
) -> None:
    seed_people(app)
    set_consent(app, GIULIA, True)
    other = client_for(app, MORETTI)
    page = other.get(CLINICAL)
    assert page.status_code == 403
    assert 'data-why="no_relationship"' in page.get_data(as_text=True)
    token = csrf_token(other)
    opened = other.post(f"{CLINICAL}/emergenza", data={"csrf_token": token, "reason": REASON})
    assert opened.status_code == 302
    assert other.get(CLINICAL).status_code == 200
    access = session.scalars(select(ClinicalAccess)).one()
    assert (access.basis, access.relationship) == ("emergency", None)


def test_a_named_clinician_may_consult_until_removed(app: Flask, session: Session) -> None:
    seed_people(app)
    set_consent(app, GIULIA, True)
    patient, other = client_for(app, GIULIA), client_for(app, MORETTI)
    token = csrf_token(patient)
    named = patient.post(
        f"{OWN}/clinici",
        data={"csrf_token": token, "codice_fiscale": MORETTI["fiscal_code"].lower()},
    )
    assert named.status_code == 302
    assert other.get(CLINICAL).status_code == 200
    assert session.scalars(select(ClinicalAccess)).one().relationship == "named"
    removed = patient.post(
        f"{OWN}/clinici/{MORETTI['fiscal_code']}/rimuovi", data={"csrf_token": token}
    )
    assert removed.status_code == 302
    assert other.get(CLINICAL).status_code == 403
    refused = patient.post(
        f"{OWN}/clinici", data={"csrf_token": token, "codice_fiscale": CHIARA["fiscal_code"]}
    )
    assert refused.status_code == 422  # not a registered clinician


def test_a_guardian_manages_the_minors_record_and_the_minor_sees_it(
    app: Flask, session: Session
) -> None:
    seed_people(app)
    parent = client_for(app, MARIO)
    assert SOFIA_CF in parent.get(f"{OWN}/").get_data(as_text=True)  # the ward is listed
    token = csrf_token(parent)
    assert parent.get(f"{WARD}/").status_code == 200
    assert parent.get(f"{WARD}/documenti/{SOFIA_DOC}").status_code == 200
    given = parent.post(f"{WARD}/consenso", data={"csrf_token": token, "consent": "si"})
    assert given.status_code == 302
    assert ops.has_consent(session, SOFIA_CF)
    assert not ops.has_consent(session, MARIO["fiscal_code"])
    log = parent.get(f"{WARD}/accessi").get_data(as_text=True)
    assert log.count('data-basis="guardian"') == 2  # the list and the document
    assert 'data-kind="health_consent_given"' in log and "Mario Rossi" in log
    # Another parent's child is a 404, exactly like a record that does not exist.
    stranger = client_for(app, CHIARA)
    assert stranger.get(f"{WARD}/").status_code == 404
    assert stranger.get(f"{WARD}/documenti/{SOFIA_DOC}").status_code == 404


def test_a_clinician_role_without_a_registry_entry_consults_nothing(
    app: Flask, session: Session
) -> None:
    """The role is the gateway's; being a practitioner is the region's registry's say."""
    from gateway.models import RoleAssignment

    seed_people(app)
    set_consent(app, GIULIA, True)
    with session.begin():
        session.add(RoleAssignment(fiscal_code=CHIARA["fiscal_code"], role="clinician"))
    client = client_for(app, CHIARA)
    for path in ("/clinico/", CLINICAL, f"{CLINICAL}/documenti/{GIULIA_DOC}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Emocromo" not in response.get_data(as_text=True)
    assert audit_entries(session, GIULIA_CF, "health.consult_") == []
