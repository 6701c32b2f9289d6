"""Errors of the fines pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..exceptions import Conflict, NotFound


class UnknownFine(NotFound):
    """No such fine for this citizen (another citizen's fine reads the same)."""

    code = "UNKNOWN_FINE"
    title = _l("Fine not found.")


class FineNotPayable(Conflict):
    code = "FINE_NOT_PAYABLE"
    title = _l("This fine cannot be paid: it is already paid, cancelled or disputed.")
