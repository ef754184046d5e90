"""Who is asking, and what they may see: decided here, in one place.

Every channel that shows data (pages, CSV, and later PDF, API and digests) asks `viewer_for(user)`
and passes the result down to the query compiler. A viewer is built from the user's roles
(accounts.models.Role): the union of their workspaces; their data scopes united as a disjunction of
each role's conjunction (`DataScope`); names and e-mail addresses for the customers a PII-granting
role covers, decided per row; export and subscription if any role allows them. A user with no role has no viewer (`NoAccess`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

logger = logging.getLogger(__name__)


class NoAccess(PermissionError):
    """The user is signed in but none of their groups grants a role."""


Grant = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class DataScope:
    """The customers a viewer may see: those that match ANY one of `grants`.

    Each grant is one role's scope, a conjunction of `attribute IN (values)` kept as sorted pairs; the
    empty grant `()` matches every customer. So the union of several roles is exactly the disjunction
    of their conjunctions ((region EMEA) OR (region NA AND value_segment High/Medium)): nothing is
    intersected, and nothing is dropped. No grants at all (`NO_CUSTOMER`) matches nobody.
    """

    grants: tuple[Grant, ...] = ((),)

    @classmethod
    def of(cls, *conjunctions: Mapping[str, Iterable[str]]) -> DataScope:
        """The union of `conjunctions` (attribute -> allowed values, as a role stores them).

        An attribute listed with no values allows no customer, so that conjunction matches nothing and
        is left out: an empty list never widens access.
        """
        grants: set[Grant] = set()
        for conjunction in conjunctions:
            pairs = tuple(
                sorted((str(k), tuple(sorted({str(v) for v in vals}))) for k, vals in conjunction.items())
            )
            if any(not values for _, values in pairs):
                continue
            if not pairs:
                return EVERY_CUSTOMER
            grants.add(pairs)
        return cls(grants=tuple(sorted(grants)))

    @property
    def unrestricted(self) -> bool:
        return any(not grant for grant in self.grants)

    @property
    def empty(self) -> bool:
        return not self.grants

    def allows(self, customer: Mapping[str, Any]) -> bool:
        """Whether a customer with these attribute values (attribute -> value) is inside the scope."""
        return any(all(customer.get(k) in values for k, values in grant) for grant in self.grants)

    def describe(self) -> str:
        """For people: "everyone", or "region EMEA, or region NA and value_segment High Value, Medium Value"."""
        if self.unrestricted:
            return "every customer"
        if self.empty:
            return "no customer"
        return ", or ".join(" and ".join(f"{k} {', '.join(v)}" for k, v in grant) for grant in self.grants)


EVERY_CUSTOMER = DataScope()
NO_CUSTOMER = DataScope(grants=())


@dataclass(frozen=True)
class Viewer:
    """A signed-in person as the warehouse sees them."""

    username: str
    # The customers this viewer may see (the union of their roles' scopes).
    scope: DataScope = EVERY_CUSTOMER
    # Whether names and e-mail addresses show at all, and for which customers: `pii_scope` is the union
    # of the scopes of the roles that grant PII (None: every customer the viewer sees).
    pii: bool = True
    pii_scope: DataScope | None = None
    # The Snowflake role the viewer's statements run as, or several joined by commas for a person with
    # more than one role ("PORTAL_CS_MANAGER,PORTAL_SUPPORT_LEAD"): the first is the session's primary
    # role and the others its secondary roles, so Snowflake's own row access policy sees the union of
    # their scopes, as the portal does (see dashboards/warehouse/snowflake_backend.py).
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


def snowflake_session(roles: list) -> str | None:  # roles: list[Role]
    """The Snowflake roles of a session for these portal roles: every role's own, the primary first (a role
    whose scope is unrestricted when there is one, else the first by name), joined by commas; None when
    no role names one (the connection's default role)."""
    names = sorted({r.snowflake_role for r in roles if r.snowflake_role})
    broad = sorted({r.snowflake_role for r in roles if r.snowflake_role and not r.scope})
    if broad:
        names.remove(broad[0])
        names.insert(0, broad[0])
    return ",".join(names) or None


def viewer_from_roles(username: str, roles: list) -> Viewer:
    if not roles:
        raise NoAccess(f"{username} has no role")
    scope = DataScope.of(*(role.scope or {} for role in roles))
    pii_roles = [role for role in roles if role.pii]
    pii_scope = DataScope.of(*(role.scope or {} for role in pii_roles))
    return Viewer(
        username=username,
        scope=scope,
        pii=bool(pii_roles) and not pii_scope.empty,
        # Names show only for the customers a PII-granting role covers (decided per row).
        pii_scope=None if len(pii_roles) == len(roles) or pii_scope.unrestricted else pii_scope,
        snowflake_role=snowflake_session(roles),
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
