from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .access import roles_for


def access(request: HttpRequest) -> dict[str, Any]:
    """For the user menu: the signed-in person's role names, and whether the admin opens to them; for
    every page, whether their roles allow exports and subscriptions (links they may not use are not shown)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_for(user)
    return {
        "portal_roles": [r.name for r in roles],
        "portal_admin": user.is_active and user.is_staff and any(r.is_admin for r in roles),
        "portal_can_export": any(r.can_export for r in roles),
        "portal_can_subscribe": any(r.can_subscribe for r in roles),
    }
