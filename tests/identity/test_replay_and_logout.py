"""Replay caches (memory and Redis) and single logout."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from identity import AuthenticationError, Identity, InMemoryReplayCache, RedisReplayCache
from identity.saml import ServiceProvider
from identity.testidp import TestIdP

from .support import IDP_ENTITY_ID, received_by_idp


def _soon(seconds: int = 60) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)


def test_memory_cache_is_check_and_add() -> None:
    cache = InMemoryReplayCache()
    assert cache.seen_before("a", _soon()) is False
    assert cache.seen_before("a", _soon()) is True
    assert cache.seen_before("b", _soon()) is False


def test_memory_cache_forgets_expired_ids() -> None:
    cache = InMemoryReplayCache()
    assert cache.seen_before("a", _soon(-1)) is False
    assert cache.seen_before("a", _soon()) is False


@pytest.fixture
def redis_client() -> Iterator[Any]:
    redis = pytest.importorskip("redis")
    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    yield client
    client.close()


def test_redis_cache_is_check_and_add_with_expiry(redis_client: Any) -> None:
    prefix = f"test:{secrets.token_hex(4)}:"
    cache = RedisReplayCache(redis_client, prefix=prefix)
    assert cache.seen_before("a", _soon(30)) is False
    assert cache.seen_before("a", _soon(30)) is True
    assert 0 < redis_client.ttl(prefix + "a") <= 31
    redis_client.delete(prefix + "a")


def _logged_in(sp: ServiceProvider, idp: TestIdP) -> Identity:
    login = sp.login(IDP_ENTITY_ID, level=2, binding="post")
    _, response, _ = idp.build_response(received_by_idp(idp, login), "SPSNNA75S70L219W")
    return sp.process_response(
        response, request_id=login.request_id, requested_level=2, issue_instant=login.issue_instant
    )


def test_logout_round_trip_by_redirect(sp: ServiceProvider, idp: TestIdP) -> None:
    identity = _logged_in(sp, idp)
    request = sp.logout_request(identity, "redirect")
    assert request.url.startswith(idp.settings.slo_url + "?")
    received = idp.parse_logout_request(
        binding="redirect", query_string=urlsplit(request.url).query
    )
    assert (received.name_id, received.session_index) == (identity.name_id, identity.session_index)
    answer = idp.logout_response(received, "redirect")
    assert answer.url.startswith(sp.settings.slo_url + "?")
    query = urlsplit(answer.url).query
    sp.process_logout_response(
        request_id=request.request_id,
        idp_entity_id=identity.idp_entity_id,
        binding="redirect",
        query_string=query,
    )
    with pytest.raises(AuthenticationError) as caught:
        sp.process_logout_response(
            request_id="_another",
            idp_entity_id=identity.idp_entity_id,
            binding="redirect",
            query_string=query,
        )
    assert caught.value.reason == "WRONG_IN_RESPONSE_TO"


def test_logout_round_trip_by_post(sp: ServiceProvider, idp: TestIdP) -> None:
    identity = _logged_in(sp, idp)
    request = sp.logout_request(identity, "post")
    received = idp.parse_logout_request(
        binding="post",
        saml_request=request.form_fields["SAMLRequest"],
        relay_state=request.relay_state,
    )
    answer = idp.logout_response(received, "post")
    assert answer.form_fields["RelayState"] == request.relay_state
    sp.process_logout_response(
        request_id=request.request_id,
        idp_entity_id=identity.idp_entity_id,
        binding="post",
        saml_response_b64=answer.form_fields["SAMLResponse"],
    )
    forged = base64.b64encode(
        base64.b64decode(answer.form_fields["SAMLResponse"]).replace(b"Success", b"Requester")
    ).decode()
    with pytest.raises(AuthenticationError) as caught:
        sp.process_logout_response(
            request_id=request.request_id,
            idp_entity_id=identity.idp_entity_id,
            binding="post",
            saml_response_b64=forged,
        )
    assert caught.value.reason == "SIGNATURE_INVALID"


def test_logout_response_garbage_is_an_authentication_error(sp: ServiceProvider) -> None:
    for query in ("", "SAMLResponse=%%%", "SAMLResponse=abc&SigAlg=x&Signature=y"):
        with pytest.raises(AuthenticationError):
            sp.process_logout_response(
                request_id="_r",
                idp_entity_id=IDP_ENTITY_ID,
                binding="redirect",
                query_string=query,
            )


def test_a_wrapped_post_logout_response_is_refused(sp: ServiceProvider, idp: TestIdP) -> None:
    """The IdP's signed answer to an old logout, nested in a forged answer to a new one."""
    from lxml import etree

    from identity.saml.xmlutil import NS, q

    identity = _logged_in(sp, idp)
    old = sp.logout_request(identity, "post")
    received = idp.parse_logout_request(
        binding="post", saml_request=old.form_fields["SAMLRequest"], relay_state=old.relay_state
    )
    signed = etree.fromstring(
        base64.b64decode(idp.logout_response(received, "post").form_fields["SAMLResponse"])
    )
    new = sp.logout_request(identity, "post")
    signature = signed.find("ds:Signature", NS)
    assert signature is not None
    signed.remove(signature)
    forged = etree.fromstring(etree.tostring(signed))
    forged.set("ID", "_forged")
    forged.set("InResponseTo", new.request_id)
    forged.insert(1, signature)
    etree.SubElement(forged, q("samlp", "Extensions")).append(signed)
    with pytest.raises(AuthenticationError) as caught:
        sp.process_logout_response(
            request_id=new.request_id,
            idp_entity_id=identity.idp_entity_id,
            binding="post",
            saml_response_b64=base64.b64encode(etree.tostring(forged)).decode(),
        )
    assert caught.value.reason == "SIGNATURE_INVALID"
