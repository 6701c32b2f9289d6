"""Without the page's script, an answer to a proposal lands on the next proposal (its fragment,
which the browser focuses), or on the message that none is left; never at the top of the page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from gateway.cobrowse.pages import next_proposal
from gateway.models import SharedProposal

from .cobrowse_support import CITIZEN, propose, shared_draft
from .forms_support import SOFIA_CF, csrf_token


def flashed(message: str) -> str:
    return f'role="alert">{message}</div>'


def shown_proposals(citizen: FlaskClient, session_id: int) -> list[int]:
    page = citizen.get(f"{CITIZEN}/{session_id}/").get_data(as_text=True)
    return [int(i) for i in re.findall(r'data-testid="proposal"[^>]*data-proposal="(\d+)"', page)]


def answer_by_form(citizen: FlaskClient, session_id: int, proposal_id: int, choice: str) -> str:
    """A plain form post, as a browser without the script sends it: the Location answered."""
    response = citizen.post(
        f"{CITIZEN}/{session_id}/proposte/{proposal_id}/{choice}",
        data={"csrf_token": csrf_token(citizen)},
    )
    assert response.status_code == 303
    return str(response.headers["Location"])


def test_each_answer_lands_on_the_next_proposal_then_on_the_message(app: Flask) -> None:
    s = shared_draft(app)
    propose(s.clerk, s.session_id, {"alunno": SOFIA_CF, "uso": "sport", "consegna": "download"})
    first, middle, last = shown_proposals(s.citizen, s.session_id)
    live = f"{CITIZEN}/{s.session_id}/"

    # The middle one: the one shown after it comes next.
    location = answer_by_form(s.citizen, s.session_id, middle, "accetta")
    assert location == f"{live}#proposta-{last}"
    page = s.citizen.get(location).get_data(as_text=True)
    assert f'id="proposta-{last}" tabindex="-1"' in page
    assert flashed("Proposta accettata.") in page  # said on the page the browser lands on
    assert shown_proposals(s.citizen, s.session_id) == [first, last]

    # The last one shown: back to the one before it.
    location = answer_by_form(s.citizen, s.session_id, last, "rifiuta")
    assert location == f"{live}#proposta-{first}"
    assert flashed("Proposta rifiutata.") in s.citizen.get(location).get_data(as_text=True)

    # None left: the message that says so, focusable, is where the page lands.
    location = answer_by_form(s.citizen, s.session_id, first, "accetta")
    assert location == f"{live}#proposte-esito"
    page = s.citizen.get(location).get_data(as_text=True)
    assert 'id="proposte-esito" tabindex="-1"' in page
    assert "Hai risposto a tutte le proposte dell'operatore." in page
    assert 'data-testid="proposal"' not in page


def test_the_page_script_gets_no_redirect_and_no_message(app: Flask) -> None:
    s = shared_draft(app)
    propose(s.clerk, s.session_id, {"alunno": SOFIA_CF, "uso": "sport"})
    first, _second = shown_proposals(s.citizen, s.session_id)
    response = s.citizen.post(
        f"{CITIZEN}/{s.session_id}/proposte/{first}/accetta",
        data={"csrf_token": csrf_token(s.citizen)},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 204
    page = s.citizen.get(f"{CITIZEN}/{s.session_id}/").get_data(as_text=True)
    assert flashed("Proposta accettata.") not in page


def proposal(id_: int) -> SharedProposal:
    return SharedProposal(id=id_)


def test_next_proposal_follows_the_order_shown() -> None:
    a, b, c = proposal(3), proposal(2), proposal(1)
    assert next_proposal([a, b, c], 3) is b
    assert next_proposal([a, b, c], 2) is c
    assert next_proposal([a, b, c], 1) is a  # the last: the first left
    assert next_proposal([a], 3) is None
    assert next_proposal([a, b], 9) is a  # not among them: the first shown
