"""The 10x figure of `manage.py bench --scale`: build a 500,000-customer warehouse aside, time its build
and every chart of every workspace on it (default view, uncached), and name the slowest. Prints only."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.http import QueryDict
from django.test import override_settings

from accounts.access import Viewer
from dashboards.charts.builders import build_figure
from dashboards.charts.registry import WORKSPACES
from dashboards.charts.service import named_params
from dashboards.filters import _read_data_range, _read_options, parse_filters
from dashboards.queries import compile_file
from dashboards.warehouse import client


def scale_lines(*, customers: int, repeat: int = 2) -> Iterator[str]:
    path = Path(settings.BASE_DIR) / "var" / "bench-scale" / "warehouse.duckdb"
    path.parent.mkdir(parents=True, exist_ok=True)
    yield f"Scale: building a {customers:,}-customer warehouse at {path} ..."
    started = time.perf_counter()
    call_command("build_warehouse", customers=customers, output=str(path), verbosity=0)
    yield f"  build: {time.perf_counter() - started:.1f} s, {path.stat().st_size / 1e6:.0f} MB"
    with override_settings(WAREHOUSE_PATH=path, WAREHOUSE_BACKEND="duckdb"):
        client.reset()
        try:
            viewer = Viewer(username="bench")
            options = {k: list(v) for k, v in _read_options(viewer).items()}
            filters = parse_filters(QueryDict(""), options=options, data=_read_data_range(viewer))
            times: list[tuple[float, str]] = []
            for ws in WORKSPACES.values():
                for chart in ws.charts:
                    periods = [filters, filters.previous()] if chart.compare else [filters]
                    runs = []
                    for _ in range(repeat):
                        start = time.perf_counter()
                        for f in periods:
                            query = compile_file(
                                chart.sql, viewer=viewer, where=f.restriction(), named=named_params(f)
                            )
                            result = client.run_uncached(query, user_tag=viewer.query_tag)
                        build_figure(chart, result)
                        runs.append(time.perf_counter() - start)
                    times.append((statistics.median(runs), f"{ws.slug}/{chart.id}"))
        finally:
            client.reset()
    times.sort(reverse=True)
    yield f"  charts (default view, uncached, median of {repeat}): {len(times)} charts"
    for seconds, name in times[:5]:
        yield f"    {name:<44}{seconds * 1000:9.1f} ms"
    yield f"  slowest chart: {times[0][1]} {times[0][0] * 1000:.1f} ms; median chart {statistics.median(t for t, _ in times) * 1000:.1f} ms"
