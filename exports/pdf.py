"""A workspace view as a document made for paper (WeasyPrint), not a screenshot of the page.

Title block (workspace, filters in words, the data's time range, generation time), KPI cards as a
table, each chart as a vector image (Plotly SVG through kaleido), tables paginated with repeated
headers, page numbers, and no chart cut across pages (see templates/exports/pdf.html).
"""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.access import Viewer
from dashboards.charts.builders import narrate
from dashboards.charts.service import ChartView
from dashboards.charts.spec import Kind
from dashboards.table_rows import cell_text

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
    widths: tuple[int, ...] = ()  # per table column, % of the width; () leaves it to the automatic layout
    wide: bool = False  # a table printed across a landscape page


LONG_TEXT = 80  # a value longer than this makes its column a text column
MAX_TEXT_TABLE_ROWS = 100  # a table with a text column (summaries) shows at most this many rows on paper
LINE_CHARS = (
    92  # characters of the table's 8 pt type across the A4 text width (182 mm, ~2 mm each, bold and digits)
)
# The same on an A4 landscape page (a table whose short columns do not fit across portrait): 269 mm.
WIDE_LINE_CHARS = LINE_CHARS * (297 - 28) // (210 - 28)
PAD_CHARS = 2  # a cell's padding, in characters
MIN_TEXT_SHARE = 25  # % of the width the text columns keep at least


def pieces(value: str) -> list[str]:
    """What a line may break between: words at spaces, and after a hyphen before a letter ("first-",
    "repeat-", "purchase"); never between a hyphen and a digit (Unicode line breaking: "2026-12-05")."""
    return [piece for word in value.split() for piece in re.split(r"(?<=-)(?=[^\d-])", word) if piece]


def _needs(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], line_chars: int) -> list[float]:
    """Each column's longest word (a header's one character more, for bold) and padding, in % of a line."""

    def longest_word(value: str) -> int:
        return max((len(piece) for piece in pieces(value)), default=1)

    return [
        100
        * (max(longest_word(header[i]) + 1, *(longest_word(row[i]) for row in rows)) + PAD_CHARS)
        / line_chars
        for i in range(len(header))
    ]


def _text_columns(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> list[bool] | None:
    """Which columns are text columns; None when none or every one is (the automatic layout)."""
    text = [any(len(row[i]) > LONG_TEXT for row in rows) for i in range(len(header))]
    return text if any(text) and not all(text) else None


def needs_landscape(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> bool:
    """A table with text columns whose other columns' words do not fit across portrait A4 beside them."""
    text = _text_columns(header, rows)
    if text is None:
        return False
    need = _needs(header, rows, LINE_CHARS)
    return sum(n for n, t in zip(need, text, strict=True) if not t) > 100 - MIN_TEXT_SHARE


def column_widths(
    header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], *, line_chars: int = LINE_CHARS
) -> tuple[int, ...]:
    """Widths in % for a table with text columns: each other column gets what its longest word needs
    (it wraps at spaces and after hyphens; a header's word one character more, for bold), the text
    columns share the rest by how much text they hold, each at least what its longest word needs;
    () when no column or every column is text. `line_chars`: characters across the page.

    Left to the automatic layout, a summary column got what the short columns left over on one line each
    (about 30 mm of A4), and the Segment explorer ran to some 250 pages. Shared equally, a column of
    short themes took as much room as the summaries beside it."""
    text = _text_columns(header, rows)
    if text is None:
        return ()
    need = _needs(header, rows, line_chars)
    short = sum(n for n, t in zip(need, text, strict=True) if not t)
    scale = min(1.0, (100 - MIN_TEXT_SHARE) / short)  # too many short columns: they wrap inside words
    widths = [0 if t else max(1, int(n * scale)) for n, t in zip(need, text, strict=True)]
    rest = 100 - sum(widths)
    texts = [i for i, t in enumerate(text) if t]
    held = {i: sum(len(row[i]) for row in rows) for i in texts}
    for i in texts:
        widths[i] = max(min(int(need[i]), rest // len(texts)), int(rest * held[i] / sum(held.values())))
    # Rounding and the floors: the column holding the most text takes what is left (or gives it).
    widths[max(texts, key=lambda i: held[i])] += 100 - sum(widths)
    return tuple(widths)


@dataclass(frozen=True)
class PaperTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str
    widths: tuple[int, ...]
    wide: bool


def paper_table(view: ChartView) -> PaperTable:
    """The rows of a table chart as paper shows them, its column widths, and whether it needs landscape."""
    assert view.result is not None
    result = view.result
    header = tuple(view.chart.label(c) for c in result.columns)
    rows = tuple(
        tuple(cell_text(view.chart, c, v) for c, v in zip(result.columns, row, strict=True))
        for row in result.rows[:MAX_TABLE_ROWS]
    )
    limit = MAX_TEXT_TABLE_ROWS if _text_columns(header, rows) else MAX_TABLE_ROWS
    rows = rows[:limit]
    # From the rows on paper: a long word further down is not printed.
    wide = needs_landscape(header, rows)
    widths = column_widths(header, rows, line_chars=WIDE_LINE_CHARS if wide else LINE_CHARS)
    note = ""
    if len(result.rows) > limit:
        note = f"The first {limit:,} of {len(result.rows):,} rows; the CSV download has them all."
    return PaperTable(header, rows, note, widths, wide)


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
        table = paper_table(view)
        return Block(
            **base,
            kind="table",
            header=table.header,
            rows=table.rows,
            note=" ".join(n for n in (table.note, ignored) if n),
            widths=table.widths,
            wide=table.wide,
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
