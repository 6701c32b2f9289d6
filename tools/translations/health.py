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
FSE_RULES = {
    "%(name)s (%(facility)s) opened the record without consent or outside a care relationship "
    "on %(when)s, until %(until)s. Reason given: %(reason)s": (
        "%(name)s (%(facility)s) ha aperto il fascicolo senza consenso o fuori da una relazione "
        "di cura il %(when)s, fino alle %(until)s. Motivo dichiarato: %(reason)s"
    ),
    "%(name)s may now consult the record, while consent is given.": (
        "%(name)s ora può consultare il fascicolo, finché il consenso è dato."
    ),
    "Allow this clinician": "Autorizza questo medico",
    "Back to the health record": "Torna al fascicolo sanitario",
    "Besides your general practitioner and the facilities treating you, you may allow a "
    "specific clinician (for example a specialist you see privately).": (
        "Oltre al tuo medico di base e alle strutture che ti hanno in cura, puoi autorizzare un "
        "medico in particolare (per esempio uno specialista che vedi privatamente)."
    ),
    "Care relationship: %(relationship)s": "Relazione di cura: %(relationship)s",
    "Clinician allowed to consult the health record": (
        "Medico autorizzato a consultare il fascicolo sanitario"
    ),
    "Clinician no longer allowed to consult the health record": (
        "Medico non più autorizzato a consultare il fascicolo sanitario"
    ),
    "Clinicians you name": "Medici che autorizzi tu",
    "Consent given: the clinicians with a care relationship (general practitioner, an open "
    "episode, or named below) can now consult the record.": (
        "Consenso dato: i medici con una relazione di cura (medico di base, un episodio di "
        "cura aperto, o indicati qui sotto) ora possono consultare il fascicolo."
    ),
    "Consent withdrawn: from now on no clinician can consult the record.": (
        "Consenso revocato: da ora nessun medico può consultare il fascicolo."
    ),
    "Decisions on the record": "Decisioni sul fascicolo",
    "Emergency access open until %(time)s. The patient will see it, with your reason, and the "
    "privacy officer will review it.": (
        "Accesso in emergenza aperto fino alle %(time)s. La persona assistita lo vedrà, con il "
        "tuo motivo, e il referente privacy lo verificherà."
    ),
    "Emergency access reviewed by the privacy officer": (
        "Accesso in emergenza verificato dal referente privacy"
    ),
    "Every access opened without the patient's consent or outside a care relationship, with "
    "its reason and how many consultations it was used for. Mark each one justified or not: "
    "the patient sees the outcome. Your look at this list is recorded in the audit log.": (
        "Ogni accesso aperto senza il consenso della persona assistita o fuori da una relazione "
        "di cura, con il motivo e il numero di consultazioni fatte. Indica se ciascuno è "
        "giustificato: la persona ne vede l'esito. La tua consultazione di questo elenco è "
        "registrata nel registro di audit."
    ),
    "Every time someone looks at the list of documents or opens one, it is written here and in "
    "the tamper-evident audit log: clinicians, the patient, a parent or guardian.": (
        "Ogni volta che qualcuno guarda l'elenco dei documenti o ne apre uno, viene scritto qui e "
        "nel registro di audit a prova di manomissione: medici, la persona assistita, un "
        "genitore o tutore."
    ),
    "Fiscal code of the clinician": "Codice fiscale del medico",
    "Health record of %(name)s": "Fascicolo sanitario di %(name)s",
    "Hidden by the patient: you see it as its author": (
        "Oscurato dalla persona assistita: lo vedi perché ne sei l'autore"
    ),
    "Justified": "Giustificato",
    "List of the documents (%(count)s shown)": "Elenco dei documenti (%(count)s mostrati)",
    "No clinician may consult your record, except in an emergency: then they must state a "
    "reason, the access lasts one hour, the privacy officer reviews it and you see it in the "
    "access log.": (
        "Nessun medico può consultare il tuo fascicolo, tranne in emergenza: allora deve "
        "dichiarare un motivo, l'accesso dura un'ora, il referente privacy lo verifica e tu lo "
        "vedi nel registro degli accessi."
    ),
    "Nobody has consulted the record yet.": "Nessuno ha ancora consultato il fascicolo.",
    "Not justified": "Non giustificato",
    "Not yet reviewed by the privacy officer.": "Non ancora verificato dal referente privacy.",
    "Privacy officer: %(outcome)s": "Referente privacy: %(outcome)s",
    "Records you manage as parent or guardian": "Fascicoli che gestisci come genitore o tutore",
    "Remove": "Rimuovi",
    "Remove %(name)s": "Rimuovi %(name)s",
    "Review": "Verifica",
    "Review recorded: the patient sees it in their access log.": (
        "Verifica registrata: la persona assistita la vede nel suo registro degli accessi."
    ),
    "The choice was already recorded: nothing changed.": (
        "La scelta era già registrata: non è cambiato nulla."
    ),
    "The clinician can no longer consult the record.": (
        "Il medico non può più consultare il fascicolo."
    ),
    "The document is now hidden from clinicians, except its author.": (
        "Ora il documento è oscurato ai medici, tranne a chi lo ha redatto."
    ),
    "This fiscal code is not a clinician of the regional registry.": (
        "Questo codice fiscale non è di un medico dell'anagrafe regionale."
    ),
    "Who consulted the health record": "Chi ha consultato il fascicolo sanitario",
    "Who consulted the health record of %(name)s": (
        "Chi ha consultato il fascicolo sanitario di %(name)s"
    ),
    "Who consulted the record (%(count)s consultations)": (
        "Chi ha consultato il fascicolo (%(count)s consultazioni)"
    ),
    "Without the patient's consent or outside a care relationship. Your emergency access ends "
    "at %(until)s. Reason recorded: %(reason)s. The privacy officer reviews it.": (
        "Senza il consenso della persona assistita o fuori da una relazione di cura. Il tuo "
        "accesso in emergenza termina alle %(until)s. Motivo registrato: %(reason)s. Il "
        "referente privacy lo verifica."
    ),
    "You have no care relationship with this patient: you are not their general practitioner, "
    "your facility has no open episode of care for them, and they have not named you.": (
        "Non hai una relazione di cura con questa persona: non sei il suo medico di base, la tua "
        "struttura non ha un episodio di cura aperto per lei e non ti ha indicato."
    ),
    "You see and manage this record as parent or guardian. Everything you do here is recorded "
    "in %(name)s's access log, in your name.": (
        "Vedi e gestisci questo fascicolo come genitore o tutore. Tutto ciò che fai qui è "
        "registrato nel registro degli accessi di %(name)s, a tuo nome."
    ),
    "general practitioner of record": "medico di base",
    "justified": "giustificato",
    "named by the patient": "indicato dalla persona assistita",
    "not justified": "non giustificato",
    "only its author still sees it": "lo vede solo chi lo ha redatto",
    "open episode of care at their facility": "episodio di cura aperto nella sua struttura",
    "parent or guardian": "genitore o tutore",
    "parent or guardian, on behalf of the patient": (
        "genitore o tutore, per conto della persona assistita"
    ),
    "privacy officer": "referente privacy",
    "since %(when)s: your general practitioner, the clinicians of a facility where you have an "
    "open episode of care (an admission, a booked visit, a referral) and the clinicians you "
    "name below may consult the documents you have not hidden.": (
        "dal %(when)s: il tuo medico di base, i medici di una struttura dove hai un episodio di "
        "cura aperto (un ricovero, una visita prenotata, un'impegnativa) e i medici che indichi "
        "qui sotto possono consultare i documenti che non hai oscurato."
    ),
    "the patient": "la persona assistita",
    "You are not in the regional registry of practitioners.": (
        "Non risulti nell'anagrafe regionale dei professionisti sanitari."
    ),
}
IT.update(FSE_RULES)
