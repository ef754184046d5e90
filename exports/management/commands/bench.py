"""`manage.py bench`: where the time goes, per chart, per page and per PDF. Prints figures; asserts nothing.

It lives in exports because it measures the exports too (imports run exports -> dashboards -> accounts).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.access import Viewer
from dashboards.ask.bench import bench_lines as ask_bench_lines
from dashboards.charts.builders import build_figure
from dashboards.charts.registry import WORKSPACES
from dashboards.charts.service import named_params
from dashboards.filters import load_data_range, load_options, parse_filters
from dashboards.queries import compile_file
from dashboards.warehouse import client
from exports.cachebench import cache_lines
from exports.headless import CHROMIUM, CHROMIUM_ARGS
from exports.loadbench import GUNICORN, free_port, run_load, wait_for_server
from exports.pdf import bench_lines


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def churn_bench_lines(path: Path) -> list[str]:
    """Train the churn model (without publishing it) and score every customer: times and metrics."""
    from dashboards.churn.features import DuckDBSource, features_at
    from dashboards.churn.scoring import score
    from dashboards.churn.training import train

    with duckdb.connect(str(path), read_only=True) as con:
        source = DuckDBSource(con)
        last_day = source.last_day()
        trained = train(source, last_day)
        started = time.perf_counter()
        features = features_at(source, last_day + dt.timedelta(days=1))
        scores = score(trained, features, source.active())
        scoring = time.perf_counter() - started
    m = trained.metrics
    return [
        f"Churn model (held-out cut-off {trained.split.held_out}):",
        f"  training            {trained.training_seconds:8.1f} s",
        f"  scoring {len(scores):>7,} customers {scoring:6.1f} s (features, calibrated model, factors)",
        "  "
        + "  ".join(
            f"{k} {float(m[k]):.3f}" for k in ("f1", "precision", "recall", "roc_auc", "baseline_f1")
        ),
        "",
    ]


class Command(BaseCommand):
    help = "Benchmark every workspace: raw DuckDB time and portal time per chart, then the page in Chromium."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--customers", type=int, default=50_000)
        parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median shown)")
        parser.add_argument("--no-browser", action="store_true", help="skip the page loads in Chromium")
        parser.add_argument("--no-pdf", action="store_true", help="skip the PDF exports")
        parser.add_argument("--no-load", action="store_true", help="skip the load figure")
        parser.add_argument(
            "--only-load", action="store_true", help="only the load figure (and --scale when given)"
        )
        parser.add_argument("--load-seconds", type=int, default=20, help="length of each load run")
        parser.add_argument("--connections", type=int, default=200, help="concurrent connections")
        parser.add_argument(
            "--scale",
            action="store_true",
            help="also build a 10x (500,000-customer) warehouse aside and time its build and slowest chart",
        )
        parser.add_argument(
            "--no-churn", action="store_true", help="skip training and scoring the churn model"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        logging.getLogger("dashboards.warehouse").setLevel(logging.WARNING)  # figures, not statement logs
        path = Path(settings.WAREHOUSE_PATH)
        if not path.exists():
            self.stdout.write(f"Building the {opts['customers']:,}-customer warehouse at {path} ...")
            call_command("build_warehouse", customers=opts["customers"], output=str(path))
        client.reset()
        size = (
            duckdb.connect(str(path), read_only=True)
            .execute("SELECT COUNT(*) FROM ANALYTICS.CUSTOMER_BASE")
            .fetchone()
        )
        self.stdout.write(f"Warehouse {path}: {size[0] if size else 0:,} customers\n")
        if not opts["no_churn"] and not opts["only_load"]:
            for line in churn_bench_lines(path):
                self.stdout.write(line)
        if not opts["only_load"]:
            for ws in WORKSPACES.values():
                if ws.charts:  # Campaigns is a simulator page, not charts
                    self._charts(ws.slug, opts["repeat"])
            for line in ask_bench_lines(opts["repeat"]):
                self.stdout.write(line)
            for line in cache_lines(max(opts["repeat"], 5)):
                self.stdout.write(line)
            if not opts["no_browser"]:
                self._pages(opts["repeat"])
            if not opts["no_pdf"]:
                for line in bench_lines(opts["repeat"]):
                    self.stdout.write(line)
        if not opts["no_load"]:
            for line in run_load(seconds=opts["load_seconds"], connections=opts["connections"], workspaces=5):
                self.stdout.write(line)
        if opts["scale"]:
            from exports.scalebench import scale_lines  # only with --scale: it builds a large warehouse

            for line in scale_lines(customers=opts["customers"] * 10):
                self.stdout.write(line)

    def _charts(self, slug: str, repeat: int) -> None:
        from django.http import QueryDict

        ws = WORKSPACES[slug]
        viewer = Viewer(username="bench")
        filters = parse_filters(QueryDict(""), options=load_options(viewer), data=load_data_range(viewer))
        raw_con = duckdb.connect(str(settings.WAREHOUSE_PATH), read_only=True)
        self.stdout.write(
            f"Workspace {ws.title} ({filters.date_from} to {filters.date_to}), median of {repeat}:"
        )
        self.stdout.write(f"  {'chart':<28}{'raw DuckDB':>12}{'portal':>12}{'rows':>8}")
        for chart in ws.charts:
            periods = [filters, filters.previous()] if chart.compare else [filters]
            raw, portal, rows = [], [], 0
            for _ in range(repeat):
                raw_t = portal_t = 0.0
                for f in periods:
                    query = compile_file(
                        chart.sql, viewer=viewer, where=f.restriction(), named=named_params(f)
                    )
                    sql = sqlglot.transpile(query.sql, read="snowflake", write="duckdb")[0]
                    start = time.perf_counter()
                    raw_con.execute(sql, list(query.params)).fetchall()
                    raw_t += time.perf_counter() - start
                    start = time.perf_counter()
                    query = compile_file(
                        chart.sql, viewer=viewer, where=f.restriction(), named=named_params(f)
                    )
                    result = client.run_uncached(query, user_tag=viewer.query_tag)
                    build_figure(chart, result)
                    portal_t += time.perf_counter() - start
                    rows = len(result.rows)
                raw.append(raw_t)
                portal.append(portal_t)
            self.stdout.write(
                f"  {chart.id:<28}{_ms(statistics.median(raw)):>12}{_ms(statistics.median(portal)):>12}{rows:>8}"
            )
        self.stdout.write("")

    def _pages(self, repeat: int) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            self.stdout.write("Playwright is not installed (make install-dev); skipping the browser figures.")
            return
        if not CHROMIUM.exists():
            self.stdout.write(
                f"{CHROMIUM} is missing (apt-get install chromium); skipping the browser figures."
            )
            return
        password = secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(username="bench")
        user.set_password(password)
        user.save()
        # The starting role that opens every workspace (roles map from groups of the same name).
        user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
        port = free_port()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
        server = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}"],  # as the load bench starts it
            env=env,
            cwd=settings.BASE_DIR,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_server(base, server)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                self.stdout.write("Pages in Chromium (until every chart is drawn), median of runs:")
                self.stdout.write(
                    f"  {'workspace':<28}{'cold':>10}{'1st part':>11}{'1st chart':>11}{'2nd visit':>11}{'new browser':>13}"
                )
                for ws in WORKSPACES.values():
                    if not ws.charts:  # Campaigns is a simulator page, not charts
                        continue
                    cold, part, first, second, fresh = [], [], [], [], []
                    for _ in range(repeat):
                        cache.clear()
                        context = self._signed_in(browser, base, password)
                        page = context.new_page()
                        first_part, first_chart, drawn = self._load(page, f"{base}/w/{ws.slug}/")
                        cold.append(drawn)
                        part.append(first_part)
                        first.append(first_chart)
                        second.append(self._load(page, f"{base}/w/{ws.slug}/")[2])
                        context.close()
                        context = self._signed_in(browser, base, password)
                        fresh.append(self._load(context.new_page(), f"{base}/w/{ws.slug}/")[2])
                        context.close()
                    self.stdout.write(
                        f"  {ws.title:<28}{_ms(statistics.median(cold)):>10}{_ms(statistics.median(part)):>11}"
                        f"{_ms(statistics.median(first)):>11}"
                        f"{_ms(statistics.median(second)):>11}{_ms(statistics.median(fresh)):>13}"
                    )
                browser.close()
            self.stdout.write(
                "cold: empty query cache, new browser profile; 1st part: the first part shown on the cold load"
                " (the match count counts; the measure before 2026-12-05); 1st chart: the first chart panel or"
                " KPI row drawn on the cold load; 2nd visit: the same page again; new browser: warm server,"
                " new browser profile. Chromium runs without its own address-bar pop-up (exports/headless.py):"
                " figures before 2026-12-05 include building it, 300-500 ms of the cold and new-browser loads."
            )
        finally:
            server.terminate()
            server.wait(timeout=10)

    @staticmethod
    def _signed_in(browser: Any, base: str, password: str) -> Any:
        context = browser.new_context()
        page = context.new_page()
        # Land on /healthz, not on the default workspace: its parts, asked for on landing, would still
        # be computing on the server while the page under measurement loads.
        page.goto(f"{base}/accounts/login/?next=/healthz")
        page.get_by_label("Username").fill("bench")
        page.get_by_label("Password").fill(password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/healthz")
        page.close()
        return context

    @staticmethod
    def _load(page: Any, url: str) -> tuple[float, float, float]:
        """Seconds until the first part is shown (the match count counts), until the first chart (a chart
        panel or the KPI row) is drawn, and until every part is: portal.js marks a part data-drawn when
        its plots have been drawn."""
        start = time.perf_counter()
        # Not until the load event (the default): it waits for plotly.js to run, and a part shown with
        # the page (the KPI row when it is ready) would count only from then.
        page.goto(url, wait_until="commit")
        page.wait_for_function(
            "() => document.querySelector('[data-chart-src][data-drawn=true]') !== null",
            timeout=60_000,
            polling=10,
        )
        part = time.perf_counter() - start
        page.wait_for_function(
            "() => document.querySelector('.panel-body[data-drawn=true], .kpis[data-drawn=true]') !== null",
            timeout=60_000,
            polling=10,
        )
        first = time.perf_counter() - start
        page.wait_for_function(
            "() => { const c = document.querySelectorAll('[data-chart-src]');"
            " return c.length > 0 && [...c].every(e => e.dataset.drawn === 'true'); }",
            timeout=60_000,
            polling=10,
        )
        return part, first, time.perf_counter() - start
