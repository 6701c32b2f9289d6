"""What a receipt's seal binds: payer (masked), method, terminal reference, and a data hash
that anyone can recompute from the printed page alone (docs/seal.md)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pypdfium2 as pdfium
from cryptography.hazmat.primitives.asymmetric import ec
from printing_factories import create_receipt_data

from printing import claims as c
from printing.codes import parse_notice_code
from printing.keys import key_id
from printing.receipt import PaymentMethod, ReceiptData, receipt_claims, render_receipt
from printing.seal import SealSigner, SealVerifier

METHODS = {
    "Cash": "cash",
    "Payment card": "card",
    "Bank transfer": "bank_transfer",
    "Other": "other",
}


def page_lines(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return str(document[0].get_textpage().get_text_range()).splitlines()
    finally:
        document.close()


def cents(text: str) -> int:
    euros, hundredths = re.fullmatch(r"([0-9]+)\.([0-9]{2}) EUR", text).groups()
    return int(euros) * 100 + int(hundredths)


def read_back(pdf: bytes) -> ReceiptData:
    """The receipt's data rebuilt from its printed text only (English source texts)."""
    lines = [line.strip() for line in page_lines(pdf)]
    rows = {}
    labels = (
        "Receipt no.", "Creditor", "Notice code", "Payer", "Amount", "Fee", "Date and time",
        "Shop", "Address", "Terminal", "Payment method", "Transaction reference",
    )  # fmt: skip
    for line in lines:
        for label in labels:
            if line.startswith(label + " ") and label not in rows:
                rows[label] = line[len(label) + 1 :]
                break
    creditor, creditor_cf = re.fullmatch(r"(.*) \(([0-9]{11})\)", rows["Creditor"]).groups()
    payer, payer_cf = re.fullmatch(r"(.*) \(([A-Z0-9]{16})\)", rows["Payer"]).groups()
    when = re.fullmatch(
        r"([0-9-]{10}) ([0-9:]{8}) \(UTC([+-][0-9]{2}:[0-9]{2})\)", rows["Date and time"]
    ).groups()
    subject = lines[lines.index("Payment") + 1]
    return ReceiptData(
        receipt_id=rows["Receipt no."],
        notice_code=parse_notice_code(rows["Notice code"]).code,
        creditor_name=creditor,
        creditor_fiscal_code=creditor_cf,
        subject=subject,
        amount_cents=cents(rows["Amount"]),
        paid_at=datetime.fromisoformat(f"{when[0]}T{when[1]}{when[2]}"),
        shop_name=rows["Shop"],
        shop_address=rows["Address"],
        terminal_id=rows["Terminal"],
        payment_method=PaymentMethod(METHODS[rows["Payment method"]]),
        transaction_ref=rows["Transaction reference"],
        payer_name=payer,
        payer_fiscal_code=payer_cf,
        fee_cents=cents(rows["Fee"]) if "Fee" in rows else 0,
    )


def test_the_seal_binds_payer_method_and_reference() -> None:
    data = create_receipt_data()
    claims = receipt_claims(data)
    assert claims["pay"] == "M**** R**** RSS**********01U"
    assert (claims["pm"], claims["ref"]) == ("cash", "TX-7F3A9C21")
    for changed in (
        replace(data, payer_name="Giulia Bianchi"),
        replace(data, payer_fiscal_code="BNCGLI85C55F205C"),
        replace(data, payment_method=PaymentMethod.CARD),
        replace(data, transaction_ref="TX-OTHER"),
    ):
        other = receipt_claims(changed)
        assert other != claims
        # Not only the hash: what a verifier shows differs in clear too.
        assert {k: v for k, v in other.items() if k != c.HASH} != {
            k: v for k, v in claims.items() if k != c.HASH
        }


def test_the_data_hash_is_recomputed_from_the_printed_page() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    data = create_receipt_data()
    pdf, seal = render_receipt(data, SealSigner(key))
    claims = SealVerifier({key_id(key.public_key()): key.public_key()}).verify(seal).claims
    printed = read_back(pdf)
    assert printed == data
    assert c.data_digest(printed) == claims[c.HASH]
    text = "\n".join(page_lines(pdf))
    assert "2026-11-23 10:15:42 (UTC+01:00)" in text  # Rome's clock, to the second
    assert text.count("Place of payment") == 1
