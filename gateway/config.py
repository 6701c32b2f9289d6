"""Configuration of the gateway: read from the environment once, read-only afterwards.

Three profiles: ``demo`` (the default: SQLite, test IdP, simulators, nothing to set),
``test`` (the test suite) and ``production`` (refuses unsafe defaults at start-up).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEMO_SECRET_KEY = "sportello-demo-secret-key-not-for-production"  # noqa: S105 - marked demo key
INSTANCE_DIR = Path(os.environ.get("SPORTELLO_INSTANCE_DIR", Path.cwd() / "instance"))


class ConfigurationError(RuntimeError):
    """The configuration cannot be used; the message names the variable to set."""


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


NOT_FROM_ENV = {"env": None}


@dataclass(frozen=True)
class Config:
    """Settings of one running gateway. Frozen: nothing changes them at run time."""

    profile: str = "demo"
    secret_key: str = DEMO_SECRET_KEY
    database_url: str = ""
    base_url: str = "http://127.0.0.1:5000"
    redis_url: str = ""
    single_worker: bool = False
    trusted_proxies: str = ""
    log_json: bool = False
    log_level: str = "INFO"
    secure_cookies: bool = False
    hsts: bool = False
    session_idle_minutes: int = 30
    session_absolute_hours: int = 8
    max_content_length: int = 10 * 1024 * 1024
    default_locale: str = field(default="it", metadata=NOT_FROM_ENV)
    locales: tuple[str, ...] = field(default=("it", "en"), metadata=NOT_FROM_ENV)
    test_idp_enabled: bool = field(default=True, metadata={"env": "SPORTELLO_TEST_IDP"})
    simulators_url: str = "http://127.0.0.1:8088"
    connector_user: str = "sportello"
    connector_password: str = "sportello-demo"  # noqa: S105 - demo credentials of the simulators
    auto_migrate: bool = False
    testing: bool = field(default=False, metadata=NOT_FROM_ENV)
    sp_cert_file: str = ""
    sp_key_file: str = ""
    ipa_code: str = "c_x000"
    contact_email: str = "urp@comune.villanova.example"
    contact_phone: str = "+390123456789"
    cie_municipality: str = "X000"  # fictional cadastral code, like the demo IPA code c_x000
    cie_province: str = ""
    cie_ipa_category: str = "L6"
    cie_vat_number: str = ""
    cie_idp_metadata: str = ""
    idp_metadata: str = ""
    idp_metadata_signer: str = ""
    idp_metadata_unsigned: str = ""
    idp_metadata_refresh_seconds: int = 6 * 3600
    idp_trust_expired: str = ""
    spid_levels: str = ""
    oidc_acr_levels: str = ""
    seal_key_file: str = ""
    seal_retired_keys: str = ""
    creditor_name: str = "Comune di Villanova"
    creditor_fiscal_code: str = "80001234568"  # fictional, valid check digit
    notice_segregation_code: str = "01"
    cbill_code: str = "VLN01"  # fictional; the creditor's 5-character CBILL code, "" for none
    oidc_issuer: str = ""
    oidc_client_id: str = "sportello"
    oidc_client_secret: str = ""
    oidc_fiscal_code_claim: str = "https://attributes.eid.gov.it/fiscal_number"
    oidc_label: str = "CIE (OpenID Connect)"
    rate_limits: str = ""
    retention: str = ""
    jobs_interval_seconds: int = 300
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_tls: str = "none"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "Comune di Villanova <noreply@comune.villanova.example>"
    extra: Mapping[str, Any] = field(default_factory=dict, metadata=NOT_FROM_ENV)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Config:
        """Build the profile named by ``SPORTELLO_PROFILE`` from the environment.

        Values given as ``overrides`` win over the environment. The result is checked: a
        production profile with a demo secret, the test IdP or no database refuses to start.
        """
        env = os.environ if environ is None else environ
        profile = overrides.pop("profile", None) or env.get("SPORTELLO_PROFILE", "demo")
        base = PROFILES.get(profile)
        if base is None:
            raise ConfigurationError(
                f"SPORTELLO_PROFILE={profile!r} is unknown: use one of {', '.join(PROFILES)}"
            )
        values: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, var in environment_names().items():
            if name == "profile" or var not in env:
                continue
            raw = env[var]
            kind = types[name]
            try:
                if kind == "bool":
                    values[name] = _bool(raw)
                elif kind == "int":
                    values[name] = int(raw)
                else:
                    values[name] = raw
            except ValueError as e:
                raise ConfigurationError(f"{var}={raw!r} is not a valid {kind}") from e
        values.update(overrides)
        config = replace(base, **values)
        if not config.database_url:
            config = replace(config, database_url=config.default_database_url())
        config.check()
        return config

    def default_database_url(self) -> str:
        """SQLite in the instance folder for the demo; production has no default."""
        if self.profile == "production":
            return ""
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{INSTANCE_DIR / 'sportello.sqlite'}"

    def check(self) -> None:
        """Refuse settings that are unsafe for the profile, naming what to set."""
        if self.trusted_proxies:
            from .proxies import parse_trusted

            try:
                parse_trusted(self.trusted_proxies)
            except ValueError as e:
                raise ConfigurationError(f"SPORTELLO_TRUSTED_PROXIES: {e}") from e
        if self.cbill_code and not re.fullmatch(r"[A-Z0-9]{5}", self.cbill_code):
            raise ConfigurationError(
                "SPORTELLO_CBILL_CODE is not a CBILL code: 5 capital letters or digits (or empty)"
            )
        if self.profile != "production":
            return
        if not self.database_url:
            raise ConfigurationError(
                "SPORTELLO_DATABASE_URL is not set: production needs a PostgreSQL URL "
                "(postgresql+psycopg://user@host/db)"
            )
        if self.secret_key == DEMO_SECRET_KEY or len(self.secret_key) < 32:
            raise ConfigurationError(
                "SPORTELLO_SECRET_KEY is the demo key or shorter than 32 characters: "
                "set a random secret (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if self.test_idp_enabled:
            raise ConfigurationError(
                "The built-in test identity provider is enabled: set SPORTELLO_TEST_IDP=false"
            )
        if not self.base_url.startswith("https://"):
            raise ConfigurationError(
                "SPORTELLO_BASE_URL is not set to the public https:// address of the gateway"
            )
        if not (self.sp_cert_file and self.sp_key_file):
            raise ConfigurationError(
                "SPORTELLO_SP_CERT_FILE / SPORTELLO_SP_KEY_FILE are not set: make the SPID "
                "certificate with `python -m identity.keys` and point both variables at it"
            )
        from identity.testdata import is_test_certificate

        if is_test_certificate(Path(self.sp_cert_file).read_text()):
            raise ConfigurationError(
                "SPORTELLO_SP_CERT_FILE is the public TEST certificate: use your own"
            )
        if not self.seal_key_file:
            raise ConfigurationError(
                "SPORTELLO_SEAL_KEY_FILE is not set: the P-256 private key (PEM) that signs the "
                "seals of receipts and certificates"
            )
        if not self.redis_url and not self.single_worker:
            raise ConfigurationError(
                "SPORTELLO_REDIS_URL is not set: several workers share rate limits, nonces, the "
                "replay cache and live help through Redis (for one single process, set "
                "SPORTELLO_SINGLE_WORKER=true)"
            )
        if self.idp_trust_expired:
            raise ConfigurationError(
                "SPORTELLO_IDP_TRUST_EXPIRED is for conformance testing only: unset it"
            )
        self._check_idp_trust()
        if self.connector_password == Config.connector_password:
            raise ConfigurationError(
                "SPORTELLO_CONNECTOR_PASSWORD is the simulators' demo password: set the real one"
            )

    def _check_idp_trust(self) -> None:
        """Production trusts IdP metadata only over https and only signed by the federation."""
        listed = {
            "SPORTELLO_IDP_METADATA": Config.split(self.idp_metadata),
            "SPORTELLO_CIE_IDP_METADATA": Config.split(self.cie_idp_metadata),
        }
        for variable, locations in listed.items():
            for location in locations:
                scheme = location.partition(":")[0].lower() if ":" in location else ""
                if scheme not in ("", "https", "file") or location.startswith("//"):
                    raise ConfigurationError(
                        f"{variable} lists {location!r}: metadata URLs must be https://"
                    )
        if self.idp_metadata_unsigned:
            raise ConfigurationError(
                "SPORTELLO_IDP_METADATA_UNSIGNED is for local test files only: unset it and "
                "set SPORTELLO_IDP_METADATA_SIGNER to the federation's signing certificate"
            )
        if self.cie_idp_metadata and self.cie_municipality == Config.cie_municipality:
            raise ConfigurationError(
                "SPORTELLO_CIE_MUNICIPALITY is the demo's made-up code: set the cadastral code "
                "of the comune of the body's seat (H501 for Roma)"
            )
        if (self.idp_metadata or self.cie_idp_metadata) and not self.idp_metadata_signer:
            raise ConfigurationError(
                "SPORTELLO_IDP_METADATA_SIGNER is not set: the PEM file(s) of the federation "
                "certificates that sign the IdP metadata (AgID for SPID, the Ministry of the "
                "Interior for CIE)"
            )

    @staticmethod
    def split(value: str) -> tuple[str, ...]:
        return tuple(part.strip() for part in value.split(",") if part.strip())


def environment_names() -> dict[str, str]:
    """The variable of each setting: ``SPORTELLO_`` + the field's name in capitals, unless the
    field names another (``metadata={"env": ...}``) or none (set by the code, not operators)."""
    names = {}
    for f in fields(Config):
        env = f.metadata.get("env", f"SPORTELLO_{f.name.upper()}")
        if env is not None:
            names[f.name] = env
    return names


PROFILES: dict[str, Config] = {
    "demo": Config(profile="demo", auto_migrate=True),
    "test": Config(profile="test", testing=True, test_idp_enabled=True),
    "production": Config(
        profile="production",
        log_json=True,
        secure_cookies=True,
        hsts=True,
        test_idp_enabled=False,
        base_url="",
    ),
}
