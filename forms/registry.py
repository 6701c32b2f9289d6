"""All the form definitions of the installation, loaded and checked once at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from forms.errors import DefinitionError, UnknownService
from forms.loader import load_definition
from forms.model import FormDefinition

DEFINITIONS_DIR = Path(__file__).parent / "definitions"


class FormRegistry:
    """Form definitions by service id.

    Adding a service means adding one `<service_id>.yaml` file to the directory. Loading fails
    as a whole (`DefinitionError`) if any file is wrong: a half-loaded catalogue of services
    would show citizens a portal with holes.
    """

    def __init__(self, definitions: dict[str, FormDefinition]) -> None:
        self._definitions = dict(definitions)

    @classmethod
    def load(cls, directory: Path | None = None) -> FormRegistry:
        """Load every `*.yaml` file of `directory` (default: the package's definitions)."""
        directory = directory or DEFINITIONS_DIR
        definitions: dict[str, FormDefinition] = {}
        for path in sorted(directory.glob("*.yaml")):
            definition = load_definition(path)
            definitions[definition.id] = definition
        if not definitions:
            raise DefinitionError(str(directory), "no *.yaml form definitions found")
        return cls(definitions)

    def get(self, service_id: str) -> FormDefinition:
        """The definition of `service_id`, or `UnknownService`."""
        try:
            return self._definitions[service_id]
        except KeyError as e:
            raise UnknownService(service_id) from e

    def __contains__(self, service_id: object) -> bool:
        return service_id in self._definitions

    def __iter__(self) -> Iterator[FormDefinition]:
        return iter(self._definitions.values())

    def __len__(self) -> int:
        return len(self._definitions)

    @property
    def service_ids(self) -> list[str]:
        """Service ids, sorted."""
        return sorted(self._definitions)
