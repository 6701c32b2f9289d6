"""Full round trip in-process: SP login -> test IdP -> SP validation -> Identity."""

from __future__ import annotations

import datetime as dt

import pytest

from identity import AuthenticationError, Identity, ServiceProvider
from identity.testidp import TestIdP

from .support import IDP_ENTITY_ID, received_by_idp


@pytest.mark.parametrize("binding", ["redirect", "post"])
@pytest.mark.parametrize("level", [1, 2, 3])
def test_login_round_trip(sp: ServiceProvider, idp: TestIdP, binding: str, level: int) -> None:
    login = sp.login(IDP_ENTITY_ID, level=level, binding=binding)  # type: ignore[arg-type]
    request = received_by_idp(idp, login)
    assert request.level == level
    assert request.relay_state == login.relay_state

    acs_url, response, relay_state = idp.build_response(request, "RSSMRA80A01H501U")
    assert acs_url == sp.settings.acs_url
    assert relay_state == login.relay_state

    identity = sp.process_response(
        response,
        request_id=login.request_id,
        requested_level=level,
        issue_instant=login.issue_instant,
        idp_entity_id=login.idp_entity_id,
    )
    assert identity.fiscal_code == "RSSMRA80A01H501U"
    assert identity.spid_level == level
    assert (identity.name, identity.family_name) == ("Mario", "Rossi")
    assert identity.date_of_birth == dt.date(1980, 1, 1)
    assert identity.email == "mario.rossi@example.org"
    assert identity.idp_entity_id == IDP_ENTITY_ID
    assert identity.method == "spid"
    assert identity.session_index and identity.name_id and identity.name_qualifier


@pytest.mark.parametrize("fiscal_code", ["BNCGLI85C55F205C", "GLLFNC48T47C351T"])
def test_each_user_gets_their_own_identity(
    sp: ServiceProvider, idp: TestIdP, fiscal_code: str
) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="post")
    _, response, _ = idp.build_response(received_by_idp(idp, login), fiscal_code)
    identity = sp.process_response(
        response, request_id=login.request_id, requested_level=2, issue_instant=login.issue_instant
    )
    assert identity.fiscal_code == fiscal_code
    assert identity.email == idp.user(fiscal_code).attributes["email"]


def test_higher_level_than_requested_is_accepted_with_minimum(
    sp: ServiceProvider, idp: TestIdP
) -> None:
    login = sp.login(IDP_ENTITY_ID, level=1, binding="post")
    _, response, _ = idp.build_response(received_by_idp(idp, login), "VRDLCU90L20F839Q", level=3)
    identity = sp.process_response(
        response, request_id=login.request_id, requested_level=1, issue_instant=login.issue_instant
    )
    assert identity.spid_level == 3


def test_identity_survives_a_session_round_trip(sp: ServiceProvider, idp: TestIdP) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2)
    _, response, _ = idp.build_response(received_by_idp(idp, login), "RMNCHR95B68D612V")
    identity = sp.process_response(
        response, request_id=login.request_id, requested_level=2, issue_instant=login.issue_instant
    )
    assert Identity.from_dict(identity.to_dict()) == identity


def test_response_to_another_idp_than_the_login_went_to_is_refused(
    sp: ServiceProvider, idp: TestIdP
) -> None:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="post")
    _, response, _ = idp.build_response(received_by_idp(idp, login), "RSSMRA80A01H501U")
    with pytest.raises(AuthenticationError) as caught:
        sp.process_response(
            response,
            request_id=login.request_id,
            requested_level=2,
            issue_instant=login.issue_instant,
            idp_entity_id="https://other-idp.example",
        )
    assert caught.value.reason == "WRONG_ISSUER"


def test_login_refuses_unknown_idp_and_bad_level(sp: ServiceProvider) -> None:
    with pytest.raises(AuthenticationError) as caught:
        sp.login("https://unknown.example", level=2)
    assert caught.value.reason == "UNKNOWN_IDP"
    with pytest.raises(ValueError):
        sp.login(IDP_ENTITY_ID, level=4)
