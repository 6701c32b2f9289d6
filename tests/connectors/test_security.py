"""WS-Security UsernameToken: both password forms accepted, anything else refused."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from connectors import AuthenticationFailed, FinesConnector, HealthConnector, Invalid
from connectors.simulators import RunningSimulators

from .cast import GIULIA
from .conftest import TEST_PASSWORD, TEST_USER, settings_for
from .soap_messages import digest_token, envelope, fault_parts, post, text_token

HEALTH = "urn:regione-esempio:fse:v1"
BODY = (
    f'<h:ListDocumentsRequest xmlns:h="{HEALTH}">'
    f"<h:patientFiscalCode>{GIULIA}</h:patientFiscalCode></h:ListDocumentsRequest>"
)


@pytest.mark.parametrize("use_digest", [True, False], ids=["digest", "text"])
def test_connector_authenticates_with_either_password_form(
    sims: RunningSimulators, use_digest: bool
) -> None:
    health = HealthConnector(settings_for(sims, "health", use_digest=use_digest))
    assert len(health.list_documents(GIULIA)) >= 8


@pytest.mark.parametrize("use_digest", [True, False], ids=["digest", "text"])
def test_wrong_password_is_refused(sims: RunningSimulators, use_digest: bool) -> None:
    settings = settings_for(sims, "fines", password="not-the-password", use_digest=use_digest)
    with pytest.raises(AuthenticationFailed) as caught:
        FinesConnector(settings).list_by_fiscal_code(GIULIA)
    assert isinstance(caught.value, Invalid)  # callers that only know Invalid do not retry
    assert caught.value.legacy_code == "WSS-401"
    assert caught.value.fault_code == "Client.Authentication"


def test_wrong_username_is_refused(sims: RunningSimulators) -> None:
    with pytest.raises(AuthenticationFailed):
        FinesConnector(settings_for(sims, "fines", username="intruder")).list_by_plate("EK903ZP")


def _auth_refused(sims: RunningSimulators, token: str | None) -> bool:
    status, answer = post(sims.url("health"), envelope(BODY, token), "")
    if status == 200:
        return False
    assert fault_parts(answer) == ("soap:Client.Authentication", "WSS-401")
    return True


def test_missing_security_header_is_refused(sims: RunningSimulators) -> None:
    assert _auth_refused(sims, None)
    assert not _auth_refused(sims, text_token(TEST_USER, TEST_PASSWORD))


def test_wrong_plain_text_password_is_refused(sims: RunningSimulators) -> None:
    assert _auth_refused(sims, text_token(TEST_USER, TEST_PASSWORD + "x"))


def test_replayed_digest_nonce_is_refused(sims: RunningSimulators) -> None:
    nonce = os.urandom(16)
    assert not _auth_refused(sims, digest_token(TEST_USER, TEST_PASSWORD, nonce=nonce))
    assert _auth_refused(sims, digest_token(TEST_USER, TEST_PASSWORD, nonce=nonce))


def test_stale_digest_is_refused(sims: RunningSimulators) -> None:
    old = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
    assert _auth_refused(sims, digest_token(TEST_USER, TEST_PASSWORD, created=old))
