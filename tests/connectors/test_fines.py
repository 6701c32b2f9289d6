"""Contract of the fines service, through FinesConnector against the simulator over HTTP."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, timedelta

import pytest

from connectors import (
    Fine,
    FinesConnector,
    Invalid,
    NotFound,
    PaymentRecord,
    Rejected,
)
from connectors.simulators import RunningSimulators
from connectors.simulators.clock import today_in_rome

from .cast import CHIARA, GIULIA, GIUSEPPE, LUCA, MARIO


def expected_amount(fine: Fine, on: date) -> tuple[int, str, date | None]:
    """The amount rule as the WSDL documents it, computed independently of the simulator."""
    if fine.status in ("paid", "cancelled"):
        return 0, "none", None
    if fine.status == "disputed":
        return 0, "suspended", None
    days = (on - fine.notification_date).days
    if days <= 5:
        reduced = round(fine.base_amount * 0.7 + 1e-9)
        return reduced, "reduced", fine.notification_date + timedelta(days=5)
    if days <= 60:
        return fine.base_amount, "base", fine.notification_date + timedelta(days=60)
    return fine.base_amount * 2, "increased", None


def test_mario_has_a_fine_in_every_status_and_every_amount_window(fines: FinesConnector) -> None:
    mine = fines.list_by_fiscal_code(MARIO)
    assert len(mine) >= 6
    assert {fine.status for fine in mine} == {"open", "paid", "cancelled", "disputed"}
    assert {fine.amount_rule for fine in mine if fine.status == "open"} == {
        "reduced",
        "base",
        "increased",
    }
    assert all(fine.offender_fiscal_code == MARIO for fine in mine)


def test_amount_due_follows_the_documented_rule(fines: FinesConnector) -> None:
    today = today_in_rome()
    everyone = [f for cf in (MARIO, GIULIA, LUCA, GIUSEPPE) for f in fines.list_by_fiscal_code(cf)]
    for fine in everyone:
        amount, rule, valid_until = expected_amount(fine, today)
        assert (fine.amount_due, fine.amount_rule, fine.amount_valid_until) == (
            amount,
            rule,
            valid_until,
        ), fine.report_number


def test_fine_fields_are_typed_and_realistic(fines: FinesConnector) -> None:
    for fine in fines.list_by_fiscal_code(MARIO):
        assert fine.report_number.startswith("VL-")
        assert len(fine.plate) == 7 and fine.plate[:2].isalpha() and fine.plate[2:5].isdigit()
        assert fine.article.startswith("art. ")
        assert isinstance(fine.base_amount, int) and fine.base_amount > 0
        assert fine.offence_at.tzinfo is not None
        assert fine.offence_at.date() <= fine.notification_date <= today_in_rome()
        assert (fine.payment is not None) == (fine.status == "paid")
        assert fine.payable == (fine.status == "open")
    paid = next(f for f in fines.list_by_fiscal_code(MARIO) if f.status == "paid")
    assert paid.payment is not None and len(paid.payment.notice_code) == 18


def test_results_are_frozen_dataclasses(fines: FinesConnector) -> None:
    fine = fines.list_by_fiscal_code(GIULIA)[0]
    with pytest.raises(FrozenInstanceError):
        fine.status = "paid"  # type: ignore[misc]


def test_list_by_plate_finds_the_vehicle_fines_whoever_drove(fines: FinesConnector) -> None:
    by_person = fines.list_by_fiscal_code(MARIO)
    plate = by_person[0].plate
    by_plate = fines.list_by_plate(plate.lower())
    assert by_plate
    assert {f.plate for f in by_plate} == {plate}
    assert {f.report_number for f in by_plate} == {
        f.report_number for f in by_person if f.plate == plate
    }


def test_list_for_someone_without_fines_is_empty(fines: FinesConnector) -> None:
    assert fines.list_by_fiscal_code(CHIARA) == []
    assert fines.list_by_plate("ZZ999ZZ") == []


def test_get_fine_returns_the_listed_fine(fines: FinesConnector) -> None:
    listed = fines.list_by_fiscal_code(LUCA)
    assert len(listed) == 2
    for fine in listed:
        assert fines.get_fine(fine.report_number) == fine


def test_get_unknown_fine_is_not_found_with_legacy_code(fines: FinesConnector) -> None:
    with pytest.raises(NotFound) as caught:
        fines.get_fine("VL-1999-000001")
    assert caught.value.legacy_code == "PL-404"
    assert caught.value.service == "fines"


def test_malformed_plate_is_invalid(fines: FinesConnector) -> None:
    with pytest.raises(Invalid) as caught:
        fines.list_by_plate("AB12CD")
    assert caught.value.fault_code == "Client.Invalid"
    assert caught.value.legacy_code == "XSD-001"


def _open_fine(fines: FinesConnector, rule: str) -> Fine:
    return next(
        f for f in fines.list_by_fiscal_code(MARIO) if f.status == "open" and f.amount_rule == rule
    )


def _payment(fine: Fine, notice_code: str, amount: int | None = None) -> PaymentRecord:
    return PaymentRecord(
        report_number=fine.report_number,
        amount=fine.amount_due if amount is None else amount,
        payment_date=today_in_rome(),
        notice_code=notice_code,
        payer_fiscal_code=MARIO,
    )


def test_register_payment_marks_the_fine_paid(fines: FinesConnector) -> None:
    fine = _open_fine(fines, "reduced")
    ack = fines.register_payment(_payment(fine, "301000000000004117"))
    assert ack.report_number == fine.report_number
    assert ack.amount == fine.amount_due
    assert ack.status == "paid"
    assert ack.registered_at.tzinfo is not None
    after = fines.get_fine(fine.report_number)
    assert after.status == "paid" and after.amount_due == 0
    assert after.payment is not None
    assert after.payment.notice_code == "301000000000004117"
    assert after.payment.receipt_number == ack.receipt_number


def test_register_payment_is_idempotent_on_the_notice_code(
    fines: FinesConnector, sims: RunningSimulators
) -> None:
    fine = _open_fine(fines, "base")
    first = fines.register_payment(_payment(fine, "301000000000003988"))
    again = fines.register_payment(_payment(fine, "301000000000003988"))
    assert again == first
    with pytest.raises(Rejected) as caught:
        fines.register_payment(_payment(fine, "301000000000009999"))
    assert caught.value.fault_code == "Client.AlreadyPaid"
    assert caught.value.legacy_code == "PL-409"
    counters = sims.state()["services"]["fines"]["payments"][fine.report_number]
    assert counters["register_calls"] == 3
    assert counters["distinct_payments"] == 1


@pytest.mark.parametrize("status", ["cancelled", "disputed"])
def test_cancelled_or_disputed_fine_cannot_be_paid(fines: FinesConnector, status: str) -> None:
    fine = next(f for f in fines.list_by_fiscal_code(MARIO) if f.status == status)
    with pytest.raises(Rejected) as caught:
        fines.register_payment(_payment(fine, "301000000000000001", amount=fine.base_amount))
    assert caught.value.fault_code == "Client.NotPayable"


def test_underpayment_is_rejected(fines: FinesConnector) -> None:
    fine = _open_fine(fines, "increased")
    with pytest.raises(Rejected) as caught:
        fines.register_payment(_payment(fine, "301000000000002541", amount=fine.base_amount))
    assert caught.value.legacy_code == "PL-402"
    assert fines.get_fine(fine.report_number).status == "open"


def test_reset_restores_the_seed(fines: FinesConnector, sims: RunningSimulators) -> None:
    fine = _open_fine(fines, "reduced")
    fines.register_payment(_payment(fine, "301000000000004117"))
    sims.reset()
    assert fines.get_fine(fine.report_number).status == "open"


def test_the_simulated_offices_keep_italian_dates() -> None:
    """Between midnight in Rome and midnight UTC a payment made "today" in Italy must not look
    like one from the future: every simulated service counts days in Europe/Rome."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from connectors.simulators.fines_service import FinesService
    from connectors.simulators.health_service import HealthService
    from connectors.simulators.school_service import SchoolService

    assert today_in_rome() == datetime.now(ZoneInfo("Europe/Rome")).date()
    for service in (FinesService(), SchoolService(), HealthService()):
        assert service._today is today_in_rome


def test_an_open_fine_lists_every_amount_window(fines: FinesConnector) -> None:
    """The windows join without gap or overlap, and today's is the one amount_due comes from."""
    today = today_in_rome()
    for fine in fines.list_by_fiscal_code(MARIO):
        if fine.status != "open":
            assert fine.windows == ()
            continue
        notified = fine.notification_date
        assert [(w.rule, w.valid_from, w.valid_until) for w in fine.windows] == [
            ("reduced", notified, notified + timedelta(days=5)),
            ("base", notified + timedelta(days=6), notified + timedelta(days=60)),
            ("increased", notified + timedelta(days=61), None),
        ]
        amounts = [w.amount for w in fine.windows]
        assert amounts == [
            expected_amount(fine, notified)[0],
            fine.base_amount,
            fine.base_amount * 2,
        ]
        current = [
            w
            for w in fine.windows
            if w.valid_from <= today and (w.valid_until is None or today <= w.valid_until)
        ]
        assert [(w.rule, w.amount) for w in current] == [(fine.amount_rule, fine.amount_due)]


def test_the_clock_moves_and_the_amount_due_follows(
    fines: FinesConnector, sims: RunningSimulators
) -> None:
    fine = _open_fine(fines, "reduced")
    assert sims.move_clock(7)["today"] == (today_in_rome() + timedelta(days=7)).isoformat()
    later = fines.get_fine(fine.report_number)
    assert later.notification_date == fine.notification_date  # time passed, seed not reloaded
    assert (later.amount_rule, later.amount_due) == ("base", fine.base_amount)
    assert later.amount_due == expected_amount(later, today_in_rome() + timedelta(days=7))[0]
    assert sims.state()["clock"]["days_ahead"] == 7
    sims.reset()
    assert sims.state()["clock"] == {"days_ahead": 0, "today": today_in_rome().isoformat()}


@pytest.mark.parametrize(
    "body", [{"days_ahead": -1}, {"days_ahead": "7"}, {"days_ahead": True}, {"days": 7}, [7]]
)
def test_a_bad_clock_move_is_refused(sims: RunningSimulators, body: object) -> None:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{sims.base_url}/_control/clock", data=json.dumps(body).encode(), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    refused.value.close()
    assert refused.value.code == 400
    assert sims.state()["clock"]["days_ahead"] == 0
