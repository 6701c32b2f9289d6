"""Behind the operator's reverse proxy: each client and each terminal has its own limits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from gateway import create_app
from gateway.config import Config, ConfigurationError
from gateway.db import db
from gateway.proxies import parse_trusted

from ..conftest import make_config
from .payments_factories import TerminalClient, create_terminal

PROXY = {"REMOTE_ADDR": "10.1.2.3"}  # the reverse proxy, as the gateway sees it


@pytest.fixture
def proxied(database_url: str, simulators: Any, request: pytest.FixtureRequest) -> Iterator[Flask]:
    trusted, limits = request.param
    app = create_app(
        make_config(
            database_url,
            simulators_url=simulators.base_url,
            trusted_proxies=trusted,
            rate_limits=limits,
        )
    )
    yield app
    db.dispose(app)


def login_start(app: Flask, client_address: str, *, forwarded: bool = True) -> int:
    headers = {"X-Forwarded-For": client_address, "X-Forwarded-Proto": "https"}
    idp = app.extensions["sportello.test_idp"].settings.entity_id
    response = app.test_client().get(
        f"/accedi/spid?idp={idp}", headers=headers if forwarded else {}, environ_base=PROXY
    )
    return response.status_code


@pytest.mark.parametrize(
    "proxied", [("1", "login=2/3600"), ("10.0.0.0/8", "login=2/3600")], indirect=True
)
def test_one_clients_logins_do_not_block_another_behind_the_proxy(proxied: Flask) -> None:
    assert [login_start(proxied, "203.0.113.7") for _ in range(3)] == [302, 302, 429]
    assert login_start(proxied, "198.51.100.20") == 302  # another citizen, same proxy


@pytest.mark.parametrize("proxied", [("", "login=2/3600")], indirect=True)
def test_without_trusted_proxies_forwarded_headers_are_ignored(proxied: Flask) -> None:
    """Anyone can write X-Forwarded-For: unless the operator says so, it means nothing."""
    assert [login_start(proxied, f"203.0.113.{n}") for n in range(3)] == [302, 302, 429]


@pytest.mark.parametrize("proxied", [("10.0.0.0/8", "login=2/3600")], indirect=True)
def test_a_peer_outside_the_trusted_networks_cannot_pretend(proxied: Flask) -> None:
    idp = proxied.extensions["sportello.test_idp"].settings.entity_id
    statuses = [
        proxied.test_client()
        .get(
            f"/accedi/spid?idp={idp}",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            environ_base={"REMOTE_ADDR": "192.0.2.99"},
        )
        .status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.parametrize("trusted", ["1", "10.0.0.0/8"])
def test_the_address_scheme_and_host_are_the_clients(trusted: str) -> None:
    from gateway.proxies import behind_proxies

    seen: dict[str, Any] = {}

    def inner(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        start_response("204 No Content", [])
        return []

    app = behind_proxies(inner, trusted)
    environ = {
        "REMOTE_ADDR": "10.1.2.3",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "gateway:8000",
        "HTTP_X_FORWARDED_FOR": "203.0.113.7",
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_FORWARDED_HOST": "servizi.comune.example",
    }
    app(dict(environ), lambda *a: None)
    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"], seen["HTTP_HOST"]) == (
        "203.0.113.7",
        "https",
        "servizi.comune.example",
    )
    behind_proxies(inner, "")(dict(environ), lambda *a: None)  # not trusted: untouched
    assert (seen["REMOTE_ADDR"], seen["wsgi.url_scheme"]) == ("10.1.2.3", "http")


@pytest.mark.parametrize(
    "proxied", [("1", "counter=3/3600,counter_address=100/3600")], indirect=True
)
def test_a_terminals_limit_does_not_block_another_terminal_at_the_same_address(
    proxied: Flask, session: Session
) -> None:
    terminals = []
    for n in range(2):
        terminal, secret = create_terminal(session, proxied, terminal_id=f"TAB-900{n}")
        session.commit()
        terminals.append(TerminalClient(proxied.test_client(), terminal.id, secret))
    headers = {"X-Forwarded-For": "198.51.100.50"}  # one shop network's gateway
    first = [
        t.call("POST", "/notices/verify", {"notice_code": "0" * 18}, headers=headers)
        for t in [terminals[0]] * 4
    ]
    assert [r.status_code for r in first][-1] == 429
    assert all(r.status_code != 429 for r in first[:3])
    other = terminals[1].call("POST", "/notices/verify", {"notice_code": "0" * 18}, headers=headers)
    assert other.status_code != 429


@pytest.mark.parametrize(
    "proxied", [("1", "counter=100/3600,counter_address=2/3600")], indirect=True
)
def test_unsigned_floods_are_limited_per_address_before_the_signature(proxied: Flask) -> None:
    client = proxied.test_client()
    statuses = [
        client.post(
            "/counter/api/v1/notices/verify",
            json={"notice_code": "0" * 18},
            headers={"X-Forwarded-For": "198.51.100.66"},
            environ_base=PROXY,
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]


@pytest.mark.parametrize("value", ["7", "-1", "10.0.0.0/33", "proxy", "1,2"])
def test_a_bad_proxy_setting_is_named(value: str) -> None:
    with pytest.raises(ConfigurationError, match="SPORTELLO_TRUSTED_PROXIES"):
        Config.from_env({"SPORTELLO_TRUSTED_PROXIES": value, "SPORTELLO_PROFILE": "test"})


def test_parse_trusted_reads_counts_and_networks() -> None:
    assert parse_trusted("2") == 2
    assert [str(n) for n in parse_trusted("10.0.0.0/8, 192.168.1.7, ::1")] == [
        "10.0.0.0/8",
        "192.168.1.7/32",
        "::1/128",
    ]
