"""SOAP 1.1 plumbing shared by the simulators: contracts, envelopes, faults, WS-Security."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
ACTOR_NEXT = "http://schemas.xmlsoap.org/soap/actor/next"
WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
UT_PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
PASSWORD_TEXT = UT_PROFILE + "#PasswordText"
PASSWORD_DIGEST = UT_PROFILE + "#PasswordDigest"

WSDL_DIR = Path(__file__).parent / "wsdl"
_MAX_SERVED_LOCATIONS = 32

# Requests are untrusted input: no entities, no network, no huge trees.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
# The same, for text already decoded by the charset of the HTTP Content-Type and re-encoded as
# UTF-8: that charset overrides the document's own declaration (RFC 7303, section 3.2).
_UTF8_PARSER = etree.XMLParser(
    encoding="utf-8", resolve_entities=False, no_network=True, remove_blank_text=True
)
# What a signature covers is the message as sent, whitespace included.
_EXACT_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_EXACT_UTF8_PARSER = etree.XMLParser(encoding="utf-8", resolve_entities=False, no_network=True)
# Our own contracts keep their layout and comments when served.
_CONTRACT_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


class SoapFault(Exception):
    """A SOAP 1.1 fault to send back: `code` without prefix (e.g. "Client.NotFound").

    `legacy_code` goes in the detail's ServiceFault; None sends no detail, as SOAP 1.1 (4.4)
    wants for faults about header entries. `status` is the HTTP status: 500 for every fault
    (WS-I BP R1126) except refusals at the HTTP level, before the body is read as SOAP.
    """

    def __init__(
        self, code: str, message: str, legacy_code: str | None, *, status: int = 500
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.legacy_code = legacy_code
        self.status = status


@dataclass
class Contract:
    """One WSDL: its text, target namespace, operations and the schema of its messages."""

    name: str
    namespace: str
    document: etree._ElementTree
    schema: etree.XMLSchema
    operations: dict[str, str]  # request element local name -> operation name
    actions: dict[str, str]  # operation name -> soapAction of its binding
    _served: dict[str, bytes] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wsdl_at(self, location: str) -> bytes:
        """The WSDL with its soap:address set to `location` (cached per location)."""
        with self._lock:
            cached = self._served.get(location)
            if cached is None:
                if len(self._served) >= _MAX_SERVED_LOCATIONS:
                    self._served.clear()  # the Host header is the client's: bound the cache
                doc = copy.deepcopy(self.document)
                for address in doc.iter(f"{{{WSDL_SOAP}}}address"):
                    address.set("location", location)
                cached = etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
                self._served[location] = cached
            return cached


def load_contract(name: str) -> Contract:
    """Load `wsdl/<name>.wsdl` and compile the schema embedded in its `types`."""
    document = etree.parse(str(WSDL_DIR / f"{name}.wsdl"), _CONTRACT_PARSER)
    root = document.getroot()
    schema_element = root.find(f"{{{WSDL_NS}}}types/{{{XSD_NS}}}schema")
    if schema_element is None:
        raise ValueError(f"{name}.wsdl embeds no xsd:schema")
    # Serialised and parsed again so that the namespace prefixes used in QName attribute values
    # (type="tns:Fine") stay declared on the schema's own root.
    schema = etree.XMLSchema(etree.fromstring(etree.tostring(schema_element)))
    operations: dict[str, str] = {}
    for operation in root.iterfind(f"{{{WSDL_NS}}}portType/{{{WSDL_NS}}}operation"):
        input_message = operation.find(f"{{{WSDL_NS}}}input")
        assert input_message is not None
        message_name = input_message.get("message", "").split(":")[-1]
        part = root.find(f"{{{WSDL_NS}}}message[@name='{message_name}']/{{{WSDL_NS}}}part")
        assert part is not None
        operations[part.get("element", "").split(":")[-1]] = operation.get("name", "")
    actions = {
        operation.get("name", ""): soap_operation.get("soapAction", "")
        for operation in root.iterfind(f"{{{WSDL_NS}}}binding/{{{WSDL_NS}}}operation")
        for soap_operation in operation.iterfind(f"{{{WSDL_SOAP}}}operation")
    }
    return Contract(
        name=name,
        namespace=root.get("targetNamespace", ""),
        document=document,
        schema=schema,
        operations=operations,
        actions=actions,
    )


def parse_envelope(
    payload: bytes, charset: str | None = None
) -> tuple[etree._Element | None, etree._Element]:
    """Split a SOAP 1.1 envelope into (Header or None, the Body's one element).

    `charset` is the one the HTTP Content-Type declares; without it the document's own
    declaration (or UTF-8) applies. Refused as WS-I Basic Profile 1.1 refuses them: a DTD
    (R1008), processing instructions (R1009), anything but an optional Header and a Body
    (R1011), a Body without exactly one element (document-literal, one part).
    """
    try:
        if charset is None:
            root = etree.fromstring(payload, _PARSER)
        else:
            root = etree.fromstring(_as_utf8(payload, charset), _UTF8_PARSER)
    except etree.XMLSyntaxError as e:
        raise SoapFault("Client.Invalid", "Malformed XML", "XML-001") from e
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SoapFault("Client.Invalid", "A SOAP message must not contain a DTD", "XML-002")
    if _has_processing_instruction(root):
        raise SoapFault(
            "Client.Invalid", "A SOAP message must not contain processing instructions", "XML-002"
        )
    qname = etree.QName(root)
    if qname.localname == "Envelope" and qname.namespace != SOAP_ENV:
        raise SoapFault("VersionMismatch", "Only SOAP 1.1 is supported", "SOAP-002")
    if root.tag != f"{{{SOAP_ENV}}}Envelope":
        raise SoapFault("Client.Invalid", "Not a SOAP envelope", "SOAP-001")
    parts = [child.tag for child in _elements(root)]
    if parts not in ([f"{{{SOAP_ENV}}}Body"], [f"{{{SOAP_ENV}}}Header", f"{{{SOAP_ENV}}}Body"]):
        raise SoapFault(
            "Client.Invalid", "An Envelope holds an optional Header, then a Body", "SOAP-001"
        )
    body = root.find(f"{{{SOAP_ENV}}}Body")
    assert body is not None
    payloads = _elements(body)
    if not payloads:
        raise SoapFault("Client.Invalid", "Empty SOAP body", "SOAP-001")
    if len(payloads) > 1:
        raise SoapFault("Client.Invalid", "The SOAP body holds more than one element", "SOAP-001")
    return root.find(f"{{{SOAP_ENV}}}Header"), payloads[0]


def parse_exact(payload: bytes, charset: str | None = None) -> etree._Element:
    """The envelope exactly as sent (whitespace kept), for checking a signature over it.

    Only for a payload that `parse_envelope` has already accepted.
    """
    if charset is None:
        return etree.fromstring(payload, _EXACT_PARSER)
    return etree.fromstring(_as_utf8(payload, charset), _EXACT_UTF8_PARSER)


def check_header_entries(header: etree._Element | None, understood: set[str]) -> None:
    """Refuse a header entry meant for this service, with mustUnderstand="1", not in `understood`.

    Entries addressed to another actor are not ours to judge (SOAP 1.1, 4.2.2); the fault for an
    entry not understood is MustUnderstand, without detail (4.2.3, 4.4).
    """
    if header is None:
        return
    for entry in _elements(header):
        qname = etree.QName(entry)
        if not qname.namespace:
            raise SoapFault(
                "Client.Invalid", "Header entries must be namespace-qualified", "SOAP-001"
            )
        must_understand = entry.get(f"{{{SOAP_ENV}}}mustUnderstand")
        if must_understand not in (None, "0", "1"):  # WS-I BP R1013: only "0" and "1"
            raise SoapFault("Client.Invalid", 'mustUnderstand must be "0" or "1"', "SOAP-001")
        if entry.get(f"{{{SOAP_ENV}}}actor", ACTOR_NEXT) != ACTOR_NEXT:
            continue
        if must_understand == "1" and entry.tag not in understood:
            raise SoapFault("MustUnderstand", f"Header entry {qname.text} not understood", None)


def check_soap_action(header_value: str | None, operation: str, declared: str) -> None:
    """The SOAPAction HTTP header against the soapAction that the binding declares for `operation`.

    The header is required (SOAP 1.1, 6.1.1) and a quoted string (WS-I BP R1109). `""` says
    the intent is given by the request URI: the Body's element then names the operation, as
    CXF and Axis2 dispatch it. Any other value must be the declared one (R2744).
    """
    if header_value is None:
        raise SoapFault("Client.Invalid", "Missing SOAPAction HTTP header", "SOAP-003")
    value = header_value.strip()
    if len(value) < 2 or not (value.startswith('"') and value.endswith('"')):
        raise SoapFault("Client.Invalid", "SOAPAction must be a quoted string", "SOAP-003")
    action = value[1:-1]
    if action and action != declared:
        raise SoapFault(
            "Client.Invalid",
            f'SOAPAction does not match the operation {operation} ("{declared}")',
            "SOAP-003",
        )


def _as_utf8(payload: bytes, charset: str) -> bytes:
    try:
        text = payload.decode(charset)
    except LookupError as e:
        raise SoapFault(
            "Client.Invalid", f"Unsupported charset {charset!a}", "XML-001", status=415
        ) from e
    except ValueError as e:  # UnicodeDecodeError, and codecs that refuse these bytes
        raise SoapFault("Client.Invalid", f"Body is not {charset!a}", "XML-001") from e
    return text.removeprefix("\ufeff").encode("utf-8")


def _has_processing_instruction(root: etree._Element) -> bool:
    outside = (*root.itersiblings(preceding=True), *root.itersiblings())
    top_level = any(isinstance(node, etree._ProcessingInstruction) for node in outside)
    return top_level or next(root.iter(etree.PI), None) is not None


def _elements(parent: etree._Element) -> list[etree._Element]:
    """Element children only: comments and processing instructions are children in lxml."""
    return [child for child in parent if isinstance(child.tag, str)]


def envelope(payload: etree._Element) -> bytes:
    """Wrap a response element in a SOAP 1.1 envelope."""
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    etree.SubElement(env, f"{{{SOAP_ENV}}}Body").append(payload)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def fault_envelope(fault: SoapFault, namespace: str | None) -> bytes:
    """A SOAP 1.1 Fault whose detail carries the service's ServiceFault (legacy code, message).

    No detail when the fault has no legacy code or no service (`namespace` None) is addressed.
    """
    env = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV})
    body = etree.SubElement(env, f"{{{SOAP_ENV}}}Body")
    node = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
    # faultcode and friends are unqualified in SOAP 1.1.
    etree.SubElement(node, "faultcode").text = f"soap:{fault.code}"
    etree.SubElement(node, "faultstring").text = fault.message
    if fault.legacy_code is None or namespace is None:
        return etree.tostring(env, xml_declaration=True, encoding="UTF-8")
    detail = etree.SubElement(node, "detail")
    service_fault = etree.SubElement(
        detail, f"{{{namespace}}}ServiceFault", nsmap={"tns": namespace}
    )
    etree.SubElement(service_fault, f"{{{namespace}}}code").text = fault.legacy_code
    etree.SubElement(service_fault, f"{{{namespace}}}message").text = fault.message
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


class UsernameTokenChecker:
    """Checks a WS-Security UsernameToken (PasswordText or PasswordDigest).

    Digests must carry a Nonce and a Created within `max_skew` of now; a nonce seen in that
    window is a replay and is refused.
    """

    def __init__(self, username: str, password: str, max_skew: float = 300.0) -> None:
        self._username = username.encode()
        self._password = password.encode()
        self._max_skew = max_skew
        self._nonces: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, header: etree._Element | None) -> None:
        token = None
        if header is not None:
            token = header.find(f"{{{WSSE}}}Security/{{{WSSE}}}UsernameToken")
        if token is None:
            raise _auth_fault("Missing WS-Security UsernameToken")
        username = (token.findtext(f"{{{WSSE}}}Username") or "").strip().encode()
        password = token.find(f"{{{WSSE}}}Password")
        if password is None:
            raise _auth_fault("Missing password")
        kind = password.get("Type", PASSWORD_TEXT)
        given = (password.text or "").strip().encode()
        if kind == PASSWORD_TEXT:
            expected = self._password
        elif kind == PASSWORD_DIGEST:
            expected = self._expected_digest(token)
        else:
            raise _auth_fault("Unsupported password type")
        user_ok = hmac.compare_digest(username, self._username)
        password_ok = hmac.compare_digest(given, expected)
        if not (user_ok and password_ok):
            raise _auth_fault("Wrong username or password")

    def _expected_digest(self, token: etree._Element) -> bytes:
        nonce_text = token.findtext(f"{{{WSSE}}}Nonce")
        created = token.findtext(f"{{{WSU}}}Created")
        if not nonce_text or not created:
            raise _auth_fault("Password digest without Nonce or Created")
        try:
            nonce = base64.b64decode(nonce_text.strip(), validate=True)
            created_at = datetime.fromisoformat(created.strip().replace("Z", "+00:00"))
        except ValueError as e:
            raise _auth_fault("Malformed Nonce or Created") from e
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        if abs(datetime.now(UTC) - created_at) > timedelta(seconds=self._max_skew):
            raise _auth_fault("Created timestamp out of the accepted window")
        self._remember(nonce)
        # SHA-1 is what the UsernameToken Profile 1.0 prescribes for PasswordDigest.
        digest = hashlib.sha1(nonce + created.strip().encode() + self._password).digest()  # noqa: S324
        return base64.b64encode(digest)

    def _remember(self, nonce: bytes) -> None:
        now = time.monotonic()
        with self._lock:
            while self._nonces and next(iter(self._nonces.values())) < now - self._max_skew:
                self._nonces.popitem(last=False)
            if nonce in self._nonces:
                raise _auth_fault("Nonce already used")
            self._nonces[nonce] = now


def _auth_fault(message: str) -> SoapFault:
    return SoapFault("Client.Authentication", message, "WSS-401")


class ElementBuilder:
    """Builds elements of one target namespace (prefix `tns`)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def q(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}"

    def root(self, name: str) -> etree._Element:
        return etree.Element(self.q(name), nsmap={"tns": self.namespace})

    def add(self, parent: etree._Element, name: str, text: object = None) -> etree._Element:
        child = etree.SubElement(parent, self.q(name))
        if text is not None:
            child.text = text.isoformat() if isinstance(text, date | datetime) else str(text)
        return child

    def text(self, parent: etree._Element, name: str) -> str:
        """Text of a required child (the schema has checked it is there)."""
        return (parent.findtext(self.q(name)) or "").strip()
