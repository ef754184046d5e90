"""`manage.py soak --minutes N`: run the embedded portal (bin/run-all: web, worker, beat) for N minutes
under a steady stream of PDF exports, "send me one now" digests, scheduled digests and alerts, then stop
it and print what was done, what failed, memory and how long the stop took.

Uses this process's settings (VAR_DIR, DATABASE_URL, WAREHOUSE_PATH, broker); mail goes to the outbox
folder unless EMAIL_URL is set. Run it on a scratch VAR_DIR, e.g.

    VAR_DIR=/tmp/soak WAREHOUSE_PATH=var/warehouse.duckdb .venv/bin/python manage.py soak --minutes 60
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.access import viewer_for
from accounts.demo import ensure_demo_users
from dashboards.charts.registry import WORKSPACES

from ... import digests, jobs
from ...models import Alert, AlertEvent, DigestRun, ExportJob, Subscription

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree_pss_mb(pid: int) -> float:
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_full_info().pss  # shared pages counted once
    return total / 2**20


class Command(BaseCommand):
    help = "Run web, worker and beat under exports, digests and alerts for N minutes; print the figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=float, default=60.0)
        parser.add_argument("--export-every", type=float, default=20.0, help="Seconds between PDF exports.")
        parser.add_argument("--digest-every", type=float, default=20.0, help="Seconds between 'send now's.")
        parser.add_argument("--alert-every", type=float, default=60.0, help="Seconds between new alerts.")
        parser.add_argument(
            "--report-every", type=float, default=60.0, help="Seconds between progress lines."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = float(options["minutes"])
        if minutes <= 0:
            raise CommandError("--minutes must be positive")
        call_command("migrate", verbosity=0, interactive=False)
        call_command(
            "collectstatic", verbosity=0, interactive=False
        )  # pages name files from VAR_DIR's manifest
        ensure_demo_users()
        user = User.objects.get(username="admin")
        viewer = viewer_for(user)
        slug = next(s for s in WORKSPACES if viewer.may_open(s))
        kpi = WORKSPACES[slug].kpis[0]
        sub = Subscription.objects.filter(user=user, workspace=slug).first() or digests.subscription_create(
            user=user, created_by=user, workspace=slug, query="", frequency="daily", hour=8
        )
        var = Path(settings.VAR_DIR)
        port = _free_port()
        env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "PYTHONUNBUFFERED": "1"}
        log_path = var / "soak-run-all.log"
        started = timezone.now()
        self.stdout.write(f"soak: {minutes:g} min on http://127.0.0.1:{port}/, log {log_path}")
        with log_path.open("ab") as log:
            supervisor = subprocess.Popen(
                [str(REPO / "bin" / "run-all")], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        http_ok = http_errors = 0
        memory: list[float] = []
        t0 = time.monotonic()
        next_export = next_digest = next_alert = next_report = next_http = next_due = t0 + 5
        try:
            while (now := time.monotonic()) - t0 < minutes * 60:
                if supervisor.poll() is not None:
                    raise CommandError(f"bin/run-all exited with {supervisor.returncode}; see {log_path}")
                if now >= next_export:
                    jobs.export_create(user=user, slug=slug, query="")
                    next_export = now + options["export_every"]
                if now >= next_digest:
                    digests.send_now(sub, user)
                    next_digest = now + options["digest_every"]
                if now >= next_due:  # a scheduled period falls due every two minutes: beat dispatches it
                    Subscription.objects.filter(id=sub.id).update(next_run_at=timezone.now())
                    next_due = now + 120
                if now >= next_alert:
                    Alert.objects.create(
                        user=user, workspace=slug, chart_id=kpi.id, operator="below", threshold=1e18,
                        check_every_minutes=1, cooldown_minutes=0,
                    )  # fmt: skip
                    next_alert = now + options["alert_every"]
                if now >= next_http:
                    for path in ("/healthz", "/accounts/login/"):
                        try:
                            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                                http_ok += r.status == 200
                        except Exception:
                            http_errors += 1
                    memory.append(_tree_pss_mb(supervisor.pid))
                    next_http = now + 10
                if now >= next_report:
                    self.stdout.write(
                        self._figures(started, http_ok, http_errors, memory, log_path, brief=True)
                    )
                    next_report = now + options["report_every"]
                time.sleep(0.5)
            self.stdout.write("soak: waiting 90 s for the queue to drain")
            time.sleep(90)
        finally:
            stop_started = time.monotonic()
            tree = {p.pid for p in psutil.Process(supervisor.pid).children(recursive=True)}
            supervisor.send_signal(signal.SIGTERM)
            try:
                supervisor.wait(30)
            except subprocess.TimeoutExpired:
                supervisor.kill()
            stop_seconds = time.monotonic() - stop_started
            left = [
                pid for pid in tree if psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"
            ]
        self.stdout.write(self._figures(started, http_ok, http_errors, memory, log_path, brief=False))
        self.stdout.write(
            f"stop: {stop_seconds:.1f} s after SIGTERM, {len(left)} processes left behind {left}"
        )

    def _figures(
        self, since: dt.datetime, ok: int, errors: int, memory: list[float], log_path: Path, *, brief: bool
    ) -> str:
        exports = {
            str(s.value): ExportJob.objects.filter(created_at__gte=since, status=s).count()
            for s in ExportJob.Status
        }
        runs = {
            str(s.value): DigestRun.objects.filter(created_at__gte=since, status=s).count()
            for s in DigestRun.Status
        }
        events = AlertEvent.objects.filter(created_at__gte=since)
        log_text = log_path.read_text(errors="replace") if log_path.exists() else ""
        restarts = log_text.count(" exited with code ")
        tracebacks = log_text.count("Traceback (most recent call last)")
        outbox = Path(settings.EMAIL_OUTBOX_DIR)
        mails = len(list(outbox.glob("*.eml"))) if outbox.is_dir() else 0
        mem = f"{memory[-1]:.0f} MB now, {max(memory):.0f} MB max" if memory else "n/a"
        line = (
            f"elapsed {(timezone.now() - since).total_seconds() / 60:.1f} min | "
            f"exports {exports} | digests {runs} | alert events {events.count()} "
            f"(e-mailed {events.filter(emailed=True).count()}) | outbox {mails} | "
            f"http ok {ok} errors {errors} | restarts {restarts} | tracebacks {tracebacks} | memory (PSS of the process tree) {mem}"
        )
        return line if brief else "soak figures: " + line
