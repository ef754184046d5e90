"""The demo's mail: with no EMAIL_URL, e-mails are written to an outbox folder (var/outbox), one .eml
file per message, and administrators read the latest ones on the Outbox page (/outbox/).

`OutboxBackend` is a Django e-mail backend; `latest(n)` and `read(name)` serve the page.
"""

from __future__ import annotations

import datetime as dt
import email
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage as ParsedMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{32}\.eml$")


def outbox_dir() -> Path:
    return Path(getattr(settings, "EMAIL_OUTBOX_DIR", Path(settings.VAR_DIR) / "outbox"))


def is_outbox() -> bool:
    """Whether mail goes to the outbox folder (the demo) rather than to a mail server."""
    return str(settings.EMAIL_BACKEND) == f"{__name__}.OutboxBackend"


class OutboxBackend(BaseEmailBackend):
    """Writes each message to <EMAIL_OUTBOX_DIR>/<UTC time>-<uuid>.eml (atomically: temp file, rename)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = outbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            now = dt.datetime.now(dt.UTC)
            name = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex}.eml"
            temp = folder / f".{name}.tmp"
            temp.write_bytes(message.message().as_bytes())
            temp.rename(folder / name)
            sent += 1
        return sent


@dataclass(frozen=True)
class OutboxMail:
    name: str
    to: str
    subject: str
    date: str
    text: str


def _parse(path: Path) -> OutboxMail:
    parsed: Any = email.message_from_bytes(path.read_bytes(), policy=default_policy)
    assert isinstance(parsed, ParsedMessage)
    body = parsed.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    return OutboxMail(
        path.name, str(parsed["To"] or ""), str(parsed["Subject"] or ""), str(parsed["Date"] or ""), text
    )


def latest(count: int = 50) -> list[OutboxMail]:
    folder = outbox_dir()
    if not folder.is_dir():
        return []
    names = sorted((p for p in folder.iterdir() if NAME.match(p.name)), key=lambda p: p.name, reverse=True)
    return [_parse(p) for p in names[:count]]


def read(name: str) -> OutboxMail | None:
    if not NAME.match(name):
        return None
    path = outbox_dir() / name
    return _parse(path) if path.is_file() else None
