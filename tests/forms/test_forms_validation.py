import datetime as dt

import pytest

from forms import Choice, FormRegistry, MissingChoices, field_states, summary, to_json, validate
from gateway.i18n import load_language

TODAY = dt.date(2026, 11, 23)
REGISTRY = FormRegistry.load()
SCHOOL = REGISTRY.get("certificato_scolastico")
FINES = REGISTRY.get("multa_rateizzazione_ricorso")
CONSENT = REGISTRY.get("consenso_fse")

CHILDREN = {
    "children": [
        Choice.of("RSSSFO12P50H501K", "Sofia Rossi"),
        Choice.of("RSSMRC15D22H501V", "Marco Rossi"),
    ]
}
FINE_CHOICES = {
    "fines": [Choice.of("V-2026-000123", "Verbale V-2026-000123 del 12/10/2026, 87,00 €")]
}  # fmt: skip
ITALIAN, ENGLISH = load_language("it"), load_language("en")


def school(**data):
    return validate(SCHOOL, data, choices=CHILDREN, today=TODAY)


def fines(data, **kwargs):
    return validate(FINES, data, choices=FINE_CHOICES, today=TODAY, **kwargs)


def codes(result):
    return {name: [e.code for e in errs] for name, errs in result.errors.items()}


GOOD_SCHOOL = {
    "alunno": "RSSSFO12P50H501K",
    "tipo_certificato": "frequenza",
    "uso": "sport",
    "consegna": "download",
}


def test_a_complete_request_is_clean():
    result = school(**GOOD_SCHOOL, csrf_token="ignored")
    assert result.ok
    assert result.cleaned == {**GOOD_SCHOOL, "esenzione_bollo": False}
    assert SCHOOL.fee_due_cents(result.cleaned) == 1600


def test_every_error_is_returned_at_once():
    result = fines(
        {
            "verbale": "V-2025-999999",  # not one of the citizen's fines
            "tipo_richiesta": "ricorso_prefetto",
            "motivi_ricorso": "troppo breve",
            "allegato": {"name": "foto.png", "content_type": "image/png", "size": 9_000_000},
            "iban_rimborso": "IT61X0542811101000000123456",
            "telefono": "+44 20 7946 0958",
            "email": "mario.rossi@",
        }
    )
    assert codes(result) == {
        "verbale": ["choice.invalid"],
        "motivi_ricorso": ["text.too_short"],
        "allegato": ["file.too_large"],
        "iban_rimborso": ["iban.checksum"],
        "telefono": ["phone.country"],
        "email": ["email.format"],
    }
    assert result.cleaned == {"tipo_richiesta": "ricorso_prefetto", "audizione": False}
    assert result.messages(ENGLISH)["allegato"] == ["The file is too large: at most 5 MB."]
    assert result.messages(ITALIAN)["allegato"] == ["Il file è troppo grande: al massimo 5 MB."]


def test_instalments_make_their_fields_required_and_hide_the_appeal():
    result = fines(
        {
            "verbale": "V-2026-000123",
            "tipo_richiesta": "rateizzazione",
            "motivi_ricorso": "Non ero alla guida quel giorno, ero all'estero.",
        }
    )
    assert codes(result) == {
        "numero_rate": ["required"],
        "reddito_imponibile": ["required"],
        "dichiarazione_reddito": ["required"],
    }
    assert "motivi_ricorso" not in result.cleaned  # hidden: dropped even though it was sent


def test_an_appeal_requires_grounds_but_not_instalments():
    result = fines({"verbale": "V-2026-000123", "tipo_richiesta": "ricorso_prefetto"})
    assert codes(result) == {"motivi_ricorso": ["required"]}
    states = field_states(FINES, result.cleaned)
    assert states["motivi_ricorso"].visible and states["motivi_ricorso"].required
    assert not states["numero_rate"].visible and not states["numero_rate"].required
    assert states["iban_rimborso"].visible and not states["iban_rimborso"].required


def test_complete_instalment_request():
    result = fines(
        {
            "verbale": "V-2026-000123",
            "tipo_richiesta": "rateizzazione",
            "numero_rate": "12",
            "reddito_imponibile": "9.800,00",
            "dichiarazione_reddito": "on",
            "iban_rimborso": "IT60 X054 2811 1010 0000 0123 456",
            "telefono": "333 123 4567",
        }
    )
    assert result.ok, result.errors
    assert result.cleaned["numero_rate"] == 12
    assert result.cleaned["reddito_imponibile"] == 980000
    assert result.cleaned["iban_rimborso"] == "IT60X0542811101000000123456"
    assert result.cleaned["telefono"] == "+393331234567"
    assert FINES.fee_due_cents(result.cleaned) == 0


def test_exemption_needs_a_reason_and_removes_the_fee():
    result = school(**GOOD_SCHOOL, esenzione_bollo="on")
    assert codes(result) == {"motivo_esenzione": ["required"]}
    result = school(**GOOD_SCHOOL, esenzione_bollo="on", motivo_esenzione="tab_b_art_27_bis")
    assert result.ok
    assert SCHOOL.fee_due_cents(result.cleaned) == 0
    # A reason sent without ticking the exemption is dropped and the fee is due.
    result = school(**GOOD_SCHOOL, motivo_esenzione="tab_b_art_27_bis")
    assert "motivo_esenzione" not in result.cleaned
    assert SCHOOL.fee_due_cents(result.cleaned) == 1600


def test_other_use_needs_a_description():
    assert codes(school(**{**GOOD_SCHOOL, "uso": "altro"})) == {"uso_altro": ["required"]}
    result = school(**{**GOOD_SCHOOL, "uso": "altro", "uso_altro": "  Centro estivo  "})
    assert result.cleaned["uso_altro"] == "Centro estivo"


def test_choices_come_from_the_provider():
    other_child = school(**{**GOOD_SCHOOL, "alunno": "RMNCHR95B68D612V"})
    assert codes(other_child) == {"alunno": ["choice.invalid"]}
    marco = school(**{**GOOD_SCHOOL, "alunno": "RSSMRC15D22H501V"})
    assert marco.ok
    with pytest.raises(MissingChoices) as err:
        validate(SCHOOL, GOOD_SCHOOL, today=TODAY)
    assert (err.value.provider, err.value.field) == ("children", "alunno")


def test_static_choices_are_enforced():
    assert codes(school(**{**GOOD_SCHOOL, "tipo_certificato": "diploma"})) == {
        "tipo_certificato": ["choice.invalid"]
    }


def test_partial_validation_for_drafts():
    empty = validate(SCHOOL, {}, choices=CHILDREN, partial=True, today=TODAY)
    assert empty.ok
    assert empty.cleaned == {"esenzione_bollo": False}
    draft = fines(
        {"tipo_richiesta": "rateizzazione", "reddito_imponibile": "12,345", "telefono": "12"},
        partial=True,
    )
    assert codes(draft) == {
        "reddito_imponibile": ["amount.decimals"],
        "telefono": ["phone.format"],
    }
    assert validate(SCHOOL, {}, choices=CHILDREN, today=TODAY).errors.keys() == {
        "alunno",
        "tipo_certificato",
        "uso",
        "consegna",
    }


def test_consent_date_rules():
    base = {"consenso_consultazione": "si"}
    past = validate(CONSENT, {**base, "data_decorrenza": "22/11/2026"}, today=TODAY)
    assert codes(past) == {"data_decorrenza": ["date.past_not_allowed"]}
    late = validate(CONSENT, {**base, "data_decorrenza": "2027-11-24"}, today=TODAY)
    assert codes(late) == {"data_decorrenza": ["date.too_late"]}
    assert late.errors["data_decorrenza"][0].message(ITALIAN) == (
        "La data non può essere successiva al 23/11/2027."
    )
    ok = validate(CONSENT, {**base, "data_decorrenza": "23/11/2026"}, today=TODAY)
    assert ok.cleaned == {**base, "documenti_pregressi": False, "data_decorrenza": TODAY}
    refused = validate(
        CONSENT,
        {"consenso_consultazione": "no", "documenti_pregressi": "on", "data_decorrenza": TODAY},
        today=TODAY,
    )
    assert "documenti_pregressi" not in refused.cleaned


def test_stored_drafts_validate_back_to_the_same_values():
    data = {
        "verbale": "V-2026-000123",
        "tipo_richiesta": "ricorso_prefetto",
        "motivi_ricorso": "Il segnale di divieto era coperto dalla vegetazione.\r\nAllego foto.",
        "allegato": {"name": "foto.jpg", "content_type": "image/jpeg", "size": 120_000},
        "audizione": "sì",
        "iban_rimborso": "it60x0542811101000000123456",
        "email": "Mario.Rossi@Example.IT",
    }
    first = fines(data)
    assert first.ok, first.errors
    stored = to_json(FINES, first.cleaned)
    assert fines(stored).cleaned == first.cleaned
    consent = validate(
        CONSENT, {"consenso_consultazione": "si", "data_decorrenza": "1/12/2026"}, today=TODAY
    )
    stored = to_json(CONSENT, consent.cleaned)
    assert stored["data_decorrenza"] == "2026-12-01"
    assert validate(CONSENT, stored, today=TODAY).cleaned == consent.cleaned


def test_summary_in_both_languages():
    result = fines(
        {
            "verbale": "V-2026-000123",
            "tipo_richiesta": "rateizzazione",
            "numero_rate": 6,
            "reddito_imponibile": "9800",
            "dichiarazione_reddito": True,
            "iban_rimborso": "IT60X0542811101000000123456",
        }
    )
    lines_it = dict(summary(FINES, result.cleaned, ITALIAN, choices=FINE_CHOICES))
    assert lines_it["Verbale"] == "Verbale V-2026-000123 del 12/10/2026, 87,00 €"
    assert lines_it["Cosa chiedi"] == "Pagamento a rate"
    assert lines_it["Reddito imponibile dell'ultima dichiarazione (euro)"] == "9.800,00\xa0€"
    assert lines_it["IBAN per eventuali rimborsi"] == "IT60 X054 2811 1010 0000 0123 456"
    assert "Motivi del ricorso" not in lines_it
    lines_en = summary(FINES, result.cleaned, ENGLISH, choices=FINE_CHOICES)
    # A provider's option is data, shown as the provider wrote it; the definition's are texts.
    assert ("Fine report", "Verbale V-2026-000123 del 12/10/2026, 87,00 €") in lines_en
    assert ("What you ask for", "Payment in instalments") in lines_en
    assert ("Taxable income in your last tax return (euro)", "€9,800.00") in lines_en
    labels = [label for label, _ in lines_en]
    assert labels.index("What you ask for") < labels.index("Number of monthly instalments")


def test_summary_of_a_draft_sheet():
    draft = validate(SCHOOL, {"alunno": "RSSSFO12P50H501K"}, choices=CHILDREN, partial=True)
    lines = summary(SCHOOL, draft.cleaned, ITALIAN, choices=CHILDREN, include_empty=True)
    assert lines[0] == ("Figlia o figlio", "Sofia Rossi")
    assert ("Tipo di certificato", "—") in lines
    assert ("Chiedo il rilascio in esenzione dall'imposta di bollo", "No") in lines
    assert all(label != "Motivo dell'esenzione" for label, _ in lines)  # hidden
    # Without the provider data the raw value is shown rather than nothing.
    assert summary(SCHOOL, draft.cleaned, ITALIAN)[0] == ("Figlia o figlio", "RSSSFO12P50H501K")
