"""The shared live view: code, join, proposals, answers, timeline, audit, submit, invitation."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.models import (
    AuditEntry,
    Event,
    InboxMessage,
    SharedMessage,
    SharedProposal,
    Transaction,
)
from tests.gateway.audit_support import assert_log_intact

from .cobrowse_support import (
    CITIZEN,
    CLERK,
    answer,
    clerk_client,
    draft_answers,
    propose,
    shared_draft,
    shared_row,
)
from .forms_support import ANNA, MARIO, SOFIA_CF, csrf_token, open_desk_session


def pending(session: Session, session_id: int) -> dict[str, int]:
    session.expire_all()
    rows = session.scalars(
        select(SharedProposal).where(
            SharedProposal.session_id == session_id, SharedProposal.status == "pending"
        )
    ).all()
    return {str(p.field): p.id for p in rows}


def test_clerk_proposes_citizen_accepts_one_rejects_the_other_then_submits(
    app: Flask, session: Session
) -> None:
    s = shared_draft(app)
    clerk_page = s.clerk.get(f"{CLERK}/{s.session_id}/").get_data(as_text=True)
    assert s.reference in clerk_page and "Sofia Rossi" in clerk_page  # the child to pick

    response = propose(s.clerk, s.session_id, {"alunno": SOFIA_CF, "uso": "sport"})
    assert response.status_code == 303
    ids = pending(session, s.session_id)
    assert set(ids) == {"alunno", "uso"}
    # Nothing changed yet: proposals take effect only when the citizen accepts.
    assert "alunno" not in draft_answers(app, s.reference)

    panel = s.citizen.get(f"{CITIZEN}/{s.session_id}/pannello").get_data(as_text=True)
    assert panel.count('data-testid="proposal"') == 2 and "Sofia Rossi" in panel

    assert answer(s.citizen, s.session_id, ids["alunno"], accept=True).status_code == 204
    assert answer(s.citizen, s.session_id, ids["uso"], accept=False).status_code == 204
    answers = draft_answers(app, s.reference)
    assert answers["alunno"] == SOFIA_CF and "uso" not in answers
    # An answered proposal cannot be answered again.
    again = answer(s.citizen, s.session_id, ids["uso"], accept=True)
    assert again.status_code == 409 and again.json["code"] == "PROPOSAL_NOT_PENDING"

    propose(s.clerk, s.session_id, {"uso": "borsa_di_studio", "consegna": "download"})
    for proposal_id in pending(session, s.session_id).values():
        assert answer(s.citizen, s.session_id, proposal_id, accept=True).status_code == 204
    # Sending needs the privacy box, ticked in the sending post: without it, back to the box.
    unticked = s.citizen.post(
        f"{CITIZEN}/{s.session_id}/invia", data={"csrf_token": csrf_token(s.citizen)}
    )
    assert unticked.status_code == 303
    assert unticked.headers["Location"].endswith(f"/{s.session_id}/#f-privacy_ack")
    back = s.citizen.get(unticked.headers["Location"]).get_data(as_text=True)
    assert "Spunta la casella per dichiarare di aver letto" in back
    assert 'id="f-privacy_ack"' in back
    submitted = s.citizen.post(
        f"{CITIZEN}/{s.session_id}/invia",
        data={"csrf_token": csrf_token(s.citizen), "privacy_ack": "on"},
    )
    assert submitted.status_code == 303 and s.reference in submitted.headers["Location"]

    tx = session.scalar(select(Transaction).where(Transaction.reference == s.reference))
    assert tx is not None and tx.state not in ("draft", "awaiting_confirmation")
    sent_event = session.scalar(
        select(Event).where(Event.transaction_id == tx.id, Event.kind == "submitted")
    )
    assert sent_event is not None
    notice = sent_event.data["privacy_notice"]
    assert notice["url"].endswith("/privacy") and notice["language"] and "given_by" not in notice
    events = session.scalars(select(Event).where(Event.transaction_id == tx.id)).all()
    proposed = [e for e in events if e.kind == "cobrowse_proposed"]
    assert len(proposed) == 4
    assert {(e.actor_kind, e.actor_id, e.channel, e.on_behalf_of) for e in proposed} == {
        ("clerk", ANNA["fiscal_code"], "phone", MARIO["fiscal_code"])
    }
    answered = [(e.kind, e.actor_id, e.data["field"]) for e in events if e.kind in (
        "cobrowse_accepted", "cobrowse_rejected")]  # fmt: skip
    assert ("cobrowse_accepted", MARIO["fiscal_code"], "alunno") in answered
    assert ("cobrowse_rejected", MARIO["fiscal_code"], "uso") in answered
    assert [e.kind for e in events].count("cobrowse_started") == 1
    assert any(e.kind in ("submitted", "state.awaiting_payment") for e in events)

    actions = session.scalars(select(AuditEntry.action)).all()
    for action in ("cobrowse.code_issued", "cobrowse.start", "cobrowse.proposed",
                   "cobrowse.accepted", "cobrowse.rejected", "cobrowse.submit"):  # fmt: skip
        assert action in actions, action
    assert_log_intact(app)

    kinds = session.scalars(
        select(SharedMessage.kind)
        .where(SharedMessage.session_id == s.session_id)
        .order_by(SharedMessage.id)
    ).all()
    assert kinds[:4] == ["joined", "proposed", "answered", "answered"]
    assert kinds[-1] == "submitted"

    # The citizen's timeline reads "clerk X proposed, citizen Y accepted".
    timeline = s.citizen.get(f"/area-personale/pratiche/{s.reference}").get_data(as_text=True)
    assert "Anna Esposito" in timeline and "Mario Rossi" in timeline


def test_a_malformed_proposal_is_refused_to_the_clerk_and_nothing_is_stored(
    app: Flask, session: Session
) -> None:
    s = shared_draft(app)
    response = propose(s.clerk, s.session_id, {"alunno": "RSSMRA80A01H501U"})  # not a child
    assert response.status_code == 422
    assert pending(session, s.session_id) == {}
    same = propose(
        s.clerk, s.session_id, {"tipo_certificato": "frequenza"}, Accept="application/json"
    )
    assert same.status_code == 422 and same.json["code"] == "NOTHING_TO_PROPOSE"


def test_either_side_ends_the_session_and_nothing_more_happens_in_it(
    app: Flask, session: Session
) -> None:
    s = shared_draft(app)
    propose(s.clerk, s.session_id, {"alunno": SOFIA_CF})
    proposal_id = pending(session, s.session_id)["alunno"]
    ended = s.citizen.post(
        f"{CITIZEN}/{s.session_id}/termina",
        data={"csrf_token": csrf_token(s.citizen)},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    assert ended.status_code == 204
    row = shared_row(session, s.session_id)
    assert row.state == "ended" and row.ended_by == f"citizen:{MARIO['fiscal_code']}"

    # The clerk still acting after the citizen ended the session.
    late = propose(s.clerk, s.session_id, {"uso": "sport"}, Accept="application/json")
    assert late.status_code == 409 and late.json["code"] == "SHARED_SESSION_ENDED"
    assert s.clerk.get(f"{CLERK}/{s.session_id}/eventi").status_code == 204
    accept = answer(s.citizen, s.session_id, proposal_id, accept=True)
    assert accept.status_code == 409
    assert "alunno" not in draft_answers(app, s.reference)
    assert pending(session, s.session_id) == {}
    assert "cobrowse.end" in session.scalars(select(AuditEntry.action)).all()


def test_the_clerk_may_submit_only_under_a_delegation_that_covers_the_service(
    app: Flask, session: Session
) -> None:
    s = shared_draft(app, alunno=SOFIA_CF, tipo_certificato="frequenza", uso="sport",
                     consegna="download")  # fmt: skip
    page = s.clerk.get(f"{CLERK}/{s.session_id}/").get_data(as_text=True)
    assert 'data-testid="submit-for-citizen"' not in page
    refused = s.clerk.post(
        f"{CLERK}/{s.session_id}/invia",
        data={"csrf_token": csrf_token(s.clerk), "delegation": "999", "privacy_given": "on"},
    )
    assert refused.status_code == 404
    delegation_id = open_desk_session(s.clerk)
    page = s.clerk.get(f"{CLERK}/{s.session_id}/").get_data(as_text=True)
    assert 'data-testid="submit-for-citizen"' in page and 'id="f-privacy_given"' in page
    form = {"csrf_token": csrf_token(s.clerk), "delegation": str(delegation_id)}
    # Not without saying that the citizen has been given the privacy notice.
    unticked = s.clerk.post(f"{CLERK}/{s.session_id}/invia", data=form)
    assert unticked.headers["Location"].endswith("#f-privacy_given")
    assert session.scalar(
        select(Transaction.state).where(Transaction.reference == s.reference)
    ) == "draft"  # fmt: skip
    sent = s.clerk.post(f"{CLERK}/{s.session_id}/invia", data={**form, "privacy_given": "on"})
    assert sent.status_code == 303
    tx = session.scalar(select(Transaction).where(Transaction.reference == s.reference))
    assert tx is not None and tx.state != "draft"
    event = session.scalar(
        select(Event).where(Event.transaction_id == tx.id, Event.kind == "submitted")
    )
    assert event is not None and event.actor_kind == "clerk" and event.channel == "phone"
    assert event.data.get("delegation") == delegation_id
    assert event.data["privacy_notice"]["given_by"] == ANNA["fiscal_code"]


def test_the_clerk_invites_the_citizen_who_picks_the_request_to_share(
    app: Flask, session: Session
) -> None:
    from .cobrowse_support import citizen_client, save_draft

    citizen = citizen_client(app)
    reference = save_draft(citizen)
    clerk = clerk_client(app)
    sent = clerk.post(
        f"{CLERK}/invita",
        data={"csrf_token": csrf_token(clerk), "citizen_cf": MARIO["fiscal_code"].lower()},
    )
    assert sent.status_code == 303
    message = session.scalar(
        select(InboxMessage).where(InboxMessage.citizen_cf == MARIO["fiscal_code"])
    )
    assert message is not None and message.kind == "cobrowse_invitation"
    assert message.context["clerk_name"] == "Anna Esposito"
    home = citizen.get(f"{CITIZEN}/").get_data(as_text=True)
    assert 'data-testid="invitation"' in home
    invitation_id = int(home.split("/inviti/")[1].split("/")[0])
    accepted = citizen.post(
        f"{CITIZEN}/inviti/{invitation_id}/accetta",
        data={"csrf_token": csrf_token(citizen), "reference": reference},
    )
    assert accepted.status_code == 303
    row = shared_row(session, invitation_id)
    assert row.state == "active" and row.transaction is not None
    assert row.transaction.reference == reference
    assert clerk.get(f"{CLERK}/{invitation_id}/").status_code == 200
