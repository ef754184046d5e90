"""Who reads the churn model card: administrators and analysts, i.e. roles that open the
Segmentation & Value workspace (where customers are segmented by value and churn risk)."""

from accounts.access import Viewer

ANALYST_WORKSPACES = ("segments",)


def may_read_card(viewer: Viewer) -> bool:
    return viewer.is_admin or any(viewer.may_open(slug) for slug in ANALYST_WORKSPACES)
