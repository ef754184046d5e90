"""The feedback control on every page: a rating and a comment, with the page, filters and roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.access import viewer_for

from .models import Feedback

MAX_COMMENT = 2000


def _bad(param: str, message: str) -> HttpResponse:
    return HttpResponse(f"{param}: {message}", status=400, content_type="text/plain; charset=utf-8")


@require_POST
def give_feedback(request: HttpRequest) -> HttpResponse:
    """Record one piece of feedback; a bad field is a 400 naming it, and nothing is saved."""
    raw_rating = request.POST.get("rating", "")
    if raw_rating not in {"1", "2", "3", "4", "5"}:
        return _bad("rating", f"'{raw_rating}' is not a rating from 1 to 5")
    comment = request.POST.get("comment", "").strip()
    if len(comment) > MAX_COMMENT:
        return _bad("comment", f"is longer than {MAX_COMMENT} characters")
    page = request.POST.get("page", "")
    if not page.startswith("/") or not url_has_allowed_host_and_scheme(page, allowed_hosts=None):
        return _bad("page", "is not a path of this portal")
    path, _, query = page.partition("?")
    assert isinstance(request.user, User)
    viewer = viewer_for(request.user)
    Feedback.objects.create(
        user=request.user,
        username=request.user.get_username(),
        roles=", ".join(viewer.roles)[:255],
        page=path[:500],
        filters=query,
        rating=int(raw_rating),
        comment=comment,
    )
    messages.success(request, "Thank you: your feedback reached the team.")
    return redirect(page)
