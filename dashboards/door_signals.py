"""What closes the warm door (dashboards/warm_door.py): signing out closes the session's; a change to
roles, groups, users or preferences closes every session's, so the full stack decides again."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import warm_door


def _on_sign_out(sender: Any, request: Any = None, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    warm_door.close_door_of(getattr(session, "session_key", None))


def _on_change(sender: Any, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= {"last_login"}:
        return  # signing in stamps the user: nothing a door answers depends on it
    warm_door.close_every_door()


def connect() -> None:
    from django.contrib.auth import get_user_model

    from accounts.models import Role

    from .models import Preference

    user_logged_out.connect(_on_sign_out, dispatch_uid="warm_door_sign_out")
    user_model = get_user_model()
    for model in (Role, Group, user_model, Preference):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"warm_door_save_{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"warm_door_delete_{model.__name__}")
    memberships = user_model.groups.through  # type: ignore[attr-defined]
    m2m_changed.connect(_on_change, sender=memberships, dispatch_uid="warm_door_groups")
