"""Saved filter presets and preferences: save, apply, rename, delete; each view reads access, act, redirect."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import viewer_for

from .charts.registry import DEFAULT_WORKSPACE, WORKSPACES
from .charts.spec import Workspace
from .filters import load_data_range, load_options, salvage
from .models import Preference, SavedPreset


def visible_presets(user: AbstractBaseUser | AnonymousUser) -> QuerySet[SavedPreset]:
    """The user's own presets and the shared ones."""
    return SavedPreset.objects.filter(Q(owner_id=user.pk) | Q(owner__isnull=True)).order_by(
        "owner_id", "name"
    )


def preference_of(user: AbstractBaseUser | AnonymousUser) -> Preference:
    """The user's preferences; defaults (unsaved) for a user who never set any."""
    if not user.is_authenticated:
        return Preference()
    cached: Preference | None = getattr(user, "_portal_preference", None)  # one query per request
    if cached is None:
        cached = Preference.objects.filter(user_id=user.pk).first() or Preference(user_id=user.pk)
        user._portal_preference = cached  # type: ignore[union-attr,attr-defined]
    return cached


def _own_or_404(request: HttpRequest, preset_id: int) -> SavedPreset:
    preset = SavedPreset.objects.filter(pk=preset_id, owner_id=request.user.pk).first()
    if preset is None:
        raise Http404("No such preset")
    return preset


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else "/"


class PresetNameForm(forms.Form):
    name = forms.CharField(max_length=80, strip=True)


def _stored_query(raw: str) -> str:
    """The filters of a query string, without the view's tab (a preset applies to any workspace)."""
    query = QueryDict(raw, mutable=True)
    query.pop("tab", None)
    return query.urlencode()


@require_POST
def save_preset(request: HttpRequest) -> HttpResponse:
    form = PresetNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A preset needs a name of at most 80 characters; nothing was saved.")
        return redirect(_back(request))
    name = form.cleaned_data["name"]
    try:
        with transaction.atomic():
            SavedPreset.objects.create(
                owner_id=request.user.pk, name=name, query=_stored_query(request.POST.get("query", ""))
            )
    except IntegrityError:
        messages.error(request, f"You already have a preset named “{name}”; nothing was saved.")
    else:
        messages.success(request, f"Saved the current filters as “{name}”.")
    return redirect(_back(request))


@require_GET
def apply_preset(request: HttpRequest, preset_id: int) -> HttpResponse:
    preset = visible_presets(request.user).filter(pk=preset_id).first()
    if preset is None:
        raise Http404("No such preset")
    slug = request.GET.get("workspace", "")
    slug = slug if slug in WORKSPACES else DEFAULT_WORKSPACE
    viewer = viewer_for(request.user)
    kept, dropped = salvage(
        QueryDict(preset.query), options=load_options(viewer), data=load_data_range(viewer)
    )
    if dropped:
        messages.warning(
            request, f"Applied “{preset.name}” without what is no longer in the data: {'; '.join(dropped)}."
        )
    query = kept.urlencode()
    target = reverse("workspace", args=[slug])
    return redirect(f"{target}?{query}" if query else target)


@require_POST
def rename_preset(request: HttpRequest, preset_id: int) -> HttpResponse:
    preset = _own_or_404(request, preset_id)
    form = PresetNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A preset needs a name of at most 80 characters; nothing was changed.")
        return redirect(_back(request))
    old, preset.name = preset.name, form.cleaned_data["name"]
    try:
        with transaction.atomic():
            preset.save(update_fields=["name", "updated_at"])
    except IntegrityError:
        messages.error(request, f"You already have a preset named “{preset.name}”; “{old}” was kept.")
    else:
        messages.success(request, f"Renamed “{old}” to “{preset.name}”.")
    return redirect(_back(request))


@require_POST
def delete_preset(request: HttpRequest, preset_id: int) -> HttpResponse:
    preset = _own_or_404(request, preset_id)
    preset.delete()
    messages.success(request, f"Deleted the preset “{preset.name}”.")
    return redirect(_back(request))


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["default_workspace", "default_preset", "palette"]
        labels = {"default_preset": "Default date range", "palette": "Colour palette"}

    def __init__(self, *args: object, workspaces: list[Workspace], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # Only the workspaces the viewer's roles open; any other is refused with a message.
        choices = [("", "The first workspace")] + [(ws.slug, ws.title) for ws in workspaces]
        self.fields["default_workspace"] = forms.ChoiceField(
            choices=choices,
            required=False,
            label="Default workspace",
            error_messages={
                "invalid_choice": "Your role does not open the workspace “%(value)s”; choose one listed here."
            },
        )


def _open_workspaces(request: HttpRequest) -> list[Workspace]:
    viewer = viewer_for(request.user)
    return [ws for ws in WORKSPACES.values() if viewer.may_open(ws.slug)]


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    preference = preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=preference, workspaces=_open_workspaces(request))
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Preferences saved.")
            return redirect("preferences")
        return render(request, "dashboards/preferences.html", _prefs_context(request, form), status=400)
    return render(request, "dashboards/preferences.html", _prefs_context(request, form))


def _prefs_context(request: HttpRequest, form: PreferenceForm) -> dict[str, object]:
    return {
        "form": form,
        "own_presets": SavedPreset.objects.filter(owner_id=request.user.pk),
        "shared_presets": SavedPreset.objects.filter(owner__isnull=True),
        "workspaces": _open_workspaces(request),
        "nav": "preferences",
    }
