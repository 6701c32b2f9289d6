"""The foundation in a real browser: Bootstrap Italia page, language switch, timeline."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.db import db
from gateway.demo.seed import seed_demo
from gateway.sessions import COOKIE_NAME

from ..factories import create_login_session
from .conftest import LiveServer
from .login import open_dropdown

pytestmark = pytest.mark.browser


def test_home_switch_language_and_timeline(live_server: LiveServer, context: Any) -> None:
    app = live_server.app
    with db.fresh_session(app) as s:
        seed_demo(s)
        s.commit()
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.locator(".it-brand-title").first.inner_text() == "Comune di Villanova"
    # Bootstrap Italia's stylesheet is applied: the header band has its primary colour.
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.it-header-center-wrapper')).backgroundColor"
    )
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")

    open_dropdown(page, "#lang-menu")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("html[lang=en]")
    assert page.locator(".it-brand-title").first.inner_text() == "Municipality of Villanova"
    open_dropdown(page, "#lang-menu")
    page.get_by_role("link", name="Italiano").click()
    page.wait_for_selector("html[lang=it]")

    sid = create_login_session(
        app, {"fiscal_code": "RSSMRA80A01H501U", "name": "Mario", "family_name": "Rossi"}
    )
    context.add_cookies([{"name": COOKIE_NAME, "value": sid, "url": live_server.url}])
    page.goto(live_server.url + "/area-personale/")
    assert "Ciao, Mario" in page.locator("h1").inner_text()
    row = page.locator("table[data-testid=transactions] tr", has_text="Certificato di frequenza")
    row.locator("a").click()
    timeline = page.locator("[data-testid=timeline] li")
    assert timeline.count() == 5
    text = page.locator("[data-testid=timeline]").inner_text()
    assert "Pratica avviata" in text
    assert "Pagato presso un punto convenzionato — presso un punto convenzionato" in text
    assert "Tabaccheria Centrale" in text
    assert page.locator("[data-testid=state]").inner_text() == "Conclusa"
    assert failed == []
