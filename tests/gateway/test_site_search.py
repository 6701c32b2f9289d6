"""The site search: the header's form, /cerca over the catalogue's services in the page's
language, whatever the case and the accents, with a plain message when there is nothing to
search or nothing found; and the breadcrumbs of the content pages."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from gateway.core.search import fold, parse_query


def results(page: str) -> list[str]:
    return re.findall(r'<a href="(/servizi/[a-z_]+)" data-testid="search-result">', page)


def get(client: FlaskClient, query: str | None, lang: str = "it") -> tuple[int, str]:
    response = client.get(
        "/cerca",
        query_string={} if query is None else {"q": query},
        headers={"Accept-Language": lang},
    )
    return response.status_code, response.get_data(as_text=True)


def test_every_page_has_the_header_search_that_leads_to_the_search_page(
    client: FlaskClient,
) -> None:
    for path in ("/", "/servizi/", "/servizi/multe", "/privacy", "/aiuto"):
        page = client.get(path).get_data(as_text=True)
        assert 'href="/cerca" data-bs-toggle="modal"' in page, path
        assert 'action="/cerca" role="search" data-testid="header-search-form"' in page, path
    status, page = get(client, None)
    assert status == 200 and "<h1>Cerca</h1>" in page
    assert 'data-testid="search-count"' not in page and 'data-testid="search-problem"' not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("multe", ["/servizi/multe"]),
        ("MULTE", ["/servizi/multe"]),
        ("  certificati   scolastici ", ["/servizi/certificato_scolastico"]),
        ("iscrizione", ["/servizi/certificato_scolastico"]),  # in the page, not on the card
        ("bollo", ["/servizi/certificato_scolastico"]),  # what it costs
        ("velocita", []),  # not a word of any service
        ("pagopa", ["/servizi/multe"]),  # the fines page says how they are paid
    ],
)
def test_the_search_reads_every_text_of_the_service_page(
    client: FlaskClient, query: str, expected: list[str]
) -> None:
    status, page = get(client, query)
    assert status == 200 and results(page) == expected, page[-3000:]


def test_accents_and_case_do_not_count(client: FlaskClient) -> None:
    accented = results(get(client, "SANITÀRIO")[1])
    plain = results(get(client, "sanitario")[1])
    assert accented == plain == ["/servizi/fascicolo_sanitario"]
    assert fold("Perché È Università") == "perche e universita"


def test_a_name_match_comes_before_a_match_in_the_page(client: FlaskClient) -> None:
    ordered = results(get(client, "appuntamento")[1])
    assert ordered and ordered[0] == "/servizi/assistenza"
    assert len(results(get(client, "spid")[1])) >= 3  # every service that needs a login


def test_english_pages_search_the_english_texts(client: FlaskClient) -> None:
    status, page = get(client, "fines", lang="en")
    assert status == 200 and results(page) == ["/servizi/multe"]
    assert "1 service found for “fines”" in page
    assert results(get(client, "multe", lang="en")[1]) == []


def test_nothing_found_says_so_and_offers_the_catalogue(client: FlaskClient) -> None:
    status, page = get(client, "passaporto")
    assert status == 200 and 'data-testid="search-none"' in page
    assert "0 servizi trovati per “passaporto”" in page and 'href="/servizi/"' in page


@pytest.mark.parametrize(
    ("query", "message", "status"),
    [
        ("", "Scrivi cosa stai cercando.", 200),
        ("   ", "Scrivi cosa stai cercando.", 200),
        ("x" * 101, "La ricerca è troppo lunga", 400),
        ("multe\x00", "caratteri che non sono testo", 400),
        ("multe\nvelocità", "caratteri che non sono testo", 400),
    ],
)
def test_an_empty_or_bad_query_is_a_message_not_an_error(
    client: FlaskClient, query: str, message: str, status: int
) -> None:
    code, page = get(client, query)
    assert code == status and message in page
    assert 'aria-invalid="true"' in page and results(page) == []
    assert "Traceback" not in page and "<h1>Cerca</h1>" in page


def test_a_long_query_is_shown_back_cut_and_escaped(client: FlaskClient) -> None:
    _, page = get(client, "<script>" + "x" * 200)
    assert "<script>x" not in page and "&lt;script&gt;" in page
    assert parse_query("y" * 500).text == "y" * 100


def test_content_pages_have_breadcrumbs_the_home_does_not(client: FlaskClient) -> None:
    for path in (
        "/servizi/",
        "/servizi/multe",
        "/cerca?q=multe",
        "/privacy",
        "/dichiarazione-accessibilita",
        "/note-legali",
        "/verifica",
    ):
        page = client.get(path).get_data(as_text=True)
        crumbs = re.search(r'data-testid="breadcrumb">(.*?)</nav>', page, re.S)
        assert crumbs, path
        assert '<a href="/">Home</a>' in crumbs.group(1), path
        assert 'aria-current="page"' in crumbs.group(1), path
    assert 'data-testid="breadcrumb"' not in client.get("/").get_data(as_text=True)
