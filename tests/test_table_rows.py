"""A chart's data table body (dashboards/table_rows.py): every kind of cell, escaped, parsed back."""

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

from dashboards.charts.spec import Chart, Kind
from dashboards.table_rows import MAX_ROWS, rows_html

CHART = Chart(
    id="t",
    title="T",
    sql="x.sql",
    kind=Kind.TABLE,
    description="",
    link="CUSTOMER_ID",
    ticket_link="TICKET",
    money=("LTV",),
)
COLUMNS = ("CUSTOMER_ID", "TICKET", "LTV", "NOTE", "N")


class Cells(HTMLParser):
    """Rows of (td attributes, text, links, has <details>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[dict]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self.rows[-1].append({"attrs": dict(attrs), "text": "", "links": [], "details": False})
        elif tag == "a":
            self.rows[-1][-1]["links"].append(dict(attrs))
        elif tag == "details":
            self.rows[-1][-1]["details"] = True

    def handle_data(self, data):
        if self.rows and self.rows[-1]:
            self.rows[-1][-1]["text"] += data


def parse(html: str) -> list[list[dict]]:
    parser = Cells()
    parser.feed(str(html))
    return parser.rows


def test_links_money_numbers_and_text_are_rendered_and_escaped(settings):
    settings.HELPDESK_TICKET_URL = "https://help.example.com/t/{id}?a=1&b=2"
    settings.CURRENCY_SYMBOL = "$"
    long_note = "<b>x</b> & " + "y" * 150
    rows = [
        ("C001", "T-9", Decimal("1234.5"), 'say "hi" <script>', 1234567),
        ("", None, None, long_note, 2.5),
        ("C&2", "T<3", 3.25, dt.date(2026, 1, 2), True),
    ]
    parsed = parse(rows_html(CHART, COLUMNS, rows))
    assert len(parsed) == 3 and all(len(r) == len(COLUMNS) for r in parsed)

    first = parsed[0]
    assert first[0]["links"] == [{"href": "/customers/C001/"}] and first[0]["text"] == "C001"
    assert first[1]["links"][0]["href"] == "https://help.example.com/t/T-9?a=1&b=2"
    assert first[1]["links"][0]["target"] == "_blank"
    assert first[1]["text"] == "T-9 (opens the helpdesk)"
    assert first[2]["text"] == "$1,234.50" and first[2]["attrs"] == {"class": "num", "data-value": "1234.5"}
    assert first[3]["text"] == 'say "hi" <script>' and first[3]["attrs"] == {}
    assert first[4]["text"] == "1,234,567" and first[4]["attrs"]["data-value"] == "1234567"

    second = parsed[1]
    assert second[0]["links"] == [] and second[0]["text"] == ""  # no id, no link
    assert second[1]["links"] == [] and second[1]["text"] == ""
    assert second[2]["text"] == ""  # a missing amount is empty, not "$None"
    assert second[3]["details"] and second[3]["text"].endswith(long_note)
    assert second[3]["text"].startswith(long_note[:89])  # the folded summary, then the whole text
    assert second[4]["text"] == "2.5"

    third = parsed[2]
    assert third[0]["links"] == [{"href": "/customers/C&2/"}]
    assert third[1]["text"] == "T<3 (opens the helpdesk)"
    assert third[2]["text"] == "$3.25"
    assert third[3]["text"] == "2026-01-02"
    assert third[4]["attrs"] == {} and third[4]["text"] == "True"  # a bool is not a number

    raw = str(rows_html(CHART, COLUMNS, rows))
    assert "<script>" not in raw and "<b>" not in raw  # text arrives escaped, never as markup


def test_only_the_first_rows_are_shown():
    rows = [(f"C{i}", None, i, "", i) for i in range(MAX_ROWS + 5)]
    parsed = parse(rows_html(CHART, COLUMNS, rows))
    assert len(parsed) == MAX_ROWS
    assert parsed[-1][0]["text"] == f"C{MAX_ROWS - 1}"


def test_a_paged_table_sends_its_first_page_live_and_the_rest_in_a_template():
    paged = Chart(id="p", title="P", sql="x.sql", kind=Kind.TABLE, description="", page_size=20)
    rows = [(f"C{i}", None, i, "", i) for i in range(45)]
    raw = str(rows_html(paged, COLUMNS, rows))
    live, _, rest = raw.partition("<template data-more-rows>")
    assert rest.endswith("</template>")
    assert [r[0]["text"] for r in parse(live)] == [f"C{i}" for i in range(20)]
    assert [r[0]["text"] for r in parse(rest)] == [f"C{i}" for i in range(20, 45)]
    # A table no longer than a page, or not paged, is all live.
    assert "<template" not in str(rows_html(paged, COLUMNS, rows[:20]))
    assert "<template" not in str(rows_html(CHART, COLUMNS, rows))


def test_a_folded_table_sends_its_rows_as_text_that_no_value_can_end():
    """A chart's "Show data" (closed until opened) gets its rows as the text of one script element, made
    into rows by static/js/ux.js when opened; a value cannot close that script, being escaped."""
    rows = [(f"C{i}", None, i, "</script><script>alert(1)</script>", i) for i in range(30)]
    raw = str(rows_html(CHART, COLUMNS, rows, folded=True))
    opening = '<script type="text/html" data-folded-rows>'
    assert raw.startswith(opening) and raw.endswith("</script>")
    assert raw.lower().count("</script") == 1  # only its own end
    inner = raw[len(opening) : -len("</script>")]
    assert inner == str(rows_html(CHART, COLUMNS, rows))  # the same rows, as text
    assert [r[3]["text"] for r in parse(inner)] == ["</script><script>alert(1)</script>"] * 30
    # A paged table keeps its own way of holding rows back, and nothing is folded when there is none.
    paged = Chart(id="p", title="P", sql="x.sql", kind=Kind.TABLE, description="", page_size=20)
    assert "data-folded-rows" not in str(rows_html(paged, COLUMNS, rows, folded=True))
    assert str(rows_html(CHART, COLUMNS, [], folded=True)) == ""
