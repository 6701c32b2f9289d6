"""A local SMTP server for the demo and the tests: keeps what it receives, sends nothing on.

Messages are kept in memory and, given a folder, in a Maildir there (any mail reader opens
it; ``python -m gateway.notifications.mailserver --list DIR`` prints a summary).
"""

from __future__ import annotations

import email
import email.policy
import logging
import mailbox
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, BinaryIO, cast

from aiosmtpd.controller import Controller

# aiosmtpd logs every SMTP command at INFO: too much for the demo's console.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


class _Keeper:
    def __init__(self, maildir: Path | None) -> None:
        self.received: list[ReceivedMail] = []
        self.lock = threading.Lock()
        self.maildir = mailbox.Maildir(maildir, create=True) if maildir else None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(
                ReceivedMail(envelope.mail_from, tuple(envelope.rcpt_tos), message)
            )
            if self.maildir is not None:
                self.maildir.add(raw)
        return "250 Message accepted for delivery"


class _Controller(Controller):
    def _trigger_server(self) -> None:
        # Bound to port 0, the real port is known only now.
        sockets = getattr(self.server, "sockets", None)
        if self.port == 0 and sockets:
            self.port = sockets[0].getsockname()[1]
        super()._trigger_server()


class LocalMailServer:
    """An SMTP server on ``host``:``port`` (0: a free port) in a background thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, maildir: Path | None = None):
        self.keeper = _Keeper(maildir)
        self.controller = _Controller(self.keeper, hostname=host, port=port)
        self.maildir = maildir

    def start(self) -> LocalMailServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> LocalMailServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        return str(self.controller.hostname)

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def received(self) -> list[ReceivedMail]:
        with self.keeper.lock:
            return list(self.keeper.received)


def summary(maildir: Path) -> list[str]:
    """One line per message of a Maildir: date, recipient, subject."""
    lines = []
    for msg in sorted(read_maildir(maildir), key=lambda m: m["Date"].datetime):
        lines.append(f"{msg['Date']}  {msg['To']}  {msg['Subject']}")
    return lines


def read_maildir(maildir: Path) -> list[EmailMessage]:
    """Every message of a Maildir, parsed with the modern policy (headers decoded)."""
    box = mailbox.Maildir(maildir, create=False)
    messages: list[EmailMessage] = []
    for key in box.iterkeys():
        with box.get_file(key) as f:
            parsed = email.message_from_binary_file(cast(BinaryIO, f), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        messages.append(parsed)
    return messages


if __name__ == "__main__":  # pragma: no cover - a convenience for the demo
    import sys

    if len(sys.argv) == 3 and sys.argv[1] == "--list":
        print("\n".join(summary(Path(sys.argv[2]))) or "no messages")
    else:
        print("usage: python -m gateway.notifications.mailserver --list MAILDIR")
