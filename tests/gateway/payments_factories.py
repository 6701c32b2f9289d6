"""Factories of the payments slice: terminals, fine notices, signed counter API calls."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from gateway.counter.signing import signed_headers
from gateway.counter.terminals import add_terminal
from gateway.db import db
from gateway.fines.operations import fines_system, request_fine_notice
from gateway.models import Notice, Terminal
from gateway.transactions.operations import Actor

MARIO_CF = "RSSMRA80A01H501U"
MARIO_ACTOR = Actor(kind="citizen", id=MARIO_CF, name="Mario Rossi", channel="web")
# Mario's open fines in the simulator: reduced window, base window, increased.
REDUCED_FINE = "VL-{year}-004117"  # base 173.00, notified 2 days ago -> 121.10 until +3 days
BASE_FINE = "VL-{year}-003988"  # base 83.00, notified 21 days ago
INCREASED_FINE = "VL-{year}-002541"  # base 167.00, notified 95 days ago -> 334.00, no limit
PAID_FINE = "VL-{year}-001876"
CANCELLED_FINE = "VL-{year}-002210"
GIULIA_FINE = "VL-{year}-004001"
API = "/counter/api/v1"


def fine_number(template: str, app: Flask) -> str:
    """The report number as the simulator seeded it (the year of the offence)."""

    fines = fines_system(app)
    for fine in fines.list_by_fiscal_code(MARIO_CF) + fines.list_by_fiscal_code("BNCGLI85C55F205C"):
        if fine.report_number.endswith(template.rsplit("-", 1)[1]):
            return fine.report_number
    raise LookupError(template)


def create_terminal(session: Session, app: Flask, **overrides: Any) -> tuple[Terminal, str]:
    values: dict[str, Any] = {
        "terminal_id": f"TAB-{secrets.randbelow(9000) + 1000}",
        "network": "Rete Punti Esempio",
        "shop_name": "Tabaccheria Centrale",
        "shop_address": "via Roma 12, Villanova",
    }
    values.update(overrides)
    terminal, secret = add_terminal(
        session, secret_key=app.config["SPORTELLO"].secret_key, **values
    )
    session.commit()
    return terminal, secret


def create_fine_notice(app: Flask, template: str = REDUCED_FINE) -> Notice:
    """Mario asks to pay one of his fines at a counter; returns the notice (committed)."""
    with app.test_request_context(), db.fresh_session(app) as session:
        notice = request_fine_notice(
            session,
            fiscal_code=MARIO_CF,
            payer_name="Mario Rossi",
            report_number=fine_number(template, app),
            actor=MARIO_ACTOR,
        )
        session.commit()
        return notice


@dataclass
class TerminalClient:
    """A partner terminal calling the API with signed requests."""

    client: FlaskClient
    terminal_id: str
    secret: str

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        **sign: Any,
    ) -> Any:
        raw = json.dumps(body).encode() if body is not None else b""
        full = API + path
        all_headers = signed_headers(self.terminal_id, self.secret, method, full, raw, **sign)
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        if key is not None:
            all_headers["Idempotency-Key"] = key
        all_headers.update(headers or {})
        return self.client.open(full, method=method, data=raw, headers=all_headers)

    def verify(self, code: str) -> Any:
        return self.call("POST", "/notices/verify", {"notice_code": code})

    def activate(self, notice: Notice, key: str | None = None, amount: int | None = None) -> Any:
        body = {"notice_code": notice.code, "amount_cents": amount or notice.amount_cents}
        return self.call("POST", "/payments/activate", body, key=key or secrets.token_hex(8))

    def close(
        self, token: str, outcome: str = "OK", key: str | None = None, ref: str = "TX-1"
    ) -> Any:
        body = {"outcome": outcome, "payment_method": "cash", "terminal_transaction_ref": ref}
        return self.call("POST", f"/payments/{token}/close", body, key=key or secrets.token_hex(8))

    def pay(self, notice: Notice) -> Any:
        activated = self.activate(notice)
        assert activated.status_code == 201, activated.get_json()
        return self.close(activated.get_json()["payment_token"])


def terminal_client(app: Flask, session: Session, **overrides: Any) -> TerminalClient:
    terminal, secret = create_terminal(session, app, **overrides)
    return TerminalClient(app.test_client(), terminal.id, secret)
