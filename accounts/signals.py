"""Audit log entries for sign-in, sign-out, failed sign-in and every change made in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import audit


def _method(user: Any) -> str:
    backend = getattr(user, "backend", "") or ""
    return "sso" if "oidc" in backend.lower() else "password"


@receiver(user_logged_in)
def on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from .access import roles_for

    user.__dict__.pop("_portal_roles", None)
    roles = [r.name for r in roles_for(user)]
    audit.record("sign_in", _method(user), request=request, user=user, roles=roles)


@receiver(user_logged_out)
def on_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("sign_out", request=request, user=user, username=user.get_username() if user else "")


@receiver(user_login_failed)
def on_sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username") or credentials.get("email") or credentials.get("login") or "")
    audit.record("sign_in_failed", "password", request=request, username=username)


@receiver(post_save, sender=LogEntry)
def on_admin_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    kind = {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, "changed")
    model = instance.content_type.model if instance.content_type else "?"
    message = instance.get_change_message()
    audit.record(
        "admin_change",
        f"{kind} {model} {instance.object_repr!r}" + (f": {message}" if message else ""),
        user=instance.user,
        model=model,
        object_id=instance.object_id,
        change=kind,
    )
