"""No redirect ever leaves the site, whatever ``next`` a request carries."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.redirects import safe_target

from .auth_support import finish_login, start_login

SITE = "https://sportello.example/area-personale/"

HOSTILE = [
    "/%09/evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r/evil.example/",
    "/area-personale/\r\nSet-Cookie: x=1",
    "\n/area-personale/",
    "/area-personale/\n",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "/%2F/evil.example/",
    "/%2f%2fevil.example/",
    "%2F%2Fevil.example/",
    "/%5Cevil.example/",
    "/%5c%5cevil.example",
    "/%00/evil.example/",
    "/%0d%0aLocation:%20https://evil.example/",
    "https://evil.example/",
    "https:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " /area-personale/",
    "/ /evil.example",
    "evil.example",
    "/../../evil.example",
    "/area-personale/../..//evil.example",
    "/./evil.example",
    "/%2e%2e/evil.example",
    "/%",
    "/%zz",
    "/area-personale/\u2028",
    "/\u3002evil.example",
    "/\uff0f\uff0fevil.example",
    "/" + "a" * 5000,
    "",
]

SAFE = [
    "/",
    "/area-personale/",
    "/area-personale/salute/",
    "/area-personale/messaggi/12/apri",
    "/accedi?next=/area-personale/",
    "/servizi/certificato_scolastico/nuova?step=2&x=%2F%2F",
    "/area-personale/pratiche/ABC-123#riepilogo",
]


def lands_on(location: str) -> str:
    """Where a browser goes, resolving ``location`` as WHATWG parsers do (tab/CR/LF dropped,
    backslash read as a slash) against the site."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").replace("\\", "/")
    return urlsplit(urljoin(SITE, cleaned)).netloc


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_targets_fall_back_to_the_default(value: str) -> None:
    assert safe_target(value, "/home") == "/home"


@pytest.mark.parametrize("value", SAFE)
def test_same_site_paths_pass_unchanged(value: str) -> None:
    assert safe_target(value, "/home") == value


@settings(max_examples=800, deadline=None)
@given(st.text(max_size=60))
def test_whatever_passes_stays_on_the_site(value: str) -> None:
    result = safe_target(value)
    assert result in ("/", value)
    assert lands_on(result) == "sportello.example"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="/\\%.:@?#\t\n\r 2Ffe5cC0a9", max_size=24))
def test_whatever_passes_stays_on_the_site_in_the_tricky_alphabet(value: str) -> None:
    result = safe_target(value)
    assert lands_on(result) == "sportello.example"


def test_the_language_switch_never_leaves_the_site(client: FlaskClient) -> None:
    for value in HOSTILE:
        response = client.get("/lingua/en?next=" + quote(value, safe=""))
        assert response.status_code == 302, value
        assert response.headers["Location"] == "/", value
    for value in SAFE:
        response = client.get("/lingua/en?next=" + quote(value, safe=""))
        assert response.headers["Location"] == value


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=st.text(max_size=40))
def test_no_next_value_gives_a_server_error(client: FlaskClient, value: str) -> None:
    for path in ("/lingua/it", "/accedi", "/accedi/livello"):
        response = client.get(path + "?next=" + quote(value, safe=""))
        assert response.status_code < 500
        location = response.headers.get("Location")
        if location:
            assert lands_on(location) == "sportello.example"


@pytest.mark.parametrize("value", [*HOSTILE[:20], "/%09/evil.example/"])
def test_after_a_real_login_the_browser_stays_on_the_site(
    app: Flask, client: FlaskClient, value: str
) -> None:
    request = start_login(client, app, next_url=value)
    response = finish_login(client, app, request)
    assert response.status_code == 302
    assert response.headers["Location"] == "/area-personale/"


def test_the_login_page_links_carry_only_safe_targets(client: FlaskClient) -> None:
    page = client.get("/accedi?next=" + quote("//evil.example/", safe="")).get_data(as_text=True)
    links = [
        part.split('"', 1)[0].replace("&amp;", "&")
        for part in page.split('href="')[1:]
        if part.startswith("/accedi/spid?")
    ]
    assert links
    for link in links:
        assert parse_qs(urlsplit(link).query)["next"] == ["/area-personale/"]
