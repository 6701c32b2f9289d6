"""The notice follows pagoPA's "Avviso di pagamento" (traffic-fine variant): its text is a
golden file per language, and every code on the page decodes to what it must carry.

Regenerate a golden file after an intended change of the layout or of a translation with
``SPORTELLO_UPDATE_GOLDEN=1 pytest tests/printing/test_printing_notice_layout.py`` and review
the diff.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from printing_factories import ENGLISH, ITALIAN, create_notice_data

from printing.notice import NoticeData, render_notice
from printing.texts import DocumentLanguage
from printing.verify import read_codes

GOLDEN = Path(__file__).parent / "golden"


def fine_notice(lang: DocumentLanguage) -> NoticeData:
    money, _ = lang.money, lang.gettext
    windows = (
        ("reduced by 30% (paid within 5 days of notification)", 8_610, date(2026, 11, 28), None),
        ("full amount (within 60 days of notification)", 12_300, date(2027, 1, 21), None),
        ("increased (more than 60 days after notification)", 24_600, None, date(2027, 1, 22)),
    )
    table = tuple(
        (
            _(label),
            money(amount),
            _("until %(day)s", day=lang.date(until))
            if until
            else _("from %(day)s", day=lang.date(start)),  # type: ignore[arg-type]
        )
        for label, amount, until, start in windows
    )
    return create_notice_data(
        reduced_amount_cents=None,
        reduced_until=None,
        amount_table=table,
        due_date=date(2027, 1, 21),
        creditor_contacts="polizia.locale@comune.villanova.it — 0123 456789",
        payer_address="Via Garibaldi 3, 00100 Villanova",
    )


def page_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(
            str(document[i].get_textpage().get_text_range()).replace("\r\n", "\n")
            for i in range(len(document))
        )
    finally:
        document.close()


@pytest.mark.parametrize("lang", [ITALIAN, ENGLISH], ids=["it", "en"])
def test_the_notice_text_is_the_golden_one(lang: DocumentLanguage) -> None:
    pdf = render_notice(fine_notice(lang), lang)
    text = page_text(pdf).rstrip() + "\n"
    golden = GOLDEN / f"notice-fine-{lang.code}.txt"
    if os.environ.get("SPORTELLO_UPDATE_GOLDEN") == "1":
        golden.write_text(text, "utf-8")
    assert text == golden.read_text("utf-8")


def test_the_italian_notice_has_the_parts_and_texts_of_the_guidelines() -> None:
    text = " ".join(page_text(render_notice(fine_notice(ITALIAN), ITALIAN)).split())
    for part in (
        "QUANTO E QUANDO PAGARE?",
        "Dove pagare?",
        "PAGA CON L'APP IO oppure sul sito di Comune di Villanova, dal tuo Home Banking, con la "
        "tua app di pagamento o con gli altri canali abilitati.",
        "PAGA SUL TERRITORIO presso Banche e Sportelli ATM, negli Uffici Postali e Punti Postali, "
        "nei Bar, Edicole, Ricevitorie, Supermercati, Tabaccherie e altri Operatori Abilitati.",
        "Banche e altri canali",
        "Rata unica entro il 21/01/2027 123,00",
        "Oggetto del pagamento Sanzione per violazione del Codice della Strada",
        "Codice CBILL A1B2C",
        "polizia.locale@comune.villanova.it",
        "Via Garibaldi 3, 00100 Villanova",
    ):
        assert part in text, part


@pytest.mark.parametrize("lang", [ITALIAN, ENGLISH], ids=["it", "en"])
def test_every_code_on_the_notice_decodes(lang: DocumentLanguage) -> None:
    data = fine_notice(lang)
    codes = read_codes(render_notice(data, lang))
    assert codes == [data.payment_payload]
    assert codes[0] == f"PAGOPA|002|{data.notice_code}|{data.creditor_fiscal_code}|12300"
