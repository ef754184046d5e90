"""Roles are edited here; the audit log is read here and never changed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .access import is_portal_admin
from .models import AuditEvent, Role


def _admin_has_permission(request: HttpRequest) -> bool:
    """The admin opens to staff users holding a role with the administrator flag: Django's staff and
    superuser flags alone do not open it (accounts.backends grants the role its permissions). Local
    staff users have TOTP (accounts.local); single sign-on sets the staff flag from the roles."""
    return bool(request.user.is_staff and is_portal_admin(request.user))


admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]
admin.site.site_header = "Customer analytics administration"
admin.site.site_title = "Customer analytics admin"


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "groups",
        "snowflake_role",
        "scope_text",
        "pii",
        "workspace_list",
        "can_export",
        "can_subscribe",
        "is_admin",
    )
    list_filter = ("pii", "can_export", "can_subscribe", "is_admin")
    search_fields = ("name", "description", "snowflake_role")
    fieldsets = (
        (None, {"fields": ("name", "description", "idp_groups")}),
        ("Data", {"fields": ("snowflake_role", "scope", "pii", "workspaces")}),
        ("Permissions", {"fields": ("can_export", "can_subscribe", "is_admin")}),
    )

    @admin.display(description="groups")
    def groups(self, role: Role) -> str:
        return ", ".join(role.idp_groups or ())

    @admin.display(description="scope")
    def scope_text(self, role: Role) -> str:
        if not role.scope:
            return "every customer"
        return "; ".join(f"{k} in ({', '.join(v)})" for k, v in sorted(role.scope.items()))

    @admin.display(description="workspaces")
    def workspace_list(self, role: Role) -> str:
        return ", ".join(role.workspaces or ())


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "ip", "what")
    list_filter = ("action", "at")
    search_fields = ("username", "what", "ip")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "username", "action", "ip", "what", "detail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
