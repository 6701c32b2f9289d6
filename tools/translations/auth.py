"""Italian texts for the login pages (merged into the catalogue by tools/i18n.py fill)."""

IT = {
    "Regional identity providers that use OpenID Connect.": (
        "Gestori di identità regionali che usano OpenID Connect."
    ),
    "Log in with %(provider)s": "Entra con %(provider)s",
}
