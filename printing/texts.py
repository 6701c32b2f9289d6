"""Printed wording in Italian (default) and English, and Italian/English number and date styles."""

from datetime import date, datetime

from printing.errors import DocumentDataError

LANGUAGES = ("it", "en")

_MONTHS_EN = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

TEXTS: dict[str, dict[str, str]] = {
    "it": {
        "notice.title": "AVVISO DI PAGAMENTO",
        "notice.creditor": "ENTE CREDITORE",
        "notice.payer": "DESTINATARIO AVVISO",
        "notice.subject": "OGGETTO DEL PAGAMENTO",
        "notice.amount": "Importo",
        "notice.due": "entro il",
        "notice.reduced": "Importo ridotto",
        "notice.reduced_if": "se paghi entro il",
        "notice.reduced_note": (
            "L'importo dovuto è aggiornato automaticamente al momento del pagamento: "
            "paghi sempre quanto dovuto in quel giorno."
        ),
        "notice.where": "DOVE PAGARE?",
        "notice.online": "PAGA ONLINE",
        "notice.online_text": (
            "sul portale dei servizi del Comune{portal}, con l'app o l'home banking della tua "
            "banca, o con gli altri canali abilitati a pagoPA."
        ),
        "notice.territory": "PAGA SUL TERRITORIO",
        "notice.territory_text": (
            "presso tabaccherie, ricevitorie ed esercenti convenzionati, uffici postali, "
            "sportelli bancari e ATM abilitati a pagoPA. Inquadra il codice QR o comunica "
            "il codice avviso e il codice fiscale dell'ente creditore."
        ),
        "notice.slip": (
            "Utilizza la porzione di avviso relativa al canale di pagamento che preferisci."
        ),
        "notice.code": "Codice Avviso",
        "notice.creditor_code": "Cod. Fiscale Ente Creditore",
        "notice.cbill": "Codice CBILL",
        "notice.iuv": "Codice IUV",
        "common.fiscal_code": "Codice fiscale",
        "common.page": "Pagina",
        "receipt.title": "RICEVUTA DI PAGAMENTO",
        "receipt.id": "Ricevuta n.",
        "receipt.what": "Pagamento",
        "receipt.creditor": "Ente creditore",
        "receipt.payer": "Pagatore",
        "receipt.amount": "Importo",
        "receipt.fee": "Commissione",
        "receipt.total": "Totale pagato",
        "receipt.paid_at": "Data e ora",
        "receipt.where": "Luogo del pagamento",
        "receipt.terminal": "Terminale",
        "receipt.method": "Metodo di pagamento",
        "receipt.reference": "Riferimento transazione",
        "receipt.seal": (
            "Il codice QR contiene un sigillo elettronico: verifica l'autenticità di questa "
            "ricevuta inquadrandolo con l'app di verifica o sulla pagina di verifica del portale."
        ),
        "method.cash": "Contanti",
        "method.card": "Carta di pagamento",
        "method.bank_transfer": "Bonifico",
        "method.other": "Altro",
        "cert.title.enrolment": "CERTIFICATO DI ISCRIZIONE",
        "cert.title.attendance": "CERTIFICATO DI FREQUENZA",
        "cert.number": "Certificato n.",
        "cert.school_code": "Codice meccanografico",
        "cert.body.enrolment": (
            "Si certifica che l'alunno/a {student}, nato/a a {birth_place} il {birth_date}, "
            "codice fiscale {fiscal_code}, è iscritto/a per l'anno scolastico {year} alla "
            "classe {class_name} di questo istituto."
        ),
        "cert.body.attendance": (
            "Si certifica che l'alunno/a {student}, nato/a a {birth_place} il {birth_date}, "
            "codice fiscale {fiscal_code}, frequenta regolarmente nell'anno scolastico {year} "
            "la classe {class_name} di questo istituto."
        ),
        "cert.purpose": (
            "Il presente certificato è rilasciato su richiesta dell'interessato per: {purpose}."
        ),
        "cert.art40": (
            "Il presente certificato non può essere prodotto agli organi della pubblica "
            "amministrazione o ai privati gestori di pubblici servizi (art. 40 DPR 445/2000)."
        ),
        "cert.stamp_paid": (
            "Imposta di bollo di {amount} assolta in modo virtuale, rif. {reference}."
        ),
        "cert.stamp_exempt": "Esente dall'imposta di bollo: {exemption}.",
        "cert.place_date": "{place}, {date}",
        "cert.seal": (
            "Documento con sigillo elettronico: il codice QR permette di verificarne "
            "l'autenticità e l'integrità."
        ),
        "draft.title": "BOZZA DI DOMANDA",
        "draft.not_submitted": "Questa bozza non è stata inviata e non ha valore di domanda.",
        "draft.fields": "Dati inseriti finora",
        "draft.resume_code": "Codice di ripresa",
        "draft.expires": "Valido fino al",
        "draft.how": "Come continuare",
        "draft.how_online": "Online: inquadra il codice QR o apri {url}.",
        "draft.how_desk": (
            "Allo sportello del Comune (Ufficio Relazioni con il Pubblico): mostra questo foglio "
            "o comunica il codice di ripresa."
        ),
        "draft.how_counter": (
            "Presso un punto convenzionato (tabaccheria, ricevitoria): comunica il codice."
        ),
        "draft.empty": "Nessun dato inserito.",
        "draft.created": "Creata il",
    },
    "en": {
        "notice.title": "PAYMENT NOTICE",
        "notice.creditor": "CREDITOR",
        "notice.payer": "ADDRESSEE",
        "notice.subject": "WHAT YOU ARE PAYING",
        "notice.amount": "Amount",
        "notice.due": "by",
        "notice.reduced": "Reduced amount",
        "notice.reduced_if": "if you pay by",
        "notice.reduced_note": (
            "The amount due is updated automatically when you pay: you always pay what is due "
            "on that day."
        ),
        "notice.where": "WHERE TO PAY?",
        "notice.online": "PAY ONLINE",
        "notice.online_text": (
            "on the municipality's service portal{portal}, with your bank's app or home banking, "
            "or through the other pagoPA channels."
        ),
        "notice.territory": "PAY IN PERSON",
        "notice.territory_text": (
            "at tobacconists, lottery outlets and partner shops, post offices, bank counters "
            "and ATMs that accept pagoPA. Scan the QR code or give the notice code and the "
            "creditor's fiscal code."
        ),
        "notice.slip": "Use the part of the notice for the payment channel you prefer.",
        "notice.code": "Notice code",
        "notice.creditor_code": "Creditor fiscal code",
        "notice.cbill": "CBILL code",
        "notice.iuv": "IUV code",
        "common.fiscal_code": "Fiscal code",
        "common.page": "Page",
        "receipt.title": "PAYMENT RECEIPT",
        "receipt.id": "Receipt no.",
        "receipt.what": "Payment",
        "receipt.creditor": "Creditor",
        "receipt.payer": "Payer",
        "receipt.amount": "Amount",
        "receipt.fee": "Fee",
        "receipt.total": "Total paid",
        "receipt.paid_at": "Date and time",
        "receipt.where": "Place of payment",
        "receipt.terminal": "Terminal",
        "receipt.method": "Payment method",
        "receipt.reference": "Transaction reference",
        "receipt.seal": (
            "The QR code holds an electronic seal: check that this receipt is authentic by "
            "scanning it with the verification app or on the portal's verification page."
        ),
        "method.cash": "Cash",
        "method.card": "Payment card",
        "method.bank_transfer": "Bank transfer",
        "method.other": "Other",
        "cert.title.enrolment": "CERTIFICATE OF ENROLMENT",
        "cert.title.attendance": "CERTIFICATE OF ATTENDANCE",
        "cert.number": "Certificate no.",
        "cert.school_code": "School code",
        "cert.body.enrolment": (
            "This is to certify that the pupil {student}, born in {birth_place} on {birth_date}, "
            "fiscal code {fiscal_code}, is enrolled for the school year {year} in class "
            "{class_name} of this school."
        ),
        "cert.body.attendance": (
            "This is to certify that the pupil {student}, born in {birth_place} on {birth_date}, "
            "fiscal code {fiscal_code}, regularly attends class {class_name} of this school in "
            "the school year {year}."
        ),
        "cert.purpose": (
            "This certificate is issued at the request of the person concerned for: {purpose}."
        ),
        "cert.art40": (
            "This certificate may not be submitted to public administrations or private "
            "operators of public services (art. 40 DPR 445/2000)."
        ),
        "cert.stamp_paid": "Stamp duty of {amount} paid electronically, ref. {reference}.",
        "cert.stamp_exempt": "Exempt from stamp duty: {exemption}.",
        "cert.place_date": "{place}, {date}",
        "cert.seal": (
            "Electronically sealed document: the QR code lets anyone check that it is "
            "authentic and unaltered."
        ),
        "draft.title": "DRAFT APPLICATION",
        "draft.not_submitted": "This draft has not been submitted and is not an application.",
        "draft.fields": "Details entered so far",
        "draft.resume_code": "Resume code",
        "draft.expires": "Valid until",
        "draft.how": "How to continue",
        "draft.how_online": "Online: scan the QR code or open {url}.",
        "draft.how_desk": (
            "At the municipal desk (Public Relations Office): show this sheet or give the "
            "resume code."
        ),
        "draft.how_counter": "At a partner counter (tobacconist, lottery outlet): give the code.",
        "draft.empty": "No details entered yet.",
        "draft.created": "Created on",
    },
}


def check_lang(lang: str) -> str:
    """Return `lang` if documents can be printed in it, else raise `DocumentDataError`."""
    if lang not in LANGUAGES:
        raise DocumentDataError(f"documents are printed in {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def text(lang: str, key: str, **values: str) -> str:
    """The wording `key` in `lang`, with `{name}` placeholders filled from `values`."""
    wording = TEXTS[check_lang(lang)][key]
    return wording.format(**values) if values else wording


def format_money(cents: int, lang: str = "it") -> str:
    """`€ 1.234,56` in Italian, `€1,234.56` in English; negative amounts keep their sign."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}"
    if check_lang(lang) == "it":
        return f"{sign}€ {grouped.replace(',', '.')},{rest:02d}"
    return f"{sign}€{grouped}.{rest:02d}"


def format_date(value: date, lang: str = "it") -> str:
    """`23/11/2026` in Italian, `23 November 2026` in English."""
    if check_lang(lang) == "it":
        return value.strftime("%d/%m/%Y")
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def format_datetime(value: datetime, lang: str = "it") -> str:
    """Date and time to the minute, in the value's own time zone (shown as an offset)."""
    offset = value.strftime("%z")
    zone = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    return f"{format_date(value, lang)} {value.strftime('%H:%M')}{zone}"
