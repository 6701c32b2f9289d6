"""Trusted identity providers: their metadata, loaded from files or URLs, checked and cached.

One `IdPSource` per configuration entry. A source may hold one `EntityDescriptor` or an
`EntitiesDescriptor` with several IdPs (as AgID's registry does). Its metadata count only when
signed by a federation operator listed in `signer_certificates` (`metadata_trust`); a local
test file may opt out with `allow_unsigned`. Examples::

    IdPSource(AGID_REGISTRY_URL, signer_certificates=(agid_metadata_cert_pem,))
    # the conformance tool's IdP: a local unsigned file, its certificate expired on 2025-03-08
    IdPSource("var/spid-sp-test-idp.xml", allow_unsigned=True, accept_expired_certificate=True)
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from identity.errors import ConfigurationError, MetadataTrustError, UnknownIdentityProvider
from identity.saml.metadata_trust import (
    MAX_METADATA_BYTES,
    check_valid_until,
    parse_metadata,
    verify_signed_metadata,
)
from identity.saml.xmlutil import NS, q, text_of

Fetcher = Callable[[str], bytes]
FETCH_TIMEOUT_SECONDS = 10
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class IdPSource:
    """Where one or more IdPs' metadata come from, and how far to trust it.

    `location` is a file path, a `file://` URL or an `https://` URL (`http://` only with
    `allow_http`, for a local test server); `metadata` (bytes) wins over `location` when given.
    `signer_certificates` are the PEM certificates of the federation operator whose signature
    the metadata must carry; `allow_unsigned` skips that check (local test files only: each
    load logs a WARNING). One of the two is required. `accept_expired_certificate` keeps an
    IdP usable after its signing certificate expired: only for test IdPs.
    """

    location: str = ""
    metadata: bytes | None = None
    accept_expired_certificate: bool = False
    method: Literal["spid", "cie"] = "spid"
    display_name: str | None = None
    signer_certificates: tuple[str, ...] = ()
    allow_unsigned: bool = False
    allow_http: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "signer_certificates", tuple(self.signer_certificates))
        if self.metadata is None and not self.location:
            raise ConfigurationError("IdPSource needs a location or the metadata themselves")
        if self.signer_certificates and self.allow_unsigned:
            raise ConfigurationError(
                f"IdP metadata {self.name}: signer_certificates and allow_unsigned exclude "
                "each other"
            )
        if not self.signer_certificates and not self.allow_unsigned:
            raise ConfigurationError(
                f"IdP metadata {self.name} has no signer_certificates: give the federation "
                "operator's certificate (AgID for SPID, the Ministry of the Interior for CIE), "
                "or allow_unsigned=True for a local test file"
            )
        for pem in self.signer_certificates:
            _check_signer(pem, self.name)
        if self.metadata is None:
            scheme = urlsplit(self.location).scheme.lower()
            if scheme == "http" and not self.allow_http:
                raise MetadataTrustError(
                    "INSECURE_TRANSPORT",
                    f"IdP metadata {self.location} would come over plain http: use https://, "
                    "or allow_http=True for a local test server",
                )
            if scheme not in ("", "file", "http", "https"):
                raise ConfigurationError(f"IdP metadata {self.location}: unsupported scheme")

    @property
    def name(self) -> str:
        """How logs and status pages name this source."""
        if self.metadata is None:
            return self.location
        return f"inline metadata ({self.display_name})" if self.display_name else "inline metadata"


def _check_signer(pem: str, source: str) -> None:
    try:
        key = x509.load_pem_x509_certificate(pem.encode()).public_key()
    except ValueError as e:
        raise ConfigurationError(f"IdP metadata {source}: bad signer certificate: {e}") from e
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise ConfigurationError(
            f"IdP metadata {source}: a signer certificate must hold an RSA key of 2048 bits or more"
        )


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
    slo_response_urls: dict[str, str] = field(default_factory=dict)  # binding -> ResponseLocation
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

    def slo_response_url(self, binding: str) -> str | None:
        """Where our LogoutResponse goes: the SLO `ResponseLocation`, else its `Location`."""
        return self.slo_response_urls.get(binding) or self.slo_urls.get(binding)


def _der_to_pem(b64: str) -> str:
    body = "".join(b64.split())
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def parse_idp_metadata(
    data: bytes, source: IdPSource | None = None, *, now: dt.datetime | None = None
) -> list[IdPMetadata]:
    """Every IdP (`IDPSSODescriptor`) described in a metadata document.

    Checks no signature (`verify_signed_metadata` does, before): pass it only a document that
    was verified, or that a source explicitly allows unsigned. An expired `validUntil` on the
    root refuses the document; on one `EntityDescriptor` of a bundle, it drops that entity.
    """
    root = parse_metadata(data)
    check_valid_until(root, now)
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
        if entity is not root:
            try:
                check_valid_until(entity, now)
            except MetadataTrustError as e:
                logger.warning("IdP %s left out of the metadata: %s", entity_id, e)
                continue
        result.append(_idp_from_descriptor(entity_id, descriptor, source))
    if not result:
        raise ConfigurationError("no IDPSSODescriptor in the IdP metadata")
    return result


def _idp_from_descriptor(
    entity_id: str, descriptor: etree._Element, source: IdPSource | None
) -> IdPMetadata:
    sso = {
        e.get("Binding", ""): e.get("Location", "")
        for e in descriptor.findall("md:SingleSignOnService", NS)
    }
    slo_elements = descriptor.findall("md:SingleLogoutService", NS)
    slo = {e.get("Binding", ""): e.get("Location", "") for e in slo_elements}
    slo_responses = {
        e.get("Binding", ""): e.get("ResponseLocation", "")
        for e in slo_elements
        if e.get("ResponseLocation")
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
        method=source.method if source else "spid",
        display_name=source.display_name if source else None,
        accept_expired_certificate=source.accept_expired_certificate if source else False,
        slo_response_urls=slo_responses,
        _not_after=tuple(not_after),
    )


def fetch_metadata(location: str, *, allow_http: bool = False) -> bytes:
    """Read metadata from a file, a `file://` URL or an `https://` URL (TLS verified, 10 s).

    `http://`, also as the target of a redirect, only with `allow_http`.
    """
    scheme = urlsplit(location).scheme.lower()
    if scheme in ("http", "https"):
        if scheme == "http" and not allow_http:
            raise MetadataTrustError("INSECURE_TRANSPORT", f"{location} is not https://")
        return _fetch_url(location, allow_http)
    path = Path(urlsplit(location).path if scheme == "file" else location)
    try:
        return path.read_bytes()
    except OSError as e:
        raise ConfigurationError(f"cannot read IdP metadata {location}: {e}") from e


def _fetch_url(location: str, allow_http: bool) -> bytes:
    import requests  # only needed for remote metadata

    chunks: list[bytes] = []
    try:
        with requests.get(
            location, timeout=FETCH_TIMEOUT_SECONDS, verify=True, stream=True
        ) as reply:
            reply.raise_for_status()
            hops = [r.url for r in reply.history] + [reply.url]
            if not allow_http and any(urlsplit(url).scheme != "https" for url in hops):
                raise MetadataTrustError(
                    "INSECURE_TRANSPORT", f"{location} redirects to plain http ({reply.url})"
                )
            size = 0
            for chunk in reply.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_METADATA_BYTES:
                    raise MetadataTrustError("MALFORMED", f"{location} sends more than 8 MiB")
                chunks.append(chunk)
    except requests.RequestException as e:
        raise ConfigurationError(f"cannot fetch IdP metadata {location}: {e}") from e
    return b"".join(chunks)


@dataclass(frozen=True)
class SourceStatus:
    """How one metadata source fares, for a readiness page.

    `loaded_at` is the last good load (UTC; None: never); `last_error` says why the last
    attempt failed (None when it succeeded or none was made yet); `entity_ids` are the IdPs of
    the copy in use; `signature_checked` is False for `allow_unsigned` sources.
    """

    location: str
    loaded_at: dt.datetime | None
    last_error: str | None
    entity_ids: tuple[str, ...] = ()
    signature_checked: bool = True


@dataclass(frozen=True)
class _Copy:
    idps: dict[str, IdPMetadata] | None = None
    loaded_at: dt.datetime | None = None
    last_error: str | None = None


class IdPRegistry:
    """The trusted IdPs, by entityID, reloaded from their sources every `cache_seconds`.

    Thread-safe. Each source is refreshed on its own: if one fails (fetch error, bad
    signature, expired `validUntil`, parse error) its last good copy stays in use, a WARNING
    says why, and the other sources' new copies are taken. A source that has never loaded
    makes the registry raise `ConfigurationError`. While one thread refreshes, the others keep
    using the current copy. `fetch` replaces the built-in reader of files and URLs.
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
        self._fetch = fetch
        self._refresh_lock = threading.Lock()
        self._copies = [_Copy() for _ in self._sources]
        self._idps: dict[str, IdPMetadata] = {}
        self._ready = False  # every source has a good copy
        self._next_refresh: float | None = None  # time.monotonic()

    def _read(self, source: IdPSource) -> bytes:
        if source.metadata is not None:
            return source.metadata
        if self._fetch is not None:
            return self._fetch(source.location)
        return fetch_metadata(source.location, allow_http=source.allow_http)

    def _load(self, source: IdPSource) -> dict[str, IdPMetadata]:
        data = self._read(source)
        if source.signer_certificates:
            data = verify_signed_metadata(data, source.signer_certificates)
        else:
            logger.warning(
                "IdP metadata %s loaded WITHOUT a signature check (allow_unsigned): only for "
                "local test files",
                source.name,
            )
        return {idp.entity_id: idp for idp in parse_idp_metadata(data, source)}

    def _refresh(self) -> None:
        """Reload every source; raise for the first one that has no good copy at all."""
        never_loaded: list[tuple[IdPSource, Exception]] = []
        for index, source in enumerate(self._sources):
            previous = self._copies[index]
            try:
                idps = self._load(source)
            except Exception as e:  # whatever breaks one source must not take the others down
                self._copies[index] = replace(previous, last_error=str(e) or type(e).__name__)
                if previous.idps is None:
                    never_loaded.append((source, e))
                else:
                    logger.warning(
                        "IdP metadata %s: refresh failed, keeping the copy loaded at %s: %s",
                        source.name,
                        previous.loaded_at,
                        e,
                    )
                continue
            self._copies[index] = _Copy(idps, dt.datetime.now(dt.UTC), None)
        merged: dict[str, IdPMetadata] = {}
        for copy in self._copies:
            merged.update(copy.idps or {})
        self._idps = merged
        if never_loaded:
            source, error = never_loaded[0]
            if isinstance(error, MetadataTrustError):
                raise MetadataTrustError(error.reason, f"{source.name}: {error.detail}") from error
            raise ConfigurationError(f"IdP metadata {source.name}: {error}") from error
        self._ready = True
        self._next_refresh = time.monotonic() + self._cache_seconds

    def _due(self) -> bool:
        return self._next_refresh is None or time.monotonic() >= self._next_refresh

    def _current(self) -> dict[str, IdPMetadata]:
        if not self._due():
            return self._idps
        if self._ready:
            if self._refresh_lock.acquire(blocking=False):  # else another thread is at it
                try:
                    if self._due():
                        self._refresh()
                finally:
                    self._refresh_lock.release()
            return self._idps
        with self._refresh_lock:
            if self._due():
                self._refresh()
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
        """Reload every source now (raises only for a source that never loaded)."""
        with self._refresh_lock:
            self._refresh()

    def status(self) -> list[SourceStatus]:
        """Per source: last good load, last error, IdPs in use (loads nothing)."""
        return [
            SourceStatus(
                location=source.name,
                loaded_at=copy.loaded_at,
                last_error=copy.last_error,
                entity_ids=tuple(sorted(copy.idps or {})),
                signature_checked=bool(source.signer_certificates),
            )
            for source, copy in zip(self._sources, self._copies, strict=True)
        ]
