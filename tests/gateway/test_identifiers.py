"""Identifiers from requests: one strict full-match check, and the value that passed is used.

The URL map is read from the app, so a new route with a free-form variable fails here, and
every route with a variable is requested with hostile variants of a valid value.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, unquote

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule

from forms.errors import InvalidValue
from forms.registry import FormRegistry
from forms.resume import check_char, format_code, new_code, new_resume_code, new_session_code
from forms.validators import normalize_email
from gateway import create_app
from gateway import identifiers as ids
from gateway.cobrowse.stream import parse_last_event_id
from gateway.config import Config
from gateway.models import RoleAssignment
from gateway.notifications.service import unsubscribe_path
from gateway.sessions import COOKIE_NAME
from gateway.transactions.reference import new_reference
from printing.codes import make_notice_code

from ..conftest import make_config
from ..factories import MARIO, create_login_session
from ..factories import login as log_in
from .health_support import GIULIA, GIULIA_CF, PAOLO, obscure, seed_people, set_consent
from .pages import token_in
from .payments_factories import create_fine_notice, create_terminal, terminal_client

DATA = Path(__file__).resolve().parents[2] / "connectors" / "simulators" / "data"

# The converters a route may use: those of gateway/identifiers.py, listed here on purpose.
STRICT = {
    "fiscal_code",
    "health_document",
    "notice_code",
    "reference",
    "report_number",
    "resume_code",
    "session_code",
    "payment_token",
    "unsubscribe_token",
    "service",
    "locale",
    "id",
}
# any(...) of fixed words, by endpoint and variable.
FIXED_WORDS = {
    ("cobrowse_citizen.answer", "choice"): ("accetta", "rifiuta"),
    ("citizen.tab", "tab"): ("pratiche", "pagamenti", "documenti", "appuntamenti", "posta"),
}
# Flask's own static files: werkzeug's safe_join keeps the path inside the static folder.
FRAMEWORK = {("static", "filename"): "path"}
# werkzeug's syntax of a rule variable: <converter(arguments):name> or <name>.
_VARIABLE = re.compile(r"<(?:(?P<converter>[a-zA-Z_]\w*)(?:\((?P<args>.*?)\))?:)?(?P<name>\w+)>")


def variables(rule: Rule) -> list[tuple[str, str, str]]:
    """(name, converter, arguments) of each variable of the rule, as written."""
    return [
        (m["name"], m["converter"] or "default", m["args"] or "")
        for m in _VARIABLE.finditer(rule.rule)
    ]


def test_every_route_variable_uses_a_strict_converter(app: Flask) -> None:
    assert set(ids.CONVERTERS) == STRICT
    for name in STRICT:  # nobody replaced one of ours under the same name
        assert app.url_map.converters[name] is ids.CONVERTERS[name]
    offending, seen_any = [], set()
    for rule in app.url_map.iter_rules():
        for name, converter, args in variables(rule):
            key = (rule.endpoint, name)
            if converter in STRICT:
                continue
            if converter == "any" and key in FIXED_WORDS:
                words = tuple(w.strip() for w in args.split(","))
                assert words == FIXED_WORDS[key], rule.rule
                seen_any.add(key)
            elif FRAMEWORK.get(key) != converter:
                offending.append(f"{rule.rule} ({rule.endpoint}): <{converter}:{name}>")
    assert offending == [], "routes with a free-form variable:\n" + "\n".join(offending)
    assert seen_any == set(FIXED_WORDS)  # the exceptions listed still exist


# --- the converters and validators, one by one ---------------------------------------------


def demo_fiscal_codes() -> set[str]:
    """Every codice fiscale in the simulators' and the test IdP's data (the WSDL's shape)."""
    shape = re.compile(r"\b[A-Z]{6}(?:[0-9LMNPQRSTUV]{2}[A-Z]){2}[0-9LMNPQRSTUV]{3}[A-Z]\b")
    found: set[str] = set()
    for path in [*DATA.glob("*.yaml"), DATA.parents[2] / "identity/testidp/data/users.yaml"]:
        found.update(m.group(0) for m in shape.finditer(path.read_text(encoding="utf-8")))
    return found


def demo_document_ids() -> list[str]:
    record = yaml.safe_load((DATA / "health.yaml").read_text(encoding="utf-8"))
    patients = record["patients"].values()
    return [str(d["id"]) for p in patients for d in p.get("documents", [])]


def demo_report_numbers() -> list[str]:
    record = yaml.safe_load((DATA / "fines.yaml").read_text(encoding="utf-8"))
    return [str(f["report_number"]).replace("{year}", "2026") for f in record["fines"]]


# Numbers a row id must not be: zero, signs, leading zeros, beyond the columns, other digits.
BAD_IDS = ["0", "-1", "+1", "01", "1" * 20, "9" * 20, str(2**31), str(2**63), "１", "²", "1e3"]


def hostile(sample: str, *, cased: bool = True) -> list[str]:
    """Variants of a valid value that must all be refused."""
    variants = [
        sample + "\n",
        sample + "\r",
        sample + "\t",
        sample + "\x00",
        " " + sample,
        sample + " ",
        "\n" + sample,
        sample + sample[-1] * 200,  # overlong
        "",
    ]
    if cased and sample.swapcase() != sample:
        variants.append(sample.swapcase())
    digit = next((c for c in sample if c in "0123456789"), None)
    if digit is not None:
        variants.append(sample.replace(digit, chr(0xFF10 + int(digit)), 1))  # fullwidth
        variants.append(sample.replace(digit, "²", 1))
    else:
        variants += [sample + "１", sample + "²"]
    return variants


def valid_values() -> dict[str, list[str]]:
    """Values the gateway itself issues or the demo data holds, per converter."""
    registry = FormRegistry.load()
    resume_codes = [new_resume_code() for _ in range(20)]
    return {
        "fiscal_code": [*sorted(demo_fiscal_codes()), "RSSMRA80A01H50MM"],  # with omocodia
        "health_document": demo_document_ids(),
        "notice_code": [
            *(make_notice_code("01", f"2026{n:09d}") for n in (1, 4117, 999_999_999)),
            *("301000000001876017", "301000000002877076"),  # as in the fines data
        ],
        "reference": [*(new_reference() for _ in range(20)), "SP-7KQ4-MX2D"],
        "report_number": demo_report_numbers(),
        "resume_code": [*resume_codes, *map(format_code, resume_codes)],
        "session_code": [*(new_session_code() for _ in range(20)), new_code(6)],
        "payment_token": [secrets.token_urlsafe(24) for _ in range(20)],
        "service": [*registry.service_ids, "assistenza", "fascicolo_sanitario"],
        "locale": list(Config.locales),
        "id": ["1", "42", str(ids.MAX_ID)],
    }


VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "fiscal_code": ids.valid_fiscal_code,
    "health_document": ids.valid_health_document_id,
    "notice_code": ids.valid_notice_code,
    "reference": ids.valid_reference,
    "report_number": ids.valid_report_number,
    "resume_code": ids.valid_resume_code,
    "session_code": ids.valid_session_code,
    "payment_token": ids.valid_payment_token,
    "unsubscribe_token": ids.valid_unsubscribe_token,
    "service": ids.valid_service,
    "locale": ids.valid_locale,
    "id": ids.valid_id,
}
# Both cases are valid characters of these: swapping case gives another well-formed value.
MIXED_CASE = {"payment_token", "unsubscribe_token"}


def converter(name: str, app: Flask) -> Any:
    return ids.CONVERTERS[name](app.url_map)


def accepted_by_route(kind: str, value: str, app: Flask) -> Any:
    """What the route converter gives the view for ``value`` (ValidationError if refused)."""
    conv = converter(kind, app)
    if not re.fullmatch(conv.regex, value):
        raise LookupError("the route's regex does not match")
    return conv.to_python(value)


@pytest.fixture(scope="module")
def bare_app() -> Flask:
    return create_app(make_config("sqlite://"))


@pytest.mark.parametrize("kind", sorted(set(VALIDATORS) - {"unsubscribe_token"}))
def test_the_values_the_gateway_issues_pass_unchanged(kind: str, bare_app: Flask) -> None:
    values = valid_values()[kind]
    assert values
    for value in values:
        expected: Any = int(value) if kind == "id" else value
        assert VALIDATORS[kind](value) == expected, value
        assert accepted_by_route(kind, value, bare_app) == expected, value
        assert converter(kind, bare_app).to_url(expected) == value


def test_unsubscribe_tokens_of_the_gateway_pass(bare_app: Flask) -> None:
    with bare_app.test_request_context():
        for contact_id in (1, 123_456, 2**63 - 1):
            for category in ("reminders", "updates"):
                contact = SimpleNamespace(id=contact_id)
                token = unsubscribe_path(contact, category).rsplit("/", 1)[1]  # type: ignore[arg-type]
                assert ids.valid_unsubscribe_token(token) == token
                assert accepted_by_route("unsubscribe_token", token, bare_app) == token


@pytest.mark.parametrize("kind", sorted(VALIDATORS))
def test_hostile_variants_are_refused(kind: str, bare_app: Flask) -> None:
    if kind == "unsubscribe_token":
        with bare_app.test_request_context():
            samples = [unsubscribe_path(SimpleNamespace(id=7), "updates").rsplit("/", 1)[1]]  # type: ignore[arg-type]
    else:
        samples = valid_values()[kind][:3]
    for sample in samples:
        for value in hostile(sample, cased=kind not in MIXED_CASE):
            assert VALIDATORS[kind](value) is None, (sample, value)
            with pytest.raises((LookupError, ValueError)):  # werkzeug's ValidationError too
                accepted_by_route(kind, value, bare_app)
            with pytest.raises(ValueError):  # and no link is ever built with it
                converter(kind, bare_app).to_url(value)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("id", "0"),
        ("id", "-1"),
        ("id", "+1"),
        ("id", "01"),
        ("id", "1" * 20),
        ("id", "9" * 20),
        ("id", str(2**31)),  # beyond PostgreSQL's INTEGER keys
        ("id", str(2**63 - 1)),
        ("id", str(2**63)),
        ("id", "１２３"),
        ("id", "²"),
        ("id", "1e3"),
        ("fiscal_code", "rssmra80a01h501u"),
        ("fiscal_code", "RSSMRA80A01H501V"),  # wrong check character
        ("fiscal_code", "RSSMRA80Z01H501U"),  # no month Z
        ("fiscal_code", "RSSMRA80A32H501U"),  # no 32nd day
        ("health_document", "doc-bnc-0009"),
        ("health_document", "DOC_BNC_0009"),
        ("health_document", "-DOC"),
        ("health_document", "D" * 65),
        ("notice_code", "301000000001876018"),  # check digits disagree
        ("notice_code", "001000000001876017"),  # aux digit 0
        ("notice_code", "3010 0000 0001 8760 17"),
        ("reference", "SP-0000-0000"),  # 0 is not in the alphabet
        ("reference", "SP7KQ4MX2D"),
        ("reference", "sp-7kq4-mx2d"),
        ("report_number", "VL-26-004117"),
        ("resume_code", "7KQM4X9R"),  # no check character
        ("resume_code", "7KQ-M4X9RD"),
        ("service", "Certificato_scolastico"),
        ("service", "certificato-scolastico"),
        ("service", "_x"),
        ("locale", "EN"),
        ("locale", "eng"),
    ],
)
def test_near_misses_are_refused(kind: str, value: str, bare_app: Flask) -> None:
    assert VALIDATORS[kind](value) is None
    with pytest.raises((LookupError, ValueError)):
        accepted_by_route(kind, value, bare_app)


def test_codes_with_a_wrong_check_character_are_refused() -> None:
    payload = "7KQM4X9R"
    good = payload + check_char(payload)
    wrong = payload + next(c for c in "23456789ABCDEFGHJKMNPQRTVWXYZ" if c != good[-1])
    assert ids.valid_resume_code(good) == good
    assert ids.valid_resume_code(format_code(good)) == format_code(good)
    assert ids.valid_resume_code(wrong) is None
    short = "7KQM4X"
    assert ids.valid_session_code(short + check_char(short)) == short + check_char(short)
    assert ids.valid_session_code(short + ("Z" if check_char(short) != "Z" else "Y")) is None


def test_typed_values_are_tidied_then_checked_strictly() -> None:
    assert ids.typed_fiscal_code(" bncgli85c55f205c ") == "BNCGLI85C55F205C"
    assert ids.typed_fiscal_code("BNCGLI85C55F205C\n") == "BNCGLI85C55F205C"
    assert ids.typed_fiscal_code("BNCGLI85C55F205X") is None
    assert ids.typed_fiscal_code("ＢNCGLI85C55F205C") is None  # a fullwidth letter
    assert ids.typed_fiscal_code("BNCGLI８5C55F205C") is None
    code = new_resume_code()
    assert ids.typed_resume_code(format_code(code).lower().replace("-", " ")) == code
    assert ids.typed_resume_code(code[:-1]) is None
    assert ids.typed_resume_code("１" + code[1:]) is None
    session_code = new_session_code()
    assert ids.typed_session_code(format_code(session_code)) == session_code
    assert ids.typed_session_code(session_code + "\x00") is None
    assert ids.typed_session_code(None) is None


def test_an_address_with_a_newline_inside_is_not_an_email() -> None:
    # "$" matched before the newline of "mario\n": the address reached the mail headers.
    for value in ("mario\n@example.org", "mario@example\n.org", "mario@example.org\n.it"):
        with pytest.raises(InvalidValue):
            normalize_email(value)
    assert normalize_email(" mario@example.org\n") == "mario@example.org"  # around it: trimmed


def test_the_last_event_id_is_ascii_digits_only() -> None:
    assert parse_last_event_id("12", None) == 12
    assert parse_last_event_id(None, " 7 ") == 7
    assert parse_last_event_id(str(ids.MAX_ID), None) == ids.MAX_ID
    for hostile_value in ("²", "１２", "-1", "1" * 20, str(2**31), "1e3"):
        assert parse_last_event_id(hostile_value, None) == 0


# --- every route, over HTTP -------------------------------------------------------------------


def samples(app: Flask) -> dict[str, str]:
    """One valid value per converter, as a route would receive it."""
    payload = "7KQM4X9R"
    with app.test_request_context():
        unsubscribe = unsubscribe_path(SimpleNamespace(id=7), "updates").rsplit("/", 1)[1]  # type: ignore[arg-type]
    return {
        "fiscal_code": GIULIA_CF,
        "health_document": "DOC-BNC-0009",
        "notice_code": make_notice_code("01", "2026000004117"),
        "reference": "SP-7KQ4-MX2D",
        "report_number": "VL-2026-004117",
        "resume_code": format_code(payload + check_char(payload)),
        "session_code": payload[:6] + check_char(payload[:6]),
        "payment_token": "Ab3_-" + "x" * 27,
        "unsubscribe_token": unsubscribe,
        "service": "certificato_scolastico",
        "locale": "en",
        "id": "1",
        "any": "accetta",
        "path": "css/sportello.css",
    }


def fill(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with each variable replaced by its (percent-encoded) value."""
    return _VARIABLE.sub(lambda m: quote(values[m["name"]], safe=""), rule.rule)


def person_of_every_role(app: Flask, session: Session) -> FlaskClient:
    """Mario, also a clerk and a clinician, with a counter terminal in his browser session."""
    session.add_all(
        [
            RoleAssignment(fiscal_code=MARIO["fiscal_code"], role="clerk", office="URP"),
            RoleAssignment(
                fiscal_code=MARIO["fiscal_code"],
                role="clinician",
                facility="Ospedale Maggiore di Villanova",
                registry_number="VN-00001",
            ),
        ]
    )
    session.commit()
    terminal, _secret = create_terminal(session, app, terminal_id="TAB-HOSTILE")
    client = app.test_client()
    client.set_cookie(COOKIE_NAME, create_login_session(app, MARIO, counter_terminal=terminal.id))
    return client


def test_every_route_refuses_hostile_identifiers_with_a_404(app: Flask, session: Session) -> None:
    client = person_of_every_role(app, session)
    adapter = app.url_map.bind("localhost")
    valid = samples(app)
    failures: list[str] = []
    requested = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        found = variables(rule)
        if not found:
            continue
        kinds = {name: converter for name, converter, _args in found}
        base = {
            name: FIXED_WORDS[(rule.endpoint, name)][0] if kind == "any" else valid[kind]
            for name, kind in kinds.items()
        }
        method = sorted((rule.methods or {"GET"}) - {"HEAD", "OPTIONS"})[0]
        # The valid values reach this very rule: the variants below differ only in one value.
        assert adapter.match(fill(rule, base).replace("%2F", "/"), method=method)[0] == (
            rule.endpoint
        ), rule.rule
        for name, kind in kinds.items():
            cased = kind not in MIXED_CASE and kind != "path"
            for value in hostile(base[name], cased=cased) + (BAD_IDS if kind == "id" else []):
                if value == "":
                    continue  # an empty segment is another route (or a redirect), not a value
                url = fill(rule, {**base, name: value}).replace("%2F", "/")
                requested += 1
                response = client.open(url, method=method)
                if response.status_code != 404:
                    failures.append(f"{method} {url!r}: {response.status_code}")
                if kind != "path":  # static files: the router takes any path, the folder decides
                    try:
                        adapter.match(unquote(url), method=method)
                    except NotFound:
                        pass
                    else:
                        failures.append(f"{method} {url!r}: the router accepted it")
    assert requested > 500
    assert failures == [], "\n".join(failures)


# --- the attack that started it, and numbers that overflowed -------------------------------


def test_a_hidden_document_stays_hidden_whatever_is_appended_to_its_id(app: Flask) -> None:
    seed_people(app)
    set_consent(app, GIULIA, True)
    obscure(app, GIULIA, "DOC-BNC-0009")
    doctor = app.test_client()
    log_in(doctor, app, PAOLO)
    base = f"/clinico/pazienti/{GIULIA_CF}/documenti"
    assert doctor.get(f"{base}/DOC-BNC-0008").status_code == 200  # consent works
    hidden = "DOC-BNC-0009"
    for document_id in (hidden, f"{hidden}%0A", f"{hidden}%0D", f"{hidden}%20", f"%20{hidden}",
                        f"{hidden}%09", f"{hidden}%00", hidden.lower()):  # fmt: skip
        response = doctor.get(f"{base}/{document_id}")
        assert response.status_code == 404, document_id
        assert "DOC-BNC-0009" not in response.get_data(as_text=True).split("<main", 1)[-1]
    lower = doctor.get(f"/clinico/pazienti/{GIULIA_CF.lower()}/documenti/DOC-BNC-0008")
    assert lower.status_code == 404


def test_a_20_digit_id_is_a_404_everywhere_not_an_overflow(app: Flask, session: Session) -> None:
    client = person_of_every_role(app, session)
    twenty = "9" * 20
    for path in (
        f"/area-personale/messaggi/{twenty}",
        f"/area-personale/pagamenti/documenti/{twenty}",
        f"/sportello-assistito/{twenty}/",
        f"/sportello/coda/{twenty}",
        f"/sportello/live/{twenty}/",
        f"/area-personale/assistenza-live/{twenty}/",
        f"/area-personale/messaggi/{2**63 - 1}",
        f"/area-personale/messaggi/{2**31}",
    ):
        assert client.get(path).status_code == 404, path
    # The largest id the tables hold reaches the view, which finds no such row.
    assert client.get(f"/area-personale/messaggi/{ids.MAX_ID}").status_code == 404
    assert client.get(f"/sportello/coda/{ids.MAX_ID}").status_code == 404


def test_a_counter_timestamp_in_other_digits_is_refused_not_a_crash(
    app: Flask, session: Session
) -> None:
    counter = terminal_client(app, session)
    for timestamp in ("²", "１７００００００００"):
        response = counter.call(
            "POST", "/notices/verify", {"notice_code": "x"}, headers={"X-Timestamp": timestamp}
        )
        assert response.status_code == 400, timestamp  # a header not of its form
        assert response.get_json()["code"] == "INVALID_REQUEST"


def test_the_web_terminal_refuses_a_malformed_notice_code_or_amount(
    app: Flask, session: Session
) -> None:
    notice = create_fine_notice(app)
    client = person_of_every_role(app, session)
    page = client.get("/sportello-convenzionato/").get_data(as_text=True)
    token = token_in(page)
    form = {"csrf_token": token, "method": "cash", "idempotency_key": "k-1"}
    for code, amount in (
        (notice.code + "\n", str(notice.amount_cents)),
        (notice.code[:-1] + "０", str(notice.amount_cents)),
        (notice.code, "²"),
        (notice.code, "1" * 11),
    ):
        response = client.post(
            "/sportello-convenzionato/incassa",
            data={**form, "notice_code": code, "amount_cents": amount},
        )
        # Refused: back to a page that says so (post, redirect, get), and nothing paid.
        assert response.status_code == 303, (code, amount)
        shown = client.get(response.headers["Location"])
        assert 'data-testid="terminal-error"' in shown.get_data(as_text=True), (code, amount)
