"""Message texts from templates, in the recipient's language, for the inbox and for e-mail.

One template per kind, ``templates/messages/<kind>.txt``, with three blocks: ``subject``,
``body`` (paragraphs separated by blank lines) and ``action`` (the label of the link). Their
words are ``{% trans %}`` blocks, extracted into the catalogues with every other text, and a
message is rendered in the recipient's language (the app's catalogue under Flask-Babel's
``force_locale``, see ``i18n.language``), whatever the language of the web request that caused
it. They are plain text; the HTML e-mail escapes them into its own layout. Values are formatted
in the message's language with the filters ``money`` (cents), ``date`` and ``datetime``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from ..ente import Ente, current_ente
from ..formatting import format_date, format_datetime
from ..i18n import Language, language, supported

TEMPLATES = Path(__file__).parent / "templates" / "messages"
WRITTEN_IN = "_language"  # the context variable holding the message's Language


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    paragraphs: tuple[str, ...]
    action: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _in(context: Context) -> Language:
    written_in: Language = context[WRITTEN_IN]
    return written_in


@pass_context
def _gettext(context: Context, message: str) -> str:
    return _in(context).gettext(message)


@pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _in(context).translations.ungettext(singular, plural, n)


def _env(autoescape: Any, **options: Any) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=autoescape,  # noqa: S701 - chosen per environment below
        **options,
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["money"] = pass_context(lambda context, cents: _in(context).money(cents))
    env.filters["date"] = pass_context(
        lambda context, value: format_date(value, "long", _in(context).code)
    )
    env.filters["datetime"] = pass_context(
        lambda context, value: format_datetime(value, "long", _in(context).code)
    )
    return env


_TEXT = _env(False, undefined=StrictUndefined)  # plain text; the HTML layout escapes it
_HTML = _env(select_autoescape(default=True))


def message_language(lang: str | None) -> str:
    """The language a message is written in: ``lang`` if offered, else the default."""
    return supported(lang)


def _body(ente: Ente | None, lang: str) -> dict[str, str]:
    """What the templates say of the body: ``ente`` or the current request's or job's."""
    ente = ente or current_ente()
    return {"ente_name": ente.shown_name(lang), "ente_contact": ente.contacts.email}


def render_message(
    kind: str, context: dict[str, Any], lang: str, *, ente: Ente | None = None
) -> RenderedMessage:
    """Subject, paragraphs and action label of ``kind`` in ``lang`` (the default if not
    offered), on behalf of ``ente`` (default: the current one)."""
    template = _TEXT.get_template(f"{kind}.txt")
    lang = message_language(lang)
    values = {**context, **_body(ente, lang), WRITTEN_IN: language(lang)}
    blocks = {}
    for name in ("subject", "body", "action"):
        render = template.blocks[name]
        blocks[name] = "".join(render(template.new_context(dict(values)))).strip()
    paragraphs = tuple(
        " ".join(line.strip() for line in part.splitlines() if line.strip())
        for part in blocks["body"].split("\n\n")
        if part.strip()
    )
    return RenderedMessage(
        subject=" ".join(blocks["subject"].split()), paragraphs=paragraphs, action=blocks["action"]
    )


def render_email_html(
    message: RenderedMessage,
    *,
    lang: str,
    link: str | None,
    unsubscribe: str | None,
    ente: Ente | None = None,
) -> str:
    lang = message_language(lang)
    return _HTML.get_template("email.html").render(
        message=message,
        lang=lang,
        link=link,
        unsubscribe=unsubscribe,
        _language=language(lang),
        **_body(ente, lang),
    )


def render_email_text(
    message: RenderedMessage,
    *,
    lang: str,
    link: str | None,
    unsubscribe: str | None,
    ente: Ente | None = None,
) -> str:
    lang = message_language(lang)
    return _TEXT.get_template("email_footer.txt").render(
        message=message,
        link=link,
        unsubscribe=unsubscribe,
        _language=language(lang),
        **_body(ente, lang),
    )
