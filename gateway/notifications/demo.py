"""The demo's mail: a local SMTP server that keeps every message in a Maildir.

The demo's outbox worker delivers ``notify.email`` to it like any other topic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from .mailserver import LocalMailServer


@dataclass
class DemoMail:
    server: LocalMailServer
    maildir: Path

    @property
    def banner(self) -> str:
        return (
            f"  Mail (local SMTP): {self.server.host}:{self.server.port}, kept in {self.maildir}\n"
            f"    read it with any mail client, or: python -m gateway.notifications.mailserver "
            f"--list {self.maildir}\n"
        )

    def stop(self) -> None:
        self.server.stop()


def start_demo_mail(config: Config, maildir: Path) -> DemoMail:
    """Start the SMTP server the configuration points at (OSError if the port is taken)."""
    server = LocalMailServer(config.smtp_host, config.smtp_port, maildir).start()
    return DemoMail(server, maildir)
