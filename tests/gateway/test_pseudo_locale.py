"""A third language needs only a catalogue: with a pseudo-translation of every message, no text a
person reads on the main pages, in an e-mail or on a PDF is left in Italian or English.

The catalogue is made here: every message extracted from the code, templates and form
definitions (as ``tools/i18n.py`` extracts them) translated as ``[!text!]``, placeholders kept,
compiled into a temporary directory that the app is told to read (``i18n.add_catalogues``), the
app offering "eo" besides Italian and English (a language with CLDR formats and no catalogue of
ours). A text outside the markers is allowed only if it is data: names, codes, numbers, dates.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import yaml
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from gateway import create_app
from gateway.db import db
from gateway.features import registry
from gateway.fines.operations import UNIT as FINES_UNIT
from gateway.i18n import add_catalogues
from gateway.notifications.rendering import render_email_html, render_email_text, render_message

from ..conftest import make_config
from ..factories import MARIO, login
from . import auth_support
from .forms_support import NEW_FORM, SOFIA_CF, csrf_token, reference_from, shown_code
from .payments_factories import INCREASED_FINE, fine_number
from .test_notification_languages import CONTEXT

KINDS = registry().notification_kinds
SCHOOL_UNIT = "Anagrafe scolastica regionale"

ROOT = Path(__file__).resolve().parents[2]
PSEUDO = "eo"
MARKED = re.compile(r"\[!((?:(?!\[!|!\]).)*)!\]", re.DOTALL)


def pseudo(text: str) -> str:
    return f"[!{text}!]"


def load_tool() -> Any:
    spec = importlib.util.spec_from_file_location("sportello_i18n", ROOT / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pseudo_catalogues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extracted template, every message "translated" with the markers, compiled."""
    template = load_tool().template_catalogue()
    catalog = Catalog(locale=PSEUDO, domain="messages")
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            string: Any = tuple(pseudo(form) for form in message.id)
        else:
            string = pseudo(message.id)
        catalog.add(message.id, string, context=message.context, flags=message.flags)
    directory = tmp_path_factory.mktemp("catalogues")
    target = directory / PSEUDO / "LC_MESSAGES" / "messages.mo"
    target.parent.mkdir(parents=True)
    with target.open("wb") as f:
        write_mo(f, catalog)
    return directory


@pytest.fixture
def pseudo_app(database_url: str, simulators: Any, pseudo_catalogues: Path) -> Iterator[Flask]:
    simulators.reset()
    config = make_config(
        database_url, simulators_url=simulators.base_url, locales=("it", "en", PSEUDO)
    )
    application = create_app(config)
    add_catalogues(application, pseudo_catalogues)
    yield application
    db.dispose(application)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def data_words() -> set[str]:
    """Words that are data, not texts of Sportello: what the legacy offices' records say (the
    simulators' seed), the people of the test cast, the names of the identity providers, the
    days and months of the pseudo-language (CLDR's), each language's own name."""
    words: set[str] = set()
    for seed in (ROOT / "connectors" / "simulators" / "data").glob("*.yaml"):
        for text in _strings(yaml.safe_load(seed.read_text("utf-8"))):
            words |= set(WORD.findall(text))
    locale = Locale.parse(PSEUDO)
    for names in (locale.months, locale.days):
        for context in names.values():
            for width in context.values():
                for name in width.values():
                    words |= set(WORD.findall(name))
    words |= {"Mario", "Rossi", "Italiano", "English", "Esperanto"}
    # The creditor's offices printed on notices under the body's name.
    words |= set(WORD.findall(f"{FINES_UNIT} {SCHOOL_UNIT}"))
    # Names of the login systems and of the configured identity providers.
    words |= {"SPID", "CIE", "OpenID", "Connect", "Sportello", "Test", "IdP"}
    return words


WORD = re.compile(r"[^\W\d_]{2,}")
# Codes: an upper-case token with a digit (RSSMRA80A01H501U, GH715TR, V/2026/001234) or groups
# joined by dashes (SP-NKFP-MNAD, YRZ-N9H-D2M), and the lower-case request ids of error pages.
CODE = re.compile(
    r"\b(?=[A-Z0-9/.-]*\d)[A-Z0-9][A-Z0-9/.-]+\b|\b[A-Z0-9]{2,4}(?:-[A-Z0-9]{2,4})+\b|\b[0-9a-f]{16}\b"
)
URL = re.compile(r"https?://\S+")


def untranslated(text: str, data: set[str]) -> list[str]:
    """The words of ``text`` outside the markers that are not data."""
    previous = None
    while previous != text:
        previous, text = text, MARKED.sub(" ", text)
    text = CODE.sub(" ", URL.sub(" ", text))
    return [
        word for word in WORD.findall(text) if word not in data and word.upper() != PSEUDO.upper()
    ]


def visible_texts(page: str) -> list[str]:
    doc = lxml_html.fromstring(page)
    for dropped in doc.xpath("//script | //style | //noscript"):
        dropped.drop_tree()
    texts = [t for t in doc.xpath("//text()")]
    for attribute in ("alt", "title", "placeholder", "aria-label"):
        texts += doc.xpath(f"//@{attribute}")
    texts += doc.xpath("//input[@type='submit' or @type='button']/@value")
    return [" ".join(str(t).split()) for t in texts if str(t).strip()]


DATA = data_words()


def config_words(app: Flask) -> set[str]:
    """The installation's own names (the body, its creditor name, its offices): data too."""
    config = app.config["SPORTELLO"]
    values: list[object] = [getattr(config, f.name) for f in dataclasses.fields(config)]
    while any(dataclasses.is_dataclass(value) for value in values):  # the Ente record's fields
        values = [
            part
            for value in values
            for part in (
                [getattr(value, f.name) for f in dataclasses.fields(value)]
                if dataclasses.is_dataclass(value)
                else [value]
            )
        ]
    return {word for value in values if isinstance(value, str) for word in WORD.findall(value)}


def leftovers(texts: list[str], data: set[str] = DATA) -> list[str]:
    return [t for t in texts if untranslated(t, data)]


def pdf_text(pdf: bytes) -> str:
    """The PDF's text as one string: a marked text may run over several printed lines."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()
    return " ".join(" ".join(pages).split())


def get(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path, headers={"Accept-Language": PSEUDO})
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def post(client: FlaskClient, path: str, data: dict[str, str]) -> Any:
    data = {"csrf_token": csrf_token(client), **data}
    return client.post(path, data=data, headers={"Accept-Language": PSEUDO})


def test_main_pages_in_the_pseudo_language(pseudo_app: Flask) -> None:
    client = pseudo_app.test_client()
    client.get("/lingua/eo")  # the language chosen in the menu, kept in the session
    found: dict[str, list[str]] = {}
    data = DATA | config_words(pseudo_app)

    def check(where: str, page: str) -> None:
        found[where] = leftovers(visible_texts(page), data)

    for path in ("/", "/accedi", "/aiuto"):
        check(path, get(client, path))
    check("page not found", get(client, "/non-esiste", 404))
    refused = auth_support.finish_login(
        client, pseudo_app, auth_support.start_login(client, pseudo_app), spid_error=19
    )
    assert refused.status_code == 403
    check("login refused", refused.get_data(as_text=True))

    login(client, pseudo_app, MARIO)
    for path in (
        "/area-personale/",
        "/area-personale/multe/",
        "/area-personale/scuola/",
        "/area-personale/salute/",
        "/area-personale/messaggi",
        "/area-personale/preferenze",
        "/area-personale/aiuto/",
        "/area-personale/aiuto/appuntamento",
        "/area-personale/aiuto/richiamata",
        "/riprendi",
        NEW_FORM,
    ):
        check(path, get(client, path))
    check("no such notice", get(client, "/area-personale/pagamenti/avvisi/301202699999999999", 404))

    # A form: its errors, a saved draft, its printed sheet, its request page.
    check("form errors", post(client, NEW_FORM, {"action": "submit"}).get_data(as_text=True))
    posted = post(client, NEW_FORM, {"action": "save", "alunno": SOFIA_CF})
    assert posted.status_code == 303
    saved = client.get(posted.headers["Location"], headers={"Accept-Language": PSEUDO})
    check("draft saved", saved.get_data(as_text=True))
    reference, code = reference_from(saved), shown_code(saved.get_data(as_text=True))
    check("draft listed", get(client, "/area-personale/"))
    check("timeline", get(client, f"/area-personale/pratiche/{reference}"))
    check("request", get(client, f"/area-personale/richieste/{reference}"))
    sheet = post(client, f"/area-personale/pratiche/{reference}/foglio", {"code": code})
    assert sheet.mimetype == "application/pdf"
    found["draft sheet (PDF)"] = untranslated(pdf_text(sheet.data), data)
    unknown = post(client, "/riprendi", {"code": "7KQM4X9RD"})
    check("resume code refused", unknown.get_data(as_text=True))

    # A fine: its payment notice, on the page and on paper.
    number = fine_number(INCREASED_FINE, pseudo_app)
    issued = post(client, f"/area-personale/multe/{number}/avviso", {})
    assert issued.status_code == 302
    notice = issued.headers["Location"]
    check("notice", get(client, notice))
    pdf = client.get(f"{notice}/avviso.pdf?lang={PSEUDO}")
    assert pdf.mimetype == "application/pdf"
    found["notice (PDF)"] = untranslated(pdf_text(pdf.data), data)
    check("checkout", get(client, f"{notice}/paga-online"))

    assert {where: texts for where, texts in found.items() if texts} == {}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_message_in_the_pseudo_language(pseudo_app: Flask, kind: str) -> None:
    with pseudo_app.app_context():
        message = render_message(kind, CONTEXT, PSEUDO)
        footer = render_email_text(message, lang=PSEUDO, link="https://x/p", unsubscribe="u")
        layout = render_email_html(message, lang=PSEUDO, link="https://x/p", unsubscribe="u")
    texts = [message.subject, message.action, *message.paragraphs, *footer.splitlines()]
    assert leftovers(texts + visible_texts(layout), DATA | config_words(pseudo_app)) == []


def test_the_check_finds_a_text_that_bypasses_the_catalogue() -> None:
    page = "<main><h1>[!My area!]</h1><p>[!Due today: 86,10 €!] — importo ridotto</p></main>"
    assert leftovers(visible_texts(page)) == ["[!Due today: 86,10 €!] — importo ridotto"]
    assert leftovers(["[!Plate!] GH715TR · Via Verdi 3, Villanova · 26-11-21 10:20"]) == []
    assert leftovers(['<img alt="logo">'][:0] + visible_texts('<img alt="Stemma">')) == ["Stemma"]
