"""Errors of the fines pages."""

from __future__ import annotations

from ..exceptions import Conflict, NotFound


class UnknownFine(NotFound):
    """No such fine for this citizen (another citizen's fine reads the same)."""

    code = "UNKNOWN_FINE"
    title = "Fine not found"


class FineNotPayable(Conflict):
    code = "FINE_NOT_PAYABLE"
    title = "This fine cannot be paid (already paid, cancelled or disputed)"
