"""The built-in TEST identity provider: verifies AuthnRequests, signs real SPID Responses.

Only for the demo and the tests: its key is public (shipped in the repository).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import parse_qs

from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity.errors import IdentityError
from identity.saml.messages import OutgoingMessage, decode_post, decode_redirect, encode
from identity.saml.metadata_trust import sign_metadata
from identity.saml.signatures import verify_root_signature
from identity.saml.toolkit import sign_xml
from identity.saml.xmlutil import (
    BINDING_POST,
    BINDING_REDIRECT,
    NAMEID_ENTITY,
    NS,
    SPID_LEVEL_PREFIX,
    STATUS_SUCCESS,
    UnsafeXML,
    parse_saml_time,
    parse_untrusted,
    q,
    saml_time,
    text_of,
    utcnow,
)
from identity.testdata import idp_cert_pem, idp_key_pem
from identity.testidp.logout import (
    LogoutResponseInfo,
    build_idp_logout_request,
    read_logout_response,
)
from identity.testidp.responses import ResponseOptions, build_response, encode_response
from identity.testidp.users import TestUser, load_test_users


class TestIdPError(IdentityError):
    """The test IdP refuses a request (bad signature, unknown SP, malformed message)."""

    __test__ = False  # a TEST IdP, not a test case


@dataclass(frozen=True)
class TestIdPSettings:
    """Where the test IdP lives; `base_url` is its mount point as the browser sees it."""

    __test__ = False  # a TEST IdP, not a test case

    entity_id: str
    base_url: str
    key_pem: str = field(default_factory=idp_key_pem, repr=False)
    cert_pem: str = field(default_factory=idp_cert_pem)
    response_validity_seconds: int = 300
    request_max_age_seconds: int = 600

    @property
    def sso_url(self) -> str:
        """Single sign-on endpoint (both bindings)."""
        return self.base_url.rstrip("/") + "/sso"

    @property
    def slo_url(self) -> str:
        """Single logout endpoint (both bindings)."""
        return self.base_url.rstrip("/") + "/slo"

    @property
    def slo_response_url(self) -> str:
        """Where SPs send their LogoutResponse to an IdP-initiated logout (`ResponseLocation`)."""
        return self.base_url.rstrip("/") + "/slo/response"


@dataclass(frozen=True)
class KnownSP:
    """What the test IdP knows of a service provider, from its metadata."""

    entity_id: str
    acs_urls: dict[int, str]
    default_acs_index: int
    attribute_sets: dict[int, tuple[str, ...]]
    slo_urls: dict[str, str]
    certificates: tuple[str, ...]


@dataclass(frozen=True)
class AuthnRequestInfo:
    """A verified AuthnRequest, as the test IdP understood it."""

    request_id: str
    sp_entity_id: str
    issue_instant: dt.datetime
    acs_url: str
    requested_attributes: tuple[str, ...]
    level: int
    comparison: str
    force_authn: bool
    relay_state: str | None
    binding: Literal["redirect", "post"]
    xml: bytes


@dataclass(frozen=True)
class LogoutRequestInfo:
    """A verified LogoutRequest."""

    request_id: str
    sp_entity_id: str
    name_id: str
    session_index: str | None
    relay_state: str | None


def _pem(b64: str) -> str:
    body = "".join(b64.split())
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"


def parse_sp_metadata(data: bytes) -> KnownSP:
    """Read an SP's metadata (entityID, ACS by index, attribute sets, SLO, signing certs)."""
    try:
        root = parse_untrusted(data)
    except UnsafeXML as e:
        raise TestIdPError(f"SP metadata does not parse: {e}") from e
    descriptor = root.find("md:SPSSODescriptor", NS)
    if root.tag != q("md", "EntityDescriptor") or descriptor is None:
        raise TestIdPError("not an SP EntityDescriptor")
    acs: dict[int, str] = {}
    defaults = []
    for node in descriptor.iterfind("md:AssertionConsumerService", NS):
        index = int(node.get("index", "0"))
        acs[index] = node.get("Location", "")
        if node.get("isDefault") == "true":
            defaults.append(index)
    default = defaults[0] if defaults else min(acs, default=None)
    sets = {
        int(node.get("index", "0")): tuple(
            a.get("Name", "") for a in node.iterfind("md:RequestedAttribute", NS)
        )
        for node in descriptor.iterfind("md:AttributeConsumingService", NS)
    }
    certs = tuple(
        _pem(text_of(c) or "")
        for k in descriptor.iterfind("md:KeyDescriptor", NS)
        if k.get("use") in (None, "signing")
        for c in k.iterfind(".//ds:X509Certificate", NS)
    )
    slo = {
        n.get("Binding", ""): n.get("Location", "")
        for n in descriptor.iterfind("md:SingleLogoutService", NS)
    }
    if not acs or default is None or not certs:
        raise TestIdPError("SP metadata needs an ACS and a signing certificate")
    return KnownSP(root.get("entityID", ""), acs, default, sets, slo, certs)


class TestIdP:
    """TEST identity provider for the demo and the tests (never for real users)."""

    __test__ = False  # a TEST IdP, not a test case

    def __init__(
        self,
        settings: TestIdPSettings,
        service_providers: Iterable[bytes] = (),
        users: list[TestUser] | None = None,
    ) -> None:
        self.settings = settings
        self.users = users if users is not None else load_test_users()
        self._sps: dict[str, KnownSP] = {}
        self._logouts_sent: dict[str, str] = {}  # IdP-initiated LogoutRequest ID -> SP
        for metadata in service_providers:
            self.register_sp(metadata)

    def register_sp(self, metadata: bytes) -> KnownSP:
        """Trust a service provider from its metadata (its requests must be signed by it)."""
        sp = parse_sp_metadata(metadata)
        self._sps[sp.entity_id] = sp
        return sp

    def user(self, fiscal_code: str) -> TestUser:
        """The test user with this fiscal code (with or without TINIT-)."""
        code = fiscal_code.upper().removeprefix("TINIT-")
        for user in self.users:
            if user.fiscal_code == code:
                return user
        raise TestIdPError(f"no test user {code}")

    def metadata(self, *, signed_by: tuple[str, str] | None = None) -> bytes:
        """IdP metadata: SSO and SLO by HTTP-Redirect and HTTP-POST, signing certificate.

        Signed by the IdP's own key, as an IdP publishes it; `signed_by=(key_pem, cert_pem)`
        signs it instead as a federation operator signs its registry (e.g. with
        `identity.testdata.federation_key_pem()` / `federation_cert_pem()`), so that an SP
        loads it through the same check as a real federation entry.
        """
        root = etree.Element(
            q("md", "EntityDescriptor"),
            {"entityID": self.settings.entity_id, "ID": "_test-idp-metadata"},
            nsmap={"md": NS["md"], "ds": NS["ds"]},
        )
        descriptor = etree.SubElement(
            root,
            q("md", "IDPSSODescriptor"),
            protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol",
            WantAuthnRequestsSigned="true",
        )
        key = etree.SubElement(descriptor, q("md", "KeyDescriptor"), use="signing")
        data = etree.SubElement(etree.SubElement(key, q("ds", "KeyInfo")), q("ds", "X509Data"))
        etree.SubElement(data, q("ds", "X509Certificate")).text = "".join(
            line for line in self.settings.cert_pem.strip().splitlines() if "-----" not in line
        )
        for binding in (BINDING_POST, BINDING_REDIRECT):
            etree.SubElement(
                descriptor,
                q("md", "SingleLogoutService"),
                Binding=binding,
                Location=self.settings.slo_url,
                ResponseLocation=self.settings.slo_response_url,
            )
        etree.SubElement(
            descriptor, q("md", "NameIDFormat")
        ).text = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
        for binding in (BINDING_POST, BINDING_REDIRECT):
            etree.SubElement(
                descriptor,
                q("md", "SingleSignOnService"),
                Binding=binding,
                Location=self.settings.sso_url,
            )
        xml = etree.tostring(root)
        if signed_by is not None:
            return sign_metadata(xml, *signed_by)
        return sign_xml(xml, self.settings.key_pem, self.settings.cert_pem)

    # -- requests ---------------------------------------------------------------------------

    def _peek(self, xml: bytes) -> tuple[etree._Element, KnownSP]:
        try:
            root = parse_untrusted(xml)
        except UnsafeXML as e:
            raise TestIdPError(f"request does not parse: {e}") from e
        issuer = text_of(root.find("saml:Issuer", NS)) or ""
        if issuer not in self._sps:
            raise TestIdPError(f"unknown service provider {issuer!r}")
        return root, self._sps[issuer]

    def _decode(
        self, binding: str, parameter: str, query_string: str, message: str, xpath: str
    ) -> tuple[bytes, str | None]:
        try:
            if binding == "redirect":
                unverified, _ = _unverified_redirect(query_string, parameter)
                _, sp = self._peek(unverified)
                return decode_redirect(query_string, parameter, sp.certificates)
            raw = base64.b64decode("".join(message.split()), validate=True)
            _, sp = self._peek(raw)
            return decode_post(message, sp.certificates, xpath), None
        except (ValueError, binascii.Error) as e:
            raise TestIdPError(f"{parameter} refused: {e}") from e

    def parse_authn_request(
        self,
        *,
        binding: Literal["redirect", "post"],
        query_string: str = "",
        saml_request: str = "",
        relay_state: str | None = None,
        now: dt.datetime | None = None,
    ) -> AuthnRequestInfo:
        """Verify and read an AuthnRequest (Redirect: raw query string; POST: form fields)."""
        xml, redirect_relay = self._decode(
            binding, "SAMLRequest", query_string, saml_request, "/samlp:AuthnRequest/ds:Signature"
        )
        root, sp = self._peek(xml)
        if root.tag != q("samlp", "AuthnRequest") or root.get("Version") != "2.0":
            raise TestIdPError("not a SAML 2.0 AuthnRequest")
        if root.get("Destination") != self.settings.sso_url:
            raise TestIdPError(f"Destination {root.get('Destination')!r} is not this IdP")
        issued = parse_saml_time(root.get("IssueInstant"))
        now = now or utcnow()
        max_age = dt.timedelta(seconds=self.settings.request_max_age_seconds)
        if issued is None or not now - max_age <= issued <= now + dt.timedelta(minutes=1):
            raise TestIdPError(f"IssueInstant {root.get('IssueInstant')!r} out of range")
        issuer = root.find("saml:Issuer", NS)
        if issuer is None or issuer.get("Format") != NAMEID_ENTITY:
            raise TestIdPError("Issuer Format must be entity")
        if root.get("AssertionConsumerServiceURL"):
            acs_url = root.get("AssertionConsumerServiceURL", "")
            if acs_url not in sp.acs_urls.values():
                raise TestIdPError(f"ACS URL {acs_url!r} not in the SP metadata")
        else:
            index = int(root.get("AssertionConsumerServiceIndex", str(sp.default_acs_index)))
            if index not in sp.acs_urls:
                raise TestIdPError(f"no ACS with index {index}")
            acs_url = sp.acs_urls[index]
        context = root.find("samlp:RequestedAuthnContext", NS)
        ref = text_of(root.find("samlp:RequestedAuthnContext/saml:AuthnContextClassRef", NS))
        if context is None or ref not in {f"{SPID_LEVEL_PREFIX}{n}" for n in (1, 2, 3)}:
            raise TestIdPError(f"AuthnContextClassRef {ref!r} is not a SpidL")
        attribute_index = int(root.get("AttributeConsumingServiceIndex", "0"))
        return AuthnRequestInfo(
            request_id=root.get("ID", ""),
            sp_entity_id=sp.entity_id,
            issue_instant=issued,
            acs_url=acs_url,
            requested_attributes=sp.attribute_sets.get(attribute_index, ()),
            level=int((ref or "")[-1]),
            comparison=context.get("Comparison", "exact"),
            force_authn=root.get("ForceAuthn") == "true",
            relay_state=redirect_relay if binding == "redirect" else relay_state,
            binding=binding,
            xml=xml,
        )

    def parse_logout_request(
        self,
        *,
        binding: Literal["redirect", "post"],
        query_string: str = "",
        saml_request: str = "",
        relay_state: str | None = None,
    ) -> LogoutRequestInfo:
        """Verify and read an SP's LogoutRequest."""
        xml, redirect_relay = self._decode(
            binding, "SAMLRequest", query_string, saml_request, "/samlp:LogoutRequest/ds:Signature"
        )
        root, sp = self._peek(xml)
        if root.tag != q("samlp", "LogoutRequest"):
            raise TestIdPError("not a LogoutRequest")
        return LogoutRequestInfo(
            request_id=root.get("ID", ""),
            sp_entity_id=sp.entity_id,
            name_id=text_of(root.find("saml:NameID", NS)) or "",
            session_index=text_of(root.find("samlp:SessionIndex", NS)),
            relay_state=redirect_relay if binding == "redirect" else relay_state,
        )

    def logout_response(
        self, request: LogoutRequestInfo, binding: Literal["redirect", "post"] = "redirect"
    ) -> OutgoingMessage:
        """Signed LogoutResponse (Success) to the SP's SLO endpoint."""
        sp = self._sps[request.sp_entity_id]
        url = sp.slo_urls.get(BINDING_REDIRECT if binding == "redirect" else BINDING_POST, "")
        root = etree.Element(
            q("samlp", "LogoutResponse"),
            {
                "ID": "_" + OneLogin_Saml2_Utils.generate_unique_id(),
                "Version": "2.0",
                "IssueInstant": saml_time(utcnow()),
                "Destination": url,
                "InResponseTo": request.request_id,
            },
            nsmap={"samlp": NS["samlp"], "saml": NS["saml"]},
        )
        issuer = etree.SubElement(root, q("saml", "Issuer"), Format=NAMEID_ENTITY)
        issuer.text = self.settings.entity_id
        status = etree.SubElement(root, q("samlp", "Status"))
        etree.SubElement(status, q("samlp", "StatusCode"), Value=STATUS_SUCCESS)
        return encode(
            etree.tostring(root),
            parameter="SAMLResponse",
            binding=binding,
            url=url,
            relay_state=request.relay_state,
            key_pem=self.settings.key_pem,
            cert_pem=self.settings.cert_pem,
        )

    # -- IdP-initiated logout ---------------------------------------------------------------

    def logout_request_for(
        self,
        sp_entity_id: str,
        *,
        name_id: str,
        session_index: str | None,
        binding: Literal["redirect", "post"] = "redirect",
        relay_state: str | None = None,
        issue_instant: dt.datetime | None = None,
        not_on_or_after: dt.datetime | None = None,
        destination: str | None = None,
    ) -> OutgoingMessage:
        """Signed IdP-initiated LogoutRequest to the SP's SingleLogoutService for `binding`.

        The citizen logged out here; the SP must end its session of `name_id` and answer
        (`parse_logout_response`). `issue_instant`, `not_on_or_after` and `destination` stand
        in for the correct values, for tests of the SP's checks.
        """
        sp = self.known_sp(sp_entity_id)
        url = sp.slo_urls.get(BINDING_REDIRECT if binding == "redirect" else BINDING_POST)
        if not url:
            raise TestIdPError(f"{sp_entity_id} has no {binding} SingleLogoutService")
        request_id = "_" + OneLogin_Saml2_Utils.generate_unique_id()
        xml = build_idp_logout_request(
            idp_entity_id=self.settings.entity_id,
            request_id=request_id,
            issue_instant=issue_instant or utcnow(),
            destination=url if destination is None else destination,
            name_id=name_id,
            session_index=session_index,
            not_on_or_after=not_on_or_after,
        )
        self._logouts_sent[request_id] = sp.entity_id
        return encode(
            xml,
            parameter="SAMLRequest",
            binding=binding,
            url=url,
            relay_state=relay_state,
            key_pem=self.settings.key_pem,
            cert_pem=self.settings.cert_pem,
        )

    def parse_logout_response(
        self,
        *,
        binding: Literal["redirect", "post"],
        query_string: str = "",
        saml_response: str = "",
        relay_state: str | None = None,
    ) -> LogoutResponseInfo:
        """Verify and read an SP's LogoutResponse to one of our IdP-initiated requests.

        The signature must be the SP's (from its metadata), on the whole message, InResponseTo
        a request we sent to that SP (each is answered once), Destination our
        `slo_response_url`.
        """
        try:
            if binding == "redirect":
                unverified, _ = _unverified_redirect(query_string, "SAMLResponse")
                _, sp = self._peek(unverified)
                xml, relay_state = decode_redirect(query_string, "SAMLResponse", sp.certificates)
                root = parse_untrusted(xml)
            else:
                raw = base64.b64decode("".join(saml_response.split()), validate=True)
                root, sp = self._peek(raw)
                verify_root_signature(root, sp.certificates)
            answer = read_logout_response(
                root,
                sp_entity_id=sp.entity_id,
                destination=self.settings.slo_response_url,
                relay_state=relay_state,
            )
        except (ValueError, binascii.Error) as e:  # SignatureRefused and UnsafeXML included
            raise TestIdPError(f"SAMLResponse refused: {e}") from e
        if self._logouts_sent.get(answer.in_response_to) != sp.entity_id:
            raise TestIdPError(
                f"InResponseTo {answer.in_response_to!r}: no pending logout at that SP"
            )
        del self._logouts_sent[answer.in_response_to]
        return answer

    def known_sp(self, entity_id: str) -> KnownSP:
        """A registered SP."""
        try:
            return self._sps[entity_id]
        except KeyError:
            raise TestIdPError(f"unknown service provider {entity_id!r}") from None

    # -- responses --------------------------------------------------------------------------

    def build_response(
        self,
        authn_request: AuthnRequestInfo,
        user: TestUser | str,
        *,
        level: int | None = None,
        options: ResponseOptions | None = None,
        **overrides: Any,
    ) -> tuple[str, str, str | None]:
        """Signed SPID Response to `authn_request` for `user`: (ACS URL, SAMLResponse, RelayState).

        `user` is a `TestUser` or a fiscal code. `options` (or keyword `overrides` of
        `ResponseOptions` fields) add deliberate defects; `level` defaults to the requested one.
        """
        opts = replace(options or ResponseOptions(), **overrides)
        if level is not None:
            opts.level = level
        person = self.user(user) if isinstance(user, str) else user
        xml = build_response(
            idp_entity_id=self.settings.entity_id,
            key_pem=self.settings.key_pem,
            cert_pem=self.settings.cert_pem,
            sp_entity_id=authn_request.sp_entity_id,
            acs_url=authn_request.acs_url,
            request_id=authn_request.request_id,
            requested_level=authn_request.level,
            requested_attributes=authn_request.requested_attributes,
            user=person,
            opts=opts,
        )
        return authn_request.acs_url, encode_response(xml), authn_request.relay_state

    def error_response(
        self, authn_request: AuthnRequestInfo, spid_error: int
    ) -> tuple[str, str, str | None]:
        """Signed error Response with `ErrorCode nr<spid_error>` (25: the user cancelled)."""
        return self.build_response(authn_request, self.users[0], spid_error=spid_error)


def _unverified_redirect(query_string: str, parameter: str) -> tuple[bytes, None]:
    values = parse_qs(query_string.lstrip("?")).get(parameter)
    if not values:
        raise ValueError(f"no {parameter} in the query")
    try:
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(values[0])
    except Exception as e:  # zlib and base64 raise several unrelated types
        raise ValueError(f"cannot inflate {parameter}: {e}") from e
    return (xml if isinstance(xml, bytes) else xml.encode()), None
