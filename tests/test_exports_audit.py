"""PDF exports and subscription changes are audited; a role without the right is refused and audited."""

import pytest
from django.contrib.auth.models import Group, User

from accounts.models import AuditEvent, Role
from tests.fixtures.portal import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_a_pdf_export_is_recorded_in_the_audit_log(signed_in, user):
    response = signed_in.post("/w/overview/export.pdf?preset=last_30")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="export")
    assert (event.user, event.detail["format"]) == (user, "pdf")
    assert "preset=last_30" in event.what


def test_subscribing_and_pausing_are_recorded_in_the_audit_log(signed_in, user):
    response = signed_in.post(
        "/w/overview/subscribe/?preset=last_7",
        {"frequency": "weekly", "weekday": "0", "hour": "8", "time_zone": "UTC"},
    )
    assert response.status_code == 302
    created = AuditEvent.objects.get(action="subscription")
    assert created.detail["change"] == "created"
    signed_in.post(f"/subscriptions/{created.detail['subscription']}/pause/")
    changes = list(AuditEvent.objects.filter(action="subscription").values_list("detail__change", flat=True))
    assert sorted(changes) == ["created", "pause"]


def test_a_role_that_may_not_subscribe_is_refused_and_the_attempt_recorded(client, warehouse, db):
    Role.objects.create(
        name="Viewer only", idp_groups=["viewers"], workspaces=["overview"], can_subscribe=False
    )
    person = User.objects.create_user("vic.viewer", password=TEST_PASSWORD)
    person.groups.add(Group.objects.get_or_create(name="viewers")[0])
    client.force_login(person)
    response = client.post("/w/overview/subscribe/", {"frequency": "daily", "hour": "8", "time_zone": "UTC"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="denied", user=person).exists()
    assert not AuditEvent.objects.filter(action="subscription").exists()


def test_a_subscription_can_keep_a_saved_presets_filters(signed_in, user):
    from dashboards.models import SavedPreset
    from exports.models import Subscription

    preset = SavedPreset.objects.create(owner=user, name="Quarter", query="preset=qtd&persona=Gone+Persona")
    response = signed_in.post(
        "/w/overview/subscribe/?preset=last_7",
        {"frequency": "daily", "hour": "8", "time_zone": "UTC", "preset": str(preset.pk)},
    )
    assert response.status_code == 302
    assert (
        Subscription.objects.get(user=user).query == "preset=qtd"
    )  # what is no longer in the data is left out
