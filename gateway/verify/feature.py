"""Public verification of sealed documents."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..features import Feature, Link, Mount, Service
from .views import bp

FEATURE = Feature(
    name="verify",
    mounts=(Mount(bp, "public"),),
    services=(
        Service(
            slug="verifica_documento",
            label=_l("Verify a document"),
            description=_l("Check that a receipt or a certificate issued here is genuine."),
            access=Link(_l("Verify a document"), "verify.verify_page"),
            topic=_l("Documents"),
            audience=_l(
                "Anyone who was given a receipt or a certificate of the municipality: an office,"
                " a school, a sports club. No login is needed."
            ),
            how=(
                _l("Open the verification page."),
                _l("Choose the PDF file of the document, or paste the code read from its QR code."),
                _l("The page says whether the seal is genuine and what the document certifies."),
            ),
            needs=(_l("The PDF of the document, or the text of its QR code."),),
            times=_l("The answer comes at once."),
            cost=_l("Free of charge."),
        ),
    ),
)
