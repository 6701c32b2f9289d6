"""Italian texts of the shared health records (patient and clinician pages)."""

IT = {
    # Patient: record, consent, obscuring
    "Your health record": "Il tuo Fascicolo Sanitario",
    "Health record": "Fascicolo Sanitario",
    "Your documents from the regional health record. You decide whether the clinicians "
    "treating you may consult them, and you can hide any document from them.": (
        "I tuoi documenti del Fascicolo Sanitario Elettronico regionale. Decidi tu se i medici "
        "che ti hanno in cura possono consultarli, e puoi oscurare qualsiasi documento."
    ),
    "Consultation by clinicians": "Consultazione da parte dei medici",
    "Allowed": "Consentita",
    "Not allowed": "Non consentita",
    "since %(when)s: the clinicians treating you may consult the documents you have not hidden.": (
        "dal %(when)s: i medici che ti hanno in cura possono consultare i documenti che non hai "
        "oscurato."
    ),
    "No clinician may consult your record, except in an emergency: then they must state a "
    "reason, the access lasts one hour and you see it below.": (
        "Nessun medico può consultare il tuo Fascicolo, salvo in emergenza: in quel caso deve "
        "indicarne il motivo, l'accesso dura un'ora e lo vedi nell'elenco degli accessi."
    ),
    "Withdraw consent": "Revoca il consenso",
    "Give consent": "Dai il consenso",
    "Who consulted your record (%(count)s consultations)": (
        "Chi ha consultato il tuo Fascicolo (%(count)s consultazioni)"
    ),
    "Patient summary": "Profilo sanitario sintetico",
    "Blood group": "Gruppo sanguigno",
    "Allergies": "Allergie",
    "Chronic conditions": "Patologie croniche",
    "Medications": "Terapie in corso",
    "Updated on": "Aggiornato il",
    "none recorded": "nessuna registrata",
    "since %(year)s": "dal %(year)s",
    "The regional health record holds no patient summary for you.": (
        "Il Fascicolo Sanitario regionale non contiene un profilo sanitario sintetico per te."
    ),
    "Your documents": "I tuoi documenti",
    "Date": "Data",
    "Document": "Documento",
    "Author and facility": "Autore e struttura",
    "Clinicians": "Medici",
    "Actions": "Azioni",
    "Hidden": "Oscurato",
    "Visible": "Visibile",
    "Download": "Scarica",
    "Download %(title)s": "Scarica %(title)s",
    "Show again": "Rendi visibile",
    "Show %(title)s to clinicians again": "Rendi di nuovo visibile ai medici %(title)s",
    "Hide": "Oscura",
    "Hide %(title)s from clinicians": "Oscura ai medici %(title)s",
    "The regional health record holds no documents for you.": (
        "Il Fascicolo Sanitario regionale non contiene documenti a tuo nome."
    ),
    "Your choice was already recorded: nothing changed.": (
        "La tua scelta era già registrata: non è cambiato nulla."
    ),
    "Consent given: the clinicians treating you can now consult your record.": (
        "Consenso dato: i medici che ti hanno in cura ora possono consultare il tuo Fascicolo."
    ),
    "Consent withdrawn: from now on no clinician can consult your record.": (
        "Consenso revocato: da questo momento nessun medico può consultare il tuo Fascicolo."
    ),
    "The document is now hidden from clinicians.": "Il documento ora è oscurato ai medici.",
    "The document is visible again to the clinicians you allow.": (
        "Il documento è di nuovo visibile ai medici che autorizzi."
    ),
    "This document does not exist or is not available.": (
        "Questo documento non esiste o non è disponibile."
    ),
    "Lab report": "Referto di laboratorio",
    "Discharge letter": "Lettera di dimissione",
    "Prescription": "Prescrizione",
    "Vaccination": "Vaccinazione",
    "consent": "consenso",
    "emergency (break-glass)": "emergenza (accesso straordinario)",
    # Patient: access log
    "Who consulted your health record": "Chi ha consultato il tuo Fascicolo Sanitario",
    "Access log": "Registro degli accessi",
    "Every time a clinician looks at your list of documents or opens one, it is written here "
    "and in the municipality's tamper-evident audit log.": (
        "Ogni volta che un medico guarda l'elenco dei tuoi documenti o ne apre uno, resta scritto "
        "qui e nel registro di controllo del Comune, che non si può alterare senza che si veda."
    ),
    "Emergency accesses": "Accessi in emergenza",
    "%(name)s (%(facility)s) opened your record without your consent on %(when)s, until "
    "%(until)s. Reason given: %(reason)s": (
        "%(name)s (%(facility)s) ha aperto il tuo Fascicolo senza il tuo consenso il %(when)s, "
        "fino alle %(until)s. Motivo indicato: %(reason)s"
    ),
    "When": "Quando",
    "Who": "Chi",
    "What": "Cosa",
    "Legal basis": "Base giuridica",
    "registry no. %(number)s": "iscrizione all'albo n. %(number)s",
    "List of your documents (%(count)s shown)": "Elenco dei tuoi documenti (%(count)s mostrati)",
    "Opened:": "Aperto:",
    "Reason: %(reason)s": "Motivo: %(reason)s",
    "No clinician has consulted your record yet.": (
        "Nessun medico ha ancora consultato il tuo Fascicolo."
    ),
    "Back to your health record": "Torna al tuo Fascicolo Sanitario",
    # Clinicians
    "Consult a health record": "Consulta un Fascicolo Sanitario",
    "You can consult a patient's documents only if they have given consent, or in an "
    "emergency by stating a reason. Every consultation is recorded and the patient sees it.": (
        "Puoi consultare i documenti di un paziente solo se ha dato il consenso, oppure in "
        "emergenza indicandone il motivo. Ogni consultazione viene registrata e il paziente la "
        "vede."
    ),
    "Patient's fiscal code": "Codice fiscale del paziente",
    "Search": "Cerca",
    "Emergency accesses to review": "Accessi in emergenza da verificare",
    "Emergency access (break-glass)": "Accesso in emergenza (accesso straordinario)",
    "The patient has not given consent. Your emergency access ends at %(until)s. Reason "
    "recorded: %(reason)s": (
        "Il paziente non ha dato il consenso. Il tuo accesso in emergenza termina il %(until)s. "
        "Motivo registrato: %(reason)s"
    ),
    "Consultation allowed by the patient's consent": "Consultazione consentita dal paziente",
    "Health record of %(cf)s": "Fascicolo Sanitario di %(cf)s",
    "Documents: %(count)s": "Documenti: %(count)s",
    "No documents to show.": "Nessun documento da mostrare.",
    "Back to the document list": "Torna all'elenco dei documenti",
    "Consultation not allowed": "Consultazione non consentita",
    "This patient has not allowed clinicians to consult their record.": (
        "Questo paziente non ha consentito ai medici di consultare il suo Fascicolo."
    ),
    "In an emergency you may open the record without consent. State the reason: it is "
    "recorded in the audit log, the patient sees it with your name and facility, and the "
    "access is reviewed. It lasts %(minutes)s minutes.": (
        "In emergenza puoi aprire il Fascicolo senza consenso. Indica il motivo: viene scritto "
        "nel registro di controllo, il paziente lo vede con il tuo nome e la tua struttura e "
        "l'accesso viene verificato. Dura %(minutes)s minuti."
    ),
    "Reason for the emergency access": "Motivo dell'accesso in emergenza",
    "At least %(min)s characters.": "Almeno %(min)s caratteri.",
    "Open emergency access": "Apri l'accesso in emergenza",
    "Emergency access open until %(time)s. The patient will see it, with your reason.": (
        "Accesso in emergenza aperto fino al %(time)s. Il paziente lo vedrà, con il motivo "
        "indicato."
    ),
    "Every access opened without the patient's consent, with its reason and how many "
    "consultations it was used for.": (
        "Ogni accesso aperto senza il consenso del paziente, con il motivo e il numero di "
        "consultazioni fatte."
    ),
    "Opened": "Aperto il",
    "Clinician": "Medico",
    "Patient": "Paziente",
    "Reason": "Motivo",
    "Until": "Fino al",
    "Consultations": "Consultazioni",
    "active": "attivo",
    "No emergency accesses so far.": "Nessun accesso in emergenza finora.",
    # Timeline of the patient's health-record pratica
    "Consent to consult your health record given": (
        "Consenso alla consultazione del Fascicolo Sanitario dato"
    ),
    "Consent to consult your health record withdrawn": (
        "Consenso alla consultazione del Fascicolo Sanitario revocato"
    ),
    "Health document hidden from clinicians": "Documento sanitario oscurato ai medici",
    "Health document shown again to clinicians": "Documento sanitario di nuovo visibile ai medici",
    "Emergency access to your health record by a clinician": (
        "Accesso in emergenza di un medico al tuo Fascicolo Sanitario"
    ),
}
