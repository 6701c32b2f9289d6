"""Italian texts for the core pages and messages (merged by tools/i18n.py fill)."""

IT = {
    "We cannot reach %(system)s right now. The rest of the portal works: "
    "please try this page again in a few minutes.": (
        "In questo momento non riusciamo a raggiungere %(system)s. Il resto del portale "
        "funziona: riprova questa pagina tra qualche minuto."
    ),
    "the municipal police's fines system": "il sistema delle multe della Polizia Locale",
    "the regional health record": "il Fascicolo Sanitario regionale",
    "the regional school registry": "l'anagrafe scolastica regionale",
    "Patients": "Pazienti",
}
