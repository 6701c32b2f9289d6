"""Bridge to python3-saml: its settings dict, signing and signature verification."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import xmlsec as _xmlsec
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from identity.saml.idp_registry import IdPMetadata
from identity.saml.xmlutil import (
    BINDING_POST,
    BINDING_REDIRECT,
    NAMEID_TRANSIENT,
    SPID_LEVEL_PREFIX,
)
from identity.settings import SPSettings

# The bundled type stubs of xmlsec miss Transform/KeyFormat members.
xmlsec: Any = _xmlsec


_SETTINGS_CACHE: dict[tuple[Any, ...], OneLogin_Saml2_Settings] = {}
_SETTINGS_CACHE_SIZE = 64


def onelogin_settings(
    sp: SPSettings, idp: IdPMetadata, certificates: tuple[str, ...]
) -> OneLogin_Saml2_Settings:
    """python3-saml settings in strict mode for one (SP, IdP) pair.

    `certificates` are the IdP signing certificates we trust right now (see
    `IdPMetadata.usable_certificates`); python3-saml itself never looks at their validity dates.
    Built once per distinct (SP, IdP, certificates) and reused: building one reformats every
    certificate and key (~1.4 ms), and validating a response only reads it.
    """
    key = (
        sp,
        idp.entity_id,
        tuple(sorted(idp.sso_urls.items())),
        tuple(sorted(idp.slo_urls.items())),
        certificates,
    )
    settings = _SETTINGS_CACHE.get(key)
    if settings is None:
        if len(_SETTINGS_CACHE) >= _SETTINGS_CACHE_SIZE:
            _SETTINGS_CACHE.clear()
        settings = _SETTINGS_CACHE[key] = _build_settings(sp, idp, certificates)
    return settings


def _build_settings(
    sp: SPSettings, idp: IdPMetadata, certificates: tuple[str, ...]
) -> OneLogin_Saml2_Settings:
    data: dict[str, Any] = {
        "strict": True,
        "debug": False,
        "sp": {
            "entityId": sp.entity_id,
            "assertionConsumerService": {"url": sp.acs_url, "binding": BINDING_POST},
            "singleLogoutService": {"url": sp.slo_url, "binding": BINDING_REDIRECT},
            "NameIDFormat": NAMEID_TRANSIENT,
            "x509cert": sp.certificate_pem,
            "privateKey": sp.private_key_pem,
        },
        "idp": {
            "entityId": idp.entity_id,
            "singleSignOnService": {
                "url": idp.sso_urls.get(BINDING_REDIRECT) or next(iter(idp.sso_urls.values())),
                "binding": BINDING_REDIRECT,
            },
            "singleLogoutService": {
                "url": idp.slo_urls.get(BINDING_REDIRECT, ""),
                "binding": BINDING_REDIRECT,
            },
            "x509certMulti": {"signing": list(certificates)},
        },
        "security": {
            "authnRequestsSigned": True,
            "logoutRequestSigned": True,
            "logoutResponseSigned": True,
            "signMetadata": True,
            "wantMessagesSigned": False,
            "wantAssertionsSigned": True,
            "wantNameId": True,
            "wantAttributeStatement": True,
            "requestedAuthnContext": [f"{SPID_LEVEL_PREFIX}{n}" for n in (1, 2, 3)],
            "failOnAuthnContextMismatch": True,
            "signatureAlgorithm": C.RSA_SHA256,
            "digestAlgorithm": C.SHA256,
            "rejectDeprecatedAlgorithm": True,
            "allowRepeatAttributeName": False,
        },
    }
    return OneLogin_Saml2_Settings(data, sp_validation_only=False)


def request_data_for(url: str, post: dict[str, str] | None = None) -> dict[str, Any]:
    """The request dict python3-saml wants, as if the browser had hit `url`."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    return {
        "https": "on" if https else "off",
        "http_host": parts.netloc,
        "script_name": parts.path,
        "get_data": {},
        "post_data": post or {},
    }


def sign_xml(xml: bytes | str, key_pem: str, cert_pem: str) -> bytes:
    """Enveloped RSA-SHA256 signature placed after the first Issuer (or first in metadata)."""
    signed = OneLogin_Saml2_Utils.add_sign(
        xml, key_pem, cert_pem, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
    )
    return signed if isinstance(signed, bytes) else signed.encode()


def sign_query(query: str, key_pem: str) -> str:
    """Base64 RSA-SHA256 signature of an HTTP-Redirect query string (`...&SigAlg=...`)."""
    raw = OneLogin_Saml2_Utils.sign_binary(query, key_pem)
    return OneLogin_Saml2_Utils.b64encode(raw)


def verify_query(query: str, signature_b64: str, cert_pem: str) -> bool:
    """Check an HTTP-Redirect signature made with RSA-SHA256."""
    try:
        signature = OneLogin_Saml2_Utils.b64decode(signature_b64)
    except ValueError:
        return False
    return bool(OneLogin_Saml2_Utils.validate_binary_sign(query, signature, cert_pem, C.RSA_SHA256))


def verify_xml(xml: bytes, cert_pem: str, xpath: str) -> bool:
    """Check the one enveloped signature found at `xpath` with `cert_pem`."""
    return bool(
        OneLogin_Saml2_Utils.validate_sign(xml, cert_pem, xpath=xpath, raise_exceptions=False)
    )


def sign_element(element: Any, key_pem: str, cert_pem: str) -> None:
    """Sign `element` in place (enveloped, RSA-SHA256, exclusive C14N) inside its document.

    The signature goes right after the element's own `saml:Issuer`, or first when there is none.
    Used by the test IdP, which must sign a Response whose Issuer may be deliberately missing.
    """
    signature = xmlsec.template.create(
        element, xmlsec.Transform.EXCL_C14N, xmlsec.Transform.RSA_SHA256, ns="ds"
    )
    issuer = element.find("{urn:oasis:names:tc:SAML:2.0:assertion}Issuer")
    if issuer is not None:
        issuer.addnext(signature)
    else:
        element.insert(0, signature)
    reference = xmlsec.template.add_reference(
        signature, xmlsec.Transform.SHA256, uri="#" + element.get("ID")
    )
    xmlsec.template.add_transform(reference, xmlsec.Transform.ENVELOPED)
    xmlsec.template.add_transform(reference, xmlsec.Transform.EXCL_C14N)
    xmlsec.template.add_x509_data(xmlsec.template.ensure_key_info(signature))
    xmlsec.tree.add_ids(element.getroottree().getroot(), ["ID"])
    context = xmlsec.SignatureContext()
    key = xmlsec.Key.from_memory(key_pem, xmlsec.KeyFormat.PEM, None)
    key.load_cert_from_memory(cert_pem, xmlsec.KeyFormat.PEM)
    context.key = key
    context.sign(signature)


class _CompiledSchemas:
    """Stands in for ``lxml.etree.XMLSchema`` inside python3-saml: one compiled schema per file
    and thread, instead of one per message.

    python3-saml validates every response against its bundled XSD and compiles the schema
    (with its imports) each time: about 7 ms of CPU per response, measured. It builds the
    schema through the class attribute ``OneLogin_Saml2_XML._schema_class`` from a freshly
    parsed schema file; this callable returns the schema already compiled from that file.
    Compiled schemas are kept per thread: an lxml validator carries its own error log, so it
    is not shared.
    """

    _local = threading.local()

    def __call__(self, schema_doc: Any) -> Any:
        source = schema_doc.docinfo.URL
        cache: dict[str, Any] | None = getattr(self._local, "schemas", None)
        if cache is None:
            cache = self._local.schemas = {}
        if not source:  # not read from a file: no name to cache it by
            return etree.XMLSchema(schema_doc)
        compiled = cache.get(source)
        if compiled is None:
            compiled = cache[source] = etree.XMLSchema(schema_doc)
        return compiled


def cache_compiled_schemas() -> None:
    """Install the per-thread schema cache in python3-saml (idempotent)."""
    from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

    if not isinstance(OneLogin_Saml2_XML.__dict__.get("_schema_class"), _CompiledSchemas):
        OneLogin_Saml2_XML._schema_class = _CompiledSchemas()
