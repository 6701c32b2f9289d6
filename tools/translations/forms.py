"""Italian texts of the forms, resume codes, clerk's desk, delegations and school pages."""

IT = {
    # timeline.py (events of drafts, desk and certificates)
    "Draft saved": "Bozza salvata",
    "Draft reopened for changes": "Bozza riaperta per modifiche",
    "Draft resumed with its code": "Bozza ripresa con il suo codice",
    "Draft sheet printed": "Foglio della bozza stampato",
    "School registry not answering: the certificate will follow": (
        "L'anagrafe scolastica non risponde: il certificato arriverà appena possibile"
    ),
    "The school registry refused the certificate": (
        "L'anagrafe scolastica ha rifiutato il certificato"
    ),
    "Document printed": "Documento stampato",
    # forms_web
    "This request has already been sent and can no longer be changed.": (
        "Questa richiesta è già stata inviata e non si può più modificare."
    ),
    "Some answers need to be corrected.": "Alcune risposte vanno corrette.",
    "This request has no form to show.": "Questa richiesta non ha un modulo da mostrare.",
    "Download the payment notice to pay at a counter": (
        "Scarica l'avviso di pagamento per pagare a uno sportello"
    ),
    "The code seems mistyped: check every character and try again.": (
        "Il codice sembra scritto male: controlla ogni carattere e riprova."
    ),
    "Too many codes tried: please wait a few minutes before trying again.": (
        "Troppi codici provati: attendi qualche minuto prima di riprovare."
    ),
    "No draft matches this code, or it has expired.": (
        "Nessuna bozza corrisponde a questo codice, oppure è scaduta."
    ),
    "This service does not exist.": "Questo servizio non esiste.",
    "Send the request": "Invia la richiesta",
    "Save as draft": "Salva come bozza",
    "Your request has been sent.": "La tua richiesta è stata inviata.",
    "Thank you: your request has been confirmed and sent.": (
        "Grazie: la tua richiesta è stata confermata e inviata."
    ),
    "Some answers are no longer valid: please open the form and correct them.": (
        "Alcune risposte non sono più valide: apri il modulo e correggile."
    ),
    "Document not found.": "Documento non trovato.",
    "Your resume code": "Il tuo codice di ripresa",
    "Spelled out:": "Compitato:",
    "Valid until %(date)s. Write it down or print the draft sheet: it is shown only now.": (
        "Valido fino al %(date)s. Annotalo o stampa il foglio della bozza: viene mostrato solo ora."
    ),
    (
        "With this code you can continue online after logging in, at the municipal desk, or show "
        "the draft at a partner counter."
    ): (
        "Con questo codice puoi continuare online dopo l'accesso, allo sportello del Comune, "
        "oppure mostrare la bozza a un punto convenzionato."
    ),
    "Print the draft sheet (PDF)": "Stampa il foglio della bozza (PDF)",
    "Print the draft sheet with a new code (the old code stops working)": (
        "Stampa il foglio della bozza con un nuovo codice (il vecchio codice smette di funzionare)"
    ),
    "Draft saved.": "Bozza salvata.",
    "Draft": "Bozza",
    "Confirm your request": "Conferma la tua richiesta",
    "Prepared for you by %(name)s at the municipal desk.": (
        "Preparata per te da %(name)s allo sportello del Comune."
    ),
    "Stamp duty to pay after confirming: %(amount)s": (
        "Imposta di bollo da pagare dopo la conferma: %(amount)s"
    ),
    "Confirm and send": "Conferma e invia",
    "Change the answers": "Modifica le risposte",
    "Review and confirm without changes": "Rivedi e conferma senza modifiche",
    "(required)": "(obbligatorio)",
    "No options are available right now.": "Al momento non ci sono opzioni disponibili.",
    "Attached: %(name)s": "Allegato: %(name)s",
    "Answers to correct: %(num)d": "Risposte da correggere: %(num)d",
    "Fields marked with * are required.": "I campi contrassegnati con * sono obbligatori.",
    "Choose an option": "Scegli un'opzione",
    "Cost": "Costo",
    "Resume a draft": "Riprendi una bozza",
    "Type the resume code printed on your draft sheet or shown when you saved it.": (
        "Scrivi il codice di ripresa stampato sul foglio della bozza o mostrato quando l'hai "
        "salvata."
    ),
    "Resume code": "Codice di ripresa",
    "Nine characters, for example 7KQ-M4X-9RD: dashes and spaces do not matter.": (
        "Nove caratteri, ad esempio 7KQ-M4X-9RD: trattini e spazi non contano."
    ),
    "Open the draft": "Apri la bozza",
    "Your resume code does not change when you save again.": (
        "Il tuo codice di ripresa non cambia quando salvi di nuovo."
    ),
    "Continue filling in": "Continua la compilazione",
    "Review and confirm": "Rivedi e conferma",
    "Payment": "Pagamento",
    "Pay online": "Paga online",
    "Documents": "Documenti",
    "Your answers": "Le tue risposte",
    "See the timeline of this request": "Vedi la cronologia di questa richiesta",
    "Request details": "Dettagli della richiesta",
    # desk
    "Delegation revoked: the clerk can no longer act for you.": (
        "Delega revocata: l'operatore non può più agire per te."
    ),
    "Enter a valid fiscal code (16 characters, check letter included).": (
        "Inserisci un codice fiscale valido (16 caratteri, carattere di controllo compreso)."
    ),
    "Enter the name as written on the document.": "Inserisci il nome come scritto sul documento.",
    "Choose the evidence you checked.": "Scegli il documento che hai verificato.",
    "Choose the kind of identity document.": "Scegli il tipo di documento d'identità.",
    "Enter the number of the document or of the signed form.": (
        "Inserisci il numero del documento o del modulo di delega firmato."
    ),
    "Choose at least one service.": "Scegli almeno un servizio.",
    "The expiry must be between today and %(days)d days from now.": (
        "La scadenza deve essere tra oggi e i prossimi %(days)d giorni."
    ),
    "Desk session not found.": "Sessione di sportello non trovata.",
    "This desk session has ended: the delegation was revoked or has expired.": (
        "Questa sessione di sportello è terminata: la delega è stata revocata o è scaduta."
    ),
    "Delegation not found.": "Delega non trovata.",
    "The delegation does not cover this service.": "La delega non comprende questo servizio.",
    "Desk session closed.": "Sessione di sportello chiusa.",
    "Send the request now": "Invia ora la richiesta",
    "Leave it for the citizen to confirm online": "Lasciala al cittadino da confermare online",
    "The request has been sent for the citizen.": "La richiesta è stata inviata per il cittadino.",
    "The citizen can now confirm the request in their personal area.": (
        "Il cittadino può ora confermare la richiesta nella sua area personale."
    ),
    "Acting for %(name)s": "Stai operando per %(name)s",
    "Fiscal code": "Codice fiscale",
    "delegation no. %(id)d, valid until %(when)s": "delega n. %(id)d, valida fino al %(when)s",
    "Citizen page": "Pagina del cittadino",
    "Start a request": "Avvia una richiesta",
    "Resume a draft with its code": "Riprendi una bozza con il suo codice",
    "Requests of the citizen": "Richieste del cittadino",
    "No requests for the services of this delegation.": (
        "Nessuna richiesta per i servizi di questa delega."
    ),
    "Close the desk session": "Chiudi la sessione di sportello",
    "Your delegations": "Le tue deleghe",
    "Delegations": "Deleghe",
    (
        "The clerks you allowed to act for you at the municipal desk. Revoke a delegation and the "
        "clerk loses access at once."
    ): (
        "Gli operatori a cui hai permesso di agire per te allo sportello del Comune. Se revochi "
        "una delega, l'operatore perde subito l'accesso."
    ),
    "Clerk": "Operatore",
    "Given on": "Data",
    "Evidence": "Documento verificato",
    "Identity document": "Documento d'identità",
    "Signed delegation form": "Modulo di delega firmato",
    "Revoked on %(when)s": "Revocata il %(when)s",
    "Valid until %(when)s": "Valida fino al %(when)s",
    "Revoke": "Revoca",
    "You have given no delegations.": "Non hai dato deleghe.",
    "Municipal desk": "Sportello del Comune",
    "Open desk sessions": "Sessioni di sportello aperte",
    "until %(when)s": "fino al %(when)s",
    "Open a session for a citizen who is present": "Apri una sessione per un cittadino presente",
    "Please correct the highlighted fields.": "Correggi i campi evidenziati.",
    "Citizen fiscal code": "Codice fiscale del cittadino",
    "Name and surname (as on the document)": "Nome e cognome (come sul documento)",
    "Evidence checked in person": "Documento verificato di persona",
    "Identity document of the citizen": "Documento d'identità del cittadino",
    "Kind of identity document": "Tipo di documento d'identità",
    "Identity card": "Carta d'identità",
    "Passport": "Passaporto",
    "Driving licence": "Patente di guida",
    "Residence permit": "Permesso di soggiorno",
    "Number of the document or of the signed form": "Numero del documento o del modulo firmato",
    "Services the citizen lets you act on": "Servizi per cui il cittadino ti autorizza",
    "Valid until (end of the day)": "Valida fino al (fine della giornata)",
    "Open the desk session": "Apri la sessione di sportello",
    "Open the request": "Apri la richiesta",
    "Documents to print": "Documenti da stampare",
    "Answers": "Risposte",
    # school
    "School": "Scuola",
    "Your children at school": "I tuoi figli a scuola",
    "Data from the regional school registry.": "Dati dell'anagrafe scolastica regionale.",
    "The school registry records no children for you as parent or guardian.": (
        "L'anagrafe scolastica non registra figli di cui risulti genitore o tutore."
    ),
    "Class %(cls)s, school year %(year)s": "Classe %(cls)s, anno scolastico %(year)s",
    "Marks by term": "Valutazioni per quadrimestre",
    "Subject": "Materia",
    "Term %(n)d": "%(n)d° quadrimestre",
    "Absences": "Assenze",
    "Term": "Quadrimestre",
    "Days absent": "Giorni di assenza",
    "Of which justified": "Di cui giustificati",
    "Request a certificate for %(name)s": "Richiedi un certificato per %(name)s",
    "Certificate requests in progress": "Richieste di certificato in corso",
    "Certificates issued": "Certificati rilasciati",
}
