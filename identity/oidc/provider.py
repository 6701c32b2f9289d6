"""What the relying party knows of its OpenID provider: discovery metadata and signing keys.

Both are fetched over HTTP on first use and cached for `OIDCSettings.metadata_ttl` seconds. The
key set is fetched again at once when an ID token names a `kid` the cache does not hold (the
provider rotated its keys); the `kid` comes from the token endpoint's answer over a connection we
opened, so that refresh cannot be triggered by a third party.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from identity.oidc.errors import ID_TOKEN_INVALID, OIDCAuthenticationError, ProviderUnavailable
from identity.oidc.settings import OIDCSettings

_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_MAX_DOCUMENT = 256 * 1024


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the discovery document (OpenID Connect Discovery 1.0 §3) we use."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    token_endpoint_auth_methods: tuple[str, ...]
    id_token_algorithms: tuple[str, ...]
    code_challenge_methods: tuple[str, ...]


def fetch_json(
    http: requests.Session,
    method: str,
    url: str,
    timeout: float,
    **kwargs: Any,
) -> requests.Response:
    """One call to the provider; network failures and 5xx become `ProviderUnavailable`.

    The caller reads the status of 4xx answers itself (their meaning differs per endpoint).
    """
    try:
        response = http.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.RequestException as e:
        raise ProviderUnavailable(f"{method} {url}: {type(e).__name__}") from e
    if response.status_code >= 500:
        raise ProviderUnavailable(f"{method} {url}: HTTP {response.status_code}")
    if len(response.content) > _MAX_DOCUMENT:
        raise ProviderUnavailable(f"{method} {url}: answer too large")
    return response


def json_object(response: requests.Response, what: str) -> dict[str, Any]:
    """The JSON object in `response`, or `ProviderUnavailable` naming `what`."""
    try:
        data = response.json()
    except ValueError as e:
        raise ProviderUnavailable(f"{what}: not JSON") from e
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"{what}: not a JSON object")
    return data


class OpenIDProvider:
    """Cached discovery metadata and JWKS of the provider named by `settings.issuer`.

    Thread-safe: one lock serialises the fetches, readers see either the old or the new value.
    """

    def __init__(
        self,
        settings: OIDCSettings,
        http: requests.Session,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._http = http
        self._clock = clock
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._keys_at = 0.0

    def metadata(self) -> ProviderMetadata:
        """The discovery metadata, fetched when missing or older than the TTL."""
        with self._lock:
            if self._metadata is None or self._stale(self._metadata_at):
                self._metadata = self._discover()
                self._metadata_at = self._clock()
            return self._metadata

    def signing_key(self, kid: str | None) -> Key:
        """The provider key for `kid`, refreshing the key set once if `kid` is unknown.

        Without a `kid` the key set must hold exactly one key. Raises `ID_TOKEN_INVALID` when no
        key fits even after the refresh.
        """
        with self._lock:
            if self._keys is None or self._stale(self._keys_at):
                self._refresh_keys()
            key = self._find(kid)
            if key is None and kid is not None:
                self._refresh_keys()
                key = self._find(kid)
        if key is None:
            raise OIDCAuthenticationError(ID_TOKEN_INVALID, f"no provider key for kid {kid!r}")
        return key

    def _stale(self, fetched_at: float) -> bool:
        return self._clock() - fetched_at > self.settings.metadata_ttl

    def _find(self, kid: str | None) -> Key | None:
        assert self._keys is not None
        signing = [k for k in self._keys.keys if k.get("use") in (None, "sig")]
        if kid is None:
            return signing[0] if len(signing) == 1 else None
        return next((k for k in signing if k.kid == kid), None)

    def _refresh_keys(self) -> None:
        jwks_uri = self._metadata.jwks_uri if self._metadata else self._discover().jwks_uri
        response = fetch_json(self._http, "GET", jwks_uri, self.settings.http_timeout)
        if response.status_code != 200:
            raise ProviderUnavailable(f"JWKS: HTTP {response.status_code}")
        data = json_object(response, "JWKS")
        try:
            self._keys = KeySet.import_key_set(data)  # type: ignore[arg-type]
        except (JoseError, KeyError, TypeError, ValueError) as e:
            raise ProviderUnavailable(f"JWKS: unusable key set ({type(e).__name__})") from e
        self._keys_at = self._clock()

    def _discover(self) -> ProviderMetadata:
        url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
        response = fetch_json(self._http, "GET", url, self.settings.http_timeout)
        if response.status_code != 200:
            raise ProviderUnavailable(f"discovery: HTTP {response.status_code}")
        doc = json_object(response, "discovery")
        # Discovery §4.3: the issuer in the document must be exactly the one we asked for.
        if doc.get("issuer") != self.settings.issuer:
            raise ProviderUnavailable(f"discovery: issuer is {doc.get('issuer')!r}")
        endpoints = {}
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            endpoints[name] = self._endpoint(doc, name, required=True)
        methods = _strings(doc, "code_challenge_methods_supported")
        if methods and "S256" not in methods:
            raise ProviderUnavailable("discovery: the provider does not support PKCE S256")
        return ProviderMetadata(
            issuer=self.settings.issuer,
            authorization_endpoint=endpoints["authorization_endpoint"],
            token_endpoint=endpoints["token_endpoint"],
            jwks_uri=endpoints["jwks_uri"],
            userinfo_endpoint=self._endpoint(doc, "userinfo_endpoint", required=False) or None,
            token_endpoint_auth_methods=_strings(doc, "token_endpoint_auth_methods_supported")
            or ("client_secret_basic",),
            id_token_algorithms=_strings(doc, "id_token_signing_alg_values_supported"),
            code_challenge_methods=methods,
        )

    def _endpoint(self, doc: dict[str, Any], name: str, *, required: bool) -> str:
        value = doc.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise ProviderUnavailable(f"discovery: no {name}")
        parts = urlsplit(value)
        secure = parts.scheme == "https" or (
            parts.scheme == "http" and (parts.hostname in _LOOPBACK or self.settings.allow_http)
        )
        if not secure or not parts.netloc:
            raise ProviderUnavailable(f"discovery: {name} is not an acceptable URL: {value!r}")
        return value


def _strings(doc: dict[str, Any], name: str) -> tuple[str, ...]:
    value = doc.get(name)
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))
