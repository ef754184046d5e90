"""Roles (rows edited in the admin) and the audit log.

A role says which identity-provider groups grant it, which workspaces it opens, which Snowflake role
its queries run as, which customers it may see (scope: customer attribute -> allowed values), whether
it sees PII, and whether it may export, subscribe or administer the portal. A person's roles are the
roles any of whose groups is one of their Django groups; for single sign-on users those groups are
replaced from the `groups` claim at every sign-in (accounts/oidc.py).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

# The customer attributes the query compiler can enforce as a data scope
# (dashboards/warehouse/tables.py CUSTOMER_ATTRIBUTES; a test keeps the two in step).
SCOPE_ATTRIBUTES: tuple[str, ...] = (
    "region",
    "plan_tier",
    "value_segment",
    "persona",
    "churn_risk",
    "upsell",
)
# A role name Snowflake takes unquoted (the portal names a session's roles in USE SECONDARY ROLES).
SNOWFLAKE_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
# Workspace slugs a role may open (stored as slugs: a workspace may be registered later).
WORKSPACE_SLUGS: tuple[str, ...] = (
    "overview",
    "sentiment",
    "support",
    "product",
    "journey",
    "segments",
    "insights",
    "campaigns",
)


def _string_list(value: Any, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(f"{what} must be a JSON list of non-empty strings")
    return value


class Role(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    idp_groups = models.JSONField(
        "identity-provider groups",
        default=list,
        blank=True,
        help_text='Groups (the OIDC "groups" claim, or local Django group names) that grant this role, '
        'as a JSON list: ["portal-cx-analysts"].',
    )
    snowflake_role = models.CharField(
        max_length=255, blank=True, help_text="The Snowflake role queries run as (empty: the default role)."
    )
    scope = models.JSONField(
        "data scope",
        default=dict,
        blank=True,
        help_text="Customer attribute -> the only values this role may see, as JSON: "
        '{"region": ["EMEA"]}. Empty: every customer. Attributes: ' + ", ".join(SCOPE_ATTRIBUTES) + ".",
    )
    pii = models.BooleanField("sees PII", default=False, help_text="Customer names and e-mail addresses.")
    workspaces = models.JSONField(
        default=list,
        blank=True,
        help_text="Workspace slugs as a JSON list; any of: " + ", ".join(WORKSPACE_SLUGS) + ".",
    )
    can_export = models.BooleanField(default=False)
    can_subscribe = models.BooleanField(default=False)
    is_admin = models.BooleanField(
        "administrator", default=False, help_text="May use the Django admin (roles, presets, audit log)."
    )

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        try:
            _string_list(self.idp_groups, "Groups")
        except ValidationError as exc:
            errors["idp_groups"] = exc.messages[0]
        try:
            unknown = set(_string_list(self.workspaces, "Workspaces")) - set(WORKSPACE_SLUGS)
            if unknown:
                errors["workspaces"] = f"Unknown workspaces: {', '.join(sorted(unknown))}"
        except ValidationError as exc:
            errors["workspaces"] = exc.messages[0]
        if not isinstance(self.scope, dict):
            errors["scope"] = "The scope must be a JSON object of attribute -> list of values"
        else:
            unknown = set(self.scope) - set(SCOPE_ATTRIBUTES)
            if unknown:
                errors["scope"] = f"Unknown attributes: {', '.join(sorted(unknown))}"
            for attribute, values in self.scope.items():
                try:
                    _string_list(values, f"The values of {attribute}")
                except ValidationError as exc:
                    errors["scope"] = exc.messages[0]
                if not values:
                    errors["scope"] = f"{attribute} has no values: leave it out for no restriction"
        if self.snowflake_role and not SNOWFLAKE_IDENTIFIER.fullmatch(self.snowflake_role):
            errors["snowflake_role"] = (
                "A Snowflake role name: letters, digits, _ and $, starting with a letter or _ "
                "(a role whose name needs double quotes cannot be used)"
            )
        if errors:
            raise ValidationError(errors)


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_OUT = "sign_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        EXPORT = "export", "Export"
        SUBSCRIPTION = "subscription", "Subscription change"
        ADMIN_CHANGE = "admin_change", "Admin change"
        DENIED = "denied", "Access denied"
        QUESTION = "question", "Question asked"
        API = "api", "API call"
        PAGE_VIEW = "page_view", "Page view"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Kept as text too: the event outlives the user row.
    username = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    # What was asked: a path with its query string, an object, a sign-in method.
    what = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username or '-'} {self.action} {self.what}"
