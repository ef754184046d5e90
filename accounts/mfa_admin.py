"""The admin of second factors (allauth.mfa's Authenticator), replaced by one that shows only who, which
type and when, and can remove one, never the TOTP secret or the recovery codes' seed (`data`)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.http import HttpRequest


class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__username", "user__email")
    # `data` (the secret) is left out of every page; the rest is shown, not edited.
    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).defer("data").select_related("user")


def register() -> None:
    """Called once the admin has discovered allauth's own registration (AccountsConfig.ready)."""
    if admin.site.is_registered(Authenticator):
        admin.site.unregister(Authenticator)
    admin.site.register(Authenticator, AuthenticatorAdmin)
