"""Sending one e-mail through the configured SMTP server (plain, STARTTLS or implicit TLS).

Errors say whether another try can help: ``MailRetry`` (server unreachable, busy, 4xx) or
``MailRefused`` (the server refused the message or the recipient for good, 5xx).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from ..config import Config, ConfigurationError

TLS_MODES = ("none", "starttls", "ssl")
TIMEOUT = 20.0


class MailError(Exception):
    """Base of the errors of sending e-mail."""


class MailRetry(MailError):
    """The message was not accepted now; it may be later."""


class MailRefused(MailError):
    """The server refused the message for good: retrying sends nothing."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    user: str
    password: str
    sender: str

    @classmethod
    def from_config(cls, config: Config) -> SmtpSettings:
        if config.smtp_tls not in TLS_MODES:
            raise ConfigurationError(
                f"SPORTELLO_SMTP_TLS={config.smtp_tls!r}: use one of {', '.join(TLS_MODES)}"
            )
        if not config.smtp_host:
            raise ConfigurationError("SPORTELLO_SMTP_HOST is not set: the mail server to use")
        return cls(
            host=config.smtp_host,
            port=config.smtp_port,
            tls=config.smtp_tls,
            user=config.smtp_user,
            password=config.smtp_password,
            sender=config.smtp_from,
        )


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def build_email(
    settings: SmtpSettings,
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    lang: str,
    message_id: str,
    attachments: list[Attachment],
    unsubscribe: str | None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    for item in attachments:
        maintype, _, subtype = item.content_type.partition("/")
        msg.add_attachment(
            item.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=item.filename,
        )
    msg["Content-Language"] = lang  # after the body: setting content drops Content-* headers
    return msg


def send_email(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the server; raise MailRetry or MailRefused when it is not taken."""
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if settings.tls == "ssl":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT)
        with smtp:
            if settings.tls == "starttls":
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as e:
        codes = [code for code, _msg in e.recipients.values()]
        if all(code >= 500 for code in codes):
            raise MailRefused(f"recipient refused: {codes}") from e
        raise MailRetry(f"recipient deferred: {codes}") from e
    except smtplib.SMTPAuthenticationError as e:
        # A wrong password is an operator's problem; the message must wait, not be dropped.
        raise MailRetry(f"SMTP authentication failed ({e.smtp_code})") from e
    except smtplib.SMTPResponseException as e:
        if e.smtp_code >= 500:
            raise MailRefused(f"refused by the server: {e.smtp_code}") from e
        raise MailRetry(f"deferred by the server: {e.smtp_code}") from e
    except (smtplib.SMTPException, OSError) as e:
        raise MailRetry(f"mail server unreachable: {type(e).__name__}: {e}") from e
