"""The OpenAPI 3.1 description of the counter terminal API (/counter/api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from .signing import MAX_SKEW

SIGNING = f"""Every request is signed with the terminal's secret (HMAC-SHA256).

Headers: `X-Terminal-Id`, `X-Timestamp` (Unix seconds), `X-Nonce` (16-64 characters of
`[A-Za-z0-9_-]`, never reused), `X-Signature` (lowercase hex).

    string_to_sign = METHOD "\\n" PATH_WITH_QUERY "\\n" TIMESTAMP "\\n" NONCE "\\n"
                     hex(sha256(body))
    X-Signature    = hex(HMAC-SHA256(secret, string_to_sign))

A missing header, an unknown terminal, a timestamp more than {MAX_SKEW} s away from the
gateway's clock, a wrong signature or a reused nonce get 401 `UNAUTHORIZED_TERMINAL`; a
disabled terminal gets 403 `UNAUTHORIZED_TERMINAL`. Mutual TLS is not used: the HMAC scheme
does not depend on the proxy in front of the gateway."""

IDEMPOTENCY = """State-changing calls require `Idempotency-Key` (1-128 printable characters).
The same key with the same request returns the stored answer (header `Idempotent-Replayed:
true`); the same key with a different request is refused with 422 `IDEMPOTENCY_KEY_REUSED`.
Answers with status 5xx are not stored: retry them with the same key."""

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
    "INVALID_REQUEST": (400, "The JSON body is missing or malformed."),
    "IDEMPOTENCY_KEY_MISSING": (400, "A state-changing call without Idempotency-Key."),
    "UNAUTHORIZED_TERMINAL": (401, "Signature missing, wrong, stale or replayed (403: disabled)."),
    "UNKNOWN_NOTICE": (404, "No notice with this code."),
    "TOKEN_UNKNOWN": (404, "No payment of this terminal has this token."),
    "NOT_FOUND": (404, "No such address: the token in the path is not of its documented form."),
    "NOTICE_ALREADY_PAID": (409, "The notice is paid."),
    "PAYMENT_ALREADY_IN_PROGRESS": (409, "Another activation holds the notice."),
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


def _error(*codes: str) -> dict[str, Any]:
    return {
        "description": " / ".join(f"`{c}`: {ERRORS[c][1]}" for c in codes),
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


def _json(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


# Answers every operation can give: authentication, the rate limit, a database outage.
AUTH_ERRORS = {
    "401": _error("UNAUTHORIZED_TERMINAL"),
    "403": _error("UNAUTHORIZED_TERMINAL"),
    "429": {
        **_error("TOO_MANY_REQUESTS"),
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "required": True}},
    },
    "503": _error("DATABASE_UNAVAILABLE"),
}
TOKEN = {
    "name": "token",
    "in": "path",
    "required": True,
    "description": "The `payment_token` of the activation; any other form is a 404.",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{32}$"},
}
IDEMPOTENCY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "schema": {"type": "string", "maxLength": 128},
}


def openapi_document() -> dict[str, Any]:
    payment_props: dict[str, Any] = {
        "payment_token": {"type": "string"},
        "status": {"enum": ["activated", "paid", "aborted", "refund_due", "refunded"]},
        "token_expired": {
            "type": "boolean",
            "description": "The outcome arrived after `expires_at` (see the states above).",
        },
        "notice_code": {"type": "string", "pattern": "^3[0-9]{17}$"},
        "amount_cents": {"type": "integer"},
        "expires_at": {"type": "string", "format": "date-time"},
        "receipt_id": {"type": "string"},
        "paid_at": {"type": "string", "format": "date-time"},
        "payment_method": {"enum": ["cash", "card", "bank_transfer", "other"]},
        "terminal_transaction_ref": {"type": "string"},
        "receipt_url": {"type": "string"},
        "description": {"type": "string"},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sportello — counter terminal API",
            "version": "1.0.0",
            "description": "Pay pagoPA-style notices of the Comune di Villanova at partner "
            "counters: verify -> activate -> close -> receipt.\n\n"
            + SIGNING
            + "\n\n"
            + IDEMPOTENCY
            + "\n\n"
            + STATES,
        },
        "servers": [{"url": "/counter/api/v1"}],
        "security": [{"terminalSignature": []}],
        "paths": {
            "/notices/verify": {
                "post": {
                    "summary": "Look up a notice by scanned QR payload or typed code",
                    "description": "Read-only. There is no listing: a notice is found only "
                    "by its code.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/VerifyRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json("Notice", "The notice can be paid now."),
                        "400": _error("INVALID_QRCODE", "INVALID_REQUEST"),
                        **AUTH_ERRORS,
                        "404": _error("UNKNOWN_NOTICE"),
                        "409": _error("NOTICE_ALREADY_PAID"),
                        "422": _error("EXPIRED_NOTICE", "REVOKED_NOTICE"),
                    },
                }
            },
            "/payments/activate": {
                "post": {
                    "summary": "Reserve the notice for this terminal (at most 30 minutes)",
                    "parameters": [IDEMPOTENCY_HEADER],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ActivateRequest"}
                            }
                        },
                    },
                    "responses": {
                        "201": _json("Payment", "Activated: use payment_token to close."),
                        "400": _error(
                            "INVALID_QRCODE", "INVALID_REQUEST", "IDEMPOTENCY_KEY_MISSING"
                        ),
                        **AUTH_ERRORS,
                        "404": _error("UNKNOWN_NOTICE"),
                        "409": _error("NOTICE_ALREADY_PAID", "PAYMENT_ALREADY_IN_PROGRESS"),
                        "422": _error(
                            "EXPIRED_NOTICE",
                            "REVOKED_NOTICE",
                            "AMOUNT_MISMATCH",
                            "IDEMPOTENCY_KEY_REUSED",
                        ),
                        "502": _error("CREDITOR_UNAVAILABLE"),
                    },
                }
            },
            "/payments/{token}/close": {
                "post": {
                    "summary": "Close the payment: OK (paid, receipt issued) or KO (abort)",
                    "description": STATES,
                    "parameters": [TOKEN, IDEMPOTENCY_HEADER],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CloseRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json("Payment", "Closed; when paid, the receipt is ready."),
                        "400": _error("INVALID_REQUEST", "IDEMPOTENCY_KEY_MISSING"),
                        **AUTH_ERRORS,
                        "404": _error("TOKEN_UNKNOWN", "NOT_FOUND"),
                        "409": _error("REFUND_REQUIRED", "OUTCOME_CONFLICT", "NOTICE_ALREADY_PAID"),
                        "422": _error("IDEMPOTENCY_KEY_REUSED"),
                    },
                }
            },
            "/payments/{token}": {
                "get": {
                    "summary": "State of one of this terminal's payments",
                    "parameters": [TOKEN],
                    "responses": {
                        "200": _json("Payment", "The payment."),
                        **AUTH_ERRORS,
                        "404": _error("TOKEN_UNKNOWN", "NOT_FOUND"),
                    },
                }
            },
            "/payments/{token}/receipt": {
                "get": {
                    "summary": "The sealed receipt PDF",
                    "parameters": [TOKEN],
                    "responses": {
                        "200": {
                            "description": "The receipt (header X-Content-SHA256).",
                            "content": {"application/pdf": {}},
                        },
                        **AUTH_ERRORS,
                        "404": _error("TOKEN_UNKNOWN", "NOT_FOUND"),
                        "409": _error("RECEIPT_NOT_AVAILABLE"),
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {
                "terminalSignature": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Signature",
                    "description": SIGNING,
                }
            },
            "schemas": {
                "VerifyRequest": {
                    "type": "object",
                    "properties": {
                        "qr_code": {"type": "string", "description": "PAGOPA|002|code|cf|cents"},
                        "notice_code": {"type": "string", "description": "18 digits"},
                    },
                },
                "ActivateRequest": {
                    "type": "object",
                    "required": ["notice_code", "amount_cents"],
                    "properties": {
                        "notice_code": {"type": "string"},
                        "amount_cents": {"type": "integer", "minimum": 1},
                    },
                },
                "CloseRequest": {
                    "type": "object",
                    "required": ["outcome"],
                    "properties": {
                        "outcome": {"enum": ["OK", "KO", "ABORT"]},
                        "payment_method": payment_props["payment_method"],
                        "terminal_transaction_ref": {"type": "string", "maxLength": 64},
                    },
                },
                "Notice": {
                    "type": "object",
                    "properties": {
                        "notice_code": {"type": "string"},
                        "creditor_fiscal_code": {"type": "string"},
                        "creditor_name": {"type": "string"},
                        "amount_cents": {
                            "type": "integer",
                            "description": "The amount due today, from the creditor's system: "
                            "a notice keeps its code while the amount changes (a fine: reduced "
                            "within 5 days of notification, full within 60, increased after). "
                            "Activate with this amount.",
                        },
                        "amount_window": {
                            "type": ["string", "null"],
                            "description": "Which window applies today (reduced, base, "
                            "increased), null when the amount does not change with time.",
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
                        "due_date": {"type": "string", "format": "date"},
                        "valid_until": {"type": ["string", "null"], "format": "date"},
                        "details": {"type": "array", "items": {"type": "array"}},
                    },
                },
                "Payment": {"type": "object", "properties": payment_props},
                "Problem": {
                    "type": "object",
                    "required": ["code", "status", "title"],
                    "properties": {
                        "type": {"type": "string"},
                        "code": {"enum": sorted(ERRORS)},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                    },
                },
            },
        },
    }
