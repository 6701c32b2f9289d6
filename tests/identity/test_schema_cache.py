"""python3-saml's schema validation with compiled schemas kept per thread."""

from __future__ import annotations

import threading
from typing import Any

from lxml import etree
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML

from identity.saml.toolkit import cache_compiled_schemas

PROTOCOL = "saml-schema-protocol-2.0.xsd"
VALID = b"""<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
  ID="_a1" Version="2.0" IssueInstant="2026-11-23T10:00:00Z">
  <samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
  </samlp:Status></samlp:LogoutResponse>"""
# No Status element: the schema requires one.
INVALID = b"""<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
  ID="_a1" Version="2.0" IssueInstant="2026-11-23T10:00:00Z"/>"""


def compiled_in_this_thread(calls: list[Any]) -> Any:
    """Validate once and return the schema object python3-saml was handed."""
    schema_class = OneLogin_Saml2_XML._schema_class
    seen: list[Any] = []

    def spy(doc: Any) -> Any:
        seen.append(schema_class(doc))
        return seen[-1]

    OneLogin_Saml2_XML._schema_class = spy
    try:
        calls.append(OneLogin_Saml2_XML.validate_xml(VALID, PROTOCOL))
    finally:
        OneLogin_Saml2_XML._schema_class = schema_class
    return seen[0]


def test_each_thread_compiles_the_schema_once_and_validation_still_refuses_bad_xml() -> None:
    cache_compiled_schemas()
    cache_compiled_schemas()  # idempotent
    calls: list[Any] = []
    first = compiled_in_this_thread(calls)
    second = compiled_in_this_thread(calls)
    assert first is second and isinstance(first, etree.XMLSchema)
    assert all(not isinstance(result, str) for result in calls)  # the valid message passes
    assert OneLogin_Saml2_XML.validate_xml(INVALID, PROTOCOL) == "invalid_xml"
    assert not isinstance(OneLogin_Saml2_XML.validate_xml(VALID, PROTOCOL), str)

    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(compiled_in_this_thread([])))
    thread.start()
    thread.join()
    assert other[0] is not first  # a validator carries its error log: never shared
