"""The simulators refuse what a strict SOAP 1.1 / WS-I Basic Profile stack refuses, over raw HTTP.

Every answer to a service address is a SOAP envelope in `text/xml; charset=utf-8`: never a
traceback, never an HTML page, whatever the request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from lxml import etree
from zeep import Client
from zeep.plugins import HistoryPlugin
from zeep.wsse.username import UsernameToken

from connectors.simulators import RunningSimulators
from connectors.simulators.transport import MAX_SOAP_BYTES

from .cast import GIULIA, MARIO, SOFIA
from .conftest import TEST_PASSWORD, TEST_USER
from .soap_messages import SOAP_ENV, WSSE, envelope, text_token

FINES = "urn:villanova:polizialocale:fines:v1"
SCHOOL = "urn:regione-esempio:scuola:anagrafe:v1"
HEALTH = "urn:regione-esempio:fse:v1"
WSDL_DIR = Path(__file__).parents[2] / "connectors" / "simulators" / "wsdl"
LIST_FINES = (
    f'<f:ListFinesRequest xmlns:f="{FINES}"><f:plate>EK903ZP</f:plate></f:ListFinesRequest>'
)


def declared_actions(service: str) -> dict[str, str]:
    """operation -> soapAction, as the service's WSDL binding declares them."""
    wsdl = etree.parse(str(WSDL_DIR / f"{service}.wsdl"))
    namespaces = {
        "wsdl": "http://schemas.xmlsoap.org/wsdl/",
        "soap": "http://schemas.xmlsoap.org/wsdl/soap/",
    }
    return {
        op.get("name", ""): op.findall("soap:operation", namespaces)[0].get("soapAction", "")
        for op in wsdl.findall("wsdl:binding/wsdl:operation", namespaces)
    }


def send(
    sims: RunningSimulators,
    payload: bytes,
    *,
    service: str = "fines",
    action: str | None = f'"{FINES}#ListFines"',
    content_type: str = "text/xml; charset=utf-8",
) -> requests.Response:
    headers = {"Content-Type": content_type}
    if action is not None:
        headers["SOAPAction"] = action
    return requests.post(sims.url(service), data=payload, headers=headers, timeout=10)


def soap_answer(answer: requests.Response) -> etree._Element:
    """The Body's element of an answer, after checking that the answer is a plain SOAP message."""
    assert answer.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert b"Traceback" not in answer.content
    assert b"<html" not in answer.content.lower()
    root = etree.fromstring(answer.content)
    assert root.tag == f"{{{SOAP_ENV}}}Envelope"
    body = root.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None and len(body) == 1
    return body[0]


def fault_of(answer: requests.Response) -> tuple[str, str | None]:
    """(faultcode, legacy code of the detail or None) of an answer that must be a SOAP Fault."""
    fault = soap_answer(answer)
    assert fault.tag == f"{{{SOAP_ENV}}}Fault"
    assert fault.findtext("faultstring")
    legacy = fault.find("detail/{*}ServiceFault/{*}code")
    return fault.findtext("faultcode") or "", None if legacy is None else legacy.text


def signed_in(body: str, extra_header: str = "") -> bytes:
    """An envelope with a valid UsernameToken and, optionally, one more header entry."""
    token = text_token(TEST_USER, TEST_PASSWORD)
    return envelope(body, token).replace(
        b"</soap:Header>", extra_header.encode() + b"</soap:Header>"
    )


# --- DTDs and processing instructions (WS-I BP R1008, R1009) -----------------------------------


@pytest.mark.parametrize(
    ("prologue", "plate"),
    [
        ('<!DOCTYPE soap:Envelope [<!ENTITY plate "EK903ZP">]>', "&plate;"),
        ('<!DOCTYPE soap:Envelope [<!ENTITY plate "EK903ZP">]>', "EK903ZP"),
        ("<!DOCTYPE soap:Envelope>", "EK903ZP"),
        ('<!DOCTYPE soap:Envelope SYSTEM "http://127.0.0.1:9/soap.dtd">', "EK903ZP"),
    ],
    ids=["entity-used", "entity-unused", "bare", "external"],
)
def test_a_dtd_is_a_client_fault(sims: RunningSimulators, prologue: str, plate: str) -> None:
    body = LIST_FINES.replace("EK903ZP", plate)
    payload = signed_in(body).replace(b"?>", b"?>" + prologue.encode(), 1)
    answer = send(sims, payload)
    assert answer.status_code == 500
    assert fault_of(answer) == ("soap:Client.Invalid", "XML-002")


def test_a_processing_instruction_is_a_client_fault(sims: RunningSimulators) -> None:
    payload = signed_in(LIST_FINES.replace("<f:plate>", "<?render fast?><f:plate>"))
    answer = send(sims, payload)
    assert answer.status_code == 500
    assert fault_of(answer) == ("soap:Client.Invalid", "XML-002")


# --- SOAPAction ----------------------------------------------------------------------------------


def test_what_zeep_sends_is_what_the_wsdls_declare_and_is_accepted(
    sims: RunningSimulators,
) -> None:
    history = HistoryPlugin()
    token = UsernameToken(TEST_USER, TEST_PASSWORD)
    calls = {
        "fines": ("ListFines", {"plate": "EK903ZP"}),
        "school": ("ListStudents", {"guardianFiscalCode": MARIO}),
        "health": ("ListDocuments", {"patientFiscalCode": GIULIA}),
    }
    for service, (operation, arguments) in calls.items():
        client = Client(sims.wsdl_url(service), wsse=token, plugins=[history])
        getattr(client.service, operation)(**arguments)
        sent = history.last_sent["http_headers"]["SOAPAction"]
        assert sent == f'"{declared_actions(service)[operation]}"'


@pytest.mark.parametrize("service", ["fines", "school", "health"])
def test_every_declared_action_names_its_own_operation(service: str) -> None:
    namespace = {"fines": FINES, "school": SCHOOL, "health": HEALTH}[service]
    actions = declared_actions(service)
    assert len(actions) >= 3
    assert all(action == f"{namespace}#{name}" for name, action in actions.items())


@pytest.mark.parametrize(
    ("action", "why"),
    [
        (f'"{FINES}#GetFine"', "another operation's action"),
        (f'"{FINES}#RegisterPayment"', "a write's action on a read"),
        (f'"{SCHOOL}#ListStudents"', "another service's action"),
        ('"urn:example:nothing"', "an action no operation declares"),
        (f"{FINES}#ListFines", "the right action, unquoted (R1109)"),
        (None, "no SOAPAction header (SOAP 1.1, 6.1.1)"),
    ],
)
def test_a_soap_action_not_that_of_the_body_is_a_client_fault(
    sims: RunningSimulators, action: str | None, why: str
) -> None:
    answer = send(sims, signed_in(LIST_FINES), action=action)
    assert answer.status_code == 500, why
    assert fault_of(answer) == ("soap:Client.Invalid", "SOAP-003"), why
    assert sims.state()["services"]["fines"]["calls"] == {}, "refused before the operation"


@pytest.mark.parametrize("action", [f'"{FINES}#ListFines"', '""'])
def test_the_declared_action_or_the_empty_one_is_served(
    sims: RunningSimulators, action: str
) -> None:
    answer = send(sims, signed_in(LIST_FINES), action=action)
    assert answer.status_code == 200
    assert soap_answer(answer).tag == f"{{{FINES}}}ListFinesResponse"


# --- mustUnderstand (SOAP 1.1, 4.2.3) -------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [
        '<t:Trace xmlns:t="urn:example:trace" soap:mustUnderstand="1">x</t:Trace>',
        '<t:Trace xmlns:t="urn:example:trace" soap:mustUnderstand="1"'
        ' soap:actor="http://schemas.xmlsoap.org/soap/actor/next"/>',
        '<wsa:To xmlns:wsa="http://www.w3.org/2005/08/addressing"'
        ' soap:mustUnderstand="1">urn:x</wsa:To>',
    ],
)
def test_a_mandatory_header_not_understood_is_a_must_understand_fault(
    sims: RunningSimulators, entry: str
) -> None:
    answer = send(sims, signed_in(LIST_FINES, entry))
    assert answer.status_code == 500
    # SOAP 1.1, 4.4: a fault about a header entry carries no detail.
    assert fault_of(answer) == ("soap:MustUnderstand", None)


@pytest.mark.parametrize(
    "entry",
    [
        '<t:Trace xmlns:t="urn:example:trace" soap:mustUnderstand="0">x</t:Trace>',
        '<t:Trace xmlns:t="urn:example:trace">x</t:Trace>',
        '<t:Trace xmlns:t="urn:example:trace" soap:mustUnderstand="1"'
        ' soap:actor="urn:example:audit-proxy">x</t:Trace>',
    ],
    ids=["optional", "no-attribute", "for-another-actor"],
)
def test_headers_not_required_of_this_service_are_ignored(
    sims: RunningSimulators, entry: str
) -> None:
    answer = send(sims, signed_in(LIST_FINES, entry))
    assert answer.status_code == 200
    assert soap_answer(answer).tag == f"{{{FINES}}}ListFinesResponse"


def test_the_security_header_it_processes_may_be_mandatory(sims: RunningSimulators) -> None:
    payload = signed_in(LIST_FINES).replace(
        b"<wsse:Security ", b'<wsse:Security soap:mustUnderstand="1" '
    )
    assert f'<wsse:Security soap:mustUnderstand="1" xmlns:wsse="{WSSE}"'.encode() in payload
    answer = send(sims, payload)
    assert answer.status_code == 200
    assert soap_answer(answer).tag == f"{{{FINES}}}ListFinesResponse"


@pytest.mark.parametrize("value", ["true", "yes", " 1"])
def test_must_understand_other_than_0_or_1_is_a_client_fault(
    sims: RunningSimulators, value: str
) -> None:
    entry = f'<t:Trace xmlns:t="urn:example:trace" soap:mustUnderstand="{value}"/>'
    answer = send(sims, signed_in(LIST_FINES, entry))
    assert answer.status_code == 500
    assert fault_of(answer) == ("soap:Client.Invalid", "SOAP-001")


# --- bodies that are not XML, or not a SOAP 1.1 envelope ------------------------------------------


def env(inner: str) -> bytes:
    return f'<soap:Envelope xmlns:soap="{SOAP_ENV}">{inner}</soap:Envelope>'.encode()


@pytest.mark.parametrize(
    ("payload", "legacy"),
    [
        (b"ListFines EK903ZP", "XML-001"),
        (b"", "XML-001"),
        (b"<html><body><h1>Hello</h1></body>", "XML-001"),
        (b"<html><body><h1>Hello</h1></body></html>", "SOAP-001"),
        (LIST_FINES.encode(), "SOAP-001"),
        (env("<soap:Header/>"), "SOAP-001"),
        (env("<soap:Body/>"), "SOAP-001"),
        (env(f"<soap:Body>{LIST_FINES}{LIST_FINES}</soap:Body>"), "SOAP-001"),
        (env(f"<soap:Body>{LIST_FINES}</soap:Body><x:After xmlns:x='urn:x'/>"), "SOAP-001"),
        (env(f"<soap:Body>{LIST_FINES}</soap:Body><soap:Header/>"), "SOAP-001"),
        (
            env(f"<soap:Header><Trace/></soap:Header><soap:Body>{LIST_FINES}</soap:Body>"),
            "SOAP-001",
        ),
    ],
    ids=[
        "text",
        "empty",
        "broken-html",
        "html",
        "bare-payload",
        "no-body",
        "empty-body",
        "two-payloads",
        "element-after-body",
        "header-after-body",
        "unqualified-header-entry",
    ],
)
def test_a_body_that_is_not_a_soap_envelope_is_a_client_fault(
    sims: RunningSimulators, payload: bytes, legacy: str
) -> None:
    answer = send(sims, payload)
    assert answer.status_code == 500
    assert fault_of(answer) == ("soap:Client.Invalid", legacy)


def test_comments_around_the_payload_are_not_part_of_it(sims: RunningSimulators) -> None:
    payload = signed_in(f"<!-- a note -->{LIST_FINES}<!-- another -->")
    answer = send(sims, payload)
    assert answer.status_code == 200
    assert soap_answer(answer).tag == f"{{{FINES}}}ListFinesResponse"


def test_an_envelope_of_another_namespace_is_a_version_mismatch(sims: RunningSimulators) -> None:
    payload = b'<e:Envelope xmlns:e="urn:example:envelope"><e:Body/></e:Envelope>'
    answer = send(sims, payload)
    assert answer.status_code == 500
    assert fault_of(answer) == ("soap:VersionMismatch", "SOAP-002")


@pytest.mark.parametrize(
    ("content_type", "status", "code"),
    [
        ("application/soap+xml; charset=utf-8", 500, "soap:VersionMismatch"),
        ("application/json", 415, "soap:Client.Invalid"),
        ("text/html; charset=utf-8", 415, "soap:Client.Invalid"),
        ("application/x-www-form-urlencoded", 415, "soap:Client.Invalid"),
    ],
)
def test_a_media_type_other_than_text_xml_is_refused(
    sims: RunningSimulators, content_type: str, status: int, code: str
) -> None:
    answer = send(sims, signed_in(LIST_FINES), content_type=content_type)
    assert answer.status_code == status
    assert fault_of(answer)[0] == code


def test_other_http_answers_of_a_service_are_soap_envelopes_too(sims: RunningSimulators) -> None:
    wrong_method = requests.get(sims.url("fines"), timeout=5)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST"
    assert fault_of(wrong_method)[0] == "soap:Client"
    for path in ("/nothing", "/", "/fines/extra"):
        unknown = requests.post(sims.base_url + path, data=signed_in(LIST_FINES), timeout=5)
        assert unknown.status_code == 404
        assert fault_of(unknown) == ("soap:Client", None)


# --- size ---------------------------------------------------------------------------------------


def padded(size: int) -> bytes:
    """A valid ListFines envelope of exactly `size` bytes (a comment fills it)."""
    payload = signed_in(LIST_FINES)
    filler = size - len(payload) - len(b"<!---->")
    assert filler >= 0
    return payload.replace(b"<soap:Body>", b"<!--" + b"x" * filler + b"--><soap:Body>")


def test_a_request_over_the_size_limit_is_a_413_client_fault(sims: RunningSimulators) -> None:
    answer = send(sims, padded(MAX_SOAP_BYTES + 1))
    assert answer.status_code == 413
    assert fault_of(answer) == ("soap:Client.Invalid", "HTTP-413")
    assert sims.state()["services"]["fines"]["calls"] == {}


def test_a_request_at_the_size_limit_is_served(sims: RunningSimulators) -> None:
    answer = send(sims, padded(MAX_SOAP_BYTES))
    assert answer.status_code == 200
    assert soap_answer(answer).tag == f"{{{FINES}}}ListFinesResponse"


# --- charsets -------------------------------------------------------------------------------------

PURPOSE = "Iscrizione all'università, borsa di studio «Perù»"


def certificate_request(declaration: str = "") -> str:
    body = (
        f'<s:IssueCertificateRequest xmlns:s="{SCHOOL}">'
        f"<s:studentFiscalCode>{SOFIA}</s:studentFiscalCode><s:kind>enrolment</s:kind>"
        f"<s:purpose>{PURPOSE}</s:purpose></s:IssueCertificateRequest>"
    )
    text = envelope(body, text_token(TEST_USER, TEST_PASSWORD)).decode("utf-8")
    return text.replace('<?xml version="1.0" encoding="UTF-8"?>', declaration)


@pytest.mark.parametrize(
    ("charset", "declaration"),
    [
        ("iso-8859-1", ""),
        ("ISO-8859-15", '<?xml version="1.0" encoding="ISO-8859-15"?>'),
        ("windows-1252", '<?xml version="1.0" encoding="UTF-8"?>'),  # HTTP's charset wins
        ("utf-16", ""),
    ],
)
def test_the_charset_of_the_content_type_is_the_one_read(
    sims: RunningSimulators, charset: str, declaration: str
) -> None:
    payload = certificate_request(declaration).encode(charset)
    answer = send(
        sims,
        payload,
        service="school",
        action=f'"{SCHOOL}#IssueCertificate"',
        content_type=f"text/xml; charset={charset}",
    )
    assert answer.status_code == 200, answer.text
    response = soap_answer(answer)
    assert response.findtext(f"{{{SCHOOL}}}purpose") == PURPOSE


@pytest.mark.parametrize(
    ("charset", "encoding", "status", "legacy"),
    [
        ("utf-8", "iso-8859-1", 500, "XML-001"),
        ("us-ascii", "utf-8", 500, "XML-001"),
        ("x-sportello-unknown", "utf-8", 415, "XML-001"),
        ("base64", "utf-8", 415, "XML-001"),
    ],
)
def test_a_body_not_in_its_declared_charset_is_a_client_fault(
    sims: RunningSimulators, charset: str, encoding: str, status: int, legacy: str
) -> None:
    answer = send(
        sims,
        certificate_request().encode(encoding),
        service="school",
        action=f'"{SCHOOL}#IssueCertificate"',
        content_type=f"text/xml; charset={charset}",
    )
    assert answer.status_code == status
    assert fault_of(answer) == ("soap:Client.Invalid", legacy)
