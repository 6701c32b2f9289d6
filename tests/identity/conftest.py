"""Fixtures: the demo SP (TEST-ONLY keys), the built-in test IdP, and a pending login."""

from __future__ import annotations

import pytest

from identity.replay import InMemoryReplayCache
from identity.saml import LoginRequest, ServiceProvider
from identity.saml.idp_registry import IdPRegistry
from identity.saml.metadata import build_sp_metadata
from identity.settings import SPSettings
from identity.testidp.idp import AuthnRequestInfo, TestIdP, TestIdPSettings

from .support import IDP_ENTITY_ID, create_idp_source, create_sp_settings, received_by_idp


@pytest.fixture(scope="session")
def sp_settings() -> SPSettings:
    return create_sp_settings()


@pytest.fixture(scope="session")
def idp(sp_settings: SPSettings) -> TestIdP:
    test_idp = TestIdP(TestIdPSettings(entity_id=IDP_ENTITY_ID, base_url=IDP_ENTITY_ID))
    test_idp.register_sp(build_sp_metadata(sp_settings))
    return test_idp


@pytest.fixture(scope="session")
def registry(idp: TestIdP) -> IdPRegistry:
    return IdPRegistry([create_idp_source(idp)])


@pytest.fixture
def sp(sp_settings: SPSettings, registry: IdPRegistry) -> ServiceProvider:
    return ServiceProvider(sp_settings, registry, InMemoryReplayCache())


@pytest.fixture
def pending(sp: ServiceProvider, idp: TestIdP) -> tuple[LoginRequest, AuthnRequestInfo]:
    """A SpidL2 login by HTTP-POST, as received by the test IdP."""
    login = sp.login(IDP_ENTITY_ID, level=2, binding="post")
    return login, received_by_idp(idp, login)
