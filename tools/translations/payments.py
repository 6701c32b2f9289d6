"""Italian texts of the fines, payments, counter and verify pages."""

IT = {
    # payments/messages.py
    "The code is not valid: check the 18 digits of the notice code.": (
        "Il codice non è valido: controlla le 18 cifre del codice avviso."
    ),
    "No payment notice has this code.": "Nessun avviso di pagamento ha questo codice.",
    "This notice has already been paid.": "Questo avviso è già stato pagato.",
    "Someone is paying this notice right now. Try again in a few minutes.": (
        "Questo avviso è in pagamento in questo momento. Riprova tra qualche minuto."
    ),
    "The time to complete the payment ran out: start again.": (
        "Il tempo per completare il pagamento è scaduto: ricomincia."
    ),
    "This notice has expired because the amount due has changed: get a new notice.": (
        "Questo avviso è scaduto perché l'importo dovuto è cambiato: richiedi un nuovo avviso."
    ),
    "This notice is no longer valid.": "Questo avviso non è più valido.",
    "The amount does not match the notice.": "L'importo non corrisponde a quello dell'avviso.",
    "The municipality's system is not answering right now: the payment cannot be taken. Try again "
    "in a few minutes.": (
        "Il sistema del Comune non risponde in questo momento: non è possibile incassare il "
        "pagamento. Riprova tra qualche minuto."
    ),
    "Terminal id or secret not recognised, or terminal disabled.": (
        "Codice terminale o chiave non riconosciuti, oppure terminale disattivato."
    ),
    "This fine cannot be paid: it is already paid, cancelled or disputed.": (
        "Questa multa non si può pagare: è già pagata, annullata o contestata."
    ),
    "Fine not found.": "Multa non trovata.",
    "The payment could not be completed.": "Non è stato possibile completare il pagamento.",
    # payments/views.py
    "Payment notice not found.": "Avviso di pagamento non trovato.",
    "Payment cancelled: nothing was charged.": "Pagamento annullato: non è stato addebitato nulla.",
    "Payment completed. Your receipt is ready.": "Pagamento completato. La ricevuta è pronta.",
    "Document not found.": "Documento non trovato.",
    "To be paid": "Da pagare",
    "Already paid": "Già pagato",
    "Replaced or withdrawn": "Sostituito o ritirato",
    "No longer valid (the amount due has changed)": "Non più valido (l'importo dovuto è cambiato)",
    # fines/views.py
    "Disputed (appeal pending)": "Contestata (ricorso pendente)",
    "reduced by 30% (paid within 5 days of notification)": (
        "ridotto del 30% (pagamento entro 5 giorni dalla notifica)"
    ),
    "full amount (within 60 days of notification)": (
        "importo pieno (entro 60 giorni dalla notifica)"
    ),
    "increased (more than 60 days after notification)": (
        "maggiorato (oltre 60 giorni dalla notifica)"
    ),
    # citizen timeline: the documents of a transaction
    "Documents": "Documenti",
    # counter/web.py
    "Invalid request.": "Richiesta non valida.",
    "This payment has no receipt.": "Questo pagamento non ha una ricevuta.",
    # payments templates
    "Payment notice": "Avviso di pagamento",
    "Notice code": "Codice avviso",
    "Creditor": "Ente creditore",
    "Pay by": "Da pagare entro il",
    "Valid until": "Valido fino al",
    "after that day the amount due changes and you need a new notice.": (
        "dopo quel giorno l'importo dovuto cambia e serve un nuovo avviso."
    ),
    "How to pay": "Come pagare",
    "At a partner counter": "Presso un punto convenzionato",
    "Print the notice (or show it on your phone) at a tobacconist or another partner counter: they"
    " scan the QR code and give you a receipt.": (
        "Stampa l'avviso (o mostralo sul telefono) in tabaccheria o in un altro punto "
        "convenzionato: inquadrano il codice QR e ti danno la ricevuta."
    ),
    "Download the notice (PDF)": "Scarica l'avviso (PDF)",
    "Online": "Online",
    "Pay now by card on the simulated payment page of this demonstration.": (
        "Paga subito con carta nella pagina di pagamento simulata di questa dimostrazione."
    ),
    "Pay online": "Paga online",
    "Paid on %(when)s. The receipt is on the timeline of the transaction.": (
        "Pagato il %(when)s. La ricevuta è nella cronologia della pratica."
    ),
    "This notice can no longer be paid. If the amount is still due, get a new notice from the page"
    " of your fines.": (
        "Questo avviso non si può più pagare. Se l'importo è ancora dovuto, richiedi un nuovo "
        "avviso dalla pagina delle tue multe."
    ),
    "See the transaction and its timeline": "Vedi la pratica e la sua cronologia",
    "Simulated online payment": "Pagamento online simulato",
    "Demonstration only.": "Solo dimostrazione.",
    "This page stands in for a payment service provider: no card is asked for and nothing is "
    "charged. Confirming records the payment as if the card had been charged.": (
        "Questa pagina sostituisce un prestatore di servizi di pagamento: non viene chiesta alcuna"
        " carta e non viene addebitato nulla. Confermando, il pagamento viene registrato come se "
        "la carta fosse stata addebitata."
    ),
    "Confirm the simulated payment": "Conferma il pagamento simulato",
    "Cancel": "Annulla",
    "This notice can no longer be paid.": "Questo avviso non si può più pagare.",
    # fines template
    "My traffic fines": "Le mie multe",
    "Traffic fines": "Multe",
    "The fines the municipal police has recorded for your fiscal code, with the amount due "
    "today.": (
        "Le multe che la Polizia Locale ha registrato per il tuo codice fiscale, con l'importo "
        "dovuto oggi."
    ),
    "You have no traffic fines.": "Non hai multe.",
    "Report no. %(number)s": "Verbale n. %(number)s",
    "plate": "targa",
    "Due today: %(amount)s": "Da pagare oggi: %(amount)s",
    "until %(day)s": "fino al %(day)s",
    "Your payment notice for this fine": "Il tuo avviso di pagamento per questa multa",
    "Pay at a partner counter": "Paga presso un punto convenzionato",
    "Paid %(amount)s on %(day)s (receipt %(number)s).": (
        "Pagati %(amount)s il %(day)s (ricevuta %(number)s)."
    ),
    "Transaction %(reference)s": "Pratica %(reference)s",
    # counter templates
    "terminal": "terminale",
    "Sign out": "Esci",
    "Partner counter — payment recorded": "Punto convenzionato — pagamento registrato",
    "Payment recorded": "Pagamento registrato",
    "Receipt %(number)s: %(amount)s paid for notice %(code)s.": (
        "Ricevuta %(number)s: pagati %(amount)s per l'avviso %(code)s."
    ),
    "Print the receipt (PDF)": "Stampa la ricevuta (PDF)",
    "New payment": "Nuovo pagamento",
    "Partner counter — sign in": "Punto convenzionato — accesso",
    "Partner counter": "Punto convenzionato",
    "Sign this counter in with the terminal id and secret the municipality gave you.": (
        "Accedi con il codice terminale e la chiave che ti ha dato il Comune."
    ),
    "Terminal id": "Codice terminale",
    "Terminal secret": "Chiave del terminale",
    "Sign in": "Accedi",
    "Partner counter — confirm the payment": "Punto convenzionato — conferma il pagamento",
    "Confirm the payment": "Conferma il pagamento",
    "Payer": "Debitore",
    "Payment method": "Modalità di pagamento",
    "Cash": "Contanti",
    "Card": "Carta",
    "Payment received: issue the receipt": "Pagamento ricevuto: emetti la ricevuta",
    "Partner counter — new payment": "Punto convenzionato — nuovo pagamento",
    "Notice code (18 digits) or scanned QR code": "Codice avviso (18 cifre) o codice QR letto",
    "Type the code printed on the notice, or scan its QR code with the camera or a barcode "
    "reader.": (
        "Digita il codice stampato sull'avviso, oppure leggi il codice QR con la fotocamera o con "
        "un lettore."
    ),
    "Look up": "Cerca",
    "Point the camera at the QR code of the notice.": "Inquadra il codice QR dell'avviso.",
    "Scan with the camera": "Leggi con la fotocamera",
    "Camera preview": "Anteprima della fotocamera",
    # verify template
    "Verify a document": "Verifica un documento",
    "Verify a receipt or certificate": "Verifica una ricevuta o un certificato",
    "Receipts and certificates of the Municipality of Villanova carry a seal: a QR code signed "
    "with the municipality's key. Check here that a document is genuine and unchanged.": (
        "Le ricevute e i certificati del Comune di Villanova hanno un sigillo: un codice QR "
        "firmato con la chiave del Comune. Qui puoi controllare che un documento sia autentico e "
        "non modificato."
    ),
    "Valid seal": "Sigillo valido",
    "The seal was signed by the Municipality of Villanova (key %(kid)s) and the data below has not"
    " been changed.": (
        "Il sigillo è stato firmato dal Comune di Villanova (chiave %(kid)s) e i dati qui sotto "
        "non sono stati modificati."
    ),
    "It matches the payment recorded by the municipality.": (
        "Corrisponde al pagamento registrato dal Comune."
    ),
    "It does NOT match the payment recorded by the municipality with this receipt number.": (
        "NON corrisponde al pagamento registrato dal Comune con questo numero di ricevuta."
    ),
    "No payment with this receipt number is recorded here.": (
        "Qui non risulta registrato alcun pagamento con questo numero di ricevuta."
    ),
    "Data in the seal": "Dati contenuti nel sigillo",
    "Tampered seal": "Sigillo alterato",
    "The signature does not match the data: the document or its seal has been changed. Do not "
    "trust it.": (
        "La firma non corrisponde ai dati: il documento o il suo sigillo sono stati modificati. "
        "Non fidarti di questo documento."
    ),
    "Unknown key": "Chiave sconosciuta",
    "The seal was not signed with a key of the Municipality of Villanova.": (
        "Il sigillo non è stato firmato con una chiave del Comune di Villanova."
    ),
    "No seal found": "Nessun sigillo trovato",
    "We found no sealed QR code. Upload the PDF you received, or paste the text of the seal (it "
    "starts with SP1:).": (
        "Non abbiamo trovato un codice QR sigillato. Carica il PDF che hai ricevuto, oppure "
        "incolla il testo del sigillo (inizia con SP1:)."
    ),
    "Not a valid seal": "Sigillo non valido",
    "The text is not a seal of ours: check that you copied all of it.": (
        "Il testo non è un nostro sigillo: controlla di averlo copiato per intero."
    ),
    "Receipt or certificate (PDF)": "Ricevuta o certificato (PDF)",
    "…or the text of the seal": "…oppure il testo del sigillo",
    "What a QR code reader shows when it scans the seal; it starts with SP1:.": (
        "Quello che mostra un lettore di codici QR quando legge il sigillo; inizia con SP1:."
    ),
    "Verify": "Verifica",
    "Verify offline": "Verifica senza connessione",
    "The public keys are published at": "Le chiavi pubbliche sono pubblicate all'indirizzo",
    "With them anyone can check a PDF without this site:": (
        "Con queste chiunque può controllare un PDF senza questo sito:"
    ),
}
