"""Demo users for the embedded default: one per starting role, with passwords kept in var/."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import transaction

# (role, username, staff). The identity issue turns these groups into roles with scopes.
DEMO_ROLES: tuple[tuple[str, str, bool], ...] = (
    ("CX analyst", "cx.analyst", False),
    ("Support lead", "support.lead", False),
    ("Product manager", "product.manager", False),
    ("Customer success manager", "cs.manager", False),
    ("Executive", "executive", False),
    ("Administrator", "admin", True),
)

DEMO_EMAIL_DOMAIN = "example.com"  # reserved for examples (RFC 2606): never a real mailbox


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


def _password_file() -> Path:
    return Path(settings.VAR_DIR) / "demo_logins.json"


def _stored_passwords() -> dict[str, str]:
    path = _password_file()
    return json.loads(path.read_text()) if path.exists() else {}


@transaction.atomic
def ensure_demo_users() -> list[DemoLogin]:
    """Create the demo users that are missing; keep existing ones and their passwords."""
    passwords = _stored_passwords()
    logins = []
    for role, username, staff in DEMO_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": staff, "is_superuser": staff}
        )
        if not user.email:  # so "Send me one now" and alerts reach the demo outbox
            user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
            user.save(update_fields=["email"])
        if created or username not in passwords:
            passwords[username] = secrets.token_urlsafe(9)
            user.set_password(passwords[username])
            user.save()
        user.groups.add(group)
        logins.append(DemoLogin(role, username, passwords[username]))
    path = _password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passwords, indent=2))
    path.chmod(0o600)
    return logins
