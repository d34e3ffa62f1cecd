"""Handing messages to an SMTP server, or writing them to the outbox folder when no server
is configured (a laptop at a hotel without a mail relay).

`BIMTEK_SMTP_URL`'s scheme says how to connect:
- `smtp+starttls://user:pass@host:587`: STARTTLS is required and the certificate verified;
- `smtps://user:pass@host:465`: TLS from the first byte;
- `smtp://host:25`: plain, for a relay on the same host or a test server.
"""
from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bimtek.config import ConfigurationError

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
TIMEOUT_SECONDS = 30


class RecipientRefused(Exception):
    """The server refused this one message (unknown mailbox, rejected content): it is
    recorded against its recipient and the batch goes on."""


class ServerUnavailable(Exception):
    """The server cannot be reached or refuses us: the batch stops, to be retried."""


@dataclass(frozen=True)
class SmtpServer:
    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = ""

    def __str__(self) -> str:  # never the password
        return f"{self.scheme}://{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ConfigurationError(
            "BIMTEK_SMTP_URL must look like smtp+starttls://user:pass@host:587, "
            "smtps://user:pass@host:465 or smtp://host:25.")
    return SmtpServer(parts.scheme, parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme],
                      unquote(parts.username or ""), unquote(parts.password or ""))


def _reason(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode(errors="replace") if isinstance(
        error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {text}".strip()


class SmtpConnection:
    """One connection for a whole batch; `send` raises RecipientRefused or
    ServerUnavailable."""

    def __init__(self, server: SmtpServer):
        self.server = server
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpConnection:
        server = self.server
        try:
            if server.scheme == "smtps":
                self.smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
            self.smtp.ehlo()
            if server.scheme == "smtp+starttls":
                if not self.smtp.has_extn("starttls"):
                    raise ServerUnavailable(f"{server} does not offer STARTTLS")
                self.smtp.starttls(context=ssl.create_default_context())
                self.smtp.ehlo()
            if server.username:
                self.smtp.login(server.username, server.password)
        except ServerUnavailable:
            self.__exit__()
            raise
        except smtplib.SMTPResponseException as error:
            self.__exit__()
            raise ServerUnavailable(f"{server}: {_reason(error)}") from error
        except (OSError, smtplib.SMTPException) as error:
            self.__exit__()
            raise ServerUnavailable(f"{server}: {error or type(error).__name__}") from error
        return self

    def send(self, message: EmailMessage) -> None:
        try:
            self.smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise RecipientRefused(f"{code} {text.decode(errors='replace')}") from error
        except smtplib.SMTPDataError as error:
            raise RecipientRefused(_reason(error)) from error
        except smtplib.SMTPResponseException as error:
            raise ServerUnavailable(f"{self.server}: {_reason(error)}") from error
        except (OSError, smtplib.SMTPException) as error:
            raise ServerUnavailable(f"{self.server}: {error or type(error).__name__}") \
                from error

    def __exit__(self, *_exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


class Outbox:
    """No server configured: each message becomes an .eml file in the outbox folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def __enter__(self) -> Outbox:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self

    def write(self, name: str, message: EmailMessage) -> str:
        (self.folder / name).write_bytes(message.as_bytes())
        return name

    def __exit__(self, *_exc) -> None:
        pass
