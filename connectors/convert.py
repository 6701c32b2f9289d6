"""Helpers turning zeep answers (already plain dicts/lists) into the shapes the facades expect."""

from __future__ import annotations

from typing import Any


def unwrap(answer: Any, key: str) -> Any:
    """zeep returns a one-child response as that child; accept the wrapped form too."""
    if isinstance(answer, dict) and set(answer) == {key}:
        return answer[key]
    return answer


def as_list(answer: Any, key: str) -> list[Any]:
    """A repeated element: zeep gives a list, a wrapper dict, or None when it is empty."""
    answer = unwrap(answer, key)
    if answer is None:
        return []
    if isinstance(answer, list):
        return answer
    return [answer]


def year(value: Any) -> int | None:
    """An xsd:gYear as zeep parses it ((year, tzinfo)) or as a plain number."""
    if value is None:
        return None
    if isinstance(value, tuple):
        return int(value[0])
    return int(value)
