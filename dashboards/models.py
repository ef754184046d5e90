"""What users keep in the portal: saved filter presets and their preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .charts.palette import DEFAULT_PALETTE, PALETTES
from .filters import DEFAULT_PRESET, PRESETS

PRESET_CHOICES = [(key, label) for key, label in PRESETS.items() if key != "custom"]
PALETTE_CHOICES = [(key, key.replace("-", " ").title()) for key in PALETTES]


class SavedPreset(models.Model):
    """A named set of filters. Without an owner it is shared: published by an administrator for everyone."""

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="presets",
        help_text="Leave empty to publish the preset to everyone.",
    )
    query = models.TextField(help_text="The filters as a URL query string, e.g. preset=ytd&amp;region=EMEA.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_preset_name_per_owner"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(owner__isnull=True), name="unique_shared_preset_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name if self.owner_id else f"{self.name} (shared)"

    @property
    def shared(self) -> bool:
        return self.owner_id is None


class Preference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    default_workspace = models.CharField(max_length=40, blank=True)
    default_preset = models.CharField(max_length=20, choices=PRESET_CHOICES, default=DEFAULT_PRESET)
    palette = models.CharField(max_length=20, choices=PALETTE_CHOICES, default=DEFAULT_PALETTE)

    def __str__(self) -> str:
        return f"Preferences of {self.user}"


class AskedQuestion(models.Model):
    """A question a user asked on /ask/ (their last 50 are kept), with the workspace filters it was asked under."""

    KEEP = 50

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asked_questions"
    )
    question = models.CharField(max_length=500)
    context = models.CharField(
        max_length=2000, blank=True, help_text="The workspace filters, as a query string."
    )
    status = models.CharField(max_length=16)
    asked_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.asked_at:%Y-%m-%d %H:%M} {self.question}"


class Feedback(models.Model):
    """What a user told us from the feedback control every page carries: a rating and a comment."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(max_length=255, blank=True)
    roles = models.CharField(max_length=255, blank=True, help_text="The user's roles when they wrote.")
    page = models.CharField(max_length=500, help_text="The page's path.")
    filters = models.TextField(blank=True, help_text="The page's query string (its filters).")
    rating = models.PositiveSmallIntegerField(help_text="1 (poor) to 5 (great).")
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name_plural = "feedback"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.username or '-'} {self.rating}/5 on {self.page}"


class CampaignScenario(models.Model):
    """A named campaign simulation: its whole view (filters, score range, assumptions) as a query
    string, so that reopening it re-reads the data through the opener's own scope."""

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="campaign_scenarios"
    )
    query = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token: the secret is shown once; only its SHA-256 is kept.

    It acts with its owner's current roles, read again at every call (dashboards.api.auth).
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, help_text="The first characters, to tell tokens apart.")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.owner}"
