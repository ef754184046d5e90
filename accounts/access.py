"""Who is asking, and what they may see: decided here, in one place.

Every channel that shows data (pages, CSV, and later PDF, API and digests) asks `viewer_for(user)`
and passes the result down to the query compiler. A viewer is built from the user's roles
(accounts.models.Role): the union of their workspaces and data scopes, PII if any role allows it,
export and subscription if any role allows them. A user with no role has no viewer (`NoAccess`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

logger = logging.getLogger(__name__)


class NoAccess(PermissionError):
    """The user is signed in but none of their groups grants a role."""


@dataclass(frozen=True)
class Viewer:
    """A signed-in person as the warehouse sees them."""

    username: str
    # Customer attribute -> the only values this viewer may see (empty: no restriction).
    scope: dict[str, frozenset[str]] = field(default_factory=dict)
    pii: bool = True
    snowflake_role: str | None = None
    can_export: bool = True
    # Workspace slugs this viewer may open; None: every workspace (only for viewers built in code).
    workspaces: frozenset[str] | None = None
    can_subscribe: bool = True
    is_admin: bool = False
    roles: tuple[str, ...] = ()

    @property
    def query_tag(self) -> str:
        """Names the portal user on every warehouse statement (Snowflake QUERY_TAG)."""
        return f"portal:user={self.username}"

    def may_open(self, slug: str) -> bool:
        return self.workspaces is None or slug in self.workspaces


def group_names(user: AbstractBaseUser | AnonymousUser) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(user.groups.values_list("name", flat=True))  # type: ignore[union-attr,attr-defined]


def roles_for_groups(groups: Iterable[str]) -> list:  # list[Role]
    from .models import Role

    wanted = set(groups)
    return [role for role in Role.objects.all() if wanted & set(role.idp_groups or ())]


def roles_for(user: AbstractBaseUser | AnonymousUser) -> list:  # list[Role]
    """The roles the user's groups grant (cached on the user object for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = roles_for_groups(group_names(user))
        user._portal_roles = cached  # type: ignore[union-attr,attr-defined]
    return cached


def granting_groups() -> list[str]:
    """Every group that grants some role: what a person without access should ask for."""
    from .models import Role

    return sorted({g for role in Role.objects.all() for g in role.idp_groups or ()})


Scope = dict[str, frozenset[str]]


def union_scope(scopes: list[Scope]) -> Scope:
    """The rows that any of `scopes` may see, as one scope the compiler can enforce.

    A scope is a conjunction of `attribute IN values`. The union of several is exact when one of them
    is unrestricted (everything), or when they all restrict the same attributes with the same values
    on all but at most one attribute (the values of that one are united). Any other union (say
    region EMEA in one role, plan tier Premium in another) is not a conjunction; it then falls back to
    the rows every one of the scopes may see, never to more than any role grants.
    """
    if not scopes or any(not s for s in scopes):
        return {}
    keys = set(scopes[0])
    if all(set(s) == keys for s in scopes):
        differing = [k for k in sorted(keys) if len({s[k] for s in scopes}) > 1]
        if len(differing) <= 1:
            return {k: frozenset().union(*(s[k] for s in scopes)) for k in keys}
    logger.warning("roles with incompatible scopes %s: showing only the rows all of them may see", scopes)
    merged: dict[str, frozenset[str]] = {}
    for scope in scopes:
        for key, values in scope.items():
            merged[key] = merged[key] & values if key in merged else values
    return merged


def viewer_from_roles(username: str, roles: list) -> Viewer:
    if not roles:
        raise NoAccess(f"{username} has no role")
    scopes = [{k: frozenset(v) for k, v in (role.scope or {}).items() if v} for role in roles]
    snowflake_roles = sorted({r.snowflake_role for r in roles if r.snowflake_role})
    if len(snowflake_roles) > 1:
        # One connection runs the query: prefer the role whose scope is unrestricted, else the first.
        broad = sorted(r.snowflake_role for r in roles if r.snowflake_role and not r.scope)
        snowflake_roles = broad or snowflake_roles
    return Viewer(
        username=username,
        scope=union_scope(scopes),
        pii=any(r.pii for r in roles),
        snowflake_role=snowflake_roles[0] if snowflake_roles else None,
        can_export=any(r.can_export for r in roles),
        workspaces=frozenset(slug for r in roles for slug in r.workspaces or ()),
        can_subscribe=any(r.can_subscribe for r in roles),
        is_admin=any(r.is_admin for r in roles),
        roles=tuple(sorted(r.name for r in roles)),
    )


def viewer_for(user: AbstractBaseUser | AnonymousUser) -> Viewer:
    """The viewer for a signed-in user; raises NoAccess when none of their groups grants a role."""
    if not user.is_authenticated:
        raise PermissionError("viewer_for() needs a signed-in user")
    return viewer_from_roles(user.get_username(), roles_for(user))


def is_portal_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and any(r.is_admin for r in roles_for(user)))
