"""Tables on paper: a table with a text column (summaries, actions) gives that column the room and keeps
the first MAX_TEXT_TABLE_ROWS rows with a note, so the Segmentation PDF is a report, not 250 pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.http import QueryDict
from pypdf import PdfReader

from accounts.access import viewer_for
from dashboards.charts.registry import workspace
from dashboards.charts.service import ChartView, load_chart
from dashboards.filters import Filters, load_data_range, load_options, parse_filters
from dashboards.warehouse.result import Result
from exports import images
from exports.pdf import (
    LINE_CHARS,
    LONG_TEXT,
    MAX_TEXT_TABLE_ROWS,
    MIN_TEXT_SHARE,
    PAD_CHARS,
    WIDE_LINE_CHARS,
    column_widths,
    needs_landscape,
    paper_table,
    pieces,
    render_workspace_pdf,
)
from tests.test_exports_pdf import person

pytestmark = pytest.mark.django_db

SUMMARY = "A Platinum customer in MX (LATAM) since 2020-12-21, seen as Loyal Advocate, with 367 orders."


def test_a_text_column_shares_what_the_short_columns_leave():
    header = ("Customer", "Region", "Summary")
    rows = (("C0000001", "EMEA", SUMMARY), ("C0000002", "APAC", "short"))
    widths = column_widths(header, rows)
    assert sum(widths) == 100
    # Each short column gets its longest word (a header's one character more) and the padding.
    assert widths[0] == int(100 * (len("Customer") + 1 + PAD_CHARS) / LINE_CHARS)  # the header's word
    assert widths[1] == int(100 * (len("Region") + 1 + PAD_CHARS) / LINE_CHARS)
    assert widths[2] == 100 - widths[0] - widths[1]


def test_text_columns_share_the_rest_by_how_much_text_they_hold():
    """Summaries beside short themes (a few over LONG_TEXT): the summaries get the room, the themes what
    their longest word needs; shared equally, the themes took as much as the summaries."""
    themes = "positive sentiment, billing issues, high value, glowing reviews, recurring tickets"
    assert len(themes) > LONG_TEXT
    header = ("Customer", "Summary", "Key themes")
    rows = ((f"C{1:07d}", SUMMARY * 3, themes), (f"C{2:07d}", SUMMARY * 3, "billing issues"))
    widths = column_widths(header, rows)
    assert sum(widths) == 100
    customer = int(100 * (len("Customer") + 1 + PAD_CHARS) / LINE_CHARS)
    assert widths[0] == customer
    rest = 100 - customer
    held = len(SUMMARY) * 3 * 2, len(themes) + len("billing issues")
    assert widths[2] == int(rest * held[1] / sum(held))  # more than its longest word ("sentiment,") needs
    assert widths[1] == rest - widths[2]


def test_a_text_column_keeps_at_least_what_its_longest_word_needs():
    header = ("Customer", "Summary", "Note")
    note = "abcdefghijk " * 7  # a little text over LONG_TEXT, in words of 11 letters
    assert len(note) > LONG_TEXT
    rows = ((f"C{1:07d}", SUMMARY * 20, note),)
    widths = column_widths(header, rows)
    assert widths[2] == int(100 * (11 + PAD_CHARS) / LINE_CHARS)
    assert sum(widths) == 100


def test_words_break_after_hyphens_as_on_paper():
    assert pieces("a first-repeat-purchase incentive 2026-12-05 ZD-363888") == [
        *("a", "first-", "repeat-", "purchase", "incentive"),
        *("2026-12-05", "ZD-363888"),  # no break between a hyphen and a digit
    ]
    header = ("Customer", "Action", "Summary")
    rows = (("C0000001", "Send a first-repeat-purchase incentive.", SUMMARY),)
    widths = column_widths(header, rows)
    assert widths[1] == int(100 * (len("incentive.") + PAD_CHARS) / LINE_CHARS)  # not "first-repeat-purchase"


def test_many_short_columns_leave_the_text_its_share():
    header = (*(f"Column{i}" for i in range(12)), "Summary")
    rows = ((*("C" * 12 for _ in range(12)), SUMMARY),)
    widths = column_widths(header, rows)
    assert sum(widths) == 100 and widths[-1] >= MIN_TEXT_SHARE


def test_tables_without_or_only_of_text_keep_the_automatic_layout():
    assert column_widths(("A", "B"), (("x", "1"),)) == ()
    assert column_widths(("Summary",), ((SUMMARY,),)) == ()


def test_the_segmentation_pdf_keeps_its_explorer_to_a_readable_length(warehouse: Path) -> None:
    user = person("tess.tables")
    viewer = viewer_for(User.objects.get(username=user.username))
    query = "preset=last_90"
    ws = workspace("segments")
    assert ws is not None
    explorer = next(c for c in ws.charts if c.id == "explorer")
    filters = parse_filters(QueryDict(query), options=load_options(viewer), data=load_data_range(viewer))
    view = load_chart(explorer, filters, viewer)
    assert view.result is not None
    total = len(view.result.rows)
    assert total > MAX_TEXT_TABLE_ROWS, "the test warehouse gives the explorer more rows than paper keeps"
    first = [row[0] for row in view.result.rows[:3]]

    try:
        pdf = render_workspace_pdf("segments", query, viewer)
    finally:
        images.stop()
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    start = text.index("Segment explorer")
    section = text[start:]
    assert f"The first {MAX_TEXT_TABLE_ROWS} of {total:,} rows; the CSV download has them all." in section
    ids = re.findall(r"\bC\d{7}\b", section)
    assert len(set(ids)) == MAX_TEXT_TABLE_ROWS
    assert ids[:3] == first  # the highest lifetime value first, as on the page
    # Five or more rows a page with their summaries; the automatic layout made it two.
    explorer_pages = sum(1 for page in reader.pages if re.search(r"\bC\d{7}\b", page.extract_text()))
    assert explorer_pages <= MAX_TEXT_TABLE_ROWS // 4, explorer_pages


def test_column_widths_come_from_the_rows_on_paper_only():
    """A text table prints its first MAX_TEXT_TABLE_ROWS rows: a long word in a row after those must not
    widen its column (and narrow the summaries) on paper."""
    chart = workspace("insights").chart("latest_summaries")
    assert chart is not None
    printed = tuple((f"C{i:07d}", "EMEA", SUMMARY) for i in range(MAX_TEXT_TABLE_ROWS))
    beyond = (("C9999999", "Northeasternmostregion", SUMMARY),) * 20
    result = Result(("CUSTOMER_ID", "REGION", "SUMMARY_TEXT"), printed + beyond)
    table = paper_table(
        ChartView(chart, Filters("custom", dt.date(2026, 1, 1), dt.date(2026, 3, 31)), result=result)
    )
    assert table.rows == printed and not table.wide
    assert f"first {MAX_TEXT_TABLE_ROWS:,} of {MAX_TEXT_TABLE_ROWS + 20:,} rows" in table.note
    widths = table.widths
    # The Region column needs what "Region" (its header, one character more for bold) needs: EMEA is shorter.
    assert widths[1] == int(100 * (len("Region") + 1 + PAD_CHARS) / LINE_CHARS)
    assert sum(widths) == 100


def test_a_text_table_with_many_short_columns_goes_landscape_where_its_words_fit():
    """Nine short columns beside a description need more than portrait A4 leaves them (they broke inside
    "Created" and "Customer"): the table gets a landscape page, where each gets what its longest word needs."""
    header = ("Created", "Ticket", "Customer", "Priority", "Status", "Category", "Description", "Channel")
    rows = (
        ("2026-12-05 20:59", "ZD-363888", "C0029968", "Medium", "pending", "Technical", SUMMARY, "Email"),
    )
    short = [i for i, h in enumerate(header) if h != "Description"]
    need = {i: max(len(header[i]) + 1, *(len(w) for w in rows[0][i].split())) + PAD_CHARS for i in short}
    assert sum(100 * n / LINE_CHARS for n in need.values()) > 100 - MIN_TEXT_SHARE  # not on portrait
    assert needs_landscape(header, rows)
    widths = column_widths(header, rows, line_chars=WIDE_LINE_CHARS)
    assert [widths[i] for i in short] == [int(100 * need[i] / WIDE_LINE_CHARS) for i in short]
    assert sum(widths) == 100
    assert not needs_landscape(("Customer", "Summary"), (("C0000001", SUMMARY),))
    assert not needs_landscape(("Customer", "Region"), (("C0000001", "EMEA"),))


def test_the_recent_tickets_pdf_prints_its_table_on_landscape_pages(warehouse: Path) -> None:
    user = person("tess.tickets")
    viewer = viewer_for(User.objects.get(username=user.username))
    try:
        pdf = render_workspace_pdf("support", "preset=last_90&tab=Recent+tickets", viewer)
    finally:
        images.stop()
    reader = PdfReader(io.BytesIO(pdf))
    shapes = [
        ("landscape" if page.mediabox.width > page.mediabox.height else "portrait", page.extract_text())
        for page in reader.pages
    ]
    assert shapes[0][0] == "portrait"  # the title, filters and key figures
    ticket_pages = [shape for shape, text in shapes if re.search(r"\bZD-\d+", text)]
    assert ticket_pages and set(ticket_pages) == {"landscape"}
    first = next(text for _, text in shapes if "ZD-" in text)
    assert "Created Ticket Customer Priority Status Category" in first  # whole words, not "Create d"


def test_money_columns_print_with_the_currency_symbol_as_the_page_shows_them(settings):
    """The Overview's top customers showed "$57,550.70" on the page and a bare "57,550.70" on paper."""
    settings.CURRENCY_SYMBOL = "€"
    chart = workspace("overview").chart("top_customers")
    assert chart is not None and "LIFETIME_VALUE" in chart.money
    result = Result(
        ("CUSTOMER_ID", "REGION", "TOTAL_ORDERS", "LIFETIME_VALUE"),
        (("C0043500", "LATAM", 434, 57550.7), ("C0014336", "EMEA", 384, None)),
    )
    table = paper_table(
        ChartView(chart, Filters("custom", dt.date(2026, 1, 1), dt.date(2026, 3, 31)), result=result)
    )
    assert table.rows == (("C0043500", "LATAM", "434", "€57,550.70"), ("C0014336", "EMEA", "384", ""))
