"""SAML ACS: signed responses validated per second through the ACS endpoint.

Floor: the xmlsec signature checks of the same responses (Response and Assertion), alone, with
as many processes as the server has workers. The server runs the production shape (gunicorn
gthread workers, PostgreSQL, Redis replay cache).
"""

from __future__ import annotations

import base64
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from urllib.parse import urlsplit

import requests
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity.testidp import TestIdP, TestIdPSettings

from .common import Row, Table, percentile
from .servers import production_stack

WORKERS = 2
MARIO = "RSSMRA80A01H501U"


def prepare(base: str, count: int) -> tuple[list[tuple[requests.Session, dict[str, str]]], str]:
    metadata = requests.get(f"{base}/saml/metadata", timeout=10).content
    idp = TestIdP(
        TestIdPSettings(entity_id=f"{base}/test-idp", base_url=f"{base}/test-idp"),
        service_providers=[metadata],
    )
    logins = []
    for _ in range(count):
        session = requests.Session()
        start = session.get(
            f"{base}/accedi/spid",
            params={"idp": idp.settings.entity_id, "next": "/area-personale/salute/"},
            allow_redirects=False,
            timeout=10,
        )
        request = idp.parse_authn_request(
            binding="redirect", query_string=urlsplit(start.headers["Location"]).query
        )
        _, saml_response, relay = idp.build_response(request, MARIO)
        logins.append((session, {"SAMLResponse": saml_response, "RelayState": relay or ""}))
    return logins, idp.settings.cert_pem


def verify_only(args: tuple[str, str]) -> bool:
    """What the floor does per response: parse it and check both XML signatures with xmlsec."""
    saml_response, cert = args
    document = etree.fromstring(base64.b64decode(saml_response))
    ok_response = OneLogin_Saml2_Utils.validate_sign(
        document, cert, xpath="/samlp:Response/ds:Signature", raise_exceptions=True
    )
    ok_assertion = OneLogin_Saml2_Utils.validate_sign(
        document, cert, xpath="/samlp:Response/saml:Assertion/ds:Signature", raise_exceptions=True
    )
    return bool(ok_response and ok_assertion)


def run(table: Table, *, rounds: int = 5) -> None:
    count = 60 * rounds
    with production_stack(workers=WORKERS) as stack:
        logins, cert = prepare(stack.base_url, count)

        def post(item: tuple[requests.Session, dict[str, str]]) -> float:
            session, form = item
            t0 = time.perf_counter()
            answer = session.post(
                f"{stack.base_url}/saml/acs", data=form, allow_redirects=False, timeout=30
            )
            if answer.status_code != 302:
                raise RuntimeError(f"ACS answered {answer.status_code}")
            return (time.perf_counter() - t0) * 1000

        started = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            latencies = list(pool.map(post, logins))
        acs_rate = count / (time.perf_counter() - started)

    items = [(form["SAMLResponse"], cert) for _, form in logins]
    with ProcessPoolExecutor(WORKERS) as processes:
        list(processes.map(verify_only, items[:10]))
        started = time.perf_counter()
        assert all(processes.map(verify_only, items, chunksize=10))
        floor_rate = count / (time.perf_counter() - started)
    ratio = floor_rate / acs_rate
    table.add(
        Row(
            "SAML ACS (2 workers)",
            f"{acs_rate:.0f} logins/s, p50 {percentile(latencies, 50):.0f} ms, "
            f"p99 {percentile(latencies, 99):.0f} ms",
            f"{floor_rate:.0f} signature checks/s ({WORKERS} processes)",
            ratio,
            "within 1.3x",
            "ok" if ratio <= 1.3 else "over target",
        )
    )
