"""Helpers for tests that end by checking the audit log."""

from __future__ import annotations

from flask import Flask

from gateway.audit.keys import audit_settings
from gateway.audit.sequencer import SequenceResult, sequence
from gateway.audit.verify import LogReport, verify_log
from gateway.db import db


def sequence_now(app: Flask) -> SequenceResult:
    """Sequence what is waiting and sign a checkpoint now, as the worker would in time."""
    return sequence(db.session_factory(app), audit_settings(app), force=True)


def verify_now(app: Flask) -> LogReport:
    with db.fresh_session(app) as s:
        return verify_log(s, audit_settings(app))


def assert_log_intact(app: Flask) -> LogReport:
    """Sequence, sign, and verify the log against its checkpoint file and the records."""
    sequence_now(app)
    report = verify_now(app)
    assert report.ok, report.problems
    assert report.unsequenced == 0
    return report
