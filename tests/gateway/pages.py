"""Reading the gateway's pages in tests: the CSRF token every form needs."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|name="csrf-token" content="([^"]+)"')


def token_in(page: str) -> str:
    """The CSRF token of a page (a form's hidden field, or the page's meta tag)."""
    match = _TOKEN.search(page)
    assert match is not None, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """Open ``path`` with the client's session and read its CSRF token."""
    return token_in(client.get(path).get_data(as_text=True))
