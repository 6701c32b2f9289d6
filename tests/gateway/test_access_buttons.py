"""The login page draws AgID's SPID button and the CIE button from the vendored kits, with the
trusted registry's identity providers (each with the kit's logo when it has one)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask

from gateway import create_app
from gateway.auth.buttons import SPID_IDPS, SPID_KIT
from gateway.db import db
from identity.testidp import TestIdP, TestIdPSettings

from ..conftest import make_config

STATIC = Path(__file__).resolve().parents[2] / "gateway" / "static"
POSTE = "https://posteid.poste.it"


def idp_file(folder: Path, entity_id: str, name: str) -> str:
    path = folder / name
    path.write_bytes(TestIdP(TestIdPSettings(entity_id=entity_id, base_url=entity_id)).metadata())
    return str(path)


def app_with(tmp_path: Path, database_url: str, simulators: Any, **overrides: Any) -> Flask:
    unsigned = ",".join(v for k, v in overrides.items() if k.endswith("idp_metadata"))
    return create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            idp_metadata_unsigned=unsigned,
            **overrides,
        )
    )


def menu_entries(html: str) -> list[str]:
    return re.findall(r'<li class="spid-idp-button-link" data-idp="([^"]+)">', html)


def test_a_provider_the_kit_knows_is_shown_by_its_logo_and_name(
    tmp_path: Path, database_url: str, simulators: Any
) -> None:
    app = app_with(
        tmp_path, database_url, simulators, idp_metadata=idp_file(tmp_path, POSTE, "poste.xml")
    )
    try:
        client = app.test_client()
        html = client.get("/accedi").get_data(as_text=True)
        logo = f"/static/{SPID_KIT}/img/spid-idp-posteid.svg"
        entry = re.search(rf'data-idp="{re.escape(POSTE)}">\s*<a [^>]*>(.*?)</a>', html, re.S)
        assert entry is not None
        assert entry.group(1) == f'<img src="{logo}" alt="Poste Italiane SpA">'
        # The test IdP of the demo is not in the kit: it is shown by its name.
        assert ">Sportello Test IdP</a>" in html
        served = client.get(logo)
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
        assert b"<svg" in served.data
        served.close()
    finally:
        db.dispose(app)


def test_the_list_is_the_registrys_in_a_new_random_order(
    tmp_path: Path, database_url: str, simulators: Any
) -> None:
    app = app_with(
        tmp_path, database_url, simulators, idp_metadata=idp_file(tmp_path, POSTE, "poste.xml")
    )
    try:
        client = app.test_client()
        trusted = {p.entity_id for p in app.extensions["sportello.identity_providers"]}
        orders = {
            tuple(menu_entries(client.get("/accedi").get_data(as_text=True))) for _ in range(30)
        }
        assert all(set(order) == trusted for order in orders)
        assert len(orders) == 2  # two IdPs: both orders seen (chance of failing: 2 ** -29)
    finally:
        db.dispose(app)


def test_the_cie_button_leads_to_the_cie_provider(
    tmp_path: Path, database_url: str, simulators: Any
) -> None:
    cie = "https://idserver.servizicie.interno.gov.it/idp/profile/SAML2/POST/SSO"
    app = app_with(
        tmp_path, database_url, simulators, cie_idp_metadata=idp_file(tmp_path, cie, "cie.xml")
    )
    try:
        html = app.test_client().get("/accedi").get_data(as_text=True)
        button = re.search(r'<a class="cie-button" data-testid="cie-login" href="([^"]+)">', html)
        assert button is not None
        assert "idp=" + cie.replace(":", "%3A").replace("/", "%2F") in button.group(1)
        assert "/static/access-kits/cie-graphics/SVG/Logo_CIE_ID.svg" in html
        assert cie not in menu_entries(html)  # CIE is not one of SPID's providers
    finally:
        db.dispose(app)


def test_without_a_cie_provider_the_button_is_drawn_disabled(client: Any) -> None:
    html = client.get("/accedi").get_data(as_text=True)
    assert re.search(r'<button class="cie-button" type="button" disabled', html)
    assert 'data-testid="cie-login"' not in html


def test_every_logo_of_the_table_is_vendored_with_the_kits_licence() -> None:
    kit = STATIC / SPID_KIT
    for logo, name in SPID_IDPS.values():
        assert b"</svg>" in (kit / "img" / logo).read_bytes(), logo
        assert name
    assert "MIT" in (kit / "LICENSE.md").read_text(encoding="utf-8")
    assert (STATIC / "access-kits" / "README.md").is_file()
