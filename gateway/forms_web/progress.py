"""The answers of a form being filled step by step, kept in the server-side session.

Each step is its own page: its POST stores the answers so far here and redirects to the next
step, whose GET shows them again (Back and reload too). Every step page also carries the
other steps' answers as hidden fields, so a post after the session expired still holds the
whole form for ``kept``. Only plain values of a bounded size are stored (text as typed, a
checkbox as a boolean, an attached file's metadata), for a few forms at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import session

KEY = "form_progress"
MAX_FORMS = 5
MAX_VALUE = 10_000
FILE_KEYS = frozenset({"name", "content_type", "size"})


def new_form(service: str) -> str:
    """The key of a new request for ``service`` that has no draft yet."""
    return f"new:{service}"


def draft_form(reference: str) -> str:
    """The key of the draft of request ``reference``."""
    return f"draft:{reference}"


def _plain(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, str):
        return len(value) <= MAX_VALUE
    if isinstance(value, int | float):
        return True
    if isinstance(value, Mapping):
        return set(value) <= FILE_KEYS and all(
            isinstance(v, str | int) and len(str(v)) <= 300 for v in value.values()
        )
    return False


def load(key: str) -> dict[str, Any] | None:
    """The answers kept for ``key``, or None when this form was not begun in this session."""
    found = (session.get(KEY) or {}).get(key)
    return dict(found) if isinstance(found, dict) else None


def keep(key: str, answers: Mapping[str, Any]) -> None:
    """Keep ``answers`` for ``key`` (the most recent forms only)."""
    forms = {k: v for k, v in (session.get(KEY) or {}).items() if k != key}
    forms[key] = {name: value for name, value in answers.items() if _plain(value)}
    session[KEY] = dict(list(forms.items())[-MAX_FORMS:])


def forget(key: str) -> None:
    """Drop what was kept for ``key`` (the form was sent or saved as a draft)."""
    forms = dict(session.get(KEY) or {})
    if forms.pop(key, None) is not None:
        session[KEY] = forms
