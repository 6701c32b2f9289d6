"""Whatever arrives at the ACS, process_response raises nothing but AuthenticationError."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from identity import AuthenticationError, ServiceProvider

NOW = dt.datetime.now(dt.UTC)
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _reason(sp: ServiceProvider, payload: str | bytes) -> str:
    with pytest.raises(AuthenticationError) as caught:
        sp.process_response(payload, request_id="_r", requested_level=2, issue_instant=NOW)
    return caught.value.reason


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(sp: ServiceProvider, data: bytes) -> None:
    assert _reason(sp, data)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(sp: ServiceProvider, text: str) -> None:
    assert _reason(sp, text)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_base64(sp: ServiceProvider, data: bytes) -> None:
    assert _reason(sp, base64.b64encode(data).decode())


XML_PIECES = st.lists(
    st.sampled_from(
        [
            "<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'",
            " xmlns:saml='urn:oasis:names:tc:SAML:2.0:assertion'",
            " Version='2.0'",
            " ID='_a'",
            ">",
            "</samlp:Response>",
            "<saml:Issuer>http://localhost:5000/test-idp</saml:Issuer>",
            "<samlp:Status><samlp:StatusCode Value='urn:oasis:names:tc:SAML:2.0:status:Success'/>"
            "</samlp:Status>",
            "<saml:Assertion ID='_b' Version='2.0'>",
            "</saml:Assertion>",
            "<!-- c -->",
            "&amp;",
            "<![CDATA[x]]>",
            "<?pi x?>",
            "\u00e8",
            "<",
        ]
    ),
    max_size=12,
)


@FUZZ
@given(XML_PIECES)
def test_random_saml_like_xml(sp: ServiceProvider, pieces: list[str]) -> None:
    assert _reason(sp, base64.b64encode("".join(pieces).encode()).decode())


def test_huge_input_is_refused_quickly(sp: ServiceProvider) -> None:
    huge = base64.b64encode(b"<a>" + b"x" * (8 * 1024 * 1024) + b"</a>").decode()
    assert _reason(sp, huge) == "MALFORMED"


def test_deeply_nested_xml(sp: ServiceProvider) -> None:
    deep = b"<a>" * 5000 + b"</a>" * 5000
    assert _reason(sp, base64.b64encode(deep).decode()) == "MALFORMED"
