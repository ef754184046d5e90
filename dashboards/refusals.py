"""A refusal (403) as a page in the portal's layout that says why, recorded in the audit log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts import audit
from accounts.access import viewer_for

from .charts.registry import WORKSPACES


def forbidden(request: HttpRequest, reason: str, *, back_url: str = "") -> HttpResponse:
    """403: `reason` is a sentence for the person ("Your role may not export data.")."""
    audit.record("denied", audit.asked(request), request=request, reason=reason)
    try:
        viewer = viewer_for(request.user)
        workspaces = [ws for ws in WORKSPACES.values() if viewer.may_open(ws.slug)]
    except PermissionError:
        workspaces = []
    context = {"reason": reason, "back_url": back_url, "workspaces": workspaces}
    return render(request, "403.html", context, status=403)
