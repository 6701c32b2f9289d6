"""Errors of booking and handling help requests."""

from __future__ import annotations

from ..exceptions import Conflict, InvalidInput, NotFound


class SlotTaken(Conflict):
    code = "SLOT_TAKEN"
    title = "This time has just been booked by someone else: please choose another"


class InvalidSlot(InvalidInput):
    code = "INVALID_SLOT"
    title = "This time is not bookable at this office"


class HelpRequestNotFound(NotFound):
    code = "HELP_REQUEST_NOT_FOUND"
    title = "Request not found"


class AlreadyTaken(Conflict):
    code = "HELP_ALREADY_TAKEN"
    title = "Another clerk has already taken this request"


class NotOpen(Conflict):
    code = "HELP_NOT_OPEN"
    title = "This request is no longer open"
