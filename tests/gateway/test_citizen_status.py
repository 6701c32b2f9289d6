"""Status badges: every state has words in each language and a colour per meaning, in one place."""

from __future__ import annotations

from itertools import product

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale

from gateway.citizen.status import STATUSES, TONES, status_of
from gateway.help.area import status_key
from gateway.models import HelpRequest
from gateway.transactions.states import State

NOTICE_STATUSES = ("issued", "paid", "revoked", "expired")  # payments.notices.effective_status
BADGE = '{% from "macros/status.html" import status_badge %}{{ status_badge(key) }}'


def test_each_meaning_has_its_own_colour_and_every_status_a_known_meaning() -> None:
    assert len(set(TONES.values())) == len(TONES)
    assert {s.tone for s in STATUSES.values()} <= set(TONES)


def test_every_state_of_transactions_notices_and_help_requests_has_a_badge() -> None:
    assert {f"transaction.{s.value}" for s in State} <= set(STATUSES)
    assert {f"notice.{s}" for s in NOTICE_STATUSES} <= set(STATUSES)
    for kind, status, outcome in product(
        ("appointment", "callback"),
        ("waiting", "taken", "closed", "cancelled"),
        (None, "done", "no_answer", "rescheduled"),
    ):
        assert status_key(HelpRequest(kind=kind, status=status, outcome=outcome)) in STATUSES


@pytest.mark.parametrize("key", sorted(STATUSES))
def test_every_badge_has_its_words_in_italian_and_in_english(app: Flask, key: str) -> None:
    with app.test_request_context():
        with force_locale("it"):
            italian = render_template_string(BADGE, key=key)
        with force_locale("en"):
            english = render_template_string(BADGE, key=key)
    status = STATUSES[key]
    for html in (italian, english):
        assert f'class="badge {status.css}"' in html and f'data-status="{key}"' in html
    assert italian != english  # translated: the Italian catalogue has it


def test_the_same_word_agrees_with_what_it_describes(app: Flask) -> None:
    with app.test_request_context(), force_locale("it"):
        assert str(STATUSES["transaction.paid"].label) == "Pagata"  # la pratica
        assert str(STATUSES["notice.paid"].label) == "Pagato"  # l'avviso


def test_an_unknown_state_shows_no_badge_rather_than_an_error(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with app.test_request_context():
        assert render_template_string(BADGE, key="transaction.lost").strip() == ""
        assert render_template_string(BADGE, key=None).strip() == ""
    assert status_of("transaction.lost") is None
    assert "transaction.lost" in caplog.text
