"""Factories for the printing tests: `create_<document>(**overrides)` with the demo cast."""

from datetime import UTC, date, datetime, timedelta, timezone

from gateway.i18n import load_language
from printing.certificate import CertificateData, CertificateKind, StampDuty
from printing.draft import DraftSheet
from printing.notice import NoticeData
from printing.receipt import PaymentMethod, ReceiptData

# Comune di Villanova (fictional): numeric fiscal code 8000123456 + check digit 8.
VILLANOVA_FISCAL_CODE = "80001234568"
# aux 3, segregation 01, IUV base 2026000012345; 3012026000012345 mod 93 = 71.
FINE_NOTICE_CODE = "301202600001234571"
ROME = timezone(timedelta(hours=1), "CET")
# The gateway's catalogues and formats, as the gateway prints with them.
ITALIAN = load_language("it")
ENGLISH = load_language("en")


def create_notice_data(**overrides: object) -> NoticeData:
    values: dict[str, object] = {
        "notice_code": FINE_NOTICE_CODE,
        "creditor_name": "Comune di Villanova",
        "creditor_unit": "Polizia Locale",
        "creditor_fiscal_code": VILLANOVA_FISCAL_CODE,
        "payer_name": "Mario Rossi",
        "payer_fiscal_code": "RSSMRA80A01H501U",
        "subject": "Sanzione per violazione del Codice della Strada",
        "amount_cents": 12_300,
        "due_date": date(2026, 12, 31),
        "details": (
            ("Verbale n.", "V/2026/001234"),
            ("Targa", "AB123CD"),
            ("Data violazione", "02/11/2026"),
        ),
        "reduced_amount_cents": 8_610,
        "reduced_until": date(2026, 11, 28),
        "cbill_code": "A1B2C",
        "portal_url": "https://servizi.comune.villanova.it",
    }
    values.update(overrides)
    return NoticeData(**values)  # type: ignore[arg-type]


def create_receipt_data(**overrides: object) -> ReceiptData:
    values: dict[str, object] = {
        "receipt_id": "RIC-2026-000123",
        "notice_code": FINE_NOTICE_CODE,
        "creditor_name": "Comune di Villanova",
        "creditor_fiscal_code": VILLANOVA_FISCAL_CODE,
        "subject": "Sanzione per violazione del Codice della Strada, verbale V/2026/001234",
        "amount_cents": 8_610,
        "paid_at": datetime(2026, 11, 23, 10, 15, 42, tzinfo=ROME),
        "shop_name": "Tabaccheria Centrale",
        "shop_address": "Via Roma 12, Villanova",
        "terminal_id": "TRM-0042",
        "payment_method": PaymentMethod.CASH,
        "transaction_ref": "TX-7F3A9C21",
        "payer_name": "Mario Rossi",
        "payer_fiscal_code": "RSSMRA80A01H501U",
        "fee_cents": 200,
    }
    values.update(overrides)
    return ReceiptData(**values)  # type: ignore[arg-type]


def create_certificate_data(**overrides: object) -> CertificateData:
    values: dict[str, object] = {
        "certificate_number": "CERT-2026-0456",
        "kind": CertificateKind.ENROLMENT,
        "school_name": "Istituto Comprensivo Villanova",
        "school_code": "RMIC8VL001",
        "school_address": "Piazza della Città 1, Villanova",
        "student_name": "Sofia Rossi",
        "student_fiscal_code": "RSSSFO12P50H501K",
        "student_birth_date": date(2012, 9, 10),
        "student_birth_place": "Roma",
        "class_name": "2ª B (secondaria di I grado)",
        "school_year": "2026/2027",
        "purpose": "iscrizione a un'associazione sportiva",
        "stamp_duty": StampDuty.paid(1_600, "301202600009876543"),
        "issued_at": datetime(2026, 11, 23, 9, 0, tzinfo=ROME),
        "place": "Villanova",
        "signatory": "Il Dirigente Scolastico",
    }
    values.update(overrides)
    return CertificateData(**values)  # type: ignore[arg-type]


def create_draft_sheet(**overrides: object) -> DraftSheet:
    values: dict[str, object] = {
        "service_title": "Richiesta di certificato scolastico",
        "fields": (
            ("Genitore richiedente", "Mario Rossi (RSSMRA80A01H501U)"),
            ("Studente", "Sofia Rossi (RSSSFO12P50H501K)"),
            ("Tipo di certificato", "Iscrizione"),
            ("Uso", "Associazione sportiva"),
        ),
        "resume_code": "K7QM-3XPA",
        "resume_url": "https://servizi.comune.villanova.it/riprendi/K7QM-3XPA",
        "expires_at": date(2026, 12, 23),
        "applicant_name": "Mario Rossi",
        "created_at": datetime(2026, 11, 23, 8, 30, tzinfo=UTC),
    }
    values.update(overrides)
    return DraftSheet(**values)  # type: ignore[arg-type]
