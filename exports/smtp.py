"""Django's SMTP backend, telling a refused message from one that may have been delivered.

A failure before the message's DATA was sent (connection refused, a timeout, a rejected sender or
recipient, a 5xx reply to DATA) means the server did not take it: safe to try again. A dropped
connection or a timeout while sending the DATA or waiting for its reply is ambiguous: the server may
have stored the message. That raises `MaybeDelivered`, and callers record the send as done (with a
warning) instead of sending a second copy.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend
from django.core.mail.message import EmailMessage


class MaybeDelivered(Exception):
    """The connection failed after the message's DATA began: it may have been delivered."""


class EmailBackend(DjangoEmailBackend):
    def _send(self, email_message: EmailMessage) -> bool:
        connection: Any = self.connection
        if connection is None:
            return super()._send(email_message)  # type: ignore[misc]  # Django's, untyped in the stubs
        original = connection.data
        began = False

        def data(msg: Any) -> Any:
            nonlocal began
            began = True
            return original(msg)

        connection.data = data
        try:
            return bool(super()._send(email_message))  # type: ignore[misc]
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            if began:
                raise MaybeDelivered(
                    f"the mail server dropped the connection after receiving the message ({exc})"
                ) from exc
            raise
        finally:
            connection.data = original
