"""Messages: the inbox, unsubscribing from e-mail, the clerks' delivery problems, the sender."""

from __future__ import annotations

from ..features import Feature, Mount
from .area import INBOX
from .delivery import email_sender
from .service import EMAIL_TOPIC
from .views import deliveries, inbox, unsubscribe_bp

FEATURE = Feature(
    name="notifications",
    mounts=(
        Mount(inbox, "citizen", "/area-personale"),
        Mount(unsubscribe_bp, "public"),
        Mount(deliveries, "clerk", "/sportello/notifiche"),
    ),
    outbox={EMAIL_TOPIC: email_sender},
    area_sections=(INBOX,),
)
