"""Builds the SAML service provider, the trusted IdPs and (demo, tests) the test IdP."""

from __future__ import annotations

import logging
import re
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
from identity.errors import ConfigurationError as IdentityConfigurationError
from identity.saml.metadata import build_sp_metadata
from identity.saml.metadata_trust import sign_metadata
from identity.testdata import (
    federation_cert_pem,
    federation_key_pem,
    is_test_certificate,
    sp_cert_pem,
    sp_key_pem,
)

from ..config import Config, ConfigurationError
from ..db import db
from ..ente import Ente
from ..redis_store import redis_client
from .buttons import spid_logo, spid_name
from .replay import DatabaseReplayCache, FallbackReplayCache

log = logging.getLogger(__name__)
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----\s*")

TEST_IDP_PATH = "/test-idp"
TEST_OP_PATH = "/test-op"
TEST_OP_SECRET = "TEST-ONLY-sportello-oidc-secret"  # noqa: S105 - the public test provider's


@dataclass(frozen=True)
class ProviderChoice:
    """One entry of the login page's IdP list."""

    entity_id: str
    label: str
    method: str
    logo: str | None = None  # static path of the kit's logo (buttons.py), if it has one

    def login_url(self, next_url: str) -> str:
        query = urlencode({"idp": self.entity_id, "next": next_url})
        return f"{url_for('auth.spid_login')}?{query}"


def sp_settings(config: Config, ente: Ente) -> SPSettings:
    """The service provider of ``ente`` at the gateway's address."""
    base = config.base_url.rstrip("/")
    if config.sp_cert_file:
        cert, key = Path(config.sp_cert_file).read_text(), Path(config.sp_key_file).read_text()
    else:
        cert, key = sp_cert_pem(), sp_key_pem()
    try:
        return SPSettings(
            entity_id=f"{base}/saml/metadata",
            base_url=base,
            acs_url=f"{base}/saml/acs",
            slo_url=f"{base}/saml/slo",
            certificate_pem=cert,
            private_key_pem=key,
            organization=Organization(
                name=ente.organization.name,
                display_name=ente.organization.display_name,
                url=ente.organization.url,
            ),
            contact=contact_person(ente),
        )
    except IdentityConfigurationError as e:
        raise ConfigurationError(f"SPORTELLO_ENTE_FILE: {e}") from e


def contact_person(ente: Ente) -> ContactPerson:
    """The body as its SPID and CIE metadata describe it (checked when the record loaded)."""
    return ContactPerson(
        ipa_code=ente.ipa_code,
        email=ente.organization.contact_email,
        phone=ente.organization.contact_phone,
        # What the CIE metadata also register of the body; its fiscal code is the creditor's.
        municipality=ente.address.municipality_code,
        province=ente.address.province,
        country=ente.address.country,
        fiscal_code=ente.creditor_fiscal_code,
        vat_number=ente.vat_number or None,
        ipa_category=ente.ipa_category or None,
    )


def replay_cache(app: Flask, config: Config) -> ReplayCache:
    database = DatabaseReplayCache(db.side_factory(app))
    client = redis_client(app)
    if client is not None:
        return FallbackReplayCache(RedisReplayCache(client), database)
    return database


def init_identity(app: Flask) -> None:
    """Attach the service provider (and the test IdP when enabled) to the app."""
    config: Config = app.config["SPORTELLO"]
    settings = sp_settings(config, config.ente)
    sources = idp_sources(config)
    if config.test_idp_enabled:
        from identity.testidp import TestIdP, TestIdPApp, TestIdPSettings

        base = config.base_url.rstrip("/") + TEST_IDP_PATH
        test_idp = TestIdP(
            TestIdPSettings(entity_id=base, base_url=base),
            service_providers=[build_sp_metadata(settings)],
        )
        # Loaded as a federation entry is: signed (by the TEST federation key), then verified.
        sources.append(
            IdPSource(
                metadata=sign_metadata(
                    test_idp.metadata(), federation_key_pem(), federation_cert_pem()
                ),
                signer_certificates=(federation_cert_pem(),),
                display_name="Sportello Test IdP",
            )
        )
        app.extensions["sportello.test_idp"] = test_idp
        app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
            app.wsgi_app, {TEST_IDP_PATH: TestIdPApp(test_idp)}
        )
    init_oidc(app, config)
    registry = IdPRegistry(sources, cache_seconds=config.idp_metadata_refresh_seconds)
    if config.profile == "production":
        refuse_test_idps(registry)
    readiness = app.extensions.setdefault("sportello.readiness", {})
    readiness["identity.metadata"] = lambda: metadata_state(registry)
    sp = ServiceProvider(settings, registry, replay_cache(app, config))
    app.extensions["sportello.saml_sp"] = sp
    app.extensions["sportello.identity_providers"] = [
        ProviderChoice(
            idp.entity_id,
            spid_name(idp.entity_id, idp.display_name),
            idp.method,
            spid_logo(idp.entity_id) if idp.method == "spid" else None,
        )
        for idp in registry.all()
    ]


def idp_sources(config: Config) -> list[IdPSource]:
    """The configured SPID and CIE metadata, each signed by the federation or explicitly not."""
    trusted_expired = set(Config.split(config.idp_trust_expired))
    unsigned = set(Config.split(config.idp_metadata_unsigned))
    signers = federation_signers(config)
    sources = []
    for variable, method, value in (
        ("SPORTELLO_IDP_METADATA", "spid", config.idp_metadata),
        ("SPORTELLO_CIE_IDP_METADATA", "cie", config.cie_idp_metadata),
    ):
        for location in Config.split(value):
            if location in unsigned:
                log.warning("IdP metadata %s is trusted WITHOUT a signature (test only)", location)
            elif not signers:
                raise ConfigurationError(
                    f"{variable} lists {location} but SPORTELLO_IDP_METADATA_SIGNER is not set: "
                    "the federation certificate that signs it (a local test file may be listed "
                    "in SPORTELLO_IDP_METADATA_UNSIGNED instead, outside production)"
                )
            sources.append(
                IdPSource(
                    location=location,
                    method=method,  # type: ignore[arg-type]
                    accept_expired_certificate=location in trusted_expired,
                    signer_certificates=() if location in unsigned else signers,
                    allow_unsigned=location in unsigned,
                )
            )
    return sources


def federation_signers(config: Config) -> tuple[str, ...]:
    """The PEM certificates in the files of SPORTELLO_IDP_METADATA_SIGNER."""
    pems: list[str] = []
    for path in Config.split(config.idp_metadata_signer):
        try:
            text = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigurationError(
                f"SPORTELLO_IDP_METADATA_SIGNER: cannot read {path}: {e}"
            ) from e
        found = _PEM.findall(text)
        if not found:
            raise ConfigurationError(f"SPORTELLO_IDP_METADATA_SIGNER: no certificate in {path}")
        for pem in found:
            if config.profile == "production" and is_test_certificate(pem):
                raise ConfigurationError(
                    f"SPORTELLO_IDP_METADATA_SIGNER: {path} is a public TEST certificate"
                )
        pems.extend(found)
    return tuple(pems)


def metadata_state(registry: IdPRegistry) -> dict[str, object]:
    """For /readyz: each metadata source, when it was last loaded good, and its last error."""
    return {
        status.location: {
            "loaded_at": status.loaded_at.isoformat() if status.loaded_at else None,
            "error": status.last_error,
            "signature_checked": status.signature_checked,
        }
        for status in registry.status()
    }


def refuse_test_idps(registry: IdPRegistry) -> None:
    """Production never trusts an IdP whose signing key is one of the repository's."""
    for idp in registry.all():
        if any(is_test_certificate(pem) for pem in idp.signing_certificates):
            raise ConfigurationError(
                f"SPORTELLO_IDP_METADATA: the IdP {idp.entity_id} signs with a public TEST "
                "certificate from this repository: anyone could log in as anyone. Remove it"
            )


def oidc_acr_levels(config: Config) -> dict[str, int]:
    """``SPORTELLO_OIDC_ACR_LEVELS``: the provider's acr values and the SPID level of each."""
    levels: dict[str, int] = {}
    for part in Config.split(config.oidc_acr_levels):
        acr, sep, level = part.rpartition("=")
        if not sep or not acr or level not in ("1", "2", "3"):
            raise ConfigurationError(
                f"SPORTELLO_OIDC_ACR_LEVELS: {part!r} is not <acr value>=<level 1, 2 or 3>"
            )
        levels[acr] = int(level)
    return levels


def service_provider(app: Flask) -> ServiceProvider:
    return app.extensions["sportello.saml_sp"]


def init_oidc(app: Flask, config: Config) -> None:
    """An OIDC relying party when a provider is configured (demo: the mounted test provider)."""
    from identity.oidc import OIDCSettings, RelyingParty
    from identity.oidc.settings import SPID_ACR_LEVELS

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
        acr_levels=oidc_acr_levels(config) if config.oidc_acr_levels else SPID_ACR_LEVELS,
    )
    app.extensions["sportello.oidc_rp"] = RelyingParty(settings)
    app.extensions["sportello.oidc_label"] = config.oidc_label
