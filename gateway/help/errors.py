"""Errors of booking and handling help requests."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..exceptions import Conflict, InvalidInput, NotFound


class SlotTaken(Conflict):
    code = "SLOT_TAKEN"
    title = _l("This time has just been booked by someone else: please choose another.")


class InvalidSlot(InvalidInput):
    code = "INVALID_SLOT"
    title = _l("This time cannot be booked: please choose one of the times shown.")


class HelpRequestNotFound(NotFound):
    code = "HELP_REQUEST_NOT_FOUND"
    title = _l("Request not found.")


class AlreadyTaken(Conflict):
    code = "HELP_ALREADY_TAKEN"
    title = _l("Another clerk has already taken this request.")


class NotOpen(Conflict):
    code = "HELP_NOT_OPEN"
    title = _l("This request is no longer open.")
