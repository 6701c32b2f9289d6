"""The counter API's contract under hostile input: bounded headers and bodies, strict schemas,
one problem+json shape, every code documented, refusals not replayed past their cause."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from gateway.counter.contract import MAX_BODY, REQUESTS
from gateway.counter.openapi import ERRORS, OPERATIONS, openapi_document
from gateway.counter.signing import signed_headers
from gateway.ente import current_ente
from gateway.exceptions import SportelloError
from gateway.forms_web import errors as draft_errors
from gateway.payments.errors import PaymentError

from .payments_factories import API, create_fine_notice, terminal_client

SHAPE = {"type", "code", "title", "status", "detail", "instance", "request_id"}


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    """The problem body, checked for the one shape every refusal has."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["code"] == code
    assert set(body) - {"retry_after", "notice_code"} == SHAPE, body
    assert body["status"] == status and body["instance"] == response.request.path
    assert isinstance(body["request_id"], str) and body["detail"] and body["title"]
    assert code in ERRORS and ERRORS[code][0] == status
    return dict(body)


def raw_call(tc: Any, path: str, raw: bytes, *, headers: dict[str, str] | None = None) -> Any:
    signed = signed_headers(tc.terminal_id, tc.secret, "POST", API + path, raw)
    signed["Content-Type"] = "application/json"
    signed.update(headers or {})
    return tc.client.post(API + path, data=raw, headers=signed)


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Timestamp", "9" * 400),
        ("X-Timestamp", "1764000000²"),  # a superscript digit: str.isdigit() says yes
        ("X-Timestamp", "¹⁷⁶⁴⁰⁰⁰⁰⁰⁰"),
        ("X-Timestamp", " 1764000000"),
        ("X-Timestamp", "+1764000000"),
        ("X-Timestamp", "1764000000\t"),
        ("X-Timestamp", "1e9"),
        ("X-Nonce", "é" * 20),
        ("X-Nonce", "short"),
        ("X-Nonce", "n" * 65),
        ("X-Signature", "zz" * 32),
        ("X-Signature", "ab" * 400),
        ("X-Terminal-Id", "tab 0001"),
        ("X-Terminal-Id", "T" * 400),
    ],
)
def test_malformed_signature_headers_are_a_400(
    app: Flask, session: Session, header: str, value: str
) -> None:
    tc = terminal_client(app, session)
    response = tc.call(
        "POST", "/notices/verify", {"notice_code": "3" * 18}, headers={header: value}
    )
    refused(response, 400, "INVALID_REQUEST")


def test_a_stale_well_formed_timestamp_is_still_a_401(app: Flask, session: Session) -> None:
    tc = terminal_client(app, session)
    old = tc.call("POST", "/notices/verify", {"notice_code": "3" * 18}, timestamp=1)
    refused(old, 401, "UNAUTHORIZED_TERMINAL")
    future = int(time.time()) + 10**11
    refused(
        tc.call("POST", "/notices/verify", {"notice_code": "3" * 18}, timestamp=future),
        401,
        "UNAUTHORIZED_TERMINAL",
    )


def test_deep_and_large_bodies_are_refused_before_parsing(app: Flask, session: Session) -> None:
    tc = terminal_client(app, session)
    deep = b"[" * 50_000 + b"]" * 50_000
    assert len(deep) <= MAX_BODY
    refused(raw_call(tc, "/notices/verify", deep), 400, "INVALID_REQUEST")
    refused(
        raw_call(tc, "/notices/verify", b'{"a":' * 17 + b"1" + b"}" * 17), 400, "INVALID_REQUEST"
    )
    # Brackets inside strings are text, not depth.
    text = json.dumps({"notice_code": "[" * 100}).encode()
    refused(raw_call(tc, "/notices/verify", text), 400, "INVALID_REQUEST")
    large = json.dumps({"notice_code": "3" * 18, "pad": "x" * MAX_BODY}).encode()
    refused(raw_call(tc, "/notices/verify", large), 413, "PAYLOAD_TOO_LARGE")
    big_int = b'{"notice_code": "%s", "amount_cents": %s}' % (b"3" * 18, b"9" * 5000)
    refused(
        raw_call(tc, "/payments/activate", big_int, headers={"Idempotency-Key": "k-big"}),
        400,
        "INVALID_REQUEST",
    )


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/notices/verify", {}),
        ("/notices/verify", {"notice_code": "3" * 17}),
        ("/notices/verify", {"notice_code": "３" * 18}),  # full-width digits
        ("/notices/verify", {"notice_code": "3" * 18 + "\n"}),
        ("/notices/verify", {"notice_code": "3" * 18, "qr_code": "PAGOPA|002|1|2|3"}),
        ("/notices/verify", {"notice_code": 3 * 10**17}),
        ("/notices/verify", {"qr_code": "not a payload"}),
        ("/notices/verify", {"notice_code": "3" * 18, "extra": 1}),
        ("/notices/verify", ["3" * 18]),
        ("/payments/activate", {"notice_code": "3" * 18}),
        ("/payments/activate", {"notice_code": "3" * 18, "amount_cents": True}),
        ("/payments/activate", {"notice_code": "3" * 18, "amount_cents": 12.5}),
        ("/payments/activate", {"notice_code": "3" * 18, "amount_cents": "100"}),
        ("/payments/activate", {"notice_code": "3" * 18, "amount_cents": 0}),
        ("/payments/activate", {"notice_code": "3" * 18, "amount_cents": 10**11}),
        ("/drafts/summary", {}),
        ("/drafts/summary", {"code": ""}),
        ("/drafts/summary", {"code": "ABCD", "lang": "italiano"}),
    ],
)
def test_bodies_not_as_their_schema_are_a_400(
    app: Flask, session: Session, path: str, body: Any
) -> None:
    tc = terminal_client(app, session)
    response = tc.call("POST", path, body, key="k-schema")
    refused(response, 400, "INVALID_REQUEST")


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "OK", "payment_method": "cash"},
        {"outcome": "OK", "payment_method": "cash", "terminal_transaction_ref": ""},
        {"outcome": "OK", "payment_method": "cash", "terminal_transaction_ref": "x" * 65},
        {"outcome": "OK", "payment_method": "cash", "terminal_transaction_ref": "a\nb"},
        {"outcome": "ok", "terminal_transaction_ref": "TX-1"},
        {"outcome": "OK", "payment_method": "cheque", "terminal_transaction_ref": "TX-1"},
    ],
)
def test_close_bodies_are_strict(app: Flask, session: Session, body: dict[str, Any]) -> None:
    notice = create_fine_notice(app)
    tc = terminal_client(app, session)
    token = tc.activate(notice).get_json()["payment_token"]
    refused(tc.call("POST", f"/payments/{token}/close", body, key="k-1"), 400, "INVALID_REQUEST")
    ok = {"outcome": "OK", "payment_method": "cash", "terminal_transaction_ref": "x" * 64}
    assert tc.call("POST", f"/payments/{token}/close", ok, key="k-2").status_code == 200


def test_every_refusal_has_one_shape(app: Flask, session: Session) -> None:
    """Activate and close refusals (stored for their key) are shaped as every other one."""
    notice = create_fine_notice(app)
    one = terminal_client(app, session, terminal_id="TAB-0001")
    two = terminal_client(app, session, terminal_id="TAB-0002")
    refused(one.activate(notice, amount=1), 422, "AMOUNT_MISMATCH")
    replayed = one.activate(notice, key="k-mismatch", amount=1)
    again = one.activate(notice, key="k-mismatch", amount=1)
    assert again.headers["Idempotent-Replayed"] == "true"
    first, second = (
        refused(replayed, 422, "AMOUNT_MISMATCH"),
        refused(again, 422, "AMOUNT_MISMATCH"),
    )
    assert first["request_id"] != second["request_id"]  # the replay names its own request
    token = one.activate(notice).get_json()["payment_token"]
    refused(two.activate(notice), 409, "PAYMENT_ALREADY_IN_PROGRESS")
    one.close(token, outcome="KO")
    refused(one.close(token, outcome="OK"), 409, "OUTCOME_CONFLICT")
    refused(one.call("GET", "/payments/" + "a" * 32), 404, "TOKEN_UNKNOWN")
    refused(one.call("GET", "/payments/not-a-token"), 404, "NOT_FOUND")
    refused(one.call("GET", "/notices/verify"), 405, "METHOD_NOT_ALLOWED")
    refused(one.call("POST", "/notices/verify", {"notice_code": "3" * 18}), 400, "INVALID_QRCODE")
    refused(one.call("POST", "/drafts/summary", {"code": "ABCD-EFGH"}), 422, "RESUME_CODE_MISTYPED")
    unsigned = one.client.post(f"{API}/notices/verify", json={"notice_code": notice.code})
    refused(unsigned, 401, "UNAUTHORIZED_TERMINAL")


def test_a_refusal_whose_cause_passed_is_not_replayed(app: Flask, session: Session) -> None:
    notice = create_fine_notice(app)
    one = terminal_client(app, session, terminal_id="TAB-0001")
    two = terminal_client(app, session, terminal_id="TAB-0002")
    token = one.activate(notice).get_json()["payment_token"]
    refused(two.activate(notice, key="k-two"), 409, "PAYMENT_ALREADY_IN_PROGRESS")
    assert one.close(token, outcome="KO").status_code == 200
    retried = two.activate(notice, key="k-two")
    assert retried.status_code == 201, retried.get_json()
    assert "Idempotent-Replayed" not in retried.headers
    assert two.activate(notice, key="k-two").headers["Idempotent-Replayed"] == "true"


def test_every_code_the_api_can_answer_is_documented() -> None:
    raised: set[str] = set()
    pending: list[type[SportelloError]] = [PaymentError]
    while pending:
        cls = pending.pop()
        raised.add(cls.code)
        pending.extend(cls.__subclasses__())
    raised.discard(PaymentError.code)  # the base, never raised
    raised |= {
        e.code
        for e in vars(draft_errors).values()
        if isinstance(e, type)
        and issubclass(e, SportelloError)
        and e.__module__ == draft_errors.__name__
        and e.code.startswith(("RESUME_", "TOO_MANY"))
    }
    raised |= {"NOT_FOUND", "METHOD_NOT_ALLOWED", "PAYLOAD_TOO_LARGE", "INTERNAL_ERROR"}
    raised |= {"TOO_MANY_REQUESTS", "DATABASE_UNAVAILABLE"}
    assert raised <= set(ERRORS), raised - set(ERRORS)
    used = {code for op in OPERATIONS for code in op.codes}
    assert used <= set(ERRORS)


def test_the_document_is_built_from_the_schemas_the_views_use(client: Any) -> None:
    doc = client.get(f"{API}/openapi.json").get_json()
    assert "/drafts/summary" in doc["paths"]
    for name, schema in REQUESTS.items():
        assert doc["components"]["schemas"][name] == schema
    verify = doc["components"]["schemas"]["VerifyRequest"]
    assert verify["properties"]["notice_code"]["pattern"] == "^[0-9]{18}$"
    assert doc["components"]["schemas"]["CloseRequest"]["properties"]["terminal_transaction_ref"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            statuses = set(op["responses"])
            assert {"400", "401", "405", "413", "429", "500", "503"} <= statuses, (path, method)
    problem = doc["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == SHAPE
    with client.application.app_context():
        assert openapi_document(current_ente()) == doc
