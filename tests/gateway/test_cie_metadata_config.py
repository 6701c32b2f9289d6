"""The body's CIE registration data, from the configuration to /saml/metadata/cie."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import etree

from gateway import create_app
from gateway.config import ConfigurationError
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
        "FiscalCode": "80001234568",  # SPORTELLO_CREDITOR_FISCAL_CODE
        "Municipality": "X000",
        "Country": "IT",
    }


def test_cie_variables_reach_the_metadata(tmp_path: Path) -> None:
    app = create_app(
        make_config(
            f"sqlite:///{tmp_path / 'cie.sqlite'}",
            auto_migrate=True,
            cie_municipality="H501",
            cie_province="RM",
            cie_ipa_category="L6",
            cie_vat_number="IT80001234568",
        )
    )
    reply = app.test_client().get("/saml/metadata/cie")
    assert reply.status_code == 200
    extensions = _extensions(reply.data)
    assert (extensions["Municipality"], extensions["Province"]) == ("H501", "RM")
    assert extensions["VATNumber"] == "IT80001234568"


def test_cie_idps_without_a_municipality_stop_the_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SPORTELLO_CIE_MUNICIPALITY"):
        create_app(
            make_config(
                f"sqlite:///{tmp_path / 'cie.sqlite'}",
                cie_municipality="",
                cie_idp_metadata=str(tmp_path / "cie-idp.xml"),
            )
        )


def test_a_malformed_municipality_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SPORTELLO_CIE_MUNICIPALITY"):
        create_app(make_config(f"sqlite:///{tmp_path / 'cie.sqlite'}", cie_municipality="Roma"))
