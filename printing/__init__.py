"""Printed documents of Sportello: payment notices, receipts, certificates and draft sheets.

Payment codes live in `printing.codes`, verification seals in `printing.seal` and
`printing.keys`; reading a printed PDF back (QR decoding, offline verification) in
`printing.verify`, which is kept out of this namespace because it loads pdfium.
"""

from printing.certificate import (
    CertificateData,
    CertificateKind,
    StampDuty,
    certificate_claims,
    certificate_matches,
    render_certificate,
)
from printing.claims import canonical_data, data_digest, describe_claims
from printing.codes import (
    NoticeCode,
    PaymentPayload,
    build_payment_payload,
    check_creditor_fiscal_code,
    check_notice_code,
    format_notice_code,
    make_creditor_fiscal_code,
    make_notice_code,
    parse_creditor_fiscal_code,
    parse_notice_code,
    parse_payment_payload,
)
from printing.day_report import DayReport, DayReportLine, day_report_rows, render_day_report
from printing.draft import DraftSheet, render_draft
from printing.errors import (
    CodeError,
    DocumentDataError,
    InvalidFiscalCode,
    InvalidNoticeCode,
    InvalidPaymentPayload,
    InvalidSealKey,
    MalformedSeal,
    PrintingError,
    SealError,
    SealNotFound,
    TamperedSeal,
    UnknownKey,
    UnreadableDocument,
)
from printing.keys import (
    export_jwks,
    generate_key,
    key_id,
    load_jwks,
    load_private_key_pem,
    load_public_key_pem,
    private_key_to_pem,
    public_key_to_pem,
)
from printing.notice import AlternativeCode, NoticeData, NoticeWindow, render_notice
from printing.receipt import (
    PaymentMethod,
    ReceiptData,
    ReceiptLine,
    receipt_claims,
    receipt_matches,
    render_receipt,
)
from printing.seal import SEAL_PREFIX, SealSigner, SealVerifier, VerifiedSeal
from printing.texts import N_, DocumentLanguage, check_language

__all__ = [
    "N_",
    "SEAL_PREFIX",
    "AlternativeCode",
    "CertificateData",
    "CertificateKind",
    "CodeError",
    "DayReport",
    "DayReportLine",
    "DocumentDataError",
    "DocumentLanguage",
    "DraftSheet",
    "InvalidFiscalCode",
    "InvalidNoticeCode",
    "InvalidPaymentPayload",
    "InvalidSealKey",
    "MalformedSeal",
    "NoticeCode",
    "NoticeData",
    "NoticeWindow",
    "PaymentMethod",
    "PaymentPayload",
    "PrintingError",
    "ReceiptData",
    "ReceiptLine",
    "SealError",
    "SealNotFound",
    "SealSigner",
    "SealVerifier",
    "StampDuty",
    "TamperedSeal",
    "UnknownKey",
    "UnreadableDocument",
    "VerifiedSeal",
    "build_payment_payload",
    "canonical_data",
    "certificate_claims",
    "certificate_matches",
    "check_creditor_fiscal_code",
    "check_language",
    "check_notice_code",
    "data_digest",
    "day_report_rows",
    "describe_claims",
    "export_jwks",
    "format_notice_code",
    "generate_key",
    "key_id",
    "load_jwks",
    "load_private_key_pem",
    "load_public_key_pem",
    "make_creditor_fiscal_code",
    "make_notice_code",
    "parse_creditor_fiscal_code",
    "parse_notice_code",
    "parse_payment_payload",
    "private_key_to_pem",
    "public_key_to_pem",
    "receipt_claims",
    "receipt_matches",
    "render_certificate",
    "render_day_report",
    "render_draft",
    "render_notice",
    "render_receipt",
]
