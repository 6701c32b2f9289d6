"""The receipt's one-page writer (printing.page) against reportlab's Sheet: the same page.

A receipt of one notice is written by `Page`; one too long for a page (a cart of many
notices) falls back to `Sheet`. Both are read back as a scanner and a person would:
rendered by pdfium, the seal decoded from the image, the text extracted.
"""

from dataclasses import replace

import pypdfium2 as pdfium
from printing_factories import ENGLISH, ITALIAN, create_receipt_data

from printing import ReceiptLine, make_notice_code
from printing.layout import Sheet
from printing.page import Page
from printing.receipt import _draw, receipt_claims, render_receipt
from printing.seal import SealSigner, SealVerifier
from printing.verify import verify_pdf


def pages_and_text(pdf: bytes) -> tuple[int, str]:
    document = pdfium.PdfDocument(pdf)
    try:
        text = " ".join(document[i].get_textpage().get_text_bounded() for i in range(len(document)))
        return len(document), " ".join(text.split())
    finally:
        document.close()


def sheet_receipt(data: object, signer: SealSigner, seal: str) -> bytes:
    sheet = Sheet(title="t", lang="it")
    _draw(sheet, data, seal, signer, ITALIAN)  # type: ignore[arg-type]
    return sheet.finish()


def test_the_one_page_writer_draws_what_reportlab_draws(signer: SealSigner) -> None:
    data = create_receipt_data(subject="Città — però " + "molto lunga " * 12)
    seal = signer.seal(receipt_claims(data))
    page = Page(title="t", lang="it")
    _draw(page, data, seal, signer, ITALIAN)
    sheet = Sheet(title="t", lang="it")
    _draw(sheet, data, seal, signer, ITALIAN)
    drawn = [op for op in sheet.canvas._code if op]
    assert page._ops == drawn  # the same operators, numbers formatted alike
    assert pages_and_text(page.finish()) == pages_and_text(sheet_receipt(data, signer, seal))


def test_a_one_page_receipt_reads_back_and_its_seal_verifies(
    signer: SealSigner, verifier: SealVerifier
) -> None:
    data = create_receipt_data(
        payer_name="Mario Rossi (De Angelis) \\ à", subject="Diritti — Città di Villanova"
    )
    pdf, seal = render_receipt(data, signer, ENGLISH)
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    count, text = pages_and_text(pdf)
    assert count == 1
    for expected in (data.receipt_id, "Mario Rossi (De Angelis) \\ à", "Tabaccheria Centrale"):
        assert expected in text, expected
    assert verify_pdf(pdf, verifier).claims == receipt_claims(data)
    document = pdfium.PdfDocument(pdf)
    try:
        assert document.get_metadata_value("Keywords") == seal
        assert document.get_metadata_value("Title") == f"PAYMENT RECEIPT {data.receipt_id}"
        assert document.get_metadata_value("Subject") == "Diritti — Città di Villanova"
    finally:
        document.close()
    assert render_receipt(data, signer, ENGLISH)[0] != pdf  # a new seal each time...
    assert len(render_receipt(replace(data, subject="x"), signer)[0]) < 20_000  # ...and small


def test_a_receipt_longer_than_a_page_is_written_on_two(
    signer: SealSigner, verifier: SealVerifier
) -> None:
    lines = tuple(
        ReceiptLine(make_notice_code("01", f"2026{n:09d}"), f"Diritti di segreteria {n}", 100)
        for n in range(1, 41)
    )
    data = create_receipt_data(
        notice_code=lines[0].notice_code,
        lines=lines,
        amount_cents=4_000,
        fee_cents=0,
        payer_name="",
        payer_fiscal_code="",
    )
    pdf, _ = render_receipt(data, signer, ITALIAN)
    count, text = pages_and_text(pdf)
    assert count == 2
    assert "Diritti di segreteria 1 " in text and "Diritti di segreteria 40 " in text
    assert verify_pdf(pdf, verifier).claims == receipt_claims(data)
