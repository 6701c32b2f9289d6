"""`ServiceProvider`: the SAML endpoints' logic (metadata, login, ACS, single logout)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs

from lxml import etree

from identity.errors import AuthenticationError
from identity.model import Identity
from identity.replay import ReplayCache
from identity.saml import responses
from identity.saml.idp_registry import IdPMetadata, IdPRegistry
from identity.saml.logout import (
    IncomingLogoutRequest,
    LogoutResponseMessage,
    check_logout_request,
    parse_post,
    parse_xml,
    verify_signed_root,
)
from identity.saml.messages import (
    Binding,
    build_authn_request,
    build_logout_request,
    build_logout_response,
    decode_redirect,
    encode,
    new_message_id,
    new_relay_state,
    peek_redirect,
)
from identity.saml.metadata import build_sp_metadata
from identity.saml.responses import PendingRequest
from identity.saml.toolkit import cache_compiled_schemas
from identity.saml.xmlutil import (
    BINDING_POST,
    BINDING_REDIRECT,
    MAX_MESSAGE_BYTES,
    NS,
    STATUS_SUCCESS,
    UnsafeXML,
    parse_untrusted,
    q,
    text_of,
    utcnow,
)
from identity.settings import SPSettings

_BINDINGS = {"redirect": BINDING_REDIRECT, "post": BINDING_POST}


@dataclass(frozen=True)
class LoginRequest:
    """A signed AuthnRequest ready to send, and what to remember until the response comes.

    Keep `request_id`, `issue_instant`, `level`, `idp_entity_id` and `relay_state` in the user's
    session; pass them back to `ServiceProvider.process_response`. For `binding == "redirect"`
    send the browser to `url`; for "post" render `form_html` (or your template with
    `form_fields`) posting to `url`.
    """

    request_id: str
    idp_entity_id: str
    level: int
    binding: Binding
    url: str
    form_fields: dict[str, str]
    form_html: str | None
    relay_state: str
    issue_instant: dt.datetime


@dataclass(frozen=True)
class LogoutRequest:
    """A signed LogoutRequest ready to send (same shape as `LoginRequest`)."""

    request_id: str
    idp_entity_id: str
    binding: Binding
    url: str
    form_fields: dict[str, str]
    form_html: str | None
    relay_state: str
    issue_instant: dt.datetime


class ServiceProvider:
    """SPID/CIE service provider; thread-safe, one instance per application."""

    def __init__(
        self, settings: SPSettings, idp_registry: IdPRegistry, replay_cache: ReplayCache
    ) -> None:
        self.settings = settings
        self.idps = idp_registry
        self.replay_cache = replay_cache
        self._metadata: dict[str, bytes] = {}
        cache_compiled_schemas()

    def metadata(self, profile: Literal["spid", "cie"] = "spid") -> bytes:
        """Signed SP metadata for the SPID or the CIE federation (`profile`).

        Each profile is built once; serve it as `application/samlmetadata+xml`. Raises
        ConfigurationError when the settings lack what the profile needs (CIE: the body's
        municipality), ValueError for another profile.
        """
        metadata = self._metadata.get(profile)
        if metadata is None:
            metadata = self._metadata[profile] = build_sp_metadata(self.settings, profile=profile)
        return metadata

    def login(
        self, idp_entity_id: str, level: int = 2, binding: Binding = "redirect"
    ) -> LoginRequest:
        """Signed AuthnRequest for SpidL`level` to the IdP `idp_entity_id`.

        Raises `UnknownIdentityProvider` for an untrusted IdP and ValueError for a level other
        than 1, 2, 3 or an unknown binding.
        """
        if level not in (1, 2, 3):
            raise ValueError(f"SPID level must be 1, 2 or 3, not {level!r}")
        if binding not in _BINDINGS:
            raise ValueError(f"binding must be 'redirect' or 'post', not {binding!r}")
        idp = self.idps.get(idp_entity_id)
        if idp.method == "cie":
            level = 3  # CIE is card + PIN: it is asked, and answers, SpidL3 only
        destination = idp.sso_url(_BINDINGS[binding])
        request_id, issue_instant, relay_state = new_message_id(), utcnow(), new_relay_state()
        xml = build_authn_request(
            self.settings,
            request_id=request_id,
            issue_instant=issue_instant,
            destination=destination,
            level=level,
            method=idp.method,
        )
        message = encode(
            xml,
            parameter="SAMLRequest",
            binding=binding,
            url=destination,
            relay_state=relay_state,
            key_pem=self.settings.private_key_pem,
            cert_pem=self.settings.certificate_pem,
        )
        return LoginRequest(
            request_id=request_id,
            idp_entity_id=idp.entity_id,
            level=level,
            binding=binding,
            url=message.url,
            form_fields=message.form_fields,
            form_html=message.form_html,
            relay_state=relay_state,
            issue_instant=issue_instant,
        )

    def process_response(
        self,
        saml_response_b64: str | bytes,
        *,
        request_id: str,
        requested_level: int,
        issue_instant: dt.datetime,
        binding: str = "post",
        idp_entity_id: str | None = None,
        now: dt.datetime | None = None,
    ) -> Identity:
        """Validate the ACS's `SAMLResponse` for the pending request; return who logged in.

        Raises only `AuthenticationError` (reason codes in the module docs), whatever the input.
        The IdP is the Response's Issuer; pass `idp_entity_id` (the one the login went to) to
        also insist on it. The assertion ID is recorded in the replay cache only when every
        other check passed.
        """
        try:
            return self._process_response(
                saml_response_b64,
                PendingRequest(request_id, issue_instant, requested_level),
                binding,
                idp_entity_id,
                now or utcnow(),
            )
        except AuthenticationError:
            raise
        except Exception as e:  # last line of defence: never a bare exception out of the ACS
            raise AuthenticationError("INVALID", f"{type(e).__name__}: {e}") from e

    def _process_response(
        self,
        b64: str | bytes,
        pending: PendingRequest,
        binding: str,
        expected_idp: str | None,
        now: dt.datetime,
    ) -> Identity:
        if binding != "post":
            raise AuthenticationError(
                "WRONG_BINDING", f"responses come by HTTP-POST, not {binding}"
            )
        if isinstance(b64, bytes):
            try:
                b64 = b64.decode("ascii")
            except UnicodeDecodeError as e:
                raise AuthenticationError("MALFORMED", "SAMLResponse is not ASCII") from e
        if len(b64) > MAX_MESSAGE_BYTES * 4 // 3 + 4096:
            raise AuthenticationError("MALFORMED", f"SAMLResponse of {len(b64)} characters")
        b64 = "".join(b64.split())
        try:
            xml = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError) as e:
            raise AuthenticationError("MALFORMED", f"SAMLResponse is not base64: {e}") from e
        try:
            root = parse_untrusted(xml)
        except UnsafeXML as e:
            raise AuthenticationError("XML_UNSAFE" if e.forbidden else "MALFORMED", str(e)) from e

        issuer = text_of(root.find("saml:Issuer", NS))
        if not issuer:
            # An error status must still be reported as such, even without an Issuer.
            responses.check_status(root)
            raise AuthenticationError("MISSING_ISSUER", "Response has no Issuer")
        if expected_idp is not None and issuer != expected_idp:
            raise AuthenticationError("WRONG_ISSUER", f"{issuer!r}, login went to {expected_idp!r}")
        idp = self.idps.get(issuer)
        responses.check_status(root)
        assertion = responses.check_envelope(root, self.settings, idp, pending, now)
        # SPID checks first, for precise reasons; nothing is trusted until the signatures are.
        level, expires_at = responses.check_assertion(assertion, self.settings, idp, pending, now)
        attributes = responses.read_attributes(assertion)
        certificates = self._certificates(idp, now)
        responses.check_with_toolkit(
            b64, self.settings, idp, certificates, pending, root.get("Destination", "")
        )
        identity = responses.to_identity(assertion, attributes, idp, level)
        assertion_id = assertion.get("ID", "")
        if self.replay_cache.seen_before(f"{idp.entity_id} {assertion_id}", expires_at):
            raise AuthenticationError("REPLAY", f"assertion {assertion_id} already used")
        return identity

    @staticmethod
    def _certificates(idp: IdPMetadata, now: dt.datetime) -> tuple[str, ...]:
        certificates = idp.usable_certificates(now)
        if not certificates:
            raise AuthenticationError(
                "IDP_CERTIFICATE_EXPIRED", f"every signing certificate of {idp.entity_id} expired"
            )
        return certificates

    def logout_request(self, identity: Identity, binding: Binding = "redirect") -> LogoutRequest:
        """Signed SP-initiated LogoutRequest for the session of `identity` at its IdP.

        Raises `UnknownIdentityProvider`, or `AuthenticationError("SLO_UNSUPPORTED")` when the
        IdP publishes no SingleLogoutService for the binding (end the local session anyway).
        """
        idp = self.idps.get(identity.idp_entity_id)
        destination = idp.slo_urls.get(_BINDINGS[binding])
        if not destination:
            raise AuthenticationError("SLO_UNSUPPORTED", f"{idp.entity_id} has no {binding} SLO")
        request_id, issue_instant, relay_state = new_message_id(), utcnow(), new_relay_state()
        xml = build_logout_request(
            self.settings,
            request_id=request_id,
            issue_instant=issue_instant,
            destination=destination,
            name_id=identity.name_id,
            name_qualifier=identity.name_qualifier,
            session_index=identity.session_index,
        )
        message = encode(
            xml,
            parameter="SAMLRequest",
            binding=binding,
            url=destination,
            relay_state=relay_state,
            key_pem=self.settings.private_key_pem,
            cert_pem=self.settings.certificate_pem,
        )
        return LogoutRequest(
            request_id=request_id,
            idp_entity_id=idp.entity_id,
            binding=binding,
            url=message.url,
            form_fields=message.form_fields,
            form_html=message.form_html,
            relay_state=relay_state,
            issue_instant=issue_instant,
        )

    def process_logout_response(
        self,
        *,
        request_id: str,
        idp_entity_id: str,
        binding: Literal["redirect", "post"],
        query_string: str = "",
        saml_response_b64: str = "",
    ) -> None:
        """Check the IdP's LogoutResponse; returns None when the IdP confirms the logout.

        HTTP-Redirect: pass the raw `query_string` as received (the signature covers its exact
        encoding). HTTP-POST: pass the `SAMLResponse` form field. Raises `AuthenticationError`
        ("SLO_FAILED", "SIGNATURE_INVALID", ...); the local session must end either way.
        """
        try:
            idp = self.idps.get(idp_entity_id)
            certificates = self._certificates(idp, utcnow())
            if binding == "redirect":
                try:
                    xml, _ = decode_redirect(query_string, "SAMLResponse", certificates)
                    root = parse_untrusted(xml)
                except (ValueError, UnsafeXML) as e:
                    raise AuthenticationError("SIGNATURE_INVALID", f"LogoutResponse: {e}") from e
            else:
                # The signature must cover the root itself: a signed element wrapped inside a
                # forged LogoutResponse proves nothing about the root's InResponseTo.
                root = parse_post(saml_response_b64)
                verify_signed_root(root, certificates)
            self._check_logout_response(root, idp, request_id)
        except AuthenticationError:
            raise
        except Exception as e:  # never a bare exception out of an endpoint's logic
            raise AuthenticationError("INVALID", f"{type(e).__name__}: {e}") from e

    def _check_logout_response(
        self, root: etree._Element, idp: IdPMetadata, request_id: str
    ) -> None:
        if root.tag != q("samlp", "LogoutResponse") or root.get("Version") != "2.0":
            raise AuthenticationError("MALFORMED", f"not a LogoutResponse: {root.tag!r}")
        if text_of(root.find("saml:Issuer", NS)) != idp.entity_id:
            raise AuthenticationError("WRONG_ISSUER", "LogoutResponse Issuer")
        if root.get("InResponseTo") != request_id:
            raise AuthenticationError("WRONG_IN_RESPONSE_TO", "LogoutResponse InResponseTo")
        if root.get("Destination") not in (None, self.settings.slo_url):
            raise AuthenticationError("WRONG_DESTINATION", "LogoutResponse Destination")
        code = root.find("samlp:Status/samlp:StatusCode", NS)
        if code is None or code.get("Value") != STATUS_SUCCESS:
            value = None if code is None else code.get("Value")
            raise AuthenticationError("SLO_FAILED", f"LogoutResponse status {value!r}")

    def process_logout_request(
        self,
        *,
        binding: Literal["redirect", "post"],
        query_string: str = "",
        saml_request_b64: str = "",
        relay_state: str | None = None,
        now: dt.datetime | None = None,
    ) -> IncomingLogoutRequest:
        """Verify and read an IdP-initiated LogoutRequest (the citizen logged out at the IdP).

        HTTP-Redirect: pass the raw `query_string` as received (the signature covers its exact
        encoding). HTTP-POST: pass the `SAMLRequest` and `RelayState` form fields. Accepted
        only from a trusted IdP, signed with its usable certificates, for our SLO URL, issued
        within `request_validity_seconds` (plus the clock skew), before its NotOnOrAfter, with
        a NameID, and never seen before (the replay cache). Raises only `AuthenticationError`
        (UNKNOWN_IDP, NOT_SIGNED, SIGNATURE_INVALID, WRONG_DESTINATION, WRONG_ISSUE_INSTANT,
        EXPIRED, MISSING_NAME_ID, REPLAY, ...). End the local sessions of `name_id`, then
        answer with `logout_response`.
        """
        try:
            return self._process_logout_request(
                binding, query_string, saml_request_b64, relay_state, now or utcnow()
            )
        except AuthenticationError:
            raise
        except Exception as e:  # never a bare exception out of an endpoint's logic
            raise AuthenticationError("INVALID", f"{type(e).__name__}: {e}") from e

    def _process_logout_request(
        self,
        binding: str,
        query_string: str,
        b64: str,
        relay_state: str | None,
        now: dt.datetime,
    ) -> IncomingLogoutRequest:
        if binding == "redirect":
            try:
                xml = peek_redirect(query_string, "SAMLRequest", MAX_MESSAGE_BYTES)
            except ValueError as e:
                raise AuthenticationError("MALFORMED", f"LogoutRequest: {e}") from e
            unverified = parse_xml(xml)
        elif binding == "post":
            unverified = parse_post(b64)
        else:
            raise AuthenticationError("WRONG_BINDING", f"binding {binding!r}")
        # The Issuer only picks the certificates; it is read again from the verified message.
        issuer = text_of(unverified.find("saml:Issuer", NS))
        if not issuer:
            raise AuthenticationError("MISSING_ISSUER", "LogoutRequest has no Issuer")
        idp = self.idps.get(issuer)
        certificates = self._certificates(idp, now)
        if binding == "redirect":
            if "Signature" not in parse_qs(query_string.lstrip("?")):
                raise AuthenticationError("NOT_SIGNED", "HTTP-Redirect LogoutRequest unsigned")
            try:
                xml, relay_state = decode_redirect(query_string, "SAMLRequest", certificates)
            except ValueError as e:
                raise AuthenticationError("SIGNATURE_INVALID", f"LogoutRequest: {e}") from e
            root = parse_xml(xml)
        else:
            root = unverified
            verify_signed_root(root, certificates)
        incoming, remember_until = check_logout_request(root, self.settings, idp, now, relay_state)
        key = f"logout {idp.entity_id} {incoming.request_id}"
        if self.replay_cache.seen_before(key, remember_until):
            raise AuthenticationError("REPLAY", f"LogoutRequest {incoming.request_id} already used")
        return incoming

    def logout_response(
        self,
        incoming: IncomingLogoutRequest,
        *,
        success: bool = True,
        binding: Binding = "redirect",
    ) -> LogoutResponseMessage:
        """Signed LogoutResponse to a verified IdP LogoutRequest.

        Status Success, or (`success=False`, the local session could not be ended)
        Responder/PartialLogout. Sent to the IdP's SingleLogoutService `ResponseLocation` for
        `binding`, or its `Location` when it has none, with the request's RelayState. Raises
        `UnknownIdentityProvider`, `AuthenticationError("SLO_UNSUPPORTED")` when the IdP has
        no SLO for `binding`, ValueError for an unknown binding.
        """
        if binding not in _BINDINGS:
            raise ValueError(f"binding must be 'redirect' or 'post', not {binding!r}")
        idp = self.idps.get(incoming.idp_entity_id)
        destination = idp.slo_response_url(_BINDINGS[binding])
        if not destination:
            raise AuthenticationError("SLO_UNSUPPORTED", f"{idp.entity_id} has no {binding} SLO")
        response_id, issue_instant = new_message_id(), utcnow()
        xml = build_logout_response(
            self.settings,
            response_id=response_id,
            issue_instant=issue_instant,
            destination=destination,
            in_response_to=incoming.request_id,
            success=success,
        )
        message = encode(
            xml,
            parameter="SAMLResponse",
            binding=binding,
            url=destination,
            relay_state=incoming.relay_state,
            key_pem=self.settings.private_key_pem,
            cert_pem=self.settings.certificate_pem,
        )
        return LogoutResponseMessage(
            request_id=response_id,
            in_response_to=incoming.request_id,
            idp_entity_id=idp.entity_id,
            binding=binding,
            url=message.url,
            form_fields=message.form_fields,
            form_html=message.form_html,
            relay_state=incoming.relay_state,
            issue_instant=issue_instant,
            success=success,
        )
