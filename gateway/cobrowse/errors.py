"""Errors of shared live sessions, each with a stable code and its HTTP status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..exceptions import Conflict, InvalidInput, NotFound, SportelloError


class SessionCodeMistyped(SportelloError):
    """Wrong length, a character outside the alphabet, or a check character that disagrees."""

    code = "SESSION_CODE_MISTYPED"
    status = 422
    title = _l("The code seems mistyped: check every character and try again.")


class SessionCodeNotFound(NotFound):
    """No session waits for this code: unknown, expired or already used (one answer for all)."""

    code = "SESSION_CODE_NOT_FOUND"
    title = _l("No session waits for this code, or it has expired: ask the citizen for a new one.")


class SharedSessionEnded(Conflict):
    """The session was ended by one side or by inactivity: nothing more can happen in it."""

    code = "SHARED_SESSION_ENDED"
    title = _l("This shared session has ended.")


class ProposalNotPending(Conflict):
    """The proposal was already answered, replaced by a newer one, or the session ended."""

    code = "PROPOSAL_NOT_PENDING"
    title = _l("This proposal has already been answered.")


class NothingToPropose(InvalidInput):
    """The proposed values are the ones the request already has."""

    code = "NOTHING_TO_PROPOSE"
    title = _l("These values are already in the request.")


class NotShareable(Conflict):
    """The transaction is closed (or cannot take this proposal): nothing to do together."""

    code = "NOT_SHAREABLE"
    title = _l("This request cannot be worked on together.")
