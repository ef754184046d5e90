"""Permissions from roles: a role with the administrator flag holds every admin permission."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from .access import is_portal_admin


class RolePermissionBackend(BaseBackend):
    """Authenticates no one; answers has_perm for holders of an administrator role."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return is_portal_admin(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return is_portal_admin(user_obj)
