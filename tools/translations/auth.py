"""Italian texts for the login pages (merged into the catalogue by tools/i18n.py fill)."""

IT = {
    "Regional identity providers that use OpenID Connect.": (
        "Gestori di identità regionali che usano OpenID Connect."
    ),
    "Log in with %(provider)s": "Entra con %(provider)s",
    "A stronger login is needed": "Serve un accesso più sicuro",
    "SPID level %(level)s required": "Serve SPID di livello %(level)s",
    "This page holds information that needs a login with SPID level %(level)s (password and a "
    "one-time code or the app of your identity provider). You logged in with level "
    "%(current)s.": (
        "Questa pagina contiene informazioni che richiedono l'accesso con SPID di livello "
        "%(level)s (password e un codice temporaneo o l'app del tuo gestore di identità). Hai "
        "effettuato l'accesso con il livello %(current)s."
    ),
    "Log in again: you will come back to this page.": (
        "Accedi di nuovo: tornerai a questa pagina."
    ),
    "Log in again with %(provider)s": "Accedi di nuovo con %(provider)s",
    "Back to your personal area": "Torna alla tua area personale",
    "The page you asked for needs SPID level %(level)s: your identity provider will ask for a "
    "one-time code or its app.": (
        "La pagina richiesta vuole SPID di livello %(level)s: il tuo gestore di identità ti "
        "chiederà un codice temporaneo o la sua app."
    ),
    "logged in with CIE": "accesso con CIE",
    "logged in with OpenID Connect, level %(level)s": (
        "accesso con OpenID Connect, livello %(level)s"
    ),
    "logged in with SPID level %(level)s": "accesso con SPID livello %(level)s",
    "This page needs a login with SPID level %(level)s.": (
        "Questa pagina richiede l'accesso con SPID di livello %(level)s."
    ),
    "This login was not started in this browser, or it took too long. For your safety we did "
    "not complete it: please start the login again from this page.": (
        "Questo accesso non è stato avviato da questo browser, oppure è durato troppo. Per la "
        "tua sicurezza non l'abbiamo completato: avvia di nuovo l'accesso da questa pagina."
    ),
    "You are already logged in as another person in this browser. Log out first, then log in "
    "with the other identity.": (
        "In questo browser sei già entrato come un'altra persona. Esci prima, poi accedi con "
        "l'altra identità."
    ),
    "We found no login under way for this answer. Please start the login again.": (
        "Non risulta nessun accesso in corso per questa risposta. Avvia di nuovo l'accesso."
    ),
    "The login took too long. Please start it again.": (
        "L'accesso è durato troppo. Avvialo di nuovo."
    ),
    "Logout request not accepted": "Richiesta di uscita non accettata",
    "We could not verify this logout request from your identity provider, so nothing was "
    "changed here.": (
        "Non è stato possibile verificare questa richiesta di uscita del tuo gestore di "
        "identità: qui non è cambiato nulla."
    ),
}
