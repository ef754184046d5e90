from django.contrib import admin

from .models import Alert, AlertEvent, DigestRun, ExportJob, Subscription


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "workspace", "status", "progress", "created_at", "expires_at")
    list_filter = ("status", "workspace")
    exclude = ("pdf",)


class DigestRunInline(admin.TabularInline):
    model = DigestRun
    extra = 0
    fields = ("scheduled_for", "recipient", "kind", "status", "note", "error", "sent_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "user", "group", "workspace", "frequency", "active", "next_run_at")
    list_filter = ("active", "frequency", "workspace")
    filter_horizontal = ("opted_out",)
    inlines = [DigestRunInline]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not obj.created_by_id:
            obj.created_by = request.user
        if not change or {"frequency", "weekday", "day_of_month", "hour", "time_zone"} & set(
            form.changed_data
        ):
            obj.reschedule()
        super().save_model(request, obj, form, change)


@admin.register(DigestRun)
class DigestRunAdmin(admin.ModelAdmin):
    list_display = ("subscription", "recipient", "scheduled_for", "kind", "status", "sent_at")
    list_filter = ("status", "kind")


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    readonly_fields = ("kind", "value", "threshold", "emailed", "note", "created_at")
    can_delete = False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("__str__", "workspace", "state", "last_value", "last_checked_at", "active")
    list_filter = ("state", "active")
    inlines = [AlertEventInline]
