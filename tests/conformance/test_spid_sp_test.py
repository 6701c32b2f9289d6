"""The official SPID conformance tool, spid-sp-test, against the running gateway.

It checks the SP metadata (with the extra checks), the AuthnRequest the gateway sends, and
posts its 111 crafted Responses to the ACS: the good ones must be accepted (200 after the
redirect), every bad one refused with a 4xx — never a 500. The tool plays the IdP; its
certificate is AgID's test certificate, expired in 2025, so the test configuration trusts that
one IdP's expired certificate (SPORTELLO_IDP_TRUST_EXPIRED, refused in production).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from gateway import create_app
from gateway.db import db

from ..browser.conftest import LiveServer, free_port
from ..conftest import make_config

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / ".venv-spid" / "bin" / "spid_sp_test"
TOOL_IDP = "https://localhost:8443"
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.slow


def run_tool(*args: str, report: Path) -> dict:
    result = subprocess.run(
        [
            str(TOOL),
            *args,
            "--profile",
            "spid-sp-public",
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


@pytest.fixture(scope="module")
def gateway_url(tool_dir: Path, sqlite_template: Path) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    db_path = tool_dir / "gateway.sqlite"
    shutil.copy(sqlite_template, db_path)
    idp_file = str(tool_dir / "tool-idp.xml")
    app: Flask = create_app(
        make_config(
            f"sqlite:///{db_path}",
            base_url=base,
            idp_metadata=idp_file,
            idp_trust_expired=idp_file,
            # The tool logs in ~450 times from one address within a minute or two.
            rate_limits="login=5000/60,acs=5000/60",
        )
    )
    server = LiveServer(app, port=port)
    with server:
        yield base
    db.engine(app).dispose()


def test_metadata_passes(gateway_url: str, tool_dir: Path) -> None:
    report = run_tool(
        "--metadata-url", f"{gateway_url}/saml/metadata", "--extra", report=tool_dir / "md.json"
    )
    assert failures(report) == []
    assert successes(report) > 80


@pytest.mark.parametrize("level", [1, 2, 3])
def test_authn_request_passes(gateway_url: str, tool_dir: Path, level: int) -> None:
    report = run_tool(
        "--metadata-url",
        f"{gateway_url}/saml/metadata",
        "--extra",
        "--authn-url",
        f"{gateway_url}/accedi/spid?idp={TOOL_IDP}&level={level}",
        report=tool_dir / f"authn-{level}.json",
    )
    assert failures(report) == []
    assert successes(report) > 140


def test_responses_pass(gateway_url: str, tool_dir: Path) -> None:
    report = run_tool(
        "--metadata-url",
        f"{gateway_url}/saml/metadata",
        "--authn-url",
        f"{gateway_url}/accedi/spid?idp={TOOL_IDP}&level=2",
        "-tr",
        report=tool_dir / "responses.json",
    )
    assert failures(report) == []
    assert successes(report) > 200
