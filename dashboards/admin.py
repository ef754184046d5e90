from django.contrib import admin

from .models import ApiToken, Preference, SavedPreset


@admin.register(SavedPreset)
class SavedPresetAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "query", "updated_at")
    list_filter = (("owner", admin.EmptyFieldListFilter),)
    search_fields = ("name", "query", "owner__username")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "default_workspace", "default_preset", "palette")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("name", "prefix", "owner__username")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    exclude = ("digest",)
