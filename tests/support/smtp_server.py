"""A real SMTP server on loopback (aiosmtpd), and the app pointed at it or at the outbox;
the fixtures are shared by the whole suite through `pytest_plugins` in tests/conftest.py."""
from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.support.servers import free_port


class Recorder:
    """Keeps every message the server accepted; refuses the recipients in `refuse`."""

    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), email.message_from_bytes(
            envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"

    @property
    def recipients(self) -> list[str]:
        return sorted(address for tos, _message in self.received for address in tos)

    def body_to(self, address: str) -> str:
        (message,) = [m for tos, m in self.received if address in tos]
        return message.get_body(preferencelist=("plain",)).get_content()


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()


@pytest.fixture
def smtp(app):
    """A running loopback SMTP server the app sends through."""
    server = SmtpServer(free_port())
    server.start()
    previous = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = server.url
    yield server.recorder
    app.config["SMTP_URL"] = previous
    server.stop()


@pytest.fixture
def stopped_smtp(app):
    """An SMTP URL whose server is down until the test calls start()."""
    server = SmtpServer(free_port())
    previous = app.config["SMTP_URL"]
    app.config["SMTP_URL"] = server.url
    yield server
    app.config["SMTP_URL"] = previous
    if server.controller._thread is not None:
        server.stop()
    else:
        server.controller.loop.close()


@pytest.fixture
def outbox(app, tmp_path):
    """No SMTP server configured: messages go to a fresh outbox folder."""
    previous = app.config["SMTP_URL"], app.config["OUTBOX_DIR"]
    app.config["SMTP_URL"], app.config["OUTBOX_DIR"] = "", str(tmp_path / "outbox")
    yield tmp_path / "outbox"
    app.config["SMTP_URL"], app.config["OUTBOX_DIR"] = previous
