"""Payment notices: code allocation, issue, look-up and the notice PDF."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from printing import (
    AlternativeCode,
    InvalidNoticeCode,
    InvalidPaymentPayload,
    NoticeData,
    NoticeWindow,
    make_notice_code,
    parse_notice_code,
    parse_payment_payload,
    render_notice,
)
from printing.notice import WINDOW_RULES

from .. import clock
from ..config import Config
from ..ente import Ente, current_ente
from ..i18n import Language, default_locale, language, localized
from ..models import Notice, NoticeCounter, Payment, Transaction, utcnow
from ..transactions.documents import store_pdf
from ..transactions.operations import Actor, change_state, record_event
from ..transactions.states import State
from .errors import (
    ExpiredNotice,
    InvalidCode,
    NoticeAlreadyPaid,
    PaymentInProgress,
    RevokedNotice,
    UnknownNotice,
)
from .hooks import AmountDue, run_payable_checks

DESCRIPTIONS = "descriptions"  # key of a notice's details: its subject in every language
# Key of a notice's details: the amount windows of a debt whose amount changes with time,
# [{"rule", "amount_cents", "from", "until"}] (ISO days, "until" None for the last one).
AMOUNT_WINDOWS = "amount_windows"

# Due dates and validity are days in Villanova: Rome's clock.
today_local = clock.today
end_of_day = clock.end_of_day


def _config() -> Config:
    config: Config = current_app.config["SPORTELLO"]
    return config


def allocate_notice_code(session: Session, segregation: str, year: int) -> str:
    """A new, never used notice code: aux 3, ``segregation``, IUV base year + 9-digit counter.

    The counter row is incremented with UPDATE … RETURNING, which locks it until the caller
    commits, so two issues never get the same number on PostgreSQL or SQLite.
    """
    if session.get(NoticeCounter, segregation) is None:
        try:
            with session.begin_nested():
                session.add(NoticeCounter(segregation=segregation, value=0))
        except IntegrityError:
            pass  # created meanwhile by a concurrent issue
    value = session.execute(
        update(NoticeCounter)
        .where(NoticeCounter.segregation == segregation)
        .values(value=NoticeCounter.value + 1)
        .returning(NoticeCounter.value)
    ).scalar_one()
    head = session.get(NoticeCounter, segregation)
    if head is not None:
        session.expire(head)
    return make_notice_code(segregation, f"{year % 10000:04d}{value:09d}")


def effective_status(notice: Notice, today: date | None = None) -> str:
    """issued, paid, revoked or expired — an issued notice past ``valid_until`` is expired."""
    if (
        notice.status == "issued"
        and notice.valid_until is not None
        and (today or today_local()) > notice.valid_until
    ):
        return "expired"
    return notice.status


def check_payable(notice: Notice) -> None:
    """Raise the error a counter gets for a notice that cannot be paid now."""
    status = effective_status(notice)
    if status == "paid":
        raise NoticeAlreadyPaid()
    if status == "revoked":
        raise RevokedNotice()
    if status == "expired":
        raise ExpiredNotice()


def issue_notice(
    session: Session,
    *,
    transaction: Transaction,
    amount_cents: int,
    description: str,
    payer_cf: str,
    payer_name: str,
    due_date: date,
    details: Mapping[str, Any],
    actor: Actor,
    valid_until: date | None = None,
    amount_until: date | None = None,
    alternative: tuple[int, date] | None = None,
) -> Notice:
    """Issue a notice for ``transaction`` (see the contract in ``payments.operations``)."""
    if amount_cents <= 0:
        raise ValueError("a notice amount must be positive")
    config = _config()
    ente = current_ente()
    for older in session.scalars(
        select(Notice).where(Notice.transaction_id == transaction.id, Notice.status == "issued")
    ):
        if active_payment(session, older) is not None:
            raise PaymentInProgress()
        older.status = "expired" if effective_status(older) == "expired" else "revoked"
    now = utcnow()
    notice = Notice(
        code=allocate_notice_code(session, config.notice_segregation_code, today_local(now).year),
        transaction=transaction,
        service=transaction.service,
        creditor_name=ente.name,
        creditor_fiscal_code=ente.creditor_fiscal_code,
        amount_cents=amount_cents,
        description=description,
        payer_cf=payer_cf,
        payer_name=payer_name,
        due_date=due_date,
        valid_until=valid_until,
        amount_until=amount_until,
        details=dict(details),
        status="issued",
        issued_at=now,
    )
    session.add(notice)
    session.flush()
    alternative_code = None
    if alternative is not None:
        alternative_code = _issue_alternative(session, notice, *alternative).code
    pdf = render_notice_pdf(notice, "it")
    document = store_pdf(
        session,
        pdf,
        transaction=transaction,
        subject_cf=transaction.subject_cf,
        kind="payment_notice",
        filename=f"avviso-{notice.code}.pdf",
        issued_at=now,
    )
    data = {
        "notice_code": notice.code,
        "amount_cents": amount_cents,
        "valid_until": valid_until.isoformat() if valid_until else None,
        "document_id": document.id,
    }
    if alternative_code is not None:
        data["alternative_code"] = alternative_code
    if transaction.state == State.AWAITING_PAYMENT:
        record_event(session, transaction, actor, "notice_issued", data)
    else:
        change_state(
            session, transaction, State.AWAITING_PAYMENT, actor, kind="notice_issued", data=data
        )
    transaction.amount_cents = amount_cents
    return notice


def _issue_alternative(
    session: Session, primary: Notice, amount_cents: int, last_day: date
) -> Notice:
    """A second code of ``primary``'s debt for ``amount_cents`` until ``last_day``."""
    if not amount_cents > 0:
        raise ValueError("an alternative amount must be positive")
    config = _config()
    alternative = Notice(
        code=allocate_notice_code(
            session, config.notice_segregation_code, today_local(primary.issued_at).year
        ),
        transaction=primary.transaction,
        service=primary.service,
        creditor_name=primary.creditor_name,
        creditor_fiscal_code=primary.creditor_fiscal_code,
        amount_cents=amount_cents,
        description=primary.description,
        payer_cf=primary.payer_cf,
        payer_name=primary.payer_name,
        due_date=last_day,
        valid_until=last_day,
        amount_until=last_day,
        details={k: v for k, v in (primary.details or {}).items() if k != AMOUNT_WINDOWS},
        status="issued",
        issued_at=primary.issued_at,
        primary_notice_id=primary.id,
    )
    session.add(alternative)
    session.flush()
    return alternative


def alternatives_of(session: Session, notice: Notice) -> list[Notice]:
    """The alternative codes of a primary notice's debt, oldest first."""
    return list(
        session.scalars(
            select(Notice).where(Notice.primary_notice_id == notice.id).order_by(Notice.id)
        )
    )


def debt_id(notice: Notice) -> int:
    """The id of the notice that names the debt: the notice itself, or the one whose
    alternative code it is. Payments lock that row and record it as paid."""
    return notice.primary_notice_id or notice.id


def debt_notices(session: Session, notice: Notice) -> list[Notice]:
    """Every notice code of the notice's debt: the primary one and its alternative codes."""
    head = debt_id(notice)
    return list(
        session.scalars(
            select(Notice)
            .where(or_(Notice.id == head, Notice.primary_notice_id == head))
            .order_by(Notice.id)
            .execution_options(populate_existing=True)
        )
    )


def active_payment(session: Session, notice: Notice) -> Payment | None:
    """The attempt that holds the notice's debt now, if any (an activation not yet expired,
    of this code or of another code of the same debt)."""
    head = debt_id(notice)
    codes = select(Notice.id).where(or_(Notice.id == head, Notice.primary_notice_id == head))
    return session.scalar(
        select(Payment).where(
            Payment.notice_id.in_(codes),
            Payment.status == "activated",
            Payment.expires_at > utcnow(),
        )
    )


def find_notice(session: Session, code: str) -> Notice:
    """The notice with this (checked) code; raises UnknownNotice."""
    notice = session.scalar(select(Notice).where(Notice.code == code))
    if notice is None:
        raise UnknownNotice(detail=f"notice {code}")
    return notice


def parse_scanned(text: str) -> str:
    """The notice code in a scanned QR payload or a typed code; raises InvalidCode.

    A QR payload of another creditor names a notice we cannot know: UnknownNotice.
    """
    raw = text.strip()
    if raw.upper().startswith("PAGOPA|"):
        try:
            payload = parse_payment_payload(raw)
        except InvalidPaymentPayload as e:
            raise InvalidCode(detail=str(e)) from e
        if payload.creditor_fiscal_code != current_ente().creditor_fiscal_code:
            raise UnknownNotice(detail="QR code of another creditor")
        return payload.notice_code
    try:
        return parse_notice_code(raw.replace("-", " ")).code
    except InvalidNoticeCode as e:
        raise InvalidCode(detail=str(e)) from e


def notice_for_counter(session: Session, scanned: str) -> Notice:
    """Look a notice up by what a counter scanned or typed, and check it can be paid now."""
    notice = find_notice(session, parse_scanned(scanned))
    check_payable(notice)
    return notice


def window_on(notice: Notice, day: date) -> AmountDue | None:
    """The stored amount window of ``day``, if the notice has windows (see AMOUNT_WINDOWS)."""
    for window in (notice.details or {}).get(AMOUNT_WINDOWS) or ():
        first = date.fromisoformat(window["from"])
        last = date.fromisoformat(window["until"]) if window.get("until") else None
        if first <= day and (last is None or day <= last):
            rule = str(window["rule"])
            return AmountDue(int(window["amount_cents"]), rule, last, window.get("label"))
    return None


def amount_table(notice: Notice, words: Language) -> list[tuple[str, str, str]]:
    """How much and when (pagoPA's "Quanto e quando pagare?"): one (window, amount, period)
    row per stored window, in ``words``' language; empty for a notice of one amount."""
    _ = words.gettext
    rows = []
    for window in (notice.details or {}).get(AMOUNT_WINDOWS) or ():
        label = window.get("label")
        name = _(str(label)) if label else str(window["rule"])
        if window.get("until"):
            period = _("until %(day)s", day=words.date(date.fromisoformat(window["until"])))
        else:
            period = _("from %(day)s", day=words.date(date.fromisoformat(window["from"])))
        rows.append((name, words.money(int(window["amount_cents"])), period))
    return rows


def amount_due_today(notice: Notice) -> AmountDue:
    """What the notice costs today: the service's answer (its payable checks, which may ask
    its own system), else the notice's own amount. Raises what the checks raise."""
    due = run_payable_checks(notice)
    if due is None:
        return AmountDue(notice.amount_cents, None, notice.amount_until)
    return due


def verified_notice(session: Session, scanned: str) -> tuple[Notice, AmountDue]:
    """A counter's verification: the notice, checked payable, and the amount due today."""
    notice = notice_for_counter(session, scanned)
    return notice, amount_due_today(notice)


def detail_lines(details: Mapping[str, Any], lang: str) -> tuple[tuple[str, str], ...]:
    """The label/value lines a notice prints (see ``details`` in the operations contract)."""
    lines = details.get("lines")
    if isinstance(lines, Mapping):
        lines = lines.get(lang) or lines.get(default_locale()) or []
    if isinstance(lines, list):
        return tuple((str(label), str(value)) for label, value in lines)
    return tuple(
        (str(k), str(v))
        for k, v in details.items()
        if isinstance(v, str) and not k.startswith("_") and k != "unit"
    )


def notice_windows(notice: Notice) -> tuple[NoticeWindow, ...]:
    """The stored amount windows that the notice prints ("Quanto e quando pagare?")."""
    windows = []
    for window in (notice.details or {}).get(AMOUNT_WINDOWS) or ():
        if window.get("rule") not in WINDOW_RULES:
            continue
        windows.append(
            NoticeWindow(
                rule=str(window["rule"]),
                amount_cents=int(window["amount_cents"]),
                first_day=date.fromisoformat(window["from"]),
                last_day=date.fromisoformat(window["until"]) if window.get("until") else None,
            )
        )
    return tuple(windows)


def notice_data(notice: Notice, lang: str = "it") -> NoticeData:
    """What the notice PDF prints, from the stored notice: for an alternative code, the PDF
    of its debt (the primary notice, which prints both codes)."""
    session = object_session(notice)
    if notice.primary_notice_id is not None and session is not None:
        primary = session.get(Notice, notice.primary_notice_id)
        if primary is not None:
            notice = primary
    config = _config()
    ente = current_ente()
    alternative = None
    for other in alternatives_of(session, notice) if session is not None else ():
        if other.status != "revoked":
            assert other.valid_until is not None
            alternative = AlternativeCode(other.code, other.amount_cents, other.valid_until)
            break
    return NoticeData(
        notice_code=notice.code,
        creditor_name=notice.creditor_name,
        creditor_fiscal_code=notice.creditor_fiscal_code,
        payer_name=notice.payer_name,
        payer_fiscal_code=notice.payer_cf,
        subject=shown_description(notice, lang),
        amount_cents=notice.amount_cents,
        due_date=notice.due_date,
        details=detail_lines(notice.details or {}, lang),
        creditor_unit=str((notice.details or {}).get("unit", "")) or ente.unit,
        cbill_code=ente.cbill_code,
        creditor_contacts=_creditor_contacts(ente),
        portal_url=config.base_url.rstrip("/"),
        windows=notice_windows(notice),
        alternative=alternative,
        creditor_logo=ente.logo,
        postal_account=ente.postal_account,
        postal_holder=ente.name,
    )


def _creditor_contacts(ente: Ente) -> str:
    """The creditor's contacts printed on the notice: website, e-mail, certified e-mail, phone."""
    parts = [ente.contacts.website, ente.contacts.email, ente.contacts.pec, ente.contacts.phone]
    return " · ".join(part for part in parts if part)


def shown_description(notice: Notice, lang: str | None = None) -> str:
    """What the notice is for, in ``lang`` (default: the reader's) when it was written in each."""
    return localized((notice.details or {}).get(DESCRIPTIONS), notice.description, lang)


def render_notice_pdf(notice: Notice, lang: str = "it") -> bytes:
    """The notice as a PDF in ``lang`` (it, en); rendered from the stored data, so stable."""
    return render_notice(notice_data(notice, lang), language(lang))


def mask_name(name: str) -> str:
    """ "Mario Rossi" -> "M**** R****": enough for the counter to confirm, not to identify."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split() if part)
