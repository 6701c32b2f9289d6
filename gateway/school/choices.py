"""Form choices from the school registry: the guardian's children."""

from __future__ import annotations

from forms import Choice

from .registry import school_registry


def children(subject_cf: str) -> list[Choice]:
    """The guardian's children: value = fiscal code, label = name, class and school."""
    students = school_registry().list_students(subject_cf)
    return [
        Choice.of(
            s.fiscal_code, f"{s.given_name} {s.family_name} — {s.class_name}, {s.school.name}"
        )
        for s in students
    ]
