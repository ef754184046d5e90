"""Scheduled e-mail digests, sent exactly once per recipient and period.

- `dispatch_due(now)` (beat, every minute) takes each subscription whose send time has come and
  claims its period with a conditional UPDATE of `next_run_at` (exactly one row changed, or another
  dispatcher has it), creating one pending DigestRun per recipient in the same transaction; a
  unique constraint on (subscription, recipient, send time) backs this up. A dispatcher that was
  down over a send time catches up once; periods that passed entirely are recorded as missed and
  the digest that goes out says so, instead of sending stale data as new.
- `deliver_run(run_id)` (one task per recipient) renders the digest for the recipient's own viewer,
  then claims the send (pending -> sending, exactly one row changed), hands the message to the mail
  server and marks it sent. A worker killed while rendering leaves the run pending, and the task,
  acknowledged late, is delivered to another worker, which sends it. A worker killed during the
  hand-over itself leaves the run "sending"; after a lease it is marked interrupted and never sent
  again: a missing e-mail is preferred to a duplicate.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from . import images, rights
from .emails import RelatedMessage, make_message
from .models import DigestRun, Subscription
from .pdf import render_workspace_pdf
from .queueing import enqueue, publish
from .report import ReportError, describe_data_range, load_report
from .smtp import MaybeDelivered

log = logging.getLogger(__name__)

SENDING_LEASE = dt.timedelta(minutes=15)
MAX_EMAIL_CHARTS = 6
UNSUBSCRIBE_SALT = "exports.unsubscribe"


# --- Subscriptions ----------------------------------------------------------------------------------------


def subscription_create(*, user: User | None = None, created_by: User, **fields: object) -> Subscription:
    sub = Subscription(user=user, created_by=created_by, **fields)
    sub.reschedule()
    sub.full_clean()
    sub.save()
    return sub


def subscription_pause(sub: Subscription) -> None:
    Subscription.objects.filter(id=sub.id).update(active=False)


def subscription_resume(sub: Subscription) -> None:
    """Resume from the next send time after now: periods spent paused are not sent."""
    sub.reschedule()
    Subscription.objects.filter(id=sub.id).update(active=True, next_run_at=sub.next_run_at)


class LinkExpired(Exception):
    """An unsubscribe link older than UNSUBSCRIBE_LINK_DAYS."""


def unsubscribe_token(sub: Subscription, user: User) -> str:
    return signing.dumps({"s": sub.id, "u": user.id}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_target(token: str) -> tuple[Subscription, User] | None:
    """Whom a link unsubscribes from what; None for a forged link; LinkExpired once it is too old."""
    from django.conf import settings

    max_age = dt.timedelta(days=settings.UNSUBSCRIBE_LINK_DAYS)
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired(str(exc)) from exc
    except signing.BadSignature:
        return None
    try:
        return Subscription.objects.get(id=data["s"]), User.objects.get(id=data["u"])
    except (KeyError, TypeError, Subscription.DoesNotExist, User.DoesNotExist):
        return None


def unsubscribe(sub: Subscription, user: User) -> None:
    """A personal subscription is deleted; from a group's, only this member is taken off."""
    if sub.user_id == user.id:
        sub.delete()
    else:
        sub.opted_out.add(user)


# --- Dispatch: claim each due period once -----------------------------------------------------------------


def _queue(run_ids: list[int]) -> list[bool]:
    """Queue the runs after commit; the list gets each publish's outcome then (see queueing.enqueue)."""
    from .tasks import send_digest

    outcomes: list[bool] = []
    if run_ids:
        DigestRun.objects.filter(id__in=run_ids).update(queued_at=timezone.now())
    for run_id in run_ids:
        outcome = enqueue(send_digest, run_id)
        transaction.on_commit(lambda o=outcome: outcomes.extend(o))  # type: ignore[misc]
    return outcomes


def _when(t: dt.datetime, sub: Subscription) -> str:
    from zoneinfo import ZoneInfo

    return f"{t.astimezone(ZoneInfo(sub.time_zone)):%a %d %b %Y %H:%M} ({sub.time_zone})"


def claim_period(sub_id: int, now: dt.datetime) -> list[int]:
    """Claim the period due for a subscription; the ids of the runs created (empty if not ours)."""
    with transaction.atomic():
        sub = Subscription.objects.filter(id=sub_id, active=True, next_run_at__lte=now).first()
        if sub is None:
            return []
        due, schedule = sub.next_run_at, sub.schedule
        latest = max(due, schedule.last_at_or_before(now))
        claimed = Subscription.objects.filter(id=sub.id, next_run_at=due, active=True).update(
            next_run_at=schedule.next_after(now)
        )
        if claimed != 1:
            return []
        notes = []
        missed = [t for t in schedule.between(due, latest) if t < latest][:500]
        if missed:
            notes.append(
                f"The digest{'s' if len(missed) > 1 else ''} due {_when(missed[0], sub)}"
                f"{f' and {len(missed) - 1} more' if len(missed) > 1 else ''} "
                "could not be sent: that period passed entirely while the portal's scheduler was down."
            )
            DigestRun.objects.create(
                subscription=sub,
                recipient=None,
                scheduled_for=missed[0],
                status=DigestRun.Status.MISSED,
                note=notes[0],
            )
        if now - latest > dt.timedelta(minutes=10):
            notes.append(f"This digest was due {_when(latest, sub)} and is sent late.")
        note = " ".join(notes)
        ids = [
            DigestRun.objects.create(subscription=sub, recipient=user, scheduled_for=latest, note=note).id
            for user in sub.recipients()
        ]
        _queue(ids)
    return ids


def mark_interrupted(now: dt.datetime) -> int:
    return DigestRun.objects.filter(
        status=DigestRun.Status.SENDING, claimed_at__lt=now - SENDING_LEASE
    ).update(
        status=DigestRun.Status.INTERRUPTED,
        error="The worker stopped while handing this e-mail to the mail server; it is not sent again, "
        "so it may or may not have arrived.",
    )


def dispatch_due(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    mark_interrupted(now)
    ids: list[int] = []
    for sub_id in Subscription.objects.filter(active=True, next_run_at__lte=now).values_list("id", flat=True):
        ids += claim_period(sub_id, now)
    return ids


class NoEmailAddress(ValueError):
    """The user has no e-mail address, so no digest or alert can reach them."""


def require_email(user: User) -> None:
    if not user.email:
        raise NoEmailAddress(
            "Your account has no e-mail address, so no e-mail can reach you. "
            "Ask an administrator to add one to your account."
        )


def send_now(sub: Subscription, user: User) -> tuple[DigestRun, bool]:
    """'Send me one now': a run of its own, outside the schedule (the schedule is not touched).

    Returns the run and whether it is on the task queue (False: kept, queued again when the queue is
    back). Raises NoEmailAddress before creating anything when the user has no address."""
    from .tasks import send_digest

    require_email(user)
    run = DigestRun.objects.create(
        subscription=sub,
        recipient=user,
        scheduled_for=timezone.now(),
        kind=DigestRun.Kind.NOW,
        queued_at=timezone.now(),
    )
    queued = publish(send_digest, run.id)
    if not queued:
        DigestRun.objects.filter(id=run.id).update(queued_at=None)  # the next sweep queues it
    return run, queued


# --- Delivery: render for the recipient, claim, send ------------------------------------------------------


def build_digest(run: DigestRun) -> RelatedMessage:
    """The digest e-mail for the run's recipient, seen through the recipient's viewer."""
    sub, user = run.subscription, run.recipient
    assert user is not None
    if not user.email:
        raise ReportError(f"{user.get_username()} has no e-mail address.")
    # The recipient's rights as of now: their role may have changed since the subscription was made.
    viewer = rights.subscriber_viewer(user, sub.workspace)
    report = load_report(sub.workspace, sub.query, viewer)
    charts: list[dict[str, object]] = []
    inline: list[tuple[str, bytes]] = []
    for view in report.panels:
        if view.figure and len(inline) < MAX_EMAIL_CHARTS:
            cid = f"chart-{view.chart.id}"
            inline.append((cid, images.render(dict(view.figure), fmt="png", width=640, height=320)))
            charts.append({"view": view, "cid": cid})
        elif not view.error and not view.empty:
            charts.append({"view": view, "cid": ""})
    from django.conf import settings

    unsubscribe_url = settings.PORTAL_URL + reverse("unsubscribe", args=[unsubscribe_token(sub, user)])
    attachments = []
    pdf_note = ""
    if sub.attach_pdf and not viewer.can_export:
        pdf_note = rights.NO_PDF
    elif sub.attach_pdf:
        pdf = render_workspace_pdf(sub.workspace, sub.query, viewer)
        attachments.append((f"{sub.workspace}-{timezone.localdate():%Y%m%d}.pdf", pdf, "application/pdf"))
    context = {
        "subscription": sub,
        "run": run,
        "pdf_note": pdf_note,
        "report": report,
        "user": user,
        "filter_words": report.filter_words,
        "data_range": describe_data_range(report.data),
        "charts": charts,
        "view_url": settings.PORTAL_URL + report.path,
        "unsubscribe_url": unsubscribe_url,
        "subscriptions_url": settings.PORTAL_URL + reverse("subscriptions"),
    }
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return make_message(
        "digest", user.email, context, headers=headers, inline_images=inline, attachments=attachments
    )


def deliver_run(run_id: int) -> str:
    """Send one run's digest if nobody has; returns the run's status afterwards."""
    run = DigestRun.objects.select_related("subscription", "recipient").get(id=run_id)
    if run.status != DigestRun.Status.PENDING:
        return run.status
    try:
        message = build_digest(run)
    except ReportError as exc:
        run_failed(run_id, str(exc))
        return DigestRun.Status.FAILED
    claimed = DigestRun.objects.filter(id=run_id, status=DigestRun.Status.PENDING).update(
        status=DigestRun.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if claimed != 1:
        return DigestRun.objects.get(id=run_id).status
    try:
        message.send()
    except MaybeDelivered as exc:
        # The server had the message when the connection dropped: most likely delivered. Never resend.
        log.warning("digest run %s: %s; recorded as sent, not sent again", run_id, exc)
        DigestRun.objects.filter(id=run_id).update(
            status=DigestRun.Status.SENT,
            sent_at=timezone.now(),
            error=f"Probably delivered: {exc}. It is not sent again, to avoid a second copy."[:2000],
        )
        return DigestRun.Status.SENT
    except Exception as exc:
        # Refused before the server took it: give the claim back so a retry may send it.
        DigestRun.objects.filter(id=run_id, status=DigestRun.Status.SENDING).update(
            status=DigestRun.Status.PENDING, error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    DigestRun.objects.filter(id=run_id).update(status=DigestRun.Status.SENT, sent_at=timezone.now(), error="")
    return DigestRun.Status.SENT


def run_failed(run_id: int, message: str) -> None:
    log.warning("digest run %s failed: %s", run_id, message)
    DigestRun.objects.filter(id=run_id, status=DigestRun.Status.PENDING).update(
        status=DigestRun.Status.FAILED, error=message[:2000]
    )
