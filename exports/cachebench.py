"""`make bench`'s figure for the embedded default's cache in its steady state: a cold KPI row when the
file cache's directory holds what a portal running for days keeps there (entries of older data
versions, near MAX_ENTRIES), with Django's file cache and with the portal's (dashboards/file_cache.py)."""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Iterator

from django.contrib.auth.models import Group, User
from django.test import Client, override_settings

FILLED = 4_500  # entries already there; MAX_ENTRIES is 5,000 (config/settings.py)
BACKENDS = {
    "Django's FileBasedCache": "django.core.cache.backends.filebased.FileBasedCache",
    "the portal's FileCache": "dashboards.file_cache.FileCache",
}


def _kpi_row(backend: str, repeat: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        cache = {"BACKEND": backend, "LOCATION": folder, "OPTIONS": {"MAX_ENTRIES": 5_000}}
        with override_settings(CACHES={"default": cache}):
            from django.core.cache import caches

            old = b"x" * 8_000
            for i in range(FILLED):
                caches["default"].set(f"older-version-{i}", old, 3_600)
            user, _ = User.objects.get_or_create(username="bench.cache")
            user.groups.add(Group.objects.get_or_create(name="Administrator")[0])
            client = Client()
            client.force_login(user)
            client.get("/w/overview/")
            wall, cpu = [], []
            start_day = dt.date.today() - dt.timedelta(days=300)
            for i in range(repeat):  # a new date range each time: every statement is cold
                first = start_day + dt.timedelta(days=7 * i)
                url = f"/w/overview/kpis/?preset=custom&from={first}&to={first + dt.timedelta(days=60)}"
                started, used = time.perf_counter(), time.process_time()
                client.get(url, headers={"x-requested-with": "fetch"})
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - used)
    return statistics.median(wall), statistics.median(cpu)


def cache_lines(repeat: int) -> Iterator[str]:
    yield f"Cold Overview KPI row (18 statements) with {FILLED:,} entries in the file cache, median of {repeat}:"
    for label, backend in BACKENDS.items():
        wall, cpu = _kpi_row(backend, repeat)
        yield f"  {label:<26}{wall * 1000:>8.0f} ms{cpu * 1000:>8.0f} ms of CPU"
    yield ""
