"""Builds the SAML service provider, the trusted IdPs and (demo, tests) the test IdP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, url_for
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from identity import (
    ContactPerson,
    IdPRegistry,
    IdPSource,
    Organization,
    RedisReplayCache,
    ReplayCache,
    ServiceProvider,
    SPSettings,
)
from identity.saml.metadata import build_sp_metadata
from identity.testdata import sp_cert_pem, sp_key_pem

from ..config import Config
from ..db import db
from .replay import DatabaseReplayCache

TEST_IDP_PATH = "/test-idp"
TEST_OP_PATH = "/test-op"
TEST_OP_SECRET = "TEST-ONLY-sportello-oidc-secret"  # noqa: S105 - the public test provider's


@dataclass(frozen=True)
class ProviderChoice:
    """One entry of the login page's IdP list."""

    entity_id: str
    label: str
    method: str

    def login_url(self, next_url: str) -> str:
        query = urlencode({"idp": self.entity_id, "next": next_url})
        return f"{url_for('auth.spid_login')}?{query}"


def sp_settings(config: Config) -> SPSettings:
    base = config.base_url.rstrip("/")
    if config.sp_cert_file:
        cert, key = Path(config.sp_cert_file).read_text(), Path(config.sp_key_file).read_text()
    else:
        cert, key = sp_cert_pem(), sp_key_pem()
    return SPSettings(
        entity_id=f"{base}/saml/metadata",
        base_url=base,
        acs_url=f"{base}/saml/acs",
        slo_url=f"{base}/saml/slo",
        certificate_pem=cert,
        private_key_pem=key,
        organization=Organization(
            name="Comune di Villanova", display_name="Comune di Villanova", url=base + "/"
        ),
        contact=ContactPerson(
            ipa_code=config.ipa_code, email=config.contact_email, phone=config.contact_phone
        ),
    )


def replay_cache(app: Flask, config: Config) -> ReplayCache:
    if config.redis_url:
        import redis

        return RedisReplayCache(redis.Redis.from_url(config.redis_url))
    return DatabaseReplayCache(db.session_factory(app))


def init_identity(app: Flask) -> None:
    """Attach the service provider (and the test IdP when enabled) to the app."""
    config: Config = app.config["SPORTELLO"]
    settings = sp_settings(config)
    trusted_expired = set(Config.split(config.idp_trust_expired))
    sources = [
        IdPSource(location=loc, accept_expired_certificate=loc in trusted_expired)
        for loc in Config.split(config.idp_metadata)
    ]
    if config.test_idp_enabled:
        from identity.testidp import TestIdP, TestIdPApp, TestIdPSettings

        base = config.base_url.rstrip("/") + TEST_IDP_PATH
        test_idp = TestIdP(
            TestIdPSettings(entity_id=base, base_url=base),
            service_providers=[build_sp_metadata(settings)],
        )
        sources.append(IdPSource(metadata=test_idp.metadata(), display_name="Sportello Test IdP"))
        app.extensions["sportello.test_idp"] = test_idp
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
            app.wsgi_app, {TEST_IDP_PATH: TestIdPApp(test_idp)}
        )
    init_oidc(app, config)
    registry = IdPRegistry(sources)
    sp = ServiceProvider(settings, registry, replay_cache(app, config))
    app.extensions["sportello.saml_sp"] = sp
    app.extensions["sportello.identity_providers"] = [
        ProviderChoice(idp.entity_id, idp.display_name or idp.entity_id, idp.method)
        for idp in registry.all()
    ]


def service_provider(app: Flask) -> ServiceProvider:
    return app.extensions["sportello.saml_sp"]  # type: ignore[no-any-return]


def init_oidc(app: Flask, config: Config) -> None:
    """An OIDC relying party when a provider is configured (demo: the mounted test provider)."""
    from identity.oidc import OIDCSettings, RelyingParty

    base = config.base_url.rstrip("/")
    issuer, secret = config.oidc_issuer, config.oidc_client_secret
    callback = f"{base}/accedi/oidc/callback"
    if not issuer and config.test_idp_enabled:
        from identity.testop import TestOP, TestOPApp, TestOPClient

        issuer, secret = base + TEST_OP_PATH, TEST_OP_SECRET
        op = TestOP(issuer, [TestOPClient(config.oidc_client_id, (callback,), secret)])
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
            app.wsgi_app, {TEST_OP_PATH: TestOPApp(op)}
        )
    if not issuer:
        return
    settings = OIDCSettings(
        issuer=issuer,
        client_id=config.oidc_client_id,
        client_secret=secret,
        redirect_uri=callback,
        fiscal_code_claim=config.oidc_fiscal_code_claim,
    )
    app.extensions["sportello.oidc_rp"] = RelyingParty(settings)
    app.extensions["sportello.oidc_label"] = config.oidc_label
