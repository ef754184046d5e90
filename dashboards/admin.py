from django.contrib import admin

from .models import Preference, SavedPreset


@admin.register(SavedPreset)
class SavedPresetAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "query", "updated_at")
    list_filter = (("owner", admin.EmptyFieldListFilter),)
    search_fields = ("name", "query", "owner__username")


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "default_workspace", "default_preset", "palette")
