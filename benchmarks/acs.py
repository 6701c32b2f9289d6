"""SAML ACS: signed responses validated per second through the ACS endpoint.

Floor: the xmlsec signature checks of the same responses (Response and Assertion), alone, with
as many processes as the server has workers. The server runs the production shape (gunicorn
gthread workers, PostgreSQL, Redis replay cache).

Peer: python3-saml's own demo-flask ACS (``benchmarks.peer_saml``) under the same gunicorn
settings, given the same signed responses in alternating batches; the CPU of each server's
worker processes per login is the figure compared (the load generator is left out).
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity.testidp import TestIdP, TestIdPSettings

from .common import Row, Table, percentile, process_cpu_seconds
from .servers import ROOT, VENV, Stack, free_port, production_stack, wait_http

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


BATCH = 60


def peer_settings(base: str, idp_cert: str) -> dict[str, object]:
    """python3-saml settings accepting what Sportello's ACS accepts (strict, as in the demo)."""
    return {
        "strict": True,
        "sp": {
            "entityId": f"{base}/saml/metadata",
            "assertionConsumerService": {
                "url": f"{base}/saml/acs",
                "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
            },
            "NameIDFormat": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
        },
        "idp": {
            "entityId": f"{base}/test-idp",
            "singleSignOnService": {
                "url": f"{base}/test-idp/sso",
                "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
            },
            "x509cert": idp_cert,
        },
        "security": {"wantAssertionsSigned": True, "requestedAuthnContext": False},
    }


def start_peer(stack: Stack, settings_file: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **stack.env,
        "SPORTELLO_BENCH_PEER_SETTINGS": str(settings_file),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    process = subprocess.Popen(
        [str(VENV / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
         "--access-logfile", "/dev/null", "benchmarks.peer_saml:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/saml/acs")  # a 405 to a GET: it is up
    return process, url


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def run(table: Table, *, rounds: int = 5) -> None:
    count = BATCH * rounds
    with production_stack(workers=WORKERS) as stack:
        logins, cert = prepare(stack.base_url, count)
        host = urlsplit(stack.base_url).netloc
        with tempfile.TemporaryDirectory() as tmp:
            settings_file = Path(tmp) / "peer.json"
            settings_file.write_text(json.dumps(peer_settings(stack.base_url, cert)))
            peer, peer_url = start_peer(stack, settings_file)
            try:
                ours, theirs = measure(stack, peer, peer_url, host, logins)
            finally:
                peer.terminate()
                peer.wait(timeout=20)

    items = [(form["SAMLResponse"], cert) for _, form in logins]
    with ProcessPoolExecutor(WORKERS) as processes:
        list(processes.map(verify_only, items[:10]))
        started = time.perf_counter()
        assert all(processes.map(verify_only, items, chunksize=10))
        floor_rate = count / (time.perf_counter() - started)
    ratio = floor_rate / ours.rate
    table.add(
        Row(
            f"SAML ACS ({WORKERS} workers)",
            f"{ours.rate:.0f} logins/s, p50 {percentile(ours.latencies, 50):.0f} ms, "
            f"p99 {percentile(ours.latencies, 99):.0f} ms, {ours.cpu_ms:.1f} ms CPU a login",
            f"{floor_rate:.0f} signature checks/s ({WORKERS} processes)",
            ratio,
            "within 1.3x",
            "ok" if ratio <= 1.3 else "over target",
        )
    )
    cpu_ratio = ours.cpu_ms / theirs.cpu_ms
    table.add(
        Row(
            "SAML ACS, CPU a login: Sportello vs python3-saml's demo-flask ACS (same responses)",
            f"{ours.cpu_ms:.1f} ms vs {theirs.cpu_ms:.1f} ms ({theirs.rate:.0f} logins/s for "
            "the peer)",
            f"peer: {theirs.cpu_ms:.1f} ms CPU, no SPID checks, replay cache, audit or session",
            cpu_ratio,
            "within 1.2x",
            "ok" if cpu_ratio <= 1.2 else "over target",
        )
    )


class Measured:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.seconds = 0.0
        self.cpu = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu / len(self.latencies) * 1000


def measure(
    stack: Stack,
    peer: subprocess.Popen[bytes],
    peer_url: str,
    host: str,
    logins: list[tuple[requests.Session, dict[str, str]]],
) -> tuple[Measured, Measured]:
    """Batches of the same responses, alternately to Sportello's ACS and to the peer's."""
    ours, theirs = Measured(), Measured()

    def post_ours(item: tuple[requests.Session, dict[str, str]]) -> float:
        session, form = item
        t0 = time.perf_counter()
        answer = session.post(
            f"{stack.base_url}/saml/acs", data=form, allow_redirects=False, timeout=30
        )
        if answer.status_code != 302:
            raise RuntimeError(f"ACS answered {answer.status_code}")
        return (time.perf_counter() - t0) * 1000

    peer_session = requests.Session()

    def post_peer(item: tuple[requests.Session, dict[str, str]]) -> float:
        _session, form = item
        t0 = time.perf_counter()
        # The Host of Sportello's URL: the response's Destination and Recipient name it.
        answer = peer_session.post(
            f"{peer_url}/saml/acs", data=form, headers={"Host": host},
            allow_redirects=False, timeout=30,
        )  # fmt: skip
        if answer.status_code != 302:
            raise RuntimeError(f"peer ACS answered {answer.status_code}: {answer.text[:300]}")
        return (time.perf_counter() - t0) * 1000

    # One warm-up batch each (schema compilation, connections), not counted.
    warm = logins[:10]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(post_ours, warm))
        list(pool.map(post_peer, warm))
        for start in range(10, len(logins), BATCH):
            batch = logins[start : start + BATCH]
            for target, post, pids in (
                (ours, post_ours, stack.worker_pids()),
                (theirs, post_peer, children(peer.pid)),
            ):
                cpu0, t0 = process_cpu_seconds(pids), time.perf_counter()
                target.latencies += list(pool.map(post, batch))
                target.seconds += time.perf_counter() - t0
                target.cpu += process_cpu_seconds(pids) - cpu0
    return ours, theirs
