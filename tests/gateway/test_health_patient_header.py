"""The clinician's patient header: name, date of birth and fiscal code on every page about one
patient (the wrong-patient risk), and nothing of the registry's where access is refused."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from .health_support import (
    CHIARA,
    GIULIA,
    GIULIA_CF,
    LUCA_CF,
    MORETTI,
    PAOLO,
    REASON,
    client_for,
    csrf_token,
    main_content,
    open_break_glass,
    seed_people,
    set_consent,
)

GIULIA_DOC = "DOC-BNC-0009"
# What the registry of patients says of Giulia and Luca, in each language.
GIULIA_SHOWN = {"it": "15 marzo 1985", "en": "15 March 1985"}
LUCA_BIRTH = {"it": "20 luglio 1990", "en": "20 July 1990"}


@pytest.fixture(autouse=True)
def people(app: Flask) -> None:
    seed_people(app)


def header(response: Any) -> dict[str, str]:
    """The header's facts by their test id, as text without tags."""
    text = main_content(response)
    match = re.search(r'<section[^>]*data-testid="patient-header".*?</section>', text, re.S)
    assert match, "no patient header"
    facts = {}
    for name in ("patient-name", "patient-birth-date", "patient-fiscal-code"):
        found = re.search(rf'data-testid="{name}">(.*?)</dd>', match.group(0), re.S)
        if found:
            facts[name] = " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())
    return facts


def registry_calls(simulators: Any) -> int:
    return int(simulators.state()["services"]["health"]["calls"].get("GetPatient", 0))


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_page_about_the_patient_names_them_first(app: Flask, lang: str) -> None:
    set_consent(app, GIULIA, True)
    doctor = client_for(app, PAOLO)
    headers = {"Accept-Language": lang}
    pages = {
        "list": doctor.get(f"/clinico/pazienti/{GIULIA_CF}", headers=headers),
        "document": doctor.get(
            f"/clinico/pazienti/{GIULIA_CF}/documenti/{GIULIA_DOC}", headers=headers
        ),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert header(response) == {
            "patient-name": "Bianchi Giulia",
            "patient-birth-date": GIULIA_SHOWN[lang],
            "patient-fiscal-code": GIULIA_CF,
        }, name
        text = main_content(response)
        # At the top: before the page's heading and before any document.
        assert text.index('data-testid="patient-header"') < text.index("<h1")
        assert 'datetime="1985-03-15"' in text
    list_heading = re.search(r"<h1[^>]*>(.*?)</h1>", main_content(pages["list"]), re.S)
    assert list_heading and "Giulia Bianchi" in list_heading.group(1)


def test_after_break_glass_the_patient_is_named_too(app: Flask) -> None:
    doctor = client_for(app, PAOLO)  # no consent from Luca: only an emergency access opens it
    url = f"/clinico/pazienti/{LUCA_CF}"
    response = doctor.post(
        f"{url}/emergenza", data={"csrf_token": csrf_token(doctor), "reason": REASON}
    )
    assert response.status_code == 302
    page = doctor.get(url)
    assert page.status_code == 200 and 'data-basis="emergency"' in page.get_data(as_text=True)
    assert header(page) == {
        "patient-name": "Verdi Luca",
        "patient-birth-date": LUCA_BIRTH["it"],
        "patient-fiscal-code": LUCA_CF,
    }


def test_a_code_the_registry_lacks_is_said_plainly(app: Flask) -> None:
    """Chiara Romano is a guardian, not a patient: an emergency access to her code shows a
    warning where the name would be, never another person's name."""
    open_break_glass(app, CHIARA["fiscal_code"])
    response = client_for(app, PAOLO).get(f"/clinico/pazienti/{CHIARA['fiscal_code']}")
    assert response.status_code == 200
    assert header(response) == {"patient-fiscal-code": CHIARA["fiscal_code"]}
    assert 'data-testid="patient-unknown"' in main_content(response)
    assert "Romano" not in main_content(response)


@pytest.mark.parametrize(
    ("clinician", "patient_cf", "why"),
    [
        (MORETTI, GIULIA_CF, "no_relationship"),  # another facility, consent or not
        (PAOLO, LUCA_CF, "no_consent"),  # Luca never consented
    ],
)
def test_a_refusal_shows_only_the_fiscal_code_that_was_typed(
    app: Flask, simulators: Any, clinician: dict[str, str], patient_cf: str, why: str
) -> None:
    set_consent(app, GIULIA, True)
    doctor = client_for(app, clinician)
    before = registry_calls(simulators)
    refused = doctor.get(f"/clinico/pazienti/{patient_cf}")
    short_reason = doctor.post(
        f"/clinico/pazienti/{patient_cf}/emergenza",
        data={"csrf_token": csrf_token(doctor), "reason": "urgente"},
    )
    opened = doctor.get(f"/clinico/pazienti/{patient_cf}/documenti/{GIULIA_DOC}")
    for response, status in ((refused, 403), (short_reason, 422), (opened, 403)):
        assert response.status_code == status
        text = main_content(response)
        assert f'data-why="{why}"' in text
        assert header(response) == {"patient-fiscal-code": patient_cf}
        assert 'data-testid="patient-identity-withheld"' in text
        for fact in ("Bianchi", "Giulia", "Verdi", "Luca", "1985", "1990", "marzo", "luglio"):
            assert fact not in text, fact
    assert registry_calls(simulators) == before  # nobody asked who the code belongs to


def test_the_header_is_one_macro_used_by_each_clinician_page() -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "gateway/health/templates/health"
    for name in ("clinical_patient.html", "clinical_document.html", "clinical_no_access.html"):
        source = (templates / name).read_text(encoding="utf-8")
        assert source.count("{{ patient_header(") == 1, name
        assert "patient-name" not in source, name
