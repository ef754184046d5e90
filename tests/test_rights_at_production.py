"""Rights are checked where the thing is produced: the digest, the PDF job and the alert re-derive
the viewer from the user's roles at that moment, so a form that let something through, a
subscription made in the admin, or a role changed since, never sends what the role may not have."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from exports import alerts, digests, jobs, tasks
from exports.models import Alert, DigestRun, ExportJob, Subscription

pytestmark = pytest.mark.django_db


def pdfs(message) -> list:  # type: ignore[no-untyped-def]
    return [p for p in message.walk() if p.get_content_type() == "application/pdf"]


def subscription_for(user: User, *, attach_pdf: bool = True, workspace: str = "overview") -> Subscription:
    return digests.subscription_create(
        user=user, created_by=user, workspace=workspace, query="preset=last_30",
        frequency="daily", hour=8, time_zone="UTC", attach_pdf=attach_pdf,
    )  # fmt: skip


@pytest.fixture
def no_subscribe_role() -> Role:
    """A role that opens Overview but may neither export nor subscribe (none of the starting roles)."""
    return Role.objects.create(
        name="Reader", idp_groups=["Reader"], workspaces=["overview"], can_export=False, can_subscribe=False
    )


def move_to(user: User, role_name: str) -> None:
    user.groups.set([Group.objects.get_or_create(name=role_name)[0]])


# --- Digests -------------------------------------------------------------------------------------------


def test_send_now_from_an_executives_pdf_subscription_sends_the_digest_without_the_pdf(
    warehouse: Path, smtp, role_user, client: Client
) -> None:
    executive = role_user("Executive")
    assert not Role.objects.get(name="Executive").can_export
    sub = subscription_for(executive)  # as an administrator might have made it, or an old form allowed
    client.force_login(executive)
    response = client.post(f"/subscriptions/{sub.id}/send-now/")
    assert response.status_code == 302
    run = DigestRun.objects.get(subscription=sub)
    tasks.send_digest.apply(args=[run.id])  # the task itself, in this process
    run.refresh_from_db()
    assert run.status == "sent", run.error
    [message] = smtp.messages
    assert message["To"] == executive.email
    assert pdfs(message) == []
    assert "may not export" in message.get_body(("plain",)).get_content()


def test_the_same_subscription_carries_the_pdf_for_a_role_that_may_export(
    warehouse: Path, smtp, role_user
) -> None:
    analyst = role_user("CX analyst")
    run, _ = digests.send_now(subscription_for(analyst), analyst)
    assert digests.deliver_run(run.id) == "sent"
    [message] = smtp.messages
    [pdf] = pdfs(message)
    assert pdf.get_content().startswith(b"%PDF")


def test_executive_with_a_role_that_may_export_gets_the_pdf_because_rights_are_a_union(
    warehouse: Path, smtp, role_user
) -> None:
    person = role_user("Executive", groups=("Product manager",))
    run, _ = digests.send_now(subscription_for(person), person)
    assert digests.deliver_run(run.id) == "sent"
    assert len(pdfs(smtp.messages[0])) == 1


def test_a_subscriber_moved_to_a_role_without_export_loses_the_pdf_at_the_next_send(
    warehouse: Path, smtp, role_user
) -> None:
    person = role_user("Administrator", username="moved.person")
    sub = subscription_for(person)
    move_to(person, "Executive")  # the role changed after subscribing
    run, _ = digests.send_now(
        sub,
        User.objects.get(id=person.id),
    )
    assert digests.deliver_run(run.id) == "sent"
    assert pdfs(smtp.messages[0]) == []


def test_a_digest_for_a_role_that_may_not_subscribe_is_not_sent_and_says_why(
    warehouse: Path, smtp, role_user, no_subscribe_role: Role
) -> None:
    reader = role_user("Reader")
    sub = subscription_for(reader, attach_pdf=False)
    run, _ = digests.send_now(sub, reader)
    tasks.send_digest.apply(args=[run.id])
    run.refresh_from_db()
    assert run.status == "failed" and "may not subscribe" in run.error
    assert smtp.messages == []


def test_a_digest_of_a_workspace_the_role_does_not_open_is_not_sent(warehouse: Path, smtp, role_user) -> None:
    lead = role_user("Support lead")
    assert "product" not in Role.objects.get(name="Support lead").workspaces
    run, _ = digests.send_now(subscription_for(lead, workspace="product", attach_pdf=False), lead)
    assert digests.deliver_run(run.id) == "failed"
    run.refresh_from_db()
    assert "may not open" in run.error
    assert smtp.messages == []


# --- PDF jobs ------------------------------------------------------------------------------------------


def test_a_pdf_job_for_an_executive_fails_in_the_task_without_rendering(warehouse: Path, role_user) -> None:
    executive = role_user("Executive")
    job = ExportJob.objects.create(user=executive, workspace="overview", query="preset=last_30")
    tasks.export_pdf.apply(args=[str(job.id)])
    job.refresh_from_db()
    assert job.status == "failed" and job.pdf is None
    assert "may not export" in job.message


def test_a_pdf_job_whose_owner_lost_the_workspace_fails(warehouse: Path, role_user) -> None:
    person = role_user("Administrator", username="was.admin")
    job = ExportJob.objects.create(user=person, workspace="product", query="preset=last_30")
    move_to(person, "Support lead")
    jobs.export_run(str(job.id))
    job.refresh_from_db()
    assert job.status == "failed" and "may not open" in job.message


def test_a_pdf_job_whose_owner_has_no_role_any_more_fails_with_a_message(warehouse: Path, role_user) -> None:
    person = role_user("Administrator", username="gone.person")
    job = ExportJob.objects.create(user=person, workspace="overview", query="preset=last_30")
    person.groups.clear()
    jobs.export_run(str(job.id))
    job.refresh_from_db()
    assert job.status == "failed" and "no access" in job.message


def test_the_executive_cannot_queue_a_pdf_through_the_view(
    warehouse: Path, role_user, client: Client
) -> None:
    client.force_login(role_user("Executive"))
    response = client.post("/w/overview/export.pdf?preset=last_30")
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


# --- Alerts --------------------------------------------------------------------------------------------


def alert_for(user: User, workspace: str = "overview") -> Alert:
    return Alert.objects.create(
        user=user, workspace=workspace, chart_id="kpi_avg_sentiment", query="preset=last_30",
        operator="below", threshold=0.9, cooldown_minutes=0,
    )  # fmt: skip


def test_an_alert_of_a_role_that_may_not_subscribe_is_not_checked_nor_emailed(
    warehouse: Path, smtp, role_user, no_subscribe_role: Role
) -> None:
    alert = alert_for(role_user("Reader"))
    tasks.check_alert.apply(args=[alert.id])
    alert.refresh_from_db()
    assert "may not" in alert.last_error and alert.state == "unknown" and alert.last_value is None
    assert smtp.messages == []


def test_an_alert_whose_owner_moved_to_a_role_without_subscribe_stops_emailing(
    warehouse: Path, smtp, role_user, no_subscribe_role: Role
) -> None:
    person = role_user("Executive", username="exec.then.reader")
    alert = alert_for(person)
    assert alerts.evaluate(alert.id) is not None and len(smtp.messages) == 1  # trips: e-mailed
    move_to(person, "Reader")
    Alert.objects.filter(id=alert.id).update(threshold=-0.9)
    assert alerts.evaluate(alert.id, timezone.now() + dt.timedelta(minutes=5)) is None
    alert.refresh_from_db()
    assert "may not" in alert.last_error
    assert len(smtp.messages) == 1


def test_the_alert_form_refuses_a_role_without_subscribe(
    warehouse: Path, role_user, client: Client, no_subscribe_role: Role
) -> None:
    client.force_login(role_user("Reader"))
    assert client.get("/w/overview/alert/?preset=last_30").status_code == 403
    assert client.get("/w/overview/subscribe/?preset=last_30").status_code == 403
