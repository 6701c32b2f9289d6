"""Facade of the Polizia Locale fines service (verbali al Codice della Strada)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from connectors.base import SoapConnector
from connectors.convert import as_list, unwrap

FineStatus = Literal["open", "paid", "cancelled", "disputed"]
AmountRule = Literal["reduced", "base", "increased", "suspended", "none"]


@dataclass(frozen=True)
class FinePayment:
    """A payment the fines system has recorded."""

    notice_code: str
    amount: int  # cents
    payment_date: date
    receipt_number: str


@dataclass(frozen=True)
class AmountWindow:
    """One period of a fine's amount rule: ``amount`` from ``valid_from`` to ``valid_until``
    (both days included; None: no end)."""

    rule: AmountRule
    amount: int  # cents
    valid_from: date
    valid_until: date | None


@dataclass(frozen=True)
class Fine:
    """A traffic fine as the legacy system computes it today.

    amount_due follows the amount rule: "reduced" (-30%, within 5 days of notification), "base"
    (up to 60 days), "increased" (twice the base afterwards), "none" (paid or cancelled: 0),
    "suspended" (disputed: 0). The amount holds until amount_valid_until (None: no limit).
    ``windows`` lists every period of the rule of an open fine (empty otherwise).
    """

    report_number: str
    plate: str
    offender_fiscal_code: str
    offence_at: datetime
    place: str
    article: str
    description: str
    base_amount: int  # cents
    notification_date: date
    amount_due: int  # cents
    amount_rule: AmountRule
    amount_valid_until: date | None
    status: FineStatus
    payment: FinePayment | None
    windows: tuple[AmountWindow, ...] = ()

    @property
    def payable(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class PaymentRecord:
    """A payment to report to the fines system; notice_code is its idempotency key."""

    report_number: str
    amount: int  # cents
    payment_date: date
    notice_code: str  # 18 digits
    payer_fiscal_code: str


@dataclass(frozen=True)
class PaymentAck:
    """The fines system's answer to RegisterPayment (identical when the call is repeated)."""

    report_number: str
    notice_code: str
    amount: int  # cents
    payment_date: date
    receipt_number: str
    registered_at: datetime
    status: FineStatus


class FinesConnector(SoapConnector):
    """Reads fines (retried when the service is unavailable) and registers payments (sent once).

    Errors: NotFound (unknown report number), Rejected (already paid with another notice code,
    cancelled or disputed fine, amount below the amount due), Invalid, Unavailable, CircuitOpen.
    """

    service = "fines"

    def list_by_fiscal_code(self, fiscal_code: str) -> list[Fine]:
        answer = self._call("ListFines", idempotent=True, fiscalCode=fiscal_code.strip().upper())
        return [_fine(item) for item in as_list(answer, "fine")]

    def list_by_plate(self, plate: str) -> list[Fine]:
        normalised = plate.replace(" ", "").strip().upper()
        answer = self._call("ListFines", idempotent=True, plate=normalised)
        return [_fine(item) for item in as_list(answer, "fine")]

    def get_fine(self, report_number: str) -> Fine:
        answer = self._call("GetFine", idempotent=True, reportNumber=report_number.strip())
        return _fine(unwrap(answer, "fine"))

    def register_payment(self, payment: PaymentRecord) -> PaymentAck:
        """Record a payment. Safe to call again with the same notice code (same answer); never
        retried here: a caller that retries must reuse the notice code."""
        answer = self._call(
            "RegisterPayment",
            idempotent=False,
            reportNumber=payment.report_number,
            amount=payment.amount,
            paymentDate=payment.payment_date,
            noticeCode=payment.notice_code,
            payerFiscalCode=payment.payer_fiscal_code.strip().upper(),
        )
        return PaymentAck(
            report_number=answer["reportNumber"],
            notice_code=answer["noticeCode"],
            amount=int(answer["amount"]),
            payment_date=answer["paymentDate"],
            receipt_number=answer["receiptNumber"],
            registered_at=answer["registeredAt"],
            status=answer["status"],
        )


def _repeated(value: Any) -> list[Any]:
    """A repeated child element: a list, one element, or None when absent."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _fine(item: dict[str, Any]) -> Fine:
    paid = item.get("payment")
    return Fine(
        report_number=item["reportNumber"],
        plate=item["plate"],
        offender_fiscal_code=item["offenderFiscalCode"],
        offence_at=item["offenceDateTime"],
        place=item["place"],
        article=item["article"],
        description=item["description"],
        base_amount=int(item["baseAmount"]),
        notification_date=item["notificationDate"],
        amount_due=int(item["amountDue"]),
        amount_rule=item["amountRule"],
        amount_valid_until=item.get("amountValidUntil"),
        status=item["status"],
        payment=FinePayment(
            notice_code=paid["noticeCode"],
            amount=int(paid["amount"]),
            payment_date=paid["paymentDate"],
            receipt_number=paid["receiptNumber"],
        )
        if paid
        else None,
        windows=tuple(
            AmountWindow(
                rule=window["rule"],
                amount=int(window["amount"]),
                valid_from=window["validFrom"],
                valid_until=window.get("validUntil"),
            )
            for window in _repeated(item.get("amountWindow"))
        ),
    )
