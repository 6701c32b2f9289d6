"""The counter API's contract: one table of JSON Schemas (2020-12, as OpenAPI 3.1 reads them).

The views validate every request body with these schemas and the OpenAPI document
(``counter.openapi``) is built from the same table, so the document cannot promise what the
views do not check, nor the views refuse what the document allows. Bodies are read with
bounds first: at most ``MAX_BODY`` bytes (413 PAYLOAD_TOO_LARGE) and ``MAX_DEPTH`` levels of
nesting (400 INVALID_REQUEST), before any JSON parser sees them.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import jsonschema_rs
from flask import Request
from flask_babel import lazy_gettext as _l

from ..payments.daybook import LISTED
from ..payments.errors import PaymentError

MAX_BODY = 128 * 1024
MAX_DEPTH = 16
MAX_CART = 10  # notices paid in one counter transaction

NOTICE_CODE: dict[str, Any] = {
    "type": "string",
    "pattern": "^[0-9]{18}$",
    "description": "The 18-digit notice code (codice avviso), digits only.",
}
AMOUNT: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": 9_999_999_999}
REFERENCE: dict[str, Any] = {
    "type": "string",
    "pattern": "^[ -~]{1,64}$",
    "description": "The terminal's own reference of the transaction: 1-64 printable ASCII "
    "characters.",
}
METHODS = ("cash", "card", "bank_transfer", "other")
PAYMENT_METHOD: dict[str, Any] = {"enum": list(METHODS), "default": "cash"}
TOKEN_PATTERN = "^[A-Za-z0-9_-]{32}$"  # noqa: S105 (a pattern, not a secret)
DATE_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
DATE: dict[str, Any] = {"type": "string", "format": "date"}


def _object(properties: dict[str, Any], required: tuple[str, ...] = (), **more: Any) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
        **more,
    }


PAYMENT_STATUSES = ["activated", "paid", "aborted", "expired", "refund_due", "refunded"]

# Requests: validated by the views, described by the document.
REQUESTS: dict[str, dict[str, Any]] = {
    "VerifyRequest": _object(
        {
            "qr_code": {
                "type": "string",
                "pattern": "^PAGOPA\\|[ -~]{1,120}$",
                "description": "The scanned QR payload, PAGOPA|002|code|creditor|cents.",
            },
            "notice_code": NOTICE_CODE,
        },
        minProperties=1,
        maxProperties=1,
        description="Exactly one of `qr_code` and `notice_code`.",
    ),
    "ActivateRequest": _object(
        {"notice_code": NOTICE_CODE, "amount_cents": AMOUNT}, ("notice_code", "amount_cents")
    ),
    "CloseRequest": _object(
        {
            "outcome": {"enum": ["OK", "KO", "ABORT"], "description": "ABORT is KO."},
            "payment_method": PAYMENT_METHOD,
            "terminal_transaction_ref": REFERENCE,
        },
        ("outcome",),
        description="`terminal_transaction_ref` is required when the outcome is OK.",
        **{
            "if": {"properties": {"outcome": {"const": "OK"}}},
            "then": {"required": ["terminal_transaction_ref"]},
        },
    ),
    "CartActivateRequest": _object(
        {
            "notices": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_CART,
                "items": _object(
                    {"notice_code": NOTICE_CODE, "amount_cents": AMOUNT},
                    ("notice_code", "amount_cents"),
                ),
                "description": f"1-{MAX_CART} notices, each once.",
            }
        },
        ("notices",),
    ),
    "DebtLookupRequest": _object(
        {
            "fiscal_code": {
                "type": "string",
                "pattern": "^[A-Z0-9]{16}$",
                "description": "The person's codice fiscale as read from the card (16 upper-case "
                "characters, check character right).",
            },
            "read_from": {
                "enum": ["health_card", "cie"],
                "description": "The card the terminal read it from: tessera sanitaria or CIE.",
            },
        },
        ("fiscal_code", "read_from"),
    ),
    "DraftSummaryRequest": _object(
        {
            "code": {
                "type": "string",
                "minLength": 1,
                "maxLength": 64,
                "description": "The resume code printed on the draft sheet.",
            },
            "lang": {"type": "string", "pattern": "^[a-z]{2,3}$"},
        },
        ("code",),
    ),
}

# Query parameters: the document's parameter schemas, and what the views check (as integers
# once they are plain ASCII digits; anything else, or a name not listed, is a 400).
QUERIES: dict[str, dict[str, dict[str, Any]]] = {
    "PaymentListQuery": {
        "page": {"type": "integer", "minimum": 1, "maximum": LISTED, "default": 1},
        "page_size": {"type": "integer", "minimum": 1, "maximum": LISTED, "default": 10},
    },
    "DayReportQuery": {
        "date": {**DATE, "description": "The day (Rome's calendar); today when not given."},
        "scope": {"enum": ["terminal", "shop"], "default": "terminal"},
        "format": {"enum": ["pdf", "csv"], "default": "pdf"},
    },
}

PROBLEM: dict[str, Any] = {
    "type": "object",
    "required": ["type", "code", "title", "status", "detail", "instance", "request_id"],
    "properties": {
        "type": {"type": "string"},
        "code": {"type": "string"},  # the enum of documented codes is set by the document
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "request_id": {"type": ["string", "null"]},
        "retry_after": {"type": "integer"},
        "notice_code": {**NOTICE_CODE, "description": "The notice of a cart that was refused."},
        "payment_token": {
            "type": "string",
            "pattern": TOKEN_PATTERN,
            "description": "The payment a REFUND_REQUIRED answer is about.",
        },
    },
}

# Answers: what the views send, described by the document and checked by the fuzz test.
RESPONSES: dict[str, dict[str, Any]] = {
    "Notice": {
        "type": "object",
        "required": ["notice_code", "amount_cents", "currency", "status", "due_date"],
        "properties": {
            "notice_code": NOTICE_CODE,
            "creditor_fiscal_code": {"type": "string"},
            "creditor_name": {"type": "string"},
            "amount_cents": {
                **AMOUNT,
                "description": "The amount due today, from the creditor's system: a notice keeps "
                "its code while the amount changes (a fine: reduced within 5 days of "
                "notification, full within 60, increased after). Activate with this amount.",
            },
            "amount_window": {
                "type": ["string", "null"],
                "description": "Which window applies today (reduced, base, increased); null "
                "when the amount does not change with time.",
            },
            "amount_valid_until": {
                "type": ["string", "null"],
                "format": "date",
                "description": "The last day of today's amount (null: no change).",
            },
            "currency": {"const": "EUR"},
            "description": {"type": "string"},
            "payer": {"type": "string", "description": "masked name"},
            "status": {"const": "payable"},
            "due_date": DATE,
            "valid_until": {"type": ["string", "null"], "format": "date"},
            "details": {
                "type": "array",
                "items": {"type": "array", "items": {"type": "string"}},
            },
            "service": {"type": "string", "description": "The service the notice is for."},
        },
    },
    "Payment": {
        "type": "object",
        "required": ["payment_token", "status", "notice_code", "amount_cents", "expires_at"],
        "properties": {
            "payment_token": {"type": "string", "pattern": TOKEN_PATTERN},
            "status": {"enum": PAYMENT_STATUSES},
            "notice_code": NOTICE_CODE,
            "amount_cents": AMOUNT,
            "expires_at": DATE_TIME,
            "receipt_id": {"type": "string"},
            "paid_at": DATE_TIME,
            "payment_method": {"enum": list(METHODS)},
            "terminal_transaction_ref": {"type": "string"},
            "receipt_url": {"type": "string"},
            "description": {"type": "string"},
            "activated_at": DATE_TIME,
            "cart_token": {"type": "string", "pattern": TOKEN_PATTERN},
            "token_expired": {
                "type": "boolean",
                "description": "The outcome arrived after `expires_at` (see the states).",
            },
        },
    },
    "Cart": {
        "type": "object",
        "required": ["cart_token", "status", "amount_cents", "expires_at", "notices"],
        "properties": {
            "cart_token": {"type": "string", "pattern": TOKEN_PATTERN},
            "status": {"enum": PAYMENT_STATUSES},
            "amount_cents": AMOUNT,
            "expires_at": DATE_TIME,
            "notices": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["notice_code", "amount_cents", "status"],
                    "properties": {
                        "notice_code": NOTICE_CODE,
                        "amount_cents": AMOUNT,
                        "description": {"type": "string"},
                        "status": {"enum": PAYMENT_STATUSES},
                        "receipt_id": {"type": "string"},
                    },
                },
            },
            "receipt_id": {"type": "string"},
            "paid_at": DATE_TIME,
            "payment_method": {"enum": list(METHODS)},
            "terminal_transaction_ref": {"type": "string"},
            "receipt_url": {"type": "string"},
        },
    },
    "PaymentList": {
        "type": "object",
        "required": ["items", "page", "page_size", "total", "next_page"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Payment"}},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "next_page": {"type": ["integer", "null"]},
        },
    },
    "Debts": {
        "type": "object",
        "required": ["fiscal_code", "notices"],
        "properties": {
            "fiscal_code": {"type": "string", "pattern": "^[A-Z0-9]{16}$"},
            "notices": {"type": "array", "items": {"$ref": "#/components/schemas/Notice"}},
        },
    },
    "DraftSummary": {"type": "object"},
    "Problem": PROBLEM,
}


class MalformedRequest(PaymentError):
    code = "INVALID_REQUEST"
    status = 400
    title = _l("The request body is not valid.")


class PayloadTooLarge(PaymentError):
    code = "PAYLOAD_TOO_LARGE"
    status = 413
    title = _l("The request body is too large.")


@cache
def _validator(name: str) -> Any:
    if name in QUERIES:
        return jsonschema_rs.validator_for(_object(QUERIES[name]), validate_formats=True)
    return jsonschema_rs.validator_for(REQUESTS[name], validate_formats=True)


_DIGITS = re.compile(r"[0-9]{1,6}")


def query_args(request: Request, schema: str) -> dict[str, Any]:
    """The query string's values once they passed ``QUERIES[schema]`` (defaults filled in)."""
    params = QUERIES[schema]
    values: dict[str, Any] = {}
    for name, given in request.args.items(multi=True):
        if name in values or name not in params:
            raise MalformedRequest(detail=f"query parameter {name!r} unexpected or repeated")
        is_int = params[name].get("type") == "integer"
        values[name] = int(given) if is_int and _DIGITS.fullmatch(given) else given
    _check(schema, values)
    return {name: values.get(name, spec.get("default")) for name, spec in params.items()}


def _check(schema: str, data: Any) -> None:
    error = next(iter(_validator(schema).iter_errors(data)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.instance_path) or "(body)"
        raise MalformedRequest(
            _l("The field %(field)s is missing or not valid.", field=where),
            detail=f"{where}: {error.message}",
        )


def nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in ``raw`` (brackets inside strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def check_size(request: Request) -> None:
    """Refuse a body over MAX_BODY before it is read (its declared length) or after."""
    if (request.content_length or 0) > MAX_BODY:
        raise PayloadTooLarge(detail=f"{request.content_length} bytes")


def json_body(request: Request, schema: str) -> dict[str, Any]:
    """The request's JSON object once it passed the bounds and the ``schema`` of REQUESTS."""
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise PayloadTooLarge(detail=f"{len(raw)} bytes")
    if request.mimetype != "application/json":
        raise MalformedRequest(detail=f"content type {request.mimetype!r}")
    if nesting_depth(raw) > MAX_DEPTH:
        raise MalformedRequest(detail="JSON nested too deeply")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise MalformedRequest(detail=f"not JSON: {type(e).__name__}") from e
    _check(schema, data)
    assert isinstance(data, dict)
    return data
