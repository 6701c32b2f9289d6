"""The Polizia Locale fines service: seed data, the amount rule and the three operations."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from lxml import etree

from connectors.simulators.clock import LOCAL_TIME, today_in_rome
from connectors.simulators.seed import seed
from connectors.simulators.soap import ElementBuilder, SoapFault

NAMESPACE = "urn:villanova:polizialocale:fines:v1"
E = ElementBuilder(NAMESPACE)
REDUCED_DAYS = 5
BASE_DAYS = 60


def amount_due(base_amount: int, notified: date, on: date) -> tuple[int, str, date | None]:
    """(amount in cents, rule, valid until) of an open fine on day `on`.

    Within 5 days of notification: 30% off (rounded half up to the cent); up to 60 days: the base
    amount; afterwards half the maximum edictal amount, modelled as twice the base.
    """
    days = (on - notified).days
    if days <= REDUCED_DAYS:
        return (base_amount * 70 + 50) // 100, "reduced", notified + timedelta(days=REDUCED_DAYS)
    if days <= BASE_DAYS:
        return base_amount, "base", notified + timedelta(days=BASE_DAYS)
    return base_amount * 2, "increased", None


def amount_windows(base_amount: int, notified: date) -> list[tuple[str, int, date, date | None]]:
    """Every (rule, amount, first day, last day or None) of the amount rule of a fine."""
    reduced_end = notified + timedelta(days=REDUCED_DAYS)
    base_end = notified + timedelta(days=BASE_DAYS)
    return [
        ("reduced", amount_due(base_amount, notified, notified)[0], notified, reduced_end),
        ("base", base_amount, reduced_end + timedelta(days=1), base_end),
        (
            "increased",
            amount_due(base_amount, notified, base_end + timedelta(days=1))[0],
            base_end + timedelta(days=1),
            None,
        ),
    ]


@dataclass
class Payment:
    notice_code: str
    amount: int
    payment_date: date
    receipt_number: str
    registered_at: datetime


@dataclass
class FineRecord:
    report_number: str
    plate: str
    offender: str
    offence_at: datetime
    place: str
    article: str
    description: str
    base_amount: int
    notified_on: date
    status: str
    payment: Payment | None = None


@dataclass
class PaymentCounter:
    register_calls: int = 0
    notice_codes: list[str] = field(default_factory=list)


def load_fines(today: date) -> dict[str, FineRecord]:
    """Seed fines with their relative dates resolved against `today`."""
    raw = seed("fines")
    fines: dict[str, FineRecord] = {}
    for item in raw["fines"]:
        notified = today - timedelta(days=int(item["notified_days_ago"]))
        offence_day = notified - timedelta(days=int(item["offence_days_before"]))
        offence_at = datetime.combine(
            offence_day, time.fromisoformat(item["offence_time"]), tzinfo=LOCAL_TIME
        )
        fine = FineRecord(
            report_number=item["report_number"].format(year=offence_day.year),
            plate=item["plate"],
            offender=item["offender"],
            offence_at=offence_at,
            place=item["place"],
            article=item["article"],
            description=item["description"],
            base_amount=int(item["base_amount"]),
            notified_on=notified,
            status=item["status"],
        )
        if paid := item.get("payment"):
            paid_on = notified + timedelta(days=int(paid["paid_days_after_notification"]))
            fine.payment = Payment(
                notice_code=paid["notice_code"],
                amount=amount_due(fine.base_amount, notified, paid_on)[0],
                payment_date=paid_on,
                receipt_number=paid["receipt_number"],
                registered_at=datetime.combine(paid_on, time(12, 0), tzinfo=UTC),
            )
        fines[fine.report_number] = fine
    return fines


class FinesService:
    """In-memory fines register; a payment turns the fine to `paid`."""

    namespace = NAMESPACE

    def __init__(self, today: Callable[[], date] = today_in_rome) -> None:
        self._today = today
        self._lock = threading.Lock()
        self._fines: dict[str, FineRecord] = {}
        self._payments: dict[str, PaymentCounter] = {}
        self._receipts = 0
        self.reset()
        self.operations: dict[str, Callable[[etree._Element], etree._Element]] = {
            "ListFines": self.list_fines,
            "GetFine": self.get_fine,
            "RegisterPayment": self.register_payment,
        }

    def reset(self) -> None:
        with self._lock:
            self._fines = load_fines(self._today())
            self._payments = {}
            self._receipts = 0

    def counters(self) -> dict[str, Any]:
        with self._lock:
            return {
                "payments": {
                    number: {
                        "register_calls": counter.register_calls,
                        "distinct_payments": len(counter.notice_codes),
                        "notice_codes": list(counter.notice_codes),
                    }
                    for number, counter in self._payments.items()
                }
            }

    def list_fines(self, request: etree._Element) -> etree._Element:
        fiscal_code = E.text(request, "fiscalCode")
        plate = E.text(request, "plate")
        with self._lock:
            found = [
                fine
                for fine in self._fines.values()
                if (fiscal_code and fine.offender == fiscal_code) or (plate and fine.plate == plate)
            ]
            found.sort(key=lambda fine: fine.offence_at, reverse=True)
            response = E.root("ListFinesResponse")
            for fine in found:
                response.append(self._fine_element(fine, "fine"))
        return response

    def get_fine(self, request: etree._Element) -> etree._Element:
        number = E.text(request, "reportNumber")
        with self._lock:
            fine = self._find(number)
            response = E.root("GetFineResponse")
            response.append(self._fine_element(fine, "fine"))
        return response

    def register_payment(self, request: etree._Element) -> etree._Element:
        number = E.text(request, "reportNumber")
        amount = int(E.text(request, "amount"))
        paid_on = date.fromisoformat(E.text(request, "paymentDate")[:10])
        notice_code = E.text(request, "noticeCode")
        with self._lock:
            counter = self._payments.setdefault(number, PaymentCounter())
            counter.register_calls += 1
            fine = self._find(number)
            if fine.payment is not None and fine.payment.notice_code == notice_code:
                return self._payment_element(fine, fine.payment)
            if fine.status == "paid":
                raise SoapFault("Client.AlreadyPaid", "The fine is already paid", "PL-409")
            if fine.status in ("cancelled", "disputed"):
                raise SoapFault("Client.NotPayable", f"The fine is {fine.status}", "PL-423")
            if paid_on > self._today():
                raise SoapFault("Client.Invalid", "Payment date in the future", "PL-400")
            due = amount_due(fine.base_amount, fine.notified_on, paid_on)[0]
            if amount < due:
                raise SoapFault(
                    "Client.Underpaid", f"Amount below the {due} cents due on that day", "PL-402"
                )
            self._receipts += 1
            fine.payment = Payment(
                notice_code=notice_code,
                amount=amount,
                payment_date=paid_on,
                receipt_number=f"PL-RIC-{self._today():%Y}{self._receipts:05d}",
                registered_at=datetime.now(UTC).replace(microsecond=0),
            )
            fine.status = "paid"
            counter.notice_codes.append(notice_code)
            return self._payment_element(fine, fine.payment)

    def _find(self, number: str) -> FineRecord:
        fine = self._fines.get(number)
        if fine is None:
            raise SoapFault("Client.NotFound", f"No fine with report number {number}", "PL-404")
        return fine

    def _fine_element(self, fine: FineRecord, tag: str) -> etree._Element:
        if fine.status == "open":
            due, rule, valid_until = amount_due(fine.base_amount, fine.notified_on, self._today())
        else:
            due, rule, valid_until = 0, "suspended" if fine.status == "disputed" else "none", None
        node = etree.Element(E.q(tag))
        E.add(node, "reportNumber", fine.report_number)
        E.add(node, "plate", fine.plate)
        E.add(node, "offenderFiscalCode", fine.offender)
        E.add(node, "offenceDateTime", fine.offence_at)
        E.add(node, "place", fine.place)
        E.add(node, "article", fine.article)
        E.add(node, "description", fine.description)
        E.add(node, "baseAmount", fine.base_amount)
        E.add(node, "notificationDate", fine.notified_on)
        E.add(node, "amountDue", due)
        E.add(node, "amountRule", rule)
        if valid_until is not None:
            E.add(node, "amountValidUntil", valid_until)
        if fine.status == "open":
            for rule, amount, first, last in amount_windows(fine.base_amount, fine.notified_on):
                window = E.add(node, "amountWindow")
                E.add(window, "rule", rule)
                E.add(window, "amount", amount)
                E.add(window, "validFrom", first)
                if last is not None:
                    E.add(window, "validUntil", last)
        E.add(node, "status", fine.status)
        if fine.payment is not None:
            payment = E.add(node, "payment")
            E.add(payment, "noticeCode", fine.payment.notice_code)
            E.add(payment, "amount", fine.payment.amount)
            E.add(payment, "paymentDate", fine.payment.payment_date)
            E.add(payment, "receiptNumber", fine.payment.receipt_number)
        return node

    @staticmethod
    def _payment_element(fine: FineRecord, payment: Payment) -> etree._Element:
        response = E.root("RegisterPaymentResponse")
        E.add(response, "reportNumber", fine.report_number)
        E.add(response, "noticeCode", payment.notice_code)
        E.add(response, "amount", payment.amount)
        E.add(response, "paymentDate", payment.payment_date)
        E.add(response, "receiptNumber", payment.receipt_number)
        E.add(response, "registeredAt", payment.registered_at)
        E.add(response, "status", "paid")
        return response
