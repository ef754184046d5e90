"""Input limits for every request: a query parameter, or a posted form field, longer than the portal
ever needs is refused with a 400 naming it, before any view, form or database query sees it.

Forms keep their own, tighter limits (a sign-in name is at most 254 characters, a preset name 80);
this is the floor under all of them, so no view can forget one. The admin's posted forms are left to
their model forms (a role's description may be long); its query parameters are limited like the rest.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

SHOWN = 40  # characters of an over-long name shown back in the message


def too_long(data: QueryDict, limit: int) -> str | None:
    """The first parameter whose name or one of whose values is longer than `limit`, or None."""
    for name, values in data.lists():
        if len(name) > limit or any(len(value) > limit for value in values):
            return name
    return None


def refusal(request: HttpRequest, name: str, limit: int) -> HttpResponse:
    shown = name if len(name) <= SHOWN else name[:SHOWN] + "…"
    message = f"is longer than the {limit:,} characters the portal accepts"
    return render(request, "400.html", {"param": shown, "message": message}, status=400)


class InputLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(getattr(settings, "MAX_INPUT_LENGTH", 2000))
        name = too_long(request.GET, limit)
        if name is None and request.method == "POST" and not request.path.startswith("/admin/"):
            name = too_long(request.POST, limit)
        if name is not None:
            return refusal(request, name, limit)
        return self.get_response(request)
