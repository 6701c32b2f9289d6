"""A Babel extractor for form definitions: their texts go into the catalogues like the code's.

Registered in ``babel.cfg`` (``[forms.extract.extract_definitions: forms/definitions/**.yaml]``)
so that ``tools/i18n.py update`` finds every title, description, label and help text of every
definition, with its line and, for translators, where it is shown ("certificato_scolastico,
field alunno: label"). The message id is the text as the loader reads it (white space folded),
so what is extracted is exactly what is looked up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

TEXT_KEYS = frozenset({"title", "description", "label", "help"})
# The key naming a mapping, and what it names (for the translators' comment).
NAMES = (("name", "field"), ("value", "option"), ("id", "step"), ("kind", "fee"))

Extracted = tuple[int, str | None, str, list[str]]


def message_id(text: str) -> str:
    """The message id of a definition's text (the loader folds white space the same way)."""
    return " ".join(text.split())


def _scalar(node: yaml.Node) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _walk(node: yaml.Node, where: str) -> Iterator[tuple[int, str, str]]:
    if isinstance(node, yaml.MappingNode):
        names = {_scalar(k): v for k, v in node.value}
        for naming, kind in (
            ("name", "field"),
            ("value", "option"),
            ("id", "step"),
            ("kind", "fee"),
        ):
            named = _scalar(names[naming]) if naming in names else None
            if named and named != where:
                where = f"{where}, {kind} {named}"
                break
        for key_node, value in node.value:
            key, text = _scalar(key_node), _scalar(value)
            if key in TEXT_KEYS and text:
                yield value.start_mark.line + 1, message_id(text), f"{where}: {key}"
            else:
                yield from _walk(value, where)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, where)


def definition_texts(source: str) -> list[tuple[int, str, str]]:
    """(line, message id, where it is shown) of each text of a definition's YAML source."""
    root = yaml.compose(source)
    if root is None:
        return []
    service = yaml.safe_load(source).get("service") or {}
    return list(_walk(root, str(service.get("id", ""))))


def extract_definitions(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[Extracted]:
    """Babel's extractor interface: (line, function name, message, translator comments)."""
    for line, text, where in definition_texts(fileobj.read().decode("utf-8")):
        yield line, None, text, [where]
