"""The Outbox page (/outbox/): in the demo, where e-mail stays in var/outbox instead of going to a mail
server, everyone reads the mails sent to their own address there, and administrators read all of them."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.access import roles_for

from . import outbox

SHOWN = 50


def _is_admin(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and any(r.is_admin for r in roles_for(user)))


def _visible(request: HttpRequest, mail: outbox.OutboxMail) -> bool:
    email = getattr(request.user, "email", "")
    return _is_admin(request) or bool(email and email.lower() in mail.to.lower())


def outbox_context(request: HttpRequest) -> dict[str, Any]:
    """For the header: whether to link the Outbox (only when mail goes there)."""
    return {"outbox_in_use": outbox.is_outbox()}


@require_GET
def outbox_list(request: HttpRequest) -> HttpResponse:
    from dashboards.views import visible_workspaces

    mails = [m for m in outbox.latest(500) if _visible(request, m)][:SHOWN]
    context = {
        "mails": mails,
        "in_use": outbox.is_outbox(),
        "folder": outbox.outbox_dir(),
        "everyone": _is_admin(request),
        "shown": SHOWN,
        "workspaces": visible_workspaces(request),
    }
    return render(request, "exports/outbox.html", context)


@require_GET
def outbox_mail(request: HttpRequest, name: str) -> HttpResponse:
    from dashboards.views import visible_workspaces

    mail = outbox.read(name)
    if mail is None or not _visible(request, mail):
        raise Http404("No such e-mail")
    return render(
        request, "exports/outbox_mail.html", {"mail": mail, "workspaces": visible_workspaces(request)}
    )
