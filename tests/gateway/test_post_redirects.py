"""Post, redirect, get: no POST of the citizen's, clerk's, clinician's or counter's pages
answers with a page of its own.

A page that is the answer to a POST is one the browser cannot show again without sending the
form again: Back shows "confirm form resubmission", reload pays or saves twice. So every POST
route of these blueprints answers with a redirect (or, for the live pages' scripts, 204),
with an error page (4xx) or with a download, never with a 200 page. The walk posts to every
route (the ids name real rows: a desk session, a live-help session, a notice, a request) as
the person the route is for.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from gateway import identifiers

from .cobrowse_support import citizen_client, clerk_client, join, save_draft, start_sharing
from .forms_support import MARIO, SERVICE, open_desk_session
from .health_support import FONTANA, PAOLO, client_for, seed_people
from .pages import csrf_token
from .payments_factories import BASE_FINE, create_terminal, fine_number
from .test_citizen_area import book_next_free_slot
from .test_counter_web import sign_in
from .test_payments import issue_stamp_duty

# Each blueprint, and whom its POSTs come from.
OWNED = {
    "auth": "citizen",
    "desk": "clerk",
    "delegations": "citizen",
    "cobrowse_clerk": "clerk",
    "cobrowse_citizen": "citizen",
    "help_queue": "clerk",
    "payments": "citizen",
    "counter_web": "counter",
    "counter_day": "counter",
    "health": "citizen",
    "clinical": "clinician",
    "privacy": "privacy_officer",
    "payments_clerk": "clerk",
    "fines": "citizen",
    "forms_web": "citizen",
    "help": "citizen",
    "help_citizen": "citizen",
    "notifications": "citizen",
    "unsubscribe": "citizen",
    "feedback": "citizen",
}
# Machine interfaces answer JSON to a program, not a page to a person; the document check
# answers what it found in the file sent and changes nothing, so sending it again is harmless.
NOT_PAGES = {
    "audit": "a witness's cosignature (JSON)",
    "counter_api": "the counter API (JSON)",
    "counter_carts": "the counter API (JSON)",
    "counter_daybook": "the counter API (JSON)",
    "counter_drafts": "the counter API (JSON)",
    "verify": "a read-only check of the uploaded document",
}
# Protocol endpoints answer an identity provider, not a person's page.
PROTOCOL = {"auth.acs", "auth.slo"}
CODE = identifiers.CODE_ALPHABET
# These end what the others need (the login, the desk session, the live session): last.
ENDINGS = {
    "auth.logout",
    "desk.close",
    "delegations.revoke",
    "cobrowse_clerk.end",
    "cobrowse_citizen.end",
    "counter_web.logout",
}


def sample(converter: str, known: dict[str, str]) -> str:
    """A value the route's converter accepts (a real one where the walk made one)."""
    value = (
        known.get(converter)
        or {
            "fiscal_code": MARIO["fiscal_code"],
            "health_document": "DOC-RSM-0001",
            "session_code": CODE[0] * 7,
            "payment_token": "a" * 32,
            "resume_code": CODE[0] * 9,
            "service": SERVICE,
            "id": "1",
            "unsubscribe_token": "ab." + "c" * 27,
            "report_number": "VL-2026-000001",
        }[converter]
    )
    regex = getattr(identifiers, converter.upper(), None) or identifiers.CONVERTERS[converter].regex
    assert re.fullmatch(regex, value), (converter, value)
    return value


def path_of(rule: Rule, known: dict[str, str]) -> str:
    path = rule.rule
    for converter, name in re.findall(r"<(?:([a-z_]+)(?:\([^)]*\))?:)?([a-z_]+)>", path):
        value = "accetta" if converter == "any" else sample(converter or "id", known)
        path = re.sub(rf"<[^>]*:{name}>|<{name}>", value, path, count=1)
    return path


def test_every_post_answers_with_a_redirect_or_an_error(app: Flask) -> None:
    seed_people(app)  # Anna the clerk, Paolo the clinician, Andrea the privacy officer
    citizen = citizen_client(app)
    reference = save_draft(citizen)
    _session_id, code = start_sharing(citizen, reference)  # live-help session 1
    clerk = clerk_client(app, make=False)
    assert join(clerk, code).status_code == 303
    d = open_desk_session(clerk)
    with app.app_context():
        from gateway.db import db

        notice = issue_stamp_duty(app, db.session)
        notice_code = notice.code
        db.session.commit()
        with db.fresh_session(app) as s:
            terminal, secret = create_terminal(s, app, terminal_id="TAB-0001")
            s.commit()
    counter = app.test_client()
    sign_in(counter, terminal.id, secret)
    clients: dict[str, FlaskClient] = {
        "citizen": citizen,
        "clerk": clerk,
        "counter": counter,
        "clinician": client_for(app, PAOLO),
        "privacy_officer": client_for(app, FONTANA),
    }
    known = {
        "notice_code": notice_code,
        "reference": reference,
        "id": str(d),
        "report_number": fine_number(BASE_FINE, app),
        "session_code": book_next_free_slot(app),
    }
    answers: dict[str, int] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint in ENDINGS, r.rule)):
        blueprint = rule.endpoint.rsplit(".", 1)[0]
        if "POST" not in (rule.methods or ()) or blueprint not in OWNED:
            continue
        if rule.endpoint in PROTOCOL:
            continue
        client = clients[OWNED[blueprint]]
        token = csrf_token(client, "/")
        for action in ("save", "pay", "propose", ""):
            response = client.post(
                path_of(rule, known), data={"csrf_token": token, "action": action}
            )
            status = response.status_code
            answers[f"{rule.endpoint} {action!r}"] = status
            if response.mimetype != "text/html":
                assert status < 500, (rule.endpoint, status)
                continue  # a download (the draft sheet's PDF) or the scripts' JSON
            assert status in (204, 302, 303) or 400 <= status < 500, (
                f"{rule.endpoint} (action {action!r}) answered {status} with a page:\n"
                + response.get_data(as_text=True)[:600]
            )
    posting = {
        r.endpoint.rsplit(".", 1)[0]
        for r in app.url_map.iter_rules()
        if "POST" in (r.methods or ())
    }
    assert posting - set(OWNED) - set(NOT_PAGES) == set(), "a blueprint nobody classified"
    walked = {key.split()[0] for key in answers}
    assert len(walked) >= 25, sorted(walked)
    # The walk reached the real cases too, not only refusals: the desk's save.
    assert answers["desk.transaction 'save'"] == 303
