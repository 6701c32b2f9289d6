"""The official SPID and CIE access buttons: which kit logo belongs to which identity provider.

The list of identity providers is always the trusted registry's (``providers.py``): this
table only gives a provider found there the logo AgID's kit draws for it
(``static/access-kits/spid-sp-access-button/img``, by entity ID as the SPID registry lists
them). A provider the kit does not know (a regional one, the test IdP) is shown by its name.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import TypeVar

SPID_KIT = "access-kits/spid-sp-access-button"
CIE_KIT = "access-kits/cie-graphics"

# entity ID -> (the kit's logo, the organisation's name as the kit writes it: spid-idps.js)
SPID_IDPS = {
    "https://loginspid.aruba.it": ("spid-idp-arubaid.svg", "ArubaPEC S.p.A."),
    "https://id.eht.eu": ("spid-idp-etnaid.svg", "EtnaHitech S.C.p.A."),
    "https://loginspid.infocamere.it": ("spid-idp-infocamereid.svg", "InfoCamere S.C.p.A."),
    "https://identity.infocert.it": ("spid-idp-infocertid.svg", "InfoCert S.p.A."),
    "https://spid.intesa.it": ("spid-idp-intesaid.svg", "IN.TE.S.A. S.p.A."),
    "https://idp.intesigroup.com": ("spid-idp-intesigroupspid.svg", "Intesi Group S.p.A."),
    "https://id.lepida.it/idp/shibboleth": ("spid-idp-lepidaid.svg", "Lepida S.p.A."),
    "https://idp.namirialtsp.com/idp": ("spid-idp-namirialid.svg", "Namirial"),
    "https://posteid.poste.it": ("spid-idp-posteid.svg", "Poste Italiane SpA"),
    "https://identity.sieltecloud.it": ("spid-idp-sielteid.svg", "Sielte S.p.A."),
    "https://spid.register.it": ("spid-idp-spiditalia.svg", "Register.it S.p.A."),
    "https://spid.teamsystem.com/idp": ("spid-idp-teamsystemid.svg", "TeamSystem s.p.a."),
    "https://login.id.tim.it/affwebservices/public/saml2sso": (
        "spid-idp-timid.svg",
        "TI Trust Technologies srl",
    ),
}

# The kit's own links under the list (the AgID rules ask for them), in its words.
SPID_INFO_URL = "https://www.spid.gov.it"
SPID_REQUEST_URL = "https://www.spid.gov.it/richiedi-spid"
SPID_HELP_URL = "https://www.spid.gov.it/serve-aiuto"
CIE_INFO_URL = "https://www.cartaidentita.interno.gov.it/"


def spid_logo(entity_id: str) -> str | None:
    """The static path of the kit's logo for this IdP, or None when the kit has none."""
    known = SPID_IDPS.get(entity_id)
    return f"{SPID_KIT}/img/{known[0]}" if known else None


def spid_name(entity_id: str, display_name: str | None) -> str:
    """The name a person reads (and a logo's text): the source's, else the kit's, else the
    entity ID."""
    if display_name:
        return display_name
    known = SPID_IDPS.get(entity_id)
    return known[1] if known else entity_id


T = TypeVar("T")


def in_random_order(items: Sequence[T]) -> list[T]:
    """The IdPs in a new random order for each page, as the SPID button's rules ask: no IdP
    is favoured by being first."""
    return secrets.SystemRandom().sample(list(items), len(items))
