"""Personal API tokens: issued once (only a SHA-256 digest is stored), checked, rate limited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.cache import cache
from django.utils import timezone

from ..models import ApiToken
from .errors import ApiError

SCHEME = "pat_"


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(owner: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is returned here once and never stored."""
    secret = SCHEME + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        prefix=secret[:12],
        digest=digest_of(secret),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token, secret


def active_tokens(owner: User | AnonymousUser | AbstractBaseUser) -> list[ApiToken]:
    return list(ApiToken.objects.filter(owner_id=owner.pk, revoked_at__isnull=True))


def revoke(owner: User | AnonymousUser | AbstractBaseUser, token_id: int) -> ApiToken | None:
    token = ApiToken.objects.filter(pk=token_id, owner_id=owner.pk, revoked_at__isnull=True).first()
    if token is not None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def check(secret: str) -> ApiToken:
    """The live token for a secret, its last use recorded; raises ApiError(401) otherwise."""
    token = ApiToken.objects.select_related("owner").filter(digest=digest_of(secret)).first()
    if token is None or token.revoked_at is not None:
        raise ApiError(
            401, "invalid_token", "Authorization: this API token is unknown or revoked", "Authorization"
        )
    now = timezone.now()
    if token.expires_at <= now:
        raise ApiError(401, "token_expired", "Authorization: this API token has expired", "Authorization")
    if not token.owner.is_active:
        raise ApiError(
            401, "invalid_token", "Authorization: the token's owner is deactivated", "Authorization"
        )
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def throttle(token: ApiToken) -> None:
    """A fixed one-minute window per token in the shared cache; raises ApiError(429) past the limit."""
    limit = settings.API_TOKEN_RATE_PER_MINUTE
    window = int(time.time() // 60)
    key = f"api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=90)
        used = 1
    if used > limit:
        retry = str(60 - int(time.time()) % 60)
        raise ApiError(
            429,
            "rate_limited",
            f"Authorization: more than {limit} calls a minute with this token",
            None,
            Retry_After=retry,
        )
