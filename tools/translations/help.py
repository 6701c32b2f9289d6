"""Italian texts for help (appointments, call-backs, the clerks' queue) and the message inbox."""

IT = {
    "%(n)d min": "%(n)d min",
    "1. Choose the office": "1. Scegli l'ufficio",
    "2. Choose the day and the time": "2. Scegli il giorno e l'ora",
    "3. What do you need help with?": "3. Per che cosa ti serve aiuto?",
    "A clerk is handling it": "Un operatore se ne sta occupando",
    "A clerk is handling your request": "Un operatore si sta occupando della tua richiesta",
    "A clerk will call you as soon as possible during office hours.": (
        "Un operatore ti chiamerà appena possibile, in orario d'ufficio."
    ),
    "Add to calendar": "Aggiungi al calendario",
    "Address": "Indirizzo",
    "Appointment": "Appuntamento",
    "Appointment booked": "Appuntamento prenotato",
    "Appointment moved": "Appuntamento spostato",
    "As soon as possible": "Appena possibile",
    "Ask for a call-back": "Chiedi di essere richiamato",
    "Ask us to call you back": "Chiedi di essere richiamato",
    "At most %(n)d characters.": "Al massimo %(n)d caratteri.",
    "Attachments": "Allegati",
    "Attempts": "Tentativi",
    "Back": "Indietro",
    "Back to help": "Torna all'assistenza",
    "Back to the queue": "Torna alla coda",
    "Book": "Prenota",
    "Book an appointment": "Prenota un appuntamento",
    "Book an appointment at a desk": "Prenota un appuntamento allo sportello",
    "Booked": "Prenotato",
    "Booking code": "Codice di prenotazione",
    "Booking sheet (PDF)": "Foglio di prenotazione (PDF)",
    "By e-mail, also send me": "Inviami anche via e-mail",
    "Call-back": "Richiamata",
    "Call-back requested": "Richiesta di essere richiamati",
    "Choose a date and time.": "Scegli un giorno e un orario.",
    "Choose how we write to you": "Scegli come scriverti",
    "Choose the new day and time": "Scegli il nuovo giorno e orario",
    "Choose the office, the day and the time. You get a booking code to show at the desk.": (
        "Scegli l'ufficio, il giorno e l'ora. Riceverai un codice di prenotazione da mostrare "
        "allo sportello."
    ),
    "Choose when we should call you.": "Scegli quando chiamarti.",
    "Close": "Chiudi",
    "Closed: done": "Chiusa: completata",
    "Closed: no answer": "Chiusa: nessuna risposta",
    "Code": "Codice",
    "Do you want to stop receiving these messages by e-mail?": (
        "Vuoi smettere di ricevere questi messaggi via e-mail?"
    ),
    "Done": "Completata",
    "Done: you will no longer receive these messages by e-mail. You will still find them in "
    "your inbox on the portal.": (
        "Fatto: non riceverai più questi messaggi via e-mail. Li troverai comunque nei messaggi "
        "della tua area personale."
    ),
    "Due": "Previsto",
    "E-mail address": "Indirizzo e-mail",
    "E-mails not delivered": "E-mail non recapitate",
    "Enter a valid e-mail address, such as name@example.org.": (
        "Inserisci un indirizzo e-mail valido, ad esempio nome@esempio.it."
    ),
    "Every message reaches your inbox in the personal area. By e-mail we also send you the "
    "ones you choose here; messages you must receive by law (receipts, accesses to your health "
    "record) always arrive.": (
        "Ogni messaggio arriva nella tua area personale. Via e-mail ti inviamo anche quelli che "
        "scegli qui; i messaggi che per legge devi ricevere (ricevute, accessi al tuo Fascicolo "
        "Sanitario) arrivano sempre."
    ),
    "Every step is also in your transactions, in the personal area.": (
        "Ogni passaggio è anche tra le tue pratiche, nell'area personale."
    ),
    "Find": "Cerca",
    "Fiscal code of the citizen": "Codice fiscale del cittadino",
    "Help": "Assistenza",
    "Help queue": "Coda assistenza",
    "Help requested from the municipal staff": "Chiesto aiuto al personale del Comune",
    "Is it about one of your transactions? (optional)": (
        "Riguarda una delle tue pratiche? (facoltativo)"
    ),
    "Kind": "Tipo",
    "Language of the messages": "Lingua dei messaggi",
    "Last error": "Ultimo errore",
    "Leave it empty to receive messages only in the portal.": (
        "Lascialo vuoto per ricevere i messaggi solo nel portale."
    ),
    "Leave only your phone number and what it is about. We see nothing else about you.": (
        "Lascia solo il tuo numero di telefono e l'argomento. Non vediamo nient'altro di te."
    ),
    "Leave your number and tell us when: a clerk calls you and can follow your transaction "
    "with you.": (
        "Lascia il tuo numero e dicci quando: un operatore ti chiama e può seguire la pratica "
        "insieme a te."
    ),
    "Link not valid": "Link non valido",
    "Message": "Messaggio",
    "Message preferences": "Preferenze dei messaggi",
    "Messages": "Messaggi",
    "Messages to a citizen whose e-mail has not arrived yet: the system keeps trying with "
    "growing pauses; a refused message is not retried.": (
        "Messaggi a un cittadino la cui e-mail non è ancora arrivata: il sistema riprova a "
        "intervalli crescenti; un messaggio rifiutato non viene ritentato."
    ),
    "Messages you must receive by law will still arrive, and every message stays in your "
    "inbox on the portal.": (
        "I messaggi che per legge devi ricevere arriveranno comunque, e ogni messaggio resta "
        "nella tua area personale."
    ),
    "Move": "Sposta",
    "Move the appointment": "Sposta l'appuntamento",
    "Need help?": "Serve aiuto?",
    "New": "Nuovo",
    "New date and time (only if rescheduled)": "Nuova data e ora (solo se riprogrammata)",
    "Next attempt": "Prossimo tentativo",
    "No answer / did not come": "Nessuna risposta / non si è presentato",
    "No e-mail waiting or refused for this citizen.": (
        "Nessuna e-mail in attesa o rifiutata per questo cittadino."
    ),
    "No free slots in the next two weeks. Ask for a call-back instead.": (
        "Nessun orario libero nelle prossime due settimane. Chiedi piuttosto di essere richiamato."
    ),
    "No request with the code %(code)s: check it with the citizen.": (
        "Nessuna richiesta con il codice %(code)s: verificalo con il cittadino."
    ),
    "No, something else": "No, altro",
    "Nobody is waiting.": "Nessuno in attesa.",
    "Note": "Nota",
    "Offices and opening hours": "Uffici e orari di apertura",
    "Open": "Apri",
    "Outcome": "Esito",
    "Phone number": "Numero di telefono",
    "Refused, not retried": "Rifiutata, non ritentata",
    "Reminders: deadlines of payment notices and appointments": (
        "Promemoria: scadenze degli avvisi di pagamento e appuntamenti"
    ),
    "Request for help cancelled": "Richiesta di assistenza annullata",
    "Request for help closed": "Richiesta di assistenza chiusa",
    "Request received": "Richiesta ricevuta",
    "Rescheduled": "Riprogrammata",
    "Rescheduled by the clerk": "Riprogrammata dall'operatore",
    "Save": "Salva",
    "Security: who accessed your data": "Sicurezza: chi ha consultato i tuoi dati",
    "Stalled, still retried": "Bloccata, si continua a ritentare",
    "Stop e-mail messages": "Interrompi i messaggi e-mail",
    "Take": "Prendi in carico",
    "Tell us briefly what you need.": "Dicci in breve di che cosa hai bisogno.",
    "The municipal staff can help you with any online service: at the desk, or on the phone.": (
        "Il personale del Comune può aiutarti con qualsiasi servizio online: allo sportello o "
        "al telefono."
    ),
    "This appointment can no longer be changed.": "Questo appuntamento non si può più modificare.",
    "This is not a valid fiscal code.": "Questo non è un codice fiscale valido.",
    "This link is not valid. You can choose which messages to receive in your personal area, "
    "under message preferences.": (
        "Questo link non è valido. Puoi scegliere quali messaggi ricevere nella tua area "
        "personale, alla voce preferenze dei messaggi."
    ),
    "This time cannot be booked: please choose one of the times shown.": (
        "Questo orario non è prenotabile: scegli uno degli orari proposti."
    ),
    "This time has just been booked by someone else: please choose another.": (
        "Questo orario è appena stato prenotato da un'altra persona: scegline un altro."
    ),
    "Topic": "Argomento",
    "Transaction": "Pratica",
    "Updates on your transactions: receipts, things to confirm, appointments": (
        "Aggiornamenti sulle tue pratiche: ricevute, cose da confermare, appuntamenti"
    ),
    "Visitor (not logged in)": "Visitatore (non autenticato)",
    "Waiting": "Attesa",
    "Waiting for a retry": "In attesa di un nuovo tentativo",
    "Waiting for the call": "In attesa della chiamata",
    "We call": "Ti chiamiamo al",
    "We will call you back": "Ti richiameremo",
    "What do you need help with?": "Per che cosa ti serve aiuto?",
    "What the municipality sent you: receipts, deadlines, appointments and things to confirm.": (
        "Quello che il Comune ti ha inviato: ricevute, scadenze, appuntamenti e cose da confermare."
    ),
    "When should we call you?": "Quando possiamo chiamarti?",
    "Where": "Dove",
    "Written on": "Scritto il",
    "Yes, stop these e-mails": "Sì, interrompi queste e-mail",
    "You have no messages.": "Non hai messaggi.",
    "You have not asked for help yet.": "Non hai ancora chiesto assistenza.",
    "You will be asked to log in with SPID or CIE.": "Ti verrà chiesto di entrare con SPID o CIE.",
    "Your preferences have been saved.": "Le tue preferenze sono state salvate.",
    "Your request code": "Codice della tua richiesta",
    "Your requests for help": "Le tue richieste di assistenza",
    "appointments of %(n)d minutes": "appuntamenti di %(n)d minuti",
    "in %(n)d min": "tra %(n)d min",
    "now booked for %(when)s": "ora prenotato per il %(when)s",
    "waiting for %(n)d min": "in attesa da %(n)d min",
    "Already on the phone with a clerk? Share one of your requests with them, live.": (
        "Sei già al telefono con un operatore? "
        "Condividi con lui una delle tue pratiche, in diretta."
    ),
    "Share a request with the clerk": "Condividi una pratica con l'operatore",
}
