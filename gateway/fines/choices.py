"""Form choices from the fines system: the citizen's open fines."""

from __future__ import annotations

from forms import Choice

from ..formatting import format_date, format_money
from .operations import fines_system


def open_fines(subject_cf: str) -> list[Choice]:
    """The fines the subject can still pay: value = report number, label = number, date, amount."""
    fines = fines_system().list_by_fiscal_code(subject_cf)
    return [
        Choice.of(
            f.report_number,
            f"{f.report_number} — {format_date(f.offence_at.date(), 'short')} — "
            f"{format_money(f.amount_due)}",
        )
        for f in fines
        if f.payable
    ]
