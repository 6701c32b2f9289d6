"""Message texts from templates, in Italian or English, for the inbox and for e-mail.

One template per kind and language, ``templates/messages/<lang>/<kind>.txt``, with three
blocks: ``subject``, ``body`` (paragraphs separated by blank lines) and ``action`` (the label
of the link). They are plain text; the HTML e-mail escapes them into its own layout. Values
are formatted for the message's language with the filters ``money`` (cents), ``date`` and
``datetime`` (ISO strings), independent of the language of any web request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..formatting import format_date, format_datetime, format_money

TEMPLATES = Path(__file__).parent / "templates" / "messages"
LANGUAGES = ("it", "en")


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    paragraphs: tuple[str, ...]
    action: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _env(lang: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / lang),
        autoescape=False,  # noqa: S701 - plain text; the HTML layout escapes it
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters["money"] = lambda cents: format_money(cents, lang)
    env.filters["date"] = lambda value: format_date(value, "long", lang)
    env.filters["datetime"] = lambda value: format_datetime(value, "d MMMM y, HH:mm", lang)
    return env


_ENVS = {lang: _env(lang) for lang in LANGUAGES}
_HTML = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def message_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "it"


def render_message(kind: str, context: dict[str, Any], lang: str) -> RenderedMessage:
    """Subject, paragraphs and action label of ``kind`` in ``lang`` (Italian if unknown)."""
    template = _ENVS[message_language(lang)].get_template(f"{kind}.txt")
    blocks = {}
    for name in ("subject", "body", "action"):
        render = template.blocks[name]
        blocks[name] = "".join(render(template.new_context(dict(context)))).strip()
    paragraphs = tuple(
        " ".join(line.strip() for line in part.splitlines() if line.strip())
        for part in blocks["body"].split("\n\n")
        if part.strip()
    )
    return RenderedMessage(
        subject=" ".join(blocks["subject"].split()), paragraphs=paragraphs, action=blocks["action"]
    )


def render_email_html(
    message: RenderedMessage, *, lang: str, link: str | None, unsubscribe: str | None
) -> str:
    return _HTML.get_template("email.html").render(
        message=message, lang=message_language(lang), link=link, unsubscribe=unsubscribe
    )


def render_email_text(
    message: RenderedMessage, *, lang: str, link: str | None, unsubscribe: str | None
) -> str:
    return (
        _ENVS[message_language(lang)]
        .get_template("email_footer.txt")
        .render(message=message, link=link, unsubscribe=unsubscribe)
    )
