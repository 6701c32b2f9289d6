"""A form posted after the session expired keeps what the citizen typed: on the server, for
that browser, shown once after the login again, and never to another person."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.db import db
from gateway.forms_web.kept import COOKIE
from gateway.models import Draft, KeptAnswers, WebSession, utcnow

from ..factories import CHIARA, MARIO, login
from .forms_support import NEW_FORM, certificate_answers
from .pages import token_in

TYPED = "Per la squadra di nuoto"


def open_form(client: FlaskClient) -> tuple[str, str]:
    html = client.get(NEW_FORM).get_data(as_text=True)
    owner = re.search(r'name="kept_owner" value="([0-9a-f]{64})"', html)
    assert owner, "the form carries no owner tag"
    return token_in(html), owner.group(1)


def expire_sessions(app: Flask) -> None:
    with db.fresh_session(app) as s:
        s.execute(update(WebSession).values(last_seen_at=utcnow() - timedelta(days=1)))
        s.commit()


def post_after_expiry(app: Flask, client: FlaskClient, **headers: str) -> object:
    token, owner = open_form(client)
    expire_sessions(app)
    answers = certificate_answers(uso="altro", uso_altro=TYPED)
    data = {"csrf_token": token, "kept_owner": owner, "action": "submit", **answers}
    return client.post(NEW_FORM, data=data, headers=headers)


def shown(client: FlaskClient) -> str:
    return client.get(NEW_FORM).get_data(as_text=True)


def test_the_answers_come_back_once_after_logging_in_again(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app, MARIO)
    response = post_after_expiry(app, client)
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["Location"]  # type: ignore[attr-defined]
    assert "/accedi" in location and "nuova" in location and "nuoto" not in location
    assert client.get_cookie(COOKIE) is not None
    kept = session.scalars(select(KeptAnswers)).one()
    assert ["uso_altro", TYPED] in kept.answers and kept.path == NEW_FORM
    assert session.scalars(select(Draft)).all() == []  # nothing was sent or saved
    login_page = client.get(location).get_data(as_text=True)
    assert "quello che hai scritto è conservato" in login_page

    login(client, app, MARIO)
    again = shown(client)
    assert 'data-testid="answers-restored"' in again and f'value="{TYPED}"' in again
    assert client.get_cookie(COOKIE) is None
    session.expire_all()
    assert session.scalars(select(KeptAnswers)).all() == []
    once = shown(client)  # a reload: the answers are the form's now, the notice was once
    assert 'data-testid="answers-restored"' not in once and f'value="{TYPED}"' in once


def test_another_person_logging_in_in_that_browser_never_sees_them(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app, MARIO)
    post_after_expiry(app, client)
    login(client, app, CHIARA)
    page = shown(client)
    assert TYPED not in page and 'data-testid="answers-restored"' not in page
    session.expire_all()
    assert session.scalars(select(KeptAnswers)).all() == []  # dropped, unseen
    login(client, app, MARIO)
    assert TYPED not in shown(client)


def test_a_post_from_another_site_or_without_the_owner_tag_is_not_kept(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    login(client, app, MARIO)
    refused = post_after_expiry(app, client, **{"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 400  # type: ignore[attr-defined]  # the CSRF check
    login(client, app, MARIO)
    token, _owner = open_form(client)
    expire_sessions(app)
    bare = client.post(NEW_FORM, data={"csrf_token": token, **certificate_answers()})
    assert bare.status_code == 400
    assert session.scalars(select(KeptAnswers)).all() == []
    assert client.get_cookie(COOKIE) is None
