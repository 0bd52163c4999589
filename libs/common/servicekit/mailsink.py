"""A real SMTP server (aiosmtpd) inside the test process, collecting every mail it receives."""

import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

_LINK = re.compile(r"https?://\S+")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """`port`: a given one, e.g. to bring a stopped sink back where its clients look for it."""

    def __init__(self, port: int | None = None) -> None:
        self.messages: list[EmailMessage] = []
        # An SMTP reply such as "451 Try again later": the sink then refuses every mail with it.
        self.refuse_with: str | None = None
        self._changed = threading.Condition()
        self.port = port or free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.refuse_with:
            return self.refuse_with
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> "MailSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, recipient: str) -> list[EmailMessage]:
        with self._changed:
            return [m for m in self.messages if recipient.lower() in str(m["To"]).lower()]

    def wait_for(self, recipient: str, count: int = 1, timeout: float = 15.0) -> EmailMessage:
        """The count-th mail to the recipient, waiting for it to arrive."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.to(recipient)) >= count, timeout=timeout)
        received = self.to(recipient)
        if len(received) < count:
            raise AssertionError(f"no mail number {count} to {recipient} arrived")
        return received[count - 1]

    @staticmethod
    def body(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @classmethod
    def links(cls, message: EmailMessage) -> list[str]:
        return _LINK.findall(cls.body(message))
