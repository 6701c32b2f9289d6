"""The official SPID conformance tool, spid-sp-test, against the running gateway.

It checks the SP metadata (with the extra checks), the AuthnRequest the gateway sends, and
posts its 111 crafted Responses to the ACS: the good ones must be accepted (200 after the
redirect), every bad one refused with a 4xx — never a 500. The tool plays the IdP; its
certificate is AgID's test certificate, expired in 2025, so the test configuration trusts that
one IdP's expired certificate (SPORTELLO_IDP_TRUST_EXPIRED, refused in production).

Each check runs with two of the tool's profiles: `spid-sp-public` against a gateway that trusts
the tool's IdP as a SPID IdP (SPORTELLO_IDP_METADATA, metadata at /saml/metadata), and
`cie-sp-public` against one that trusts it as a CIE IdP (SPORTELLO_CIE_IDP_METADATA, metadata
at /saml/metadata/cie). A login asks for the SpidL of the page it leads to; CIE authenticates
at level 3 only, so its Responses are tested on a login for a level-3 page.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from flask import Flask
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from gateway import create_app
from gateway.db import db

from ..browser.conftest import LiveServer, free_port
from ..conftest import make_config

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / ".venv-spid" / "bin" / "spid_sp_test"
TOOL_IDP = "https://localhost:8443"
IN_CI = os.environ.get("CI", "").lower() == "true"
SPID, CIE = "spid-sp-public", "cie-sp-public"
# A page of each SPID level, with the policy the gateway fixture sets (SPORTELLO_SPID_LEVELS).
SPID_LEVELS = "delegations=2,health=3"
LEVEL_PAGES = {1: "/area-personale/", 2: "/area-personale/deleghe/", 3: "/area-personale/salute/"}

pytestmark = pytest.mark.slow


def run_tool(*args: str, profile: str, report: Path) -> dict:
    result = subprocess.run(
        [
            str(TOOL),
            *args,
            "--profile",
            profile,
            "-rf",
            "json",
            "-o",
            str(report),
            "--exit-zero",
            "-d",
            "ERROR",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=report.parent,
    )
    assert report.exists(), f"no report: {result.stderr[-2000:]}"
    return json.loads(report.read_text())


def failures(report: dict) -> list[str]:
    """Every check the tool marked as failed, as 'section: test: message'."""
    out = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if node.get("result") == "failure":
                out.append(f"{where}: {node.get('test')}: {node.get('value', '')}"[:300])
            for key, value in node.items():
                walk(value, f"{where}/{key}" if isinstance(value, (dict, list)) else where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(report, "")
    return out


def successes(report: dict) -> int:
    count = 0

    def walk(node: object) -> None:
        nonlocal count
        if isinstance(node, dict):
            if node.get("result") == "success":
                count += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(report)
    return count


@pytest.fixture(scope="module")
def tool_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not TOOL.exists():
        message = f"spid-sp-test not installed at {TOOL}: run `make test`"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    workdir = tmp_path_factory.mktemp("spid")
    metadata = subprocess.run(
        [str(TOOL), "--idp-metadata"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=workdir,
    ).stdout
    (workdir / "tool-idp.xml").write_text(metadata[metadata.index("<") :])
    return workdir


@dataclass(frozen=True)
class Gateway:
    """A running gateway that trusts the tool's IdP the way the tool's `profile` judges it."""

    url: str
    profile: str
    workdir: Path

    @property
    def metadata_url(self) -> str:
        return (
            f"{self.url}/saml/metadata/cie" if self.profile == CIE else f"{self.url}/saml/metadata"
        )

    def login_url(self, level: int) -> str:
        """A login that asks for SpidL`level`: the level of the page it leads to."""
        query = urlencode({"idp": TOOL_IDP, "next": LEVEL_PAGES[level]})
        return f"{self.url}/accedi/spid?{query}"

    def report(self, name: str) -> Path:
        return self.workdir / f"{name}.json"

    def requested_level(self, level: int) -> int:
        """The SpidL of the AuthnRequest that a login for a page of `level` redirects to."""
        reply = requests.get(self.login_url(level), allow_redirects=False, timeout=30)
        assert reply.status_code == 302, reply.text[:500]
        saml_request = parse_qs(urlsplit(reply.headers["Location"]).query)["SAMLRequest"][0]
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(saml_request)
        class_ref = etree.fromstring(xml.encode() if isinstance(xml, str) else xml).findtext(
            ".//{urn:oasis:names:tc:SAML:2.0:assertion}AuthnContextClassRef"
        )
        assert class_ref and class_ref.startswith("https://www.spid.gov.it/SpidL"), class_ref
        return int(class_ref[-1])


@pytest.fixture(scope="module", params=[SPID, CIE])
def gateway(
    request: pytest.FixtureRequest, tool_dir: Path, sqlite_template: Path
) -> Iterator[Gateway]:
    profile: str = request.param
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = tool_dir / profile
    workdir.mkdir()
    db_path = workdir / "gateway.sqlite"
    shutil.copy(sqlite_template, db_path)
    idp_file = str(tool_dir / "tool-idp.xml")
    trust = {"cie_idp_metadata" if profile == CIE else "idp_metadata": idp_file}
    app: Flask = create_app(
        make_config(
            f"sqlite:///{db_path}",
            base_url=base,
            idp_trust_expired=idp_file,
            spid_levels=SPID_LEVELS,
            idp_metadata_unsigned=idp_file,  # a local file written by the tool: no signature
            # The tool logs in ~450 times from one address within a minute or two.
            rate_limits="login=5000/60,acs=5000/60",
            **trust,
        )
    )
    server = LiveServer(app, port=port)
    with server:
        yield Gateway(base, profile, workdir)
    db.dispose(app)


def test_metadata_passes(gateway: Gateway) -> None:
    report = run_tool(
        "--metadata-url",
        gateway.metadata_url,
        "--extra",
        profile=gateway.profile,
        report=gateway.report("md"),
    )
    assert failures(report) == []
    assert successes(report) > (80 if gateway.profile == SPID else 75)


@pytest.mark.parametrize("level", [1, 2, 3])
def test_authn_request_passes(gateway: Gateway, level: int) -> None:
    asked = gateway.requested_level(level)
    assert asked == level or (gateway.profile == CIE and asked == 3)  # CIE is always SpidL3
    report = run_tool(
        "--metadata-url",
        gateway.metadata_url,
        "--extra",
        "--authn-url",
        gateway.login_url(level),
        profile=gateway.profile,
        report=gateway.report(f"authn-{level}"),
    )
    assert failures(report) == []
    assert successes(report) > (140 if gateway.profile == SPID else 115)


def test_responses_pass(gateway: Gateway) -> None:
    level = 3 if gateway.profile == CIE else 2  # CIE answers SpidL3, whatever was asked
    report = run_tool(
        "--metadata-url",
        gateway.metadata_url,
        "--authn-url",
        gateway.login_url(level),
        "-tr",
        profile=gateway.profile,
        report=gateway.report("responses"),
    )
    assert failures(report) == []
    assert successes(report) > (200 if gateway.profile == SPID else 220)
