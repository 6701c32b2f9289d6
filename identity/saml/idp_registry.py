"""Trusted identity providers: their metadata, loaded from files or URLs and cached.

One `IdPSource` per configuration entry. A source may hold one `EntityDescriptor` or an
`EntitiesDescriptor` with several IdPs (as AgID's registry does). Example, the conformance tool's
IdP, whose certificate expired on 2025-03-08::

    IdPSource("var/spid-sp-test-idp.xml", accept_expired_certificate=True)
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from cryptography import x509
from lxml import etree

from identity.errors import ConfigurationError, UnknownIdentityProvider
from identity.saml.xmlutil import NS, UnsafeXML, parse_untrusted, q, text_of

Fetcher = Callable[[str], bytes]


@dataclass(frozen=True)
class IdPSource:
    """Where one or more IdPs' metadata come from, and how far to trust it.

    `location` is a file path, a `file://` URL or an `http(s)://` URL; `metadata` (bytes) wins
    over `location` when given. `accept_expired_certificate` keeps an IdP usable after its
    signing certificate expired: only for test IdPs.
    """

    location: str = ""
    metadata: bytes | None = None
    accept_expired_certificate: bool = False
    method: Literal["spid", "cie"] = "spid"
    display_name: str | None = None


@dataclass(frozen=True)
class IdPMetadata:
    """What the SP needs of one IdP."""

    entity_id: str
    sso_urls: dict[str, str]  # binding -> URL
    slo_urls: dict[str, str]
    signing_certificates: tuple[str, ...]  # PEM
    method: Literal["spid", "cie"] = "spid"
    display_name: str | None = None
    accept_expired_certificate: bool = False
    _not_after: tuple[dt.datetime, ...] = field(default=(), repr=False, compare=False)

    def usable_certificates(self, now: dt.datetime | None = None) -> tuple[str, ...]:
        """Signing certificates to verify with: the unexpired ones, or all if so configured."""
        if self.accept_expired_certificate:
            return self.signing_certificates
        now = now or dt.datetime.now(dt.UTC)
        return tuple(
            pem
            for pem, end in zip(self.signing_certificates, self._not_after, strict=True)
            if end > now
        )

    def sso_url(self, binding: str) -> str:
        """SSO endpoint for `binding`; ConfigurationError when the IdP does not offer it."""
        try:
            return self.sso_urls[binding]
        except KeyError as e:
            raise ConfigurationError(f"IdP {self.entity_id} has no SSO for {binding}") from e


def _der_to_pem(b64: str) -> str:
    body = "".join(b64.split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def parse_idp_metadata(data: bytes, source: IdPSource | None = None) -> list[IdPMetadata]:
    """Every IdP (`IDPSSODescriptor`) described in a metadata document."""
    source = source or IdPSource()
    try:
        root = parse_untrusted(data)
    except UnsafeXML as e:
        raise ConfigurationError(f"IdP metadata does not parse: {e}") from e
    if root.tag == q("md", "EntityDescriptor"):
        entities = [root]
    else:
        entities = list(root.iter(q("md", "EntityDescriptor")))
    result = []
    for entity in entities:
        descriptor = entity.find("md:IDPSSODescriptor", NS)
        if descriptor is None:
            continue
        entity_id = entity.get("entityID")
        if not entity_id:
            raise ConfigurationError("IdP metadata without entityID")
        result.append(_idp_from_descriptor(entity_id, descriptor, source))
    if not result:
        raise ConfigurationError("no IDPSSODescriptor in the IdP metadata")
    return result


def _idp_from_descriptor(
    entity_id: str, descriptor: etree._Element, source: IdPSource
) -> IdPMetadata:
    sso = {
        e.get("Binding", ""): e.get("Location", "")
        for e in descriptor.findall("md:SingleSignOnService", NS)
    }
    slo = {
        e.get("Binding", ""): e.get("Location", "")
        for e in descriptor.findall("md:SingleLogoutService", NS)
    }
    pems: list[str] = []
    not_after: list[dt.datetime] = []
    for key in descriptor.findall("md:KeyDescriptor", NS):
        if key.get("use") not in (None, "signing"):
            continue
        for node in key.iterfind(".//ds:X509Certificate", NS):
            pem = _der_to_pem(text_of(node) or "")
            try:
                cert = x509.load_pem_x509_certificate(pem.encode())
            except ValueError as e:
                raise ConfigurationError(f"bad certificate for IdP {entity_id}: {e}") from e
            pems.append(pem)
            not_after.append(cert.not_valid_after_utc)
    if not pems:
        raise ConfigurationError(f"IdP {entity_id} has no signing certificate")
    if not sso:
        raise ConfigurationError(f"IdP {entity_id} has no SingleSignOnService")
    return IdPMetadata(
        entity_id=entity_id,
        sso_urls=sso,
        slo_urls=slo,
        signing_certificates=tuple(pems),
        method=source.method,
        display_name=source.display_name,
        accept_expired_certificate=source.accept_expired_certificate,
        _not_after=tuple(not_after),
    )


def _default_fetch(location: str) -> bytes:
    scheme = urlsplit(location).scheme
    if scheme in ("http", "https"):
        import requests  # only needed for remote metadata

        try:
            reply = requests.get(location, timeout=10)
            reply.raise_for_status()
        except requests.RequestException as e:
            raise ConfigurationError(f"cannot fetch IdP metadata {location}: {e}") from e
        return reply.content
    path = Path(urlsplit(location).path if scheme == "file" else location)
    try:
        return path.read_bytes()
    except OSError as e:
        raise ConfigurationError(f"cannot read IdP metadata {location}: {e}") from e


class IdPRegistry:
    """The trusted IdPs, by entityID, reloaded from their sources after `cache_seconds`.

    Thread-safe. If a reload fails, the previous metadata stay in use (and the error is raised
    only when there is nothing cached yet), so an IdP's short outage does not stop logins.
    """

    def __init__(
        self,
        sources: Iterable[IdPSource],
        *,
        cache_seconds: int = 24 * 3600,
        fetch: Fetcher | None = None,
    ) -> None:
        self._sources = tuple(sources)
        self._cache_seconds = cache_seconds
        self._fetch = fetch or _default_fetch
        self._lock = threading.Lock()
        self._idps: dict[str, IdPMetadata] = {}
        self._loaded_at: float | None = None

    def _load(self) -> dict[str, IdPMetadata]:
        idps: dict[str, IdPMetadata] = {}
        for source in self._sources:
            data = source.metadata if source.metadata is not None else self._fetch(source.location)
            for idp in parse_idp_metadata(data, source):
                idps[idp.entity_id] = idp
        return idps

    def _current(self) -> dict[str, IdPMetadata]:
        with self._lock:
            stale = (
                self._loaded_at is None or time.monotonic() - self._loaded_at > self._cache_seconds
            )
            if stale:
                try:
                    self._idps = self._load()
                except ConfigurationError:
                    if self._loaded_at is None:
                        raise
                self._loaded_at = time.monotonic()
            return self._idps

    def get(self, entity_id: str) -> IdPMetadata:
        """The IdP with this entityID; `UnknownIdentityProvider` if it is not trusted."""
        try:
            return self._current()[entity_id]
        except KeyError:
            raise UnknownIdentityProvider(entity_id) from None

    def all(self) -> list[IdPMetadata]:
        """Every trusted IdP (for the chooser page), sorted by entityID."""
        return sorted(self._current().values(), key=lambda idp: idp.entity_id)

    def refresh(self) -> None:
        """Reload all sources now."""
        with self._lock:
            self._loaded_at = None
        self._current()
