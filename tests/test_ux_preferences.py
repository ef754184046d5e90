"""Preferences offer only the workspaces the viewer's roles open, and refuse any other with a message."""

import pytest

from accounts.models import Role
from dashboards.charts.palette import DEFAULT_PALETTE
from dashboards.charts.registry import WORKSPACES
from dashboards.models import Preference

pytestmark = pytest.mark.django_db


def _narrow_role() -> tuple[str, set[str], str]:
    """A starting role that lacks at least one workspace: its name, what it opens, one it lacks."""
    for role in Role.objects.all():
        lacking = [slug for slug in WORKSPACES if slug not in role.workspaces]
        if lacking:
            return role.name, set(role.workspaces), lacking[0]
    pytest.fail("every starting role opens every workspace")


def test_the_default_workspace_choices_are_only_the_roles_workspaces(client, warehouse, role_user):
    name, opens, lacking = _narrow_role()
    client.force_login(role_user(name))
    html = client.get("/preferences/").content.decode()
    assert f'value="{lacking}"' not in html
    for slug in opens & set(WORKSPACES):
        assert f'value="{slug}"' in html


def test_choosing_a_workspace_the_role_lacks_is_refused_with_a_message_and_saves_nothing(
    client, warehouse, role_user
):
    name, _, lacking = _narrow_role()
    user = role_user(name)
    client.force_login(user)
    response = client.post(
        "/preferences/",
        {"default_workspace": lacking, "default_preset": "last_90", "palette": DEFAULT_PALETTE},
    )
    assert response.status_code == 400
    assert "Your role does not open the workspace" in response.content.decode()
    assert not Preference.objects.filter(user=user, default_workspace=lacking).exists()
