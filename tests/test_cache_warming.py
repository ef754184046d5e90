"""After a warehouse change, the warming task computes each role's default views, so the first visit runs
no warehouse query; it warms once per data version, and a warmed fragment shows the role's own numbers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import duckdb
import pytest
import sqlglot
from django.contrib.auth.models import Group, User
from django.http import QueryDict
from django.test import Client
from django_celery_beat.models import PeriodicTask

from accounts.access import viewer_for
from dashboards import fragments, queries, versioned
from dashboards.charts.registry import WORKSPACES
from dashboards.filters import load_data_range, load_options, parse_filters
from dashboards.warehouse import duckdb_backend
from exports import tasks, warming

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr><td>([^<]*)</td><td class="num" data-value="([^"]+)"')


class Calls:
    def __init__(self, monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> None:
        self.count = 0
        self.args: list[tuple[Any, ...]] = []
        real: Callable[..., Any] = getattr(owner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            self.args.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def client_with_role(role: str) -> tuple[Client, User]:
    user = User.objects.create_user(role.lower().replace(" ", "."))
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    client = Client()
    client.force_login(user)
    return client, user


def default_urls(user: User, slug: str) -> list[str]:
    viewer = viewer_for(user)
    filters = parse_filters(QueryDict(""), options=load_options(viewer), data=load_data_range(viewer))
    ws = WORKSPACES[slug]
    return [f"/w/{slug}/chart/{c.id}/?{filters.querystring()}" for c in ws.on_tab(next(iter(ws.tabs), ""))]


@pytest.fixture
def cold_process(settings) -> None:
    """As a web process that has not served anything yet (its own memos empty), with a cache large
    enough for every role's views (locmem's default of 300 entries would cull some of them)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"warming-{uuid.uuid4().hex}",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
    queries._compiled.cache_clear()
    versioned.clear()


def test_the_warming_task_is_scheduled_by_beat_every_minute():
    task = PeriodicTask.objects.get(task="exports.tasks.warm_cache")
    assert task.enabled and task.interval.every == 1 and task.interval.period == "minutes"


def test_after_warming_the_first_visit_of_each_role_runs_no_warehouse_query(
    warehouse, monkeypatch, cold_process
):
    assert tasks.warm_cache() > 0  # the task function, called in process

    versioned.clear()  # the web process has not seen these scopes yet; only the shared cache is warm
    executed = Calls(monkeypatch, duckdb_backend, "execute")
    built = Calls(monkeypatch, fragments, "load_chart")
    for role, slug in (("Support lead", "support"), ("CX analyst", "overview"), ("Executive", "overview")):
        client, user = client_with_role(role)
        for url in default_urls(user, slug):
            assert client.get(url).status_code == 200, url
        assert client.get(f"/w/{slug}/").status_code == 200
    # The one statement allowed: the freshness line's "data as of" day, read once per process and version.
    assert [a for a in executed.args if "MAX(INTERACTION_TS)" not in str(a[0]).upper()] == []
    assert executed.count <= 1
    assert built.count == 0


def test_a_new_web_process_compiles_each_roles_default_view_before_its_first_visitor(
    warehouse, monkeypatch, cold_process
):
    """config/gunicorn.py runs this (on a thread) as a web worker starts: the first visits then parse
    no SQL, neither the chart's own (the compiler) nor the compiled query's DuckDB translation."""
    duckdb_backend.transpile.cache_clear()
    assert warming.compile_default_views() > 0

    parsed = Calls(monkeypatch, sqlglot, "parse")
    translated = Calls(monkeypatch, sqlglot, "transpile")
    for role, slug in (("Support lead", "support"), ("CX analyst", "overview"), ("Executive", "insights")):
        client, user = client_with_role(role)
        assert client.get(f"/w/{slug}/").status_code == 200
        for url in default_urls(user, slug):
            assert client.get(url, headers={"x-requested-with": "fetch"}).status_code == 200, url
    assert (parsed.count, translated.count) == (0, 0), (parsed.args, translated.args)

    # Another date range is the same SQL (dates are bound values); a filter that no default view has
    # changes the query's shape, so it is compiled (and translated) on first use, as before.
    client, user = client_with_role("Product manager")
    region = load_options(viewer_for(user))["region"][0]
    assert client.get("/w/product/kpis/?preset=last_30").status_code == 200
    assert translated.count == 0
    assert client.get(f"/w/product/kpis/?region={region}").status_code == 200
    assert translated.count > 0


def test_warming_runs_once_per_data_version(warehouse, monkeypatch, cold_process):
    assert warming.warm_if_changed() is not None
    assert warming.warm_if_changed() is None  # same version: nothing to do
    assert tasks.warm_cache() == 0


def test_the_warmer_warms_again_after_a_deploy(warehouse, cold_process, deploy):
    """The rendered fragments' keys hold the code version: after a deploy, the same data is warmed again."""
    assert warming.warm_if_changed() is not None
    assert warming.warm_if_changed() is None  # same data, same code: nothing to do
    deploy()
    warmed = warming.warm_if_changed()
    assert warmed is not None and warmed.fragments > 0 and warmed.failed == 0
    assert warming.warm_if_changed() is None


def test_a_warmed_fragment_holds_the_roles_own_numbers(warehouse, cold_process):
    warming.warm_all()
    client, user = client_with_role("Support lead")
    url = next(u for u in default_urls(user, "overview") if "/churn_risk/" in u)
    shown = {level: int(n) for level, n in ROW.findall(client.get(url).content.decode())}
    viewer = viewer_for(user)
    period = parse_filters(
        QueryDict(""), options=load_options(viewer), data=load_data_range(viewer)
    ).restriction()

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        # The donut counts the customers with an interaction in the period (the KPI's population).
        expected = dict(
            con.execute(
                "SELECT s.CHURN_RISK, COUNT(*) FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS s "
                "JOIN ANALYTICS.CUSTOMER_BASE b USING (CUSTOMER_ID) WHERE b.REGION = 'EMEA' AND s.CUSTOMER_ID IN "
                "(SELECT CUSTOMER_ID FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS "
                "WHERE INTERACTION_TS >= ? AND INTERACTION_TS < ? + INTERVAL 1 DAY) GROUP BY 1",
                [period.date_from, period.date_to],
            ).fetchall()
        )
    finally:
        con.close()
    assert shown == expected
