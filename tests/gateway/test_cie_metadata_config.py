"""The body's CIE registration data, from the configuration to /saml/metadata/cie."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import etree

from gateway import create_app
from gateway.config import Config, ConfigurationError
from gateway.ente import demo_ente
from identity.saml.metadata import CIE_NS

from ..conftest import make_config

NSX = {"md": "urn:oasis:names:tc:SAML:2.0:metadata", "cie": CIE_NS}


def _extensions(xml: bytes) -> dict[str, str | None]:
    root = etree.fromstring(xml)
    return {
        etree.QName(e).localname: e.text
        for e in root.iterfind("md:ContactPerson/md:Extensions/*", NSX)
    }


def test_demo_serves_signed_cie_metadata(client: FlaskClient) -> None:
    reply = client.get("/saml/metadata/cie")
    assert reply.status_code == 200
    assert reply.mimetype == "application/samlmetadata+xml"
    root = etree.fromstring(reply.data)
    assert root[0].tag == "{http://www.w3.org/2000/09/xmldsig#}Signature"
    assert root.find("md:ContactPerson", NSX).get("contactType") == "administrative"
    assert _extensions(reply.data) == {
        "Public": None,
        "IPACode": "c_x000",
        "IPACategory": "L6",
        "FiscalCode": "80001234568",  # the Ente's creditor_fiscal_code
        "Municipality": "X000",
        "Province": "VN",
        "Country": "IT",
    }


def test_the_ente_s_registration_data_reach_the_metadata(tmp_path: Path) -> None:
    ente = replace(
        demo_ente(),
        address=replace(demo_ente().address, municipality_code="H501", province="RM"),
        vat_number="IT80001234568",
    )
    app = create_app(
        make_config(f"sqlite:///{tmp_path / 'cie.sqlite'}", auto_migrate=True, ente=ente)
    )
    reply = app.test_client().get("/saml/metadata/cie")
    assert reply.status_code == 200
    extensions = _extensions(reply.data)
    assert (extensions["Municipality"], extensions["Province"]) == ("H501", "RM")
    assert extensions["VATNumber"] == "IT80001234568"


def test_a_malformed_municipality_stops_the_start() -> None:
    with pytest.raises(ConfigurationError, match="SPORTELLO_ENTE_ADDRESS_MUNICIPALITY_CODE"):
        Config.from_env({"SPORTELLO_ENTE_ADDRESS_MUNICIPALITY_CODE": "Roma"})
