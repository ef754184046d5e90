"""Who is asking, and what they may see: decided here, in one place.

Every channel that shows data (pages, CSV, and later PDF, API and digests) asks `viewer_for(user)`
and passes the result down to the query compiler. The identity issue replaces the single
unrestricted scope below with roles read from the database; the shape of `Viewer` is the seam.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Viewer:
    """A signed-in person as the warehouse sees them."""

    username: str
    # Customer attribute -> the only values this viewer may see (empty: no restriction).
    scope: dict[str, frozenset[str]] = field(default_factory=dict)
    pii: bool = True
    snowflake_role: str | None = None
    can_export: bool = True

    @property
    def query_tag(self) -> str:
        """Names the portal user on every warehouse statement (Snowflake QUERY_TAG)."""
        return f"portal:user={self.username}"


def viewer_for(user: AbstractBaseUser | AnonymousUser) -> Viewer:
    """The viewer for a signed-in user. For now every signed-in user sees everything."""
    if not user.is_authenticated:
        raise PermissionError("viewer_for() needs a signed-in user")
    return Viewer(username=user.get_username())
