"""Adoption, for administrators: who uses the portal, what they use, and what they tell us.

Read from the audit log (sign-ins, page views, exports, subscriptions) and the feedback table:
daily and weekly active users by role against a target (settings.ADOPTION_TARGET_SHARE of
settings.ADOPTION_TARGET_USERS), the most opened workspaces, the most exported charts, exports and
subscriptions, and feedback received. A workspace page view counts as one view of each chart on the
tab it showed (its detail names the workspace and the tab), so loading charts writes nothing more to the
log. Roles are the users' roles now (accounts.access.roles_for).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Avg, Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import is_portal_admin, roles_for
from accounts.models import AuditEvent

from .charts.registry import WORKSPACES
from .models import Feedback
from .views import visible_workspaces

ACTIVE = ("sign_in", "page_view", "export", "subscription")
PAGE_VIEW = "page_view"
DAYS, WEEKS = 14, 8


@dataclass
class Adoption:
    today: dt.date
    target_users: int
    target_share: float
    daily: list[tuple[dt.date, int]] = field(default_factory=list)
    weekly: list[tuple[dt.date, int]] = field(default_factory=list)
    weekly_by_role: dict[str, int] = field(default_factory=dict)
    workspaces: list[tuple[str, int]] = field(default_factory=list)
    charts: list[tuple[str, int]] = field(default_factory=list)
    viewed_charts: list[tuple[str, int]] = field(default_factory=list)
    exports: int = 0
    subscriptions: int = 0
    feedback: list[Feedback] = field(default_factory=list)
    feedback_count: int = 0
    feedback_avg: float | None = None

    @property
    def target(self) -> int:
        return math.ceil(self.target_users * self.target_share)

    @property
    def this_week(self) -> int:
        return self.weekly[-1][1] if self.weekly else 0

    @property
    def week_start(self) -> dt.date | None:
        return self.weekly[-1][0] if self.weekly else None

    @property
    def short_of_target(self) -> int:
        return max(0, self.target - self.this_week)

    @property
    def on_target(self) -> bool:
        return self.this_week >= self.target


def _role_of(user_ids: set[int]) -> dict[int, str]:
    names: dict[int, str] = {}
    for user in User.objects.filter(id__in=user_ids).prefetch_related("groups"):
        roles = sorted(r.name for r in roles_for(user))
        names[user.id] = ", ".join(roles) or "(no role)"
    return names


def _shown_charts(detail: dict[str, Any]) -> list[str]:
    """The charts a workspace page view showed: those of its tab (the first tab when none is named),
    as 'Support Operations · Ticket categories'; none for a workspace that no longer exists."""
    ws = WORKSPACES.get(str(detail.get("workspace", "")))
    if ws is None:
        return []
    tab = ws.shown_tab(str(detail.get("tab") or ""))
    return [f"{ws.title} · {chart.title}" for chart in ws.on_tab(tab)]


def _chart_of(what: str) -> str | None:
    """'GET /w/support/chart/categories.csv?...' -> 'Support · Ticket categories'."""
    path = what.split(" ", 1)[-1].split("?", 1)[0]
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[0] == "w" and parts[2] == "chart":
        ws = WORKSPACES.get(parts[1])
        chart = ws.chart(parts[3].removesuffix(".csv")) if ws else None
        if ws and chart:
            return f"{ws.title} · {chart.title}"
    if len(parts) >= 2 and parts[0] == "w" and parts[1] in WORKSPACES:
        return f"{WORKSPACES[parts[1]].title} · PDF of the page"
    return None


def adoption(today: dt.date | None = None) -> Adoption:
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    since = monday - dt.timedelta(weeks=WEEKS - 1)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time()))
    events = list(
        AuditEvent.objects.filter(at__gte=start, action__in=ACTIVE, user__isnull=False).values(
            "at", "user_id", "action", "what", "detail"
        )
    )
    report = Adoption(today, settings.ADOPTION_TARGET_USERS, settings.ADOPTION_TARGET_SHARE)
    by_day: dict[dt.date, set[int]] = defaultdict(set)
    by_week: dict[dt.date, set[int]] = defaultdict(set)
    for e in events:
        day = timezone.localtime(e["at"]).date()
        by_day[day].add(e["user_id"])
        by_week[day - dt.timedelta(days=day.weekday())].add(e["user_id"])
    report.daily = [
        (d, len(by_day[d])) for d in (today - dt.timedelta(days=i) for i in range(DAYS - 1, -1, -1))
    ]
    report.weekly = [
        (w, len(by_week[w])) for w in (monday - dt.timedelta(weeks=i) for i in range(WEEKS - 1, -1, -1))
    ]
    roles = _role_of(by_week[monday])
    report.weekly_by_role = dict(sorted(Counter(roles[u] for u in by_week[monday]).items()))
    page_views = [e["detail"] or {} for e in events if e["action"] == PAGE_VIEW]
    views = Counter(d.get("workspace", "") for d in page_views)
    report.workspaces = [(WORKSPACES[slug].title, n) for slug, n in views.most_common() if slug in WORKSPACES]
    chart_views = Counter(title for d in page_views for title in _shown_charts(d))
    report.viewed_charts = [(title, n) for title, n in chart_views.most_common() if title][:10]
    exported = [e for e in events if e["action"] == "export"]
    report.exports = len(exported)
    report.charts = Counter(c for c in (_chart_of(e["what"]) for e in exported) if c).most_common(10)
    report.subscriptions = sum(1 for e in events if e["action"] == "subscription")
    feedback = Feedback.objects.filter(at__gte=start)
    summary = feedback.aggregate(n=Count("id"), avg=Avg("rating"))
    report.feedback_count, report.feedback_avg = summary["n"], summary["avg"]
    report.feedback = list(feedback[:50])
    return report


def as_csv(report: Adoption) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["SECTION", "KEY", "VALUE"])
    writer.writerow(["target", "weekly active users", report.target])
    for day, n in report.daily:
        writer.writerow(["daily active users", day.isoformat(), n])
    for week, n in report.weekly:
        writer.writerow(["weekly active users", week.isoformat(), n])
    for role, n in report.weekly_by_role.items():
        writer.writerow(["weekly active users by role", role, n])
    for title, n in report.workspaces:
        writer.writerow(["workspace page views", title, n])
    for title, n in report.viewed_charts:
        writer.writerow(["chart views", title, n])
    for title, n in report.charts:
        writer.writerow(["chart exports", title, n])
    writer.writerow(["exports", "total", report.exports])
    writer.writerow(["subscription changes", "total", report.subscriptions])
    for f in report.feedback:
        writer.writerow(
            [
                "feedback",
                f"{f.at:%Y-%m-%d %H:%M} {f.username} ({f.roles}) {f.page}",
                f"{f.rating}: {f.comment}",
            ]
        )
    return out.getvalue()


@require_GET
def adoption_page(request: HttpRequest) -> HttpResponse:
    if not is_portal_admin(request.user):
        raise Http404("No such page")
    unknown = sorted(set(request.GET) - {"format"})
    if unknown:
        return HttpResponse(
            f"{unknown[0]}: is not a parameter of this page", status=400, content_type="text/plain"
        )
    fmt = request.GET.get("format", "html")
    if fmt not in ("html", "csv"):
        return HttpResponse(f"format: '{fmt}' is not html or csv", status=400, content_type="text/plain")
    report = adoption()
    if fmt == "csv":
        response = HttpResponse(as_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="adoption.csv"'
        return response
    context: dict[str, Any] = {
        "report": report,
        "peak": max([n for _, n in report.daily] + [1]),
        "workspaces": visible_workspaces(request),
        "nav": "adoption",
    }
    return render(request, "dashboards/adoption.html", context)
