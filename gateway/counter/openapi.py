"""The OpenAPI 3.1 description of the counter terminal API (/counter/api/v1/openapi.json).

Generated: the schemas are those of ``counter.contract`` (the ones the views validate with),
the operations and the codes each can answer are the table ``OPERATIONS`` below, and every
code named there must be in ``ERRORS`` (a test checks that every code the views raise is).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..ente import Ente
from .contract import MAX_BODY, MAX_CART, MAX_DEPTH, QUERIES, REQUESTS, RESPONSES, TOKEN_PATTERN
from .signing import MAX_SKEW

SIGNING = f"""Every request is signed with the terminal's secret (HMAC-SHA256).

Headers: `X-Terminal-Id`, `X-Timestamp` (Unix seconds, 1-12 ASCII digits), `X-Nonce`
(16-64 characters of `[A-Za-z0-9_-]`, never reused), `X-Signature` (64 hex digits).

    string_to_sign = METHOD "\\n" PATH_WITH_QUERY "\\n" TIMESTAMP "\\n" NONCE "\\n"
                     hex(sha256(body))
    X-Signature    = hex(HMAC-SHA256(secret, string_to_sign))

PATH_WITH_QUERY is the request path percent-decoded as UTF-8 (every documented path is
plain ASCII, so a terminal signs the path it sends), then `?` and the query string exactly as
sent, when there is one. The body is hashed as sent: at most {MAX_BODY} bytes (413
`PAYLOAD_TOO_LARGE`), JSON nested at most {MAX_DEPTH} levels deep.

A header not of this form gets 400 `INVALID_REQUEST`. A missing header, a timestamp more
than {MAX_SKEW} s away from the gateway's clock, a wrong signature or a reused nonce get 401
`UNAUTHORIZED_TERMINAL`; so do an unknown and a disabled terminal, with the same answer,
decided only after the signature is checked. Mutual TLS is not used: the HMAC scheme does
not depend on the proxy in front of the gateway."""

IDEMPOTENCY = """State-changing calls require `Idempotency-Key` (1-128 printable characters).
The same key with the same request returns the stored answer (header `Idempotent-Replayed:
true`); the same key with a different request is refused with 422 `IDEMPOTENCY_KEY_REUSED`.
Refusals whose cause can pass (`PAYMENT_ALREADY_IN_PROGRESS`, `UNKNOWN_NOTICE`) and answers
with status 5xx are not stored: retry them with the same key."""

PROBLEMS = """Every refusal is `application/problem+json` (RFC 9457) of one shape: `type`, `code`
(stable, match on it), `title` (the status in words), `status`, `detail` (what went wrong, in
the language of `Accept-Language`, Italian by default), `instance` (the path) and
`request_id` (quote it to the operator's help desk)."""

STATES = """A payment's `status`, as pagoPA's Nodo handles a payment token:

    activate ──> activated ──close OK──> paid            (receipt issued)
                     │      ──close KO──> aborted         (the notice is payable again)
                     │
                     └─ expires_at passes: the notice is free for another activation, but
                        the token still answers its close (a *late* outcome):
                        close KO ──> aborted, `token_expired: true`
                        close OK ──> paid, `token_expired: true`, receipt issued
                                     when the notice is still payable and no other
                                     payment holds or has paid it (pagoPA: PPT_TOKEN_SCADUTO,
                                     position paid)
                                 ──> refund_due, 409 `REFUND_REQUIRED` otherwise: give the
                                     money back; a clerk marks it `refunded`

A late OK and a new activation of the same notice are serialised: whichever comes first wins,
the other gets 409 `NOTICE_ALREADY_PAID` (the activation) or `REFUND_REQUIRED` (the late OK).
A close repeated with the same outcome and reference gets the same answer; with another, 409
`OUTCOME_CONFLICT`."""

ERRORS = {
    "INVALID_QRCODE": (400, "The scanned QR payload or typed notice code is malformed."),
    "INVALID_REQUEST": (
        400,
        "A signature header not of its form, or a body not JSON, nested too deeply or not as "
        "its schema says.",
    ),
    "PAYLOAD_TOO_LARGE": (413, f"The body is over {MAX_BODY} bytes."),
    "NOT_FOUND": (404, "No such address (a token in the path not of its documented form)."),
    "METHOD_NOT_ALLOWED": (405, "The address exists, the method does not (header `Allow`)."),
    "INVALID_FISCAL_CODE": (400, "The fiscal code's check character is wrong."),
    "PAYMENT_IN_CART": (409, "The payment is one of a cart's: close the cart."),
    "INTERNAL_ERROR": (500, "A fault of the gateway: retry with the same Idempotency-Key."),
    "RESUME_CODE_MISTYPED": (422, "The draft code is mistyped (its check character fails)."),
    "RESUME_CODE_NOT_FOUND": (404, "No open draft has this code."),
    "TOO_MANY_GUESSES": (429, "Too many wrong draft codes: wait `Retry-After` seconds."),
    "IDEMPOTENCY_KEY_MISSING": (400, "A state-changing call without Idempotency-Key."),
    "UNAUTHORIZED_TERMINAL": (
        401,
        "Signature missing, wrong, stale or replayed; or terminal unknown or disabled.",
    ),
    "UNKNOWN_NOTICE": (404, "No notice with this code."),
    "TOKEN_UNKNOWN": (404, "No payment of this terminal has this token."),
    "NOTICE_ALREADY_PAID": (409, "The notice is paid."),
    "PAYMENT_ALREADY_IN_PROGRESS": (409, "Another activation holds the notice."),
    "TOKEN_EXPIRED": (
        409,
        "A cart closed OK after its `expires_at`: none of its notices is paid (a cart is all or "
        "nothing); activate a new cart. Single payments take late outcomes (see the states).",
    ),
    "REFUND_REQUIRED": (
        409,
        "A late OK (after `expires_at`) while another payment held or had paid the notice: "
        "give the money back; the payment is `refund_due` and a clerk reconciles it.",
    ),
    "OUTCOME_CONFLICT": (409, "The payment was closed with another outcome or reference."),
    "RECEIPT_NOT_AVAILABLE": (409, "The payment is not paid."),
    "EXPIRED_NOTICE": (
        422,
        "The notice's last valid day has passed. A notice whose amount "
        "changes with time (a fine's) does not expire: verify gives today's amount.",
    ),
    "REVOKED_NOTICE": (422, "The notice was replaced or is no longer owed."),
    "AMOUNT_MISMATCH": (422, "The amount sent differs from the notice's."),
    "IDEMPOTENCY_KEY_REUSED": (422, "The key was used for a different request."),
    "CREDITOR_UNAVAILABLE": (502, "The creditor's system did not answer."),
    "TOO_MANY_REQUESTS": (
        429,
        "Over this terminal's rate limit (or, before the signature is checked, this address's): "
        "wait `Retry-After` seconds.",
    ),
    "DATABASE_UNAVAILABLE": (503, "Briefly unavailable: retry with the same Idempotency-Key."),
}


@dataclass(frozen=True)
class Operation:
    """One operation of the API as the document shows it."""

    method: str
    path: str
    summary: str
    answer: tuple[str, str, str]  # status, schema (or a media type with "/"), description
    codes: tuple[str, ...] = ()
    request: str | None = None
    token: bool = False
    idempotent: bool = False
    description: str = ""
    query: str | None = None  # the name of its parameters in contract.QUERIES


# Codes every operation can answer: the signature, the limits, the bounds, outages, faults.
COMMON = (
    "UNAUTHORIZED_TERMINAL",
    "INVALID_REQUEST",
    "TOO_MANY_REQUESTS",
    "PAYLOAD_TOO_LARGE",
    "METHOD_NOT_ALLOWED",
    "INTERNAL_ERROR",
    "DATABASE_UNAVAILABLE",
)
BODY = ("INVALID_REQUEST",)
KEYED = ("IDEMPOTENCY_KEY_MISSING", "IDEMPOTENCY_KEY_REUSED")
BY_TOKEN = ("TOKEN_UNKNOWN", "NOT_FOUND")
PAYABLE = (
    "INVALID_QRCODE",
    "UNKNOWN_NOTICE",
    "NOTICE_ALREADY_PAID",
    "EXPIRED_NOTICE",
    "REVOKED_NOTICE",
)

OPERATIONS: list[Operation] = [
    Operation(
        "post",
        "/notices/verify",
        "Look up a notice by scanned QR payload or typed code",
        ("200", "Notice", "The notice can be paid now."),
        BODY + PAYABLE,
        request="VerifyRequest",
        description="Read-only. There is no listing: a notice is found only by its code.",
    ),
    Operation(
        "post",
        "/payments/activate",
        "Reserve the notice for this terminal (at most 30 minutes)",
        ("201", "Payment", "Activated: use payment_token to close."),
        BODY
        + KEYED
        + PAYABLE
        + ("PAYMENT_ALREADY_IN_PROGRESS", "AMOUNT_MISMATCH")
        + ("CREDITOR_UNAVAILABLE",),
        request="ActivateRequest",
        idempotent=True,
    ),
    Operation(
        "post",
        "/payments/{token}/close",
        "Close the payment: OK (paid, receipt issued) or KO (abort)",
        ("200", "Payment", "Closed; when paid, the receipt is ready."),
        BODY + KEYED + BY_TOKEN + ("REFUND_REQUIRED", "OUTCOME_CONFLICT", "NOTICE_ALREADY_PAID"),
        request="CloseRequest",
        token=True,
        idempotent=True,
        description=STATES,
    ),
    Operation(
        "get",
        "/payments/{token}",
        "State of one of this terminal's payments",
        ("200", "Payment", "The payment."),
        BY_TOKEN,
        token=True,
    ),
    Operation(
        "get",
        "/payments/{token}/receipt",
        "The sealed receipt PDF",
        ("200", "application/pdf", "The receipt (header X-Content-SHA256)."),
        (*BY_TOKEN, "RECEIPT_NOT_AVAILABLE"),
        token=True,
    ),
    Operation(
        "post",
        "/carts/activate",
        f"Reserve several notices (1-{MAX_CART}) for one counter transaction: all or none",
        ("201", "Cart", "Every notice is reserved: close the cart with cart_token."),
        BODY
        + KEYED
        + PAYABLE
        + ("PAYMENT_ALREADY_IN_PROGRESS", "AMOUNT_MISMATCH")
        + ("CREDITOR_UNAVAILABLE",),
        request="CartActivateRequest",
        idempotent=True,
        description="If one notice cannot be reserved, none is: the refusal's `notice_code` "
        "names it.",
    ),
    Operation(
        "post",
        "/carts/{token}/close",
        "Close every payment of the cart: OK (all paid, one receipt) or KO (all freed)",
        ("200", "Cart", "Closed; when paid, the cart's receipt lists every notice."),
        BODY + KEYED + BY_TOKEN + ("TOKEN_EXPIRED", "OUTCOME_CONFLICT", "NOTICE_ALREADY_PAID"),
        request="CloseRequest",
        token=True,
        idempotent=True,
    ),
    Operation(
        "get",
        "/carts/{token}",
        "State of one of this terminal's carts",
        ("200", "Cart", "The cart."),
        BY_TOKEN,
        token=True,
    ),
    Operation(
        "get",
        "/carts/{token}/receipt",
        "The sealed receipt PDF of the cart, listing each notice",
        ("200", "application/pdf", "The receipt (header X-Content-SHA256)."),
        (*BY_TOKEN, "RECEIPT_NOT_AVAILABLE"),
        token=True,
    ),
    Operation(
        "get",
        "/payments",
        "This terminal's last 30 payments of the last 30 days, newest first",
        ("200", "PaymentList", "One page of the list."),
        BODY,
        query="PaymentListQuery",
    ),
    Operation(
        "get",
        "/reports/day",
        "End-of-day report of this terminal or of its shop (PDF or CSV)",
        ("200", "application/pdf|text/csv", "The report of the day (Rome's calendar)."),
        BODY,
        query="DayReportQuery",
    ),
    Operation(
        "post",
        "/debts/lookup",
        "The notices a person can pay now, of every service, by the fiscal code on their card",
        ("200", "Debts", "The person's open notices (none is a 200 with an empty list)."),
        (*BODY, "INVALID_FISCAL_CODE"),
        request="DebtLookupRequest",
        description="For a terminal that read the person's health card or CIE: the fiscal code "
        "travels in the body, never in an address, and every look-up is audited. Limited per "
        "terminal (`TOO_MANY_REQUESTS`).",
    ),
    Operation(
        "post",
        "/drafts/summary",
        "Read-only summary of a printed draft, by the code on its sheet",
        ("200", "DraftSummary", "What the draft asks, to show at the counter."),
        (*BODY, "RESUME_CODE_MISTYPED", "RESUME_CODE_NOT_FOUND", "TOO_MANY_GUESSES"),
        request="DraftSummaryRequest",
    ),
]

TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The `payment_token` of the activation; any other form is a 404.",
    "schema": {"type": "string", "pattern": TOKEN_PATTERN},
}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[ -~]+$"},
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "required": True}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _refusals(codes: tuple[str, ...]) -> dict[str, Any]:
    by_status: dict[int, list[str]] = {}
    for code in dict.fromkeys(codes):
        by_status.setdefault(ERRORS[code][0], []).append(code)
    answers: dict[str, Any] = {}
    for status, named in sorted(by_status.items()):
        answer: dict[str, Any] = {
            "description": " / ".join(f"`{c}`: {ERRORS[c][1]}" for c in named),
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        if status == 429:
            answer["headers"] = RETRY_AFTER
        if status == 405:
            answer["headers"] = {"Allow": {"schema": {"type": "string"}, "required": True}}
        answers[str(status)] = answer
    return answers


def _operation(op: Operation) -> dict[str, Any]:
    status, schema, description = op.answer
    if "/" in schema:
        content: dict[str, Any] = {media: {} for media in schema.split("|")}
    else:
        content = {"application/json": {"schema": _ref(schema)}}
    parameters = ([TOKEN] if op.token else []) + ([IDEMPOTENCY_HEADER] if op.idempotent else [])
    for name, spec in QUERIES.get(op.query or "", {}).items():
        parameters.append({"name": name, "in": "query", "required": False, "schema": spec})
    doc: dict[str, Any] = {
        "summary": op.summary,
        "operationId": op.method + op.path.replace("/", "_").replace("{", "").replace("}", ""),
        "responses": {
            status: {"description": description, "content": content},
            **_refusals(op.codes + COMMON),
        },
    }
    if op.description:
        doc["description"] = op.description
    if parameters:
        doc["parameters"] = parameters
    if op.request:
        doc["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.request)}},
        }
    return doc


def openapi_document(ente: Ente) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op)
    schemas = copy.deepcopy({**REQUESTS, **RESPONSES})
    schemas["Problem"]["properties"]["code"] = {"enum": sorted(ERRORS)}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sportello — counter terminal API",
            "version": "1.1.0",
            "description": f"Pay pagoPA-style notices of the {ente.name} (creditor fiscal code "
            f"{ente.creditor_fiscal_code}) at partner counters: verify -> activate -> close -> "
            "receipt.\n\n" + "\n\n".join((SIGNING, IDEMPOTENCY, PROBLEMS, STATES)),
            "contact": {
                "name": ente.organization.name,
                "url": ente.contacts.website,
                "email": ente.organization.contact_email,
            },
        },
        "servers": [{"url": "/counter/api/v1"}],
        "security": [{"terminalSignature": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "terminalSignature": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Signature",
                    "description": SIGNING,
                }
            },
            "schemas": schemas,
        },
    }
