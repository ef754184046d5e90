"""Everything that leaves the portal and has state: PDF export jobs, digest subscriptions and their
run history, threshold alerts and their events."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .schedule import Schedule


class ExportJob(models.Model):
    """A PDF of one workspace view, made by a worker for the user who asked, downloadable by them only."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    workspace = models.SlugField()
    query = models.TextField(blank=True, help_text="The view's canonical query string (filters, tab).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    message = models.CharField(max_length=500, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="Last put on the task queue.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.workspace} PDF for {self.user} ({self.status})"

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class Subscription(models.Model):
    """A scheduled e-mail digest of one workspace view, to one user or to a group's members."""

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text="Administrators may subscribe a group.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opted_out = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", help_text="Group members who unsubscribed."
    )
    workspace = models.SlugField()
    query = models.TextField(blank=True, help_text="The filters as a query string (a saved view).")
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, default=Weekday.MONDAY)
    day_of_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    hour = models.PositiveSmallIntegerField(default=8, validators=[MaxValueValidator(23)])
    time_zone = models.CharField(max_length=64, default="UTC")
    attach_pdf = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(
        db_index=True, blank=True, help_text="Set from the schedule when saved."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workspace", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, group__isnull=True)
                | Q(user__isnull=True, group__isnull=False),
                name="subscription_user_xor_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.workspace} digest for {self.user or self.group}"

    @property
    def schedule(self) -> Schedule:
        return Schedule(self.frequency, self.hour, self.time_zone, self.weekday, self.day_of_month)

    def describe_schedule(self) -> str:
        at = f"{self.hour:02d}:00 ({self.time_zone})"
        if self.frequency == self.Frequency.WEEKLY:
            return f"Every {self.get_weekday_display()} at {at}"
        if self.frequency == self.Frequency.MONTHLY:
            return f"Monthly on day {self.day_of_month} at {at}"
        return f"Daily at {at}"

    def recipients(self) -> list:  # list[User]
        if self.user_id:
            return [self.user] if self.user.is_active else []  # type: ignore[union-attr]
        assert self.group is not None
        excluded = set(self.opted_out.values_list("id", flat=True))
        return [u for u in self.group.user_set.filter(is_active=True).order_by("id") if u.id not in excluded]

    def reschedule(self, now: dt.datetime | None = None) -> None:
        self.next_run_at = self.schedule.next_after(now or timezone.now())


class DigestRun(models.Model):
    """One digest for one recipient and one send time: the claim that makes a send happen once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        MISSED = "missed", "Missed (period passed)"
        INTERRUPTED = "interrupted", "Interrupted while sending (not resent)"

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        NOW = "now", "Sent on request"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="runs")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scheduled_for = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SCHEDULED)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="Last put on the task queue.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "recipient", "scheduled_for"],
                name="one_digest_per_recipient_and_time",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.subscription} to {self.recipient} at {self.scheduled_for:%Y-%m-%d %H:%M}: {self.status}"
        )


def default_cooldown() -> int:
    return int(settings.ALERT_COOLDOWN_MINUTES)


class Alert(models.Model):
    """A threshold on one KPI of a workspace view, checked by beat every few minutes."""

    class Operator(models.TextChoices):
        BELOW = "below", "falls below"
        ABOVE = "above", "rises above"

    class State(models.TextChoices):
        UNKNOWN = "unknown", "Not checked yet"
        OK = "ok", "OK"
        TRIPPED = "tripped", "Tripped"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    workspace = models.SlugField()
    chart_id = models.SlugField(help_text="The KPI chart whose value is watched.")
    query = models.TextField(blank=True, help_text="The filters the KPI is computed with.")
    operator = models.CharField(max_length=5, choices=Operator.choices, default=Operator.BELOW)
    threshold = models.FloatField()
    check_every_minutes = models.PositiveIntegerField(default=5)
    cooldown_minutes = models.PositiveIntegerField(
        default=default_cooldown,
        help_text="After a notice, a new trip within this time is recorded but not e-mailed.",
    )
    active = models.BooleanField(default=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.UNKNOWN)
    last_value = models.FloatField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_check_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workspace", "chart_id", "id"]

    def __str__(self) -> str:
        return f"{self.chart_id} {self.get_operator_display()} {self.threshold:g} ({self.user})"

    def is_breached(self, value: float) -> bool:
        return value < self.threshold if self.operator == self.Operator.BELOW else value > self.threshold


class AlertEvent(models.Model):
    class Kind(models.TextChoices):
        TRIPPED = "tripped", "Tripped"
        RECOVERED = "recovered", "Recovered"

    class Mail(models.TextChoices):
        NONE = "none", "Not e-mailed"
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.FloatField()
    threshold = models.FloatField()
    emailed = models.BooleanField(default=False, help_text="True once the mail server took the e-mail.")
    mail = models.CharField(max_length=8, choices=Mail.choices, default=Mail.NONE)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True, help_text="Last put on the task queue.")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.alert} {self.kind} at {self.value:g}"
