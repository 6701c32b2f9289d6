"""The web terminal of partner counters and the ``flask counter`` commands."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.counter.terminals import set_active
from gateway.models import AuditEntry, Document, Payment, Terminal
from printing.verify import read_codes

from .pages import token_in
from .payments_factories import create_fine_notice, create_terminal

WEB = "/sportello-convenzionato"


csrf = token_in


def sign_in(client: FlaskClient, terminal_id: str, secret: str) -> str:
    form = client.get(f"{WEB}/accesso").get_data(as_text=True)
    answer = client.post(
        f"{WEB}/accesso",
        data={"csrf_token": csrf(form), "terminal_id": terminal_id, "secret": secret},
    )
    return answer.headers.get("Location", answer.get_data(as_text=True))


def test_wrong_secret_and_no_session_are_refused(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    terminal, _secret = create_terminal(session, app, terminal_id="TAB-0001")
    assert client.get(f"{WEB}/").headers["Location"].endswith("/accesso")
    page = sign_in(client, terminal.id, "wrong")
    assert 'data-testid="terminal-error"' in page
    assert client.get(f"{WEB}/").status_code == 302
    assert client.post(f"{WEB}/verifica", data={"code": "x"}).status_code == 400  # no CSRF


def test_scan_confirm_and_print_once_even_if_sent_twice(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    notice = create_fine_notice(app)
    terminal, secret = create_terminal(session, app, terminal_id="TAB-0001")
    assert sign_in(client, terminal.id, secret).endswith(f"{WEB}/")
    home = client.get(f"{WEB}/").get_data(as_text=True)
    assert "Tabaccheria Centrale" in home and "TAB-0001" in home and secret not in home

    pdf = client.get(f"/area-personale/pagamenti/avvisi/{notice.code}/avviso.pdf")
    assert pdf.status_code in (302, 404)  # a counter is not the citizen
    from printing import build_payment_payload

    scanned = build_payment_payload(notice.code, notice.creditor_fiscal_code, notice.amount_cents)
    confirm = client.post(f"{WEB}/verifica", data={"csrf_token": csrf(home), "code": scanned})
    # Post, redirect, get: Back and reload on the confirmation never send the code again.
    assert confirm.status_code == 303 and confirm.headers["Location"] == f"{WEB}/conferma"
    page = client.get(f"{WEB}/conferma").get_data(as_text=True)
    assert "121,10" in client.get(f"{WEB}/conferma").get_data(as_text=True)  # a reload
    assert "121,10" in page and "M**** R****" in page and "Mario Rossi" not in page
    window = page.split('data-testid="amount-window">', 1)[1].split("</p>", 1)[0]
    assert "ridotto del 30%" in window, window
    form = {
        "csrf_token": csrf(page),
        "notice_code": notice.code,
        "amount_cents": str(notice.amount_cents),
        "method": "cash",
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1),
    }
    first = client.post(f"{WEB}/incassa", data=form)
    second = client.post(f"{WEB}/incassa", data=form)  # a double click
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert session.scalar(select(func.count(Payment.id)).where(Payment.status == "paid")) == 1

    done = client.get(first.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="paid"' in done
    receipt = client.get(first.headers["Location"] + "/ricevuta.pdf")
    assert receipt.mimetype == "application/pdf"
    assert any(code.startswith("SP1:") for code in read_codes(receipt.data))

    again = client.post(f"{WEB}/verifica", data={"csrf_token": csrf(done), "code": notice.code})
    assert again.status_code == 303 and again.headers["Location"] == f"{WEB}/"
    refused = client.get(f"{WEB}/").get_data(as_text=True)
    assert "già stato pagato" in refused and 'data-testid="terminal-error"' in refused
    assert "già stato pagato" not in client.get(f"{WEB}/").get_data(as_text=True)  # shown once


def test_a_disabled_terminal_is_signed_out_at_once(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    terminal, secret = create_terminal(session, app, terminal_id="TAB-0001")
    sign_in(client, terminal.id, secret)
    assert client.get(f"{WEB}/").status_code == 200
    set_active(session, terminal.id, False)
    session.commit()
    assert client.get(f"{WEB}/").status_code == 403
    set_active(session, terminal.id, True)
    session.commit()
    assert client.get(f"{WEB}/").status_code == 302  # the session was dropped


def test_cli_adds_lists_and_disables_terminals(app: Flask, session: Session) -> None:
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=[
            "counter", "add-terminal", "tab-0042", "--network", "Rete Punti Esempio",
            "--shop", "Tabaccheria del Porto", "--address", "via del Porto 1, Villanova",
        ]
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    secret = added.output.rsplit(": ", 1)[1].strip()
    assert len(secret) > 30
    listed = runner.invoke(args=["counter", "list"])
    assert "TAB-0042\tactive" in listed.output
    assert runner.invoke(args=["counter", "disable-terminal", "TAB-0042"]).exit_code == 0
    session.expire_all()
    terminal = session.get(Terminal, "TAB-0042")
    assert terminal is not None and terminal.active is False
    assert runner.invoke(args=["counter", "add-terminal", "TAB-0042", "--network", "x",
                               "--shop", "y", "--address", "z"]).exit_code != 0  # fmt: skip
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.subject == "TAB-0042"))
    assert list(actions) == ["counter.terminal_added", "counter.terminal_disabled"]
    assert session.scalars(select(Document)).all() == []
