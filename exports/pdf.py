"""A workspace view as a document made for paper (WeasyPrint), not a screenshot of the page.

Title block (workspace, filters in words, the data's time range, generation time), KPI cards as a
table, each chart as a vector image (Plotly SVG through kaleido), tables paginated with repeated
headers, page numbers, and no chart cut across pages (see templates/exports/pdf.html).
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.access import Viewer
from dashboards.charts.builders import narrate
from dashboards.charts.formatting import fmt_cell
from dashboards.charts.service import ChartView
from dashboards.charts.spec import Kind

from . import images
from .report import Progress, Report, describe_data_range, load_report

MAX_TABLE_ROWS = 500


@dataclass(frozen=True)
class Block:
    """One chart as the document shows it."""

    title: str
    description: str
    kind: str  # "image", "table", "text", "error" or "empty"
    image: str = ""  # a data: URI of the SVG
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    text: tuple[str, ...] = ()
    note: str = ""


def _table(view: ChartView) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], str]:
    assert view.result is not None
    result = view.result
    header = tuple(view.chart.label(c) for c in result.columns)
    rows = tuple(tuple(fmt_cell(v) for v in row) for row in result.rows[:MAX_TABLE_ROWS])
    note = ""
    if len(result.rows) > MAX_TABLE_ROWS:
        note = f"The first {MAX_TABLE_ROWS:,} of {len(result.rows):,} rows; the CSV download has them all."
    return header, rows, note


def block(view: ChartView) -> Block:
    chart = view.chart
    base: dict[str, Any] = {"title": chart.title, "description": chart.description}
    ignored = f"Not limited by: {', '.join(view.ignored)}." if view.ignored else ""
    if view.error:
        return Block(**base, kind="error", text=(view.error,))
    if view.empty:
        return Block(**base, kind="empty", text=("No data for these filters.",), note=ignored)
    if view.figure:
        height = chart.height or (460 if chart.width > 1 else 380)
        svg = images.render(dict(view.figure), fmt="svg", width=900, height=height)
        uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
        return Block(**base, kind="image", image=uri, text=(view.summary,), note=ignored)
    if chart.kind is Kind.TABLE:
        header, rows, note = _table(view)
        return Block(
            **base, kind="table", header=header, rows=rows, note=" ".join(n for n in (note, ignored) if n)
        )
    if chart.kind is Kind.NARRATIVE and view.result is not None:
        return Block(
            **base, kind="text", text=tuple(narrate(chart, view.result, view.previous)), note=ignored
        )
    return Block(**base, kind="text", text=(view.summary,), note=ignored)


def document_html(report: Report, *, progress: Progress | None = None) -> str:
    blocks = []
    for i, view in enumerate(report.panels):
        blocks.append(block(view))
        if progress:
            progress((i + 1) / max(len(report.panels), 1), f"Drew {view.chart.title}")
    context = {
        "report": report,
        "workspace": report.workspace,
        "filter_words": report.filter_words,
        "data_range": describe_data_range(report.data),
        "generated_at": timezone.localtime(),
        "viewer": report.viewer,
        "kpis": report.kpis,
        "blocks": blocks,
    }
    return render_to_string("exports/pdf.html", context)


def render_workspace_pdf(slug: str, query: str, viewer: Viewer, *, progress: Progress | None = None) -> bytes:
    """The PDF of one workspace view as `viewer` sees it. Raises ReportError for a view they cannot see."""
    from weasyprint import HTML

    def stage(start: float, span: float) -> Progress | None:
        if progress is None:
            return None
        return lambda fraction, message: progress(start + span * fraction, message)

    report = load_report(slug, query, viewer, progress=stage(0.0, 0.4))
    html = document_html(report, progress=stage(0.4, 0.5))
    if progress:
        progress(0.9, "Laying out pages")
    return bytes(HTML(string=html).write_pdf())


def timed_export(slug: str = "overview", query: str = "", *, repeat: int = 3) -> dict[str, float]:
    """Seconds to export a workspace as PDF: the first run (cold kaleido) and the median warm run.

    For `manage.py bench`: `from exports.pdf import bench_lines; for line in bench_lines(): self.stdout.write(line)`.
    """
    import statistics

    viewer = Viewer(username="bench")
    images.stop()
    started = time.perf_counter()
    render_workspace_pdf(slug, query, viewer)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        render_workspace_pdf(slug, query, viewer)
        warm.append(time.perf_counter() - started)
    return {"cold": cold, "warm": statistics.median(warm)}


def bench_lines(repeat: int = 3) -> list[str]:
    """The benchmark's PDF lines: every workspace exported cold (kaleido starting) and warm."""
    from dashboards.charts.registry import WORKSPACES

    lines = [f"PDF export (WeasyPrint + kaleido SVG), median of {repeat} warm runs:"]
    for slug in WORKSPACES:
        t = timed_export(slug, repeat=repeat)
        lines.append(f"  {slug:<28}{t['cold'] * 1000:10.1f} ms cold{t['warm'] * 1000:10.1f} ms warm")
    return [*lines, ""]
