"""Shared fixtures: databases (SQLite and PostgreSQL), the app, clients and factories."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway import create_app
from gateway.config import Config
from gateway.db import db

# The database fixtures live in their own module; pytest loads them as a plugin.
pytest_plugins = ["tests.db_fixtures"]


# Tests that share a costly set-up run on one worker of `pytest -n` (with --dist loadgroup),
# so that it is built once, not once per worker: the production stack of the fault tests (its
# own PostgreSQL server, gunicorn, 2,000 fines), the deployment checks' cached command line
# answers, the SPID conformance tool's gateways.
SHARED_SETUP = {"stack": "production-stack", "cli": "deploy-cli", "tool_dir": "spid-sp-test"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        for fixture, group in SHARED_SETUP.items():
            if fixture in names:
                item.add_marker(pytest.mark.xdist_group(group))
                break


def make_config(url: str, **overrides: Any) -> Config:
    return Config.from_env({}, profile="test", database_url=url, **overrides)


@pytest.fixture(scope="session")
def simulators() -> Iterator[Any]:
    """The legacy SOAP services, real servers over HTTP, shared by the whole run."""
    from connectors.simulators import start_simulators

    running = start_simulators("127.0.0.1", 0)
    yield running
    running.stop()


@pytest.fixture
def app(database_url: str, simulators: Any) -> Iterator[Flask]:
    simulators.reset()
    application = create_app(make_config(database_url, simulators_url=simulators.base_url))
    yield application
    db.dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    with db.fresh_session(app) as s:
        yield s
