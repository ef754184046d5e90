"""The rights checked where an export is produced (the worker), not only at the form that asked for it.

Each function re-derives the viewer from the user's roles now (a role may have changed since the
subscription, alert or job was made, or an administrator made it in the admin) and raises ReportError,
with a sentence for the user, when the user may not have the thing.
"""

from __future__ import annotations

from django.contrib.auth.models import User

from accounts.access import NoAccess, Viewer, viewer_for

from .report import ReportError

NO_PDF = "Your role may not export, so the PDF is not attached."


def current_viewer(user: User, slug: str) -> Viewer:
    """The user's viewer as of now, for a view of workspace `slug`; refuses no role and no workspace."""
    user = User.objects.get(pk=user.pk)  # the roles as they are now, not as cached on an old object
    if not user.is_active:
        raise ReportError(f"{user.get_username()} is deactivated.")
    try:
        viewer = viewer_for(user)
    except NoAccess as exc:
        raise ReportError(f"{user.get_username()} has no access to the portal: {exc}") from exc
    if not viewer.may_open(slug):
        raise ReportError(f"{user.get_username()} may not open the {slug} workspace.")
    return viewer


def subscriber_viewer(user: User, slug: str) -> Viewer:
    """For digests and alerts: the role must still allow subscriptions."""
    viewer = current_viewer(user, slug)
    if not viewer.can_subscribe:
        raise ReportError(f"{user.get_username()}'s role may not subscribe to digests or alerts.")
    return viewer


def exporter_viewer(user: User, slug: str) -> Viewer:
    """For PDF jobs: the role must still allow exports."""
    viewer = current_viewer(user, slug)
    if not viewer.can_export:
        raise ReportError(f"{user.get_username()}'s role may not export data.")
    return viewer
