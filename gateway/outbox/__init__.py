"""The outbox: deliveries to legacy systems queued with the state change, sent by a worker."""

from .delivery import (
    DeliveryStats,
    Handler,
    OutboxHandlers,
    PermanentFailure,
    deliver_due,
    enqueue,
    next_delay,
)

__all__ = [
    "DeliveryStats",
    "Handler",
    "OutboxHandlers",
    "PermanentFailure",
    "deliver_due",
    "enqueue",
    "next_delay",
]
