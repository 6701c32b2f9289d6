"""Messages that bring the citizen back: the portal inbox and e-mail through the outbox.

Other slices call ``notify`` (see ``service``); everything else here serves it.
"""

from .service import AttachmentRef, notify

__all__ = ["AttachmentRef", "notify"]
