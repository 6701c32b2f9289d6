"""Italian texts for live help: the shared view of one request between citizen and clerk."""

IT = {
    "%(citizen)s: %(title)s": "%(citizen)s: %(title)s",
    "%(name)s invites you to a live help session": (
        "%(name)s ti invita a una sessione di assistenza dal vivo"
    ),
    "%(name)s, municipal clerk, sees this request and can propose answers.": (
        "%(name)s, operatore del Comune, vede questa pratica e può proporti delle risposte."
    ),
    "A payment notice can be prepared only for a fine's payment.": (
        "Si può preparare un avviso di pagamento solo per il pagamento di una multa."
    ),
    "Accept": "Accetta",
    "Accept and share": "Accetta e condividi",
    "Answer": "Risposta",
    "Answers of the request": "Risposte della pratica",
    "Change the answers you want to propose: the citizen sees each change and decides.": (
        "Modifica le risposte che vuoi proporre: il cittadino vede ogni modifica e decide."
    ),
    "End the shared session": "Termina la sessione condivisa",
    "Enter a valid fiscal code.": "Inserisci un codice fiscale valido.",
    "Get a code for the clerk": "Ottieni un codice per l'operatore",
    "Invitation sent: the session opens when the citizen accepts it.": (
        "Invito inviato: la sessione si apre quando il cittadino lo accetta."
    ),
    "Invitation to %(cf)s, waiting": "Invito a %(cf)s, in attesa",
    "Invitations": "Inviti",
    "It works once, for a few minutes, and only for a municipal clerk.": (
        "Vale una sola volta, per pochi minuti, e solo per un operatore del Comune."
    ),
    "Join": "Entra",
    "Join with the code the citizen reads you": "Entra con il codice che il cittadino ti legge",
    "Live help": "Assistenza dal vivo",
    "Live help session ended": "Sessione di assistenza dal vivo terminata",
    "Live help session started": "Sessione di assistenza dal vivo avviata",
    "Live help with a clerk": "Assistenza dal vivo con un operatore",
    "Live help: %(title)s": "Assistenza dal vivo: %(title)s",
    "Live help: shared view of a request": "Assistenza dal vivo: vista condivisa di una pratica",
    "My area": "La mia area",
    "No session waits for this code, or it has expired: ask the citizen for a new one.": (
        "Nessuna sessione attende questo codice, oppure è scaduto: chiedine uno nuovo al cittadino."
    ),
    "On the phone with the municipal staff? Share one request: the clerk sees only that "
    "request and can propose answers, which count only when you accept them.": (
        "Sei al telefono con il personale del Comune? Condividi una pratica: l'operatore vede "
        "solo quella e può proporti delle risposte, che valgono solo se le accetti."
    ),
    "Or invite the citizen": "Oppure invita il cittadino",
    "Payment notices": "Avvisi di pagamento",
    "Propose answers": "Proponi risposte",
    "Propose the changed answers": "Proponi le risposte modificate",
    "Propose to prepare the payment notice": "Proponi di preparare l'avviso di pagamento",
    "Proposal not found.": "Proposta non trovata.",
    "Proposal sent: it counts only when the citizen accepts it.": (
        "Proposta inviata: vale solo quando il cittadino la accetta."
    ),
    "Proposals": "Proposte",
    "Proposals from the clerk": "Proposte dell'operatore",
    "Proposed: %(value)s": "Proposta: %(value)s",
    "Question": "Domanda",
    "Read this code to the clerk": "Leggi questo codice all'operatore",
    "Reference": "Codice pratica",
    "Reject": "Rifiuta",
    "Request to share": "Pratica da condividere",
    "Send for the citizen (delegation no. %(id)s)": "Invia per il cittadino (delega n. %(id)s)",
    "Send the invitation": "Invia l'invito",
    "Session code": "Codice di sessione",
    "Share a request and get a code": "Condividi una pratica e ottieni un codice",
    "Shared session not found.": "Sessione condivisa non trovata.",
    "Some proposed values are not valid.": "Alcuni valori proposti non sono validi.",
    "Status": "Stato",
    "The citizen accepted the clerk's proposal": (
        "Il cittadino ha accettato la proposta dell'operatore"
    ),
    "The citizen answered a proposal.": "Il cittadino ha risposto a una proposta.",
    "The citizen rejected the clerk's proposal": (
        "Il cittadino ha rifiutato la proposta dell'operatore"
    ),
    "The clerk proposed a new answer.": "L'operatore ha proposto una nuova risposta.",
    "The clerk proposed an answer": "L'operatore ha proposto una risposta",
    "The code is shown only once. End this session and start again for a new one.": (
        "Il codice si vede una sola volta. Termina questa sessione e ricomincia per averne uno "
        "nuovo."
    ),
    "The shared session has ended.": "La sessione condivisa è terminata.",
    "The shared session has ended: the clerk no longer sees your request.": (
        "La sessione condivisa è terminata: l'operatore non vede più la tua pratica."
    ),
    "These values are already in the request.": "Questi valori sono già nella pratica.",
    "This invitation has expired.": "Questo invito è scaduto.",
    "This proposal has already been answered.": "A questa proposta hai già risposto.",
    "This request has no form to fill in.": "Questa pratica non ha un modulo da compilare.",
    "This request is closed: there is nothing left to do together.": (
        "Questa pratica è chiusa: non resta nulla da fare insieme."
    ),
    "This shared session has ended.": "Questa sessione condivisa è terminata.",
    "What the citizen sees": "Che cosa vede il cittadino",
    "You have no open request to share.": "Non hai pratiche aperte da condividere.",
    "Your live sessions": "Le tue sessioni dal vivo",
    "Your sessions": "Le tue sessioni",
    "accepted": "accettata",
    "expired": "scaduta",
    "rejected": "rifiutata",
    "replaced": "sostituita",
    "waiting for the citizen": "in attesa del cittadino",
}
