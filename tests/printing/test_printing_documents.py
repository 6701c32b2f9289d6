"""Rendered PDFs, read back the way a scanner or a person would: QR codes decoded from the
rendered pages (pypdfium2 at 200 dpi + zxing-cpp) and text extracted with pdfium."""

import hashlib
from dataclasses import replace
from datetime import date, datetime

import pypdfium2 as pdfium
import pytest
from printing_factories import (
    ENGLISH,
    FINE_NOTICE_CODE,
    ITALIAN,
    create_certificate_data,
    create_draft_sheet,
    create_notice_data,
    create_receipt_data,
)

from printing.certificate import (
    CertificateKind,
    StampDuty,
    certificate_claims,
    certificate_matches,
    render_certificate,
)
from printing.claims import canonical_data, describe_claims
from printing.codes import format_notice_code, parse_payment_payload
from printing.draft import render_draft
from printing.errors import DocumentDataError
from printing.fonts import pdf_text
from printing.notice import render_notice
from printing.receipt import PaymentMethod, receipt_claims, receipt_matches, render_receipt
from printing.seal import SealSigner, SealVerifier
from printing.texts import SOURCE
from printing.verify import find_seal, read_codes, scan_codes, verify_pdf


def extract_text(pdf: bytes) -> str:
    """All text of the PDF with runs of white space (line breaks too) as single spaces."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = [document[i].get_textpage().get_text_bounded() for i in range(len(document))]
    finally:
        document.close()
    return " ".join(" ".join(pages).split())


def page_count(pdf: bytes) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def metadata(pdf: bytes) -> dict[str, str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return dict(document.get_metadata_dict())
    finally:
        document.close()


# --- notice ------------------------------------------------------------------------------------


def test_notice_qr_decodes_to_the_pagopa_payload_of_the_notice() -> None:
    data = create_notice_data()
    codes = scan_codes(render_notice(data, ITALIAN))
    assert len(codes) == 1
    payload = parse_payment_payload(codes[0].text)
    assert payload.notice_code == data.notice_code
    assert payload.creditor_fiscal_code == data.creditor_fiscal_code
    assert payload.amount_cents == data.amount_cents
    assert (codes[0].version, codes[0].ec_level) == ("4", "M")


def test_notice_qr_is_at_least_25_mm_wide() -> None:
    code = scan_codes(render_notice(create_notice_data(), ITALIAN), dpi=200)[0]
    # zxing reports the corners of the symbol (finder patterns included, quiet zone excluded).
    assert 25 <= code.width_mm < 40
    assert 25 <= code.height_mm < 40


def test_notice_prints_codes_amounts_and_where_to_pay() -> None:
    data = create_notice_data()
    text = extract_text(render_notice(data, ITALIAN))
    for expected in (
        "AVVISO DI PAGAMENTO",
        "Comune di Villanova",
        "80001234568",
        "Mario Rossi",
        "RSSMRA80A01H501U",
        "V/2026/001234",
        "AB123CD",
        format_notice_code(data.notice_code),  # 3012 0260 0001 2345 71
        "A1B2C",
        "123,00 €",
        "31/12/2026",
        "86,10 €",
        "28/11/2026",
        "Tabaccherie",
        "Uffici Postali",
        "ATM",
        "PAGA CON L’APP IO",
    ):
        assert expected in text, expected


def test_notice_in_english() -> None:
    pdf = render_notice(create_notice_data(), ENGLISH)
    text = extract_text(pdf)
    assert "PAYMENT NOTICE" in text
    assert "WHERE TO PAY?" in text and "PAY WITH THE IO APP" in text
    assert "€123.00" in text and "31/12/2026" in text
    assert "AVVISO" not in text
    assert parse_payment_payload(read_codes(pdf)[0]).amount_cents == 12_300


def test_notice_without_reduction_or_cbill() -> None:
    data = create_notice_data(reduced_amount_cents=None, reduced_until=None, cbill_code=None)
    text = extract_text(render_notice(data, ITALIAN))
    assert "Importo ridotto" not in text and "CBILL" not in text


@pytest.mark.parametrize(
    "overrides",
    [
        {"notice_code": "311111111112222222"},
        {"creditor_fiscal_code": "80001234567"},
        {"amount_cents": 0},
        {"reduced_until": None},
        {"reduced_amount_cents": 12_300},
    ],
)
def test_notice_refuses_inconsistent_data(overrides: dict[str, object]) -> None:
    with pytest.raises(DocumentDataError):
        create_notice_data(**overrides)


def test_same_data_gives_the_same_bytes() -> None:
    # Documents are stored by hash: rendering twice must not change it.
    assert render_notice(create_notice_data(), ITALIAN) == render_notice(
        create_notice_data(), ITALIAN
    )


# --- receipt -----------------------------------------------------------------------------------


def test_receipt_seal_read_from_the_page_verifies(
    signer: SealSigner, verifier: SealVerifier
) -> None:
    data = create_receipt_data()
    pdf, seal = render_receipt(data, signer, ITALIAN)
    codes = scan_codes(pdf)
    assert [c.text for c in codes] == [seal]
    assert codes[0].ec_level == "M" and 38 <= codes[0].width_mm < 45
    verified = verify_pdf(pdf, verifier)
    assert verified.kid == signer.kid
    claims = verified.claims
    assert claims["typ"] == "receipt"
    assert claims["rid"] == data.receipt_id
    assert claims["nc"] == data.notice_code
    assert claims["cf"] == data.creditor_fiscal_code
    assert claims["amt"] == data.amount_cents
    assert claims["at"] == "2026-11-23T09:15:42Z"  # 10:15:42 in Rome (UTC+1)
    assert (claims["tid"], claims["shop"]) == (data.terminal_id, data.shop_name)
    assert claims["h"] == hashlib.sha256(canonical_data(data)).digest()
    assert receipt_matches(claims, data)
    assert not receipt_matches(claims, replace(data, amount_cents=data.amount_cents + 1))
    assert not receipt_matches(claims, replace(data, shop_address="Via Garibaldi 3, Villanova"))


def test_receipt_prints_what_where_and_how(signer: SealSigner) -> None:
    data = create_receipt_data()
    pdf, seal = render_receipt(data, signer, ITALIAN)
    text = extract_text(pdf)
    for expected in (
        "RICEVUTA DI PAGAMENTO",
        data.receipt_id,
        "Tabaccheria Centrale",
        "Via Roma 12, Villanova",
        "TRM-0042",
        "Contanti",
        "TX-7F3A9C21",
        "3012 0260 0001 2345 71",
        "86,10 €",
        "2,00 €",
        "88,10 €",
        "23/11/2026 10:15",
    ):
        assert expected in text, expected
    assert metadata(pdf)["Keywords"] == seal


def test_receipt_in_english(signer: SealSigner, verifier: SealVerifier) -> None:
    data = create_receipt_data(payment_method=PaymentMethod.CARD, fee_cents=0)
    pdf, _ = render_receipt(data, signer, ENGLISH)
    text = extract_text(pdf)
    assert "PAYMENT RECEIPT" in text and "Payment card" in text and "€86.10" in text
    assert "Total paid" not in text
    assert verify_pdf(pdf, verifier).claims == receipt_claims(data)


def test_receipt_refuses_naive_time() -> None:
    with pytest.raises(DocumentDataError):
        create_receipt_data(paid_at=datetime(2026, 11, 23, 10, 15))


# --- certificate ------------------------------------------------------------------------------


def test_certificate_seal_read_from_the_page_verifies(
    signer: SealSigner, verifier: SealVerifier
) -> None:
    data = create_certificate_data()
    pdf, seal = render_certificate(data, signer, ITALIAN)
    assert find_seal(read_codes(pdf)) == seal
    claims = verify_pdf(pdf, verifier).claims
    assert claims == certificate_claims(data)
    assert (claims["num"], claims["kind"], claims["sub"], claims["sch"]) == (
        "CERT-2026-0456",
        "enrolment",
        "RSSSFO12P50H501K",
        "RMIC8VL001",
    )
    assert claims["at"] == "2026-11-23T08:00:00Z"
    assert claims["h"] == hashlib.sha256(canonical_data(data)).digest()
    assert certificate_matches(claims, data)
    assert not certificate_matches(claims, replace(data, class_name="3ª B"))
    text = extract_text(pdf)
    for expected in (
        "CERTIFICATO DI ISCRIZIONE",
        "Istituto Comprensivo Villanova",
        "Sofia Rossi",
        "10/09/2012",
        "2026/2027",
        "2ª B",
        "16,00 €",
        "art. 40 DPR 445/2000",
    ):
        assert expected in text, expected


def test_attendance_certificate_in_english_with_exemption(
    signer: SealSigner, verifier: SealVerifier
) -> None:
    data = create_certificate_data(
        kind=CertificateKind.ATTENDANCE,
        student_name="Marco Rossi",
        student_fiscal_code="RSSMRC15D22H501V",
        student_birth_date=date(2015, 4, 22),
        class_name="5ª A (primaria)",
        stamp_duty=StampDuty.exempt("DPR 642/1972, allegato B, art. 11"),
    )
    pdf, _ = render_certificate(data, signer, ENGLISH)
    text = extract_text(pdf)
    assert "CERTIFICATE OF ATTENDANCE" in text
    assert "regularly attends class 5ª A (primaria)" in text
    assert "Exempt from stamp duty" in text
    assert verify_pdf(pdf, verifier).claims["kind"] == "attendance"


def test_stamp_duty_is_paid_or_exempt() -> None:
    with pytest.raises(DocumentDataError):
        StampDuty()
    with pytest.raises(DocumentDataError):
        StampDuty(amount_cents=1_600, payment_reference="X", exemption="Y")


# --- draft sheet ------------------------------------------------------------------------------


def test_draft_qr_opens_the_resume_url_and_code_is_printed() -> None:
    sheet = create_draft_sheet()
    pdf = render_draft(sheet, ITALIAN)
    assert read_codes(pdf) == [sheet.resume_url]
    text = extract_text(pdf)
    for expected in (
        "BOZZA DI DOMANDA",
        "K7QM-3XPA",
        "23/12/2026",
        "Sofia Rossi (RSSSFO12P50H501K)",
    ):
        assert expected in text, expected
    assert "tabaccheria" in text and "sportello" in text


def test_draft_in_english_and_long_drafts_take_more_pages() -> None:
    fields = tuple((f"Field {i}", f"Value {i}") for i in range(80))
    pdf = render_draft(create_draft_sheet(fields=fields), ENGLISH)
    assert page_count(pdf) >= 2
    text = extract_text(pdf)
    assert "DRAFT APPLICATION" in text and "Resume code" in text
    assert "Value 79" in text
    assert len(read_codes(pdf)) == 1


def test_accented_italian_and_euro_render_and_extract() -> None:
    pdf = render_draft(create_draft_sheet(fields=(("Luogo", "Città, però, €"),)), ITALIAN)
    assert "Città, però, €" in extract_text(pdf)


def test_letters_outside_winansi_fold_to_their_base_letter() -> None:
    assert pdf_text("Ștefan Łukasz") == "Stefan Lukasz"
    pdf = render_draft(create_draft_sheet(applicant_name="Ștefan Łukasz"), ITALIAN)
    assert "Stefan Lukasz" in extract_text(pdf)


# --- languages -------------------------------------------------------------------------------


def test_without_a_language_a_document_reads_as_the_source_texts() -> None:
    """The layout alone (tools, tests): English message ids, ISO days, "86.10 EUR"."""
    text = extract_text(render_notice(create_notice_data()))
    assert "PAYMENT NOTICE" in text and "123.00 EUR" in text and "2026-12-31" in text
    assert SOURCE.money(-1_050) == "-10.50 EUR"


def test_a_language_code_alone_is_refused() -> None:
    with pytest.raises(DocumentDataError):
        render_draft(create_draft_sheet(), lang="fr")  # type: ignore[arg-type]


def test_describe_claims_for_people(signer: SealSigner, verifier: SealVerifier) -> None:
    claims = verifier.verify(signer.seal(receipt_claims(create_receipt_data()))).claims
    described = dict(describe_claims(claims, ITALIAN))
    assert described["Importo"] == "86,10\xa0€"
    assert described["Ricevuta n."] == "RIC-2026-000123"
    assert len(described["Impronta dei dati (SHA-256)"]) == 64


def test_a_receipt_of_several_notices_lists_each_and_binds_them_in_its_hash(
    signer: SealSigner,
) -> None:
    from printing import ReceiptLine, make_notice_code
    from printing.errors import DocumentDataError

    first, second = FINE_NOTICE_CODE, make_notice_code("01", "2026000009999")
    lines = (
        ReceiptLine(first, "Verbale V/2026/001234", 5_000),
        ReceiptLine(second, "Diritti di segreteria", 3_610),
    )
    single = create_receipt_data(fee_cents=0, notice_code=first)
    several = replace(single, lines=lines, payer_name="", payer_fiscal_code="")
    assert b'"lines"' not in canonical_data(single)  # one notice: the hash as it always was
    moved = (replace(lines[0], amount_cents=5_100), replace(lines[1], amount_cents=3_510))
    assert canonical_data(several) != canonical_data(replace(several, lines=moved))
    text = extract_text(render_receipt(several, signer, ITALIAN)[0])
    for expected in ("Verbale V/2026/001234", "Diritti di segreteria", "50,00 €", "36,10 €"):
        assert expected in text, expected
    assert format_notice_code(second) in text
    with pytest.raises(DocumentDataError):
        replace(several, lines=lines[:1])  # they do not add up
    with pytest.raises(DocumentDataError):
        replace(several, lines=lines[::-1])  # the first line is not the notice
