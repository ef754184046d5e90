"""The audit log: one call, `record(...)`, from wherever something worth recording happens."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest

logger = logging.getLogger("portal.audit")

# The request being served on this thread, so that signal handlers (admin changes) know who and where.
current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # REMOTE_ADDR is the proxy's address behind one; trust X-Forwarded-For only when told to, and only
    # the hop our own proxies appended (the same address allauth's sign-in rate limit counts).
    from django.conf import settings

    header = getattr(settings, "ALLAUTH_TRUSTED_CLIENT_IP_HEADER", None)
    if header and request.headers.get(header):
        return request.headers[header].strip() or None
    hops = int(getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = [ip.strip() for ip in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if ip.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    what: str = "",
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    **detail: Any,
) -> None:
    """Write one audit event; never lets a failure to log break the request."""
    from .models import AuditEvent

    request = request if request is not None else current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None and not username:
        username = user.get_username()
    try:
        AuditEvent.objects.create(
            user=user,
            username=username[:255],
            action=action,
            ip=client_ip(request),
            what=what,
            detail=detail,
        )
    except Exception:  # pragma: no cover - a log must not take the page down
        logger.exception("could not write the audit event %s %s", action, what)
    logger.info("audit %s user=%s what=%s", action, username or "-", what)


def asked(request: HttpRequest) -> str:
    """What the request asked for: method, path and query string."""
    return f"{request.method} {request.get_full_path()}"
