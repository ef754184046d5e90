"""What the number tests share: reading a chart's CSV and comparing its cells with pandas' values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

import pandas as pd
import pytest

DAY = dt.timedelta(days=1)

# The customer attribute behind each scope attribute, restated from WAREHOUSE.md (not read from the product).
COLUMN = {
    "region": "REGION",
    "plan_tier": "PLAN_TIER",
    "value_segment": "VALUE_SEGMENT",
    "persona": "DERIVED_PERSONA",
    "churn_risk": "CHURN_RISK",
    "upsell": "UPSELL_OPPORTUNITY",
}


def in_scope(customers: pd.DataFrame, scope: dict[str, list[str]]) -> pd.DataFrame:
    """The customers (rows of a frame with the scope attributes' columns) a role's scope lets through."""
    keep = pd.Series(True, index=customers.index)
    for attribute, values in scope.items():
        keep &= customers[COLUMN[attribute]].isin(values)
    return customers[keep]


@dataclass(frozen=True)
class Selection:
    """A date range (inclusive) and filter values, as the URL gives them."""

    date_from: dt.date
    date_to: dt.date
    values: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    @property
    def start(self) -> pd.Timestamp:
        return pd.Timestamp(self.date_from)

    @property
    def end(self) -> pd.Timestamp:
        """The first moment after the range."""
        return pd.Timestamp(self.date_to + DAY)

    def previous(self) -> Selection:
        """The period of equal length that ends the day before this one starts."""
        to = self.date_from - DAY
        return replace(self, date_from=to - (self.days - 1) * DAY, date_to=to)

    def query(self, **extra: str) -> str:
        pairs = [("from", self.date_from.isoformat()), ("to", self.date_to.isoformat())]
        pairs += [(name, value) for name, values in self.values for value in values]
        pairs += list(extra.items())
        return urlencode(pairs)


def csv_rows(slug: str, client, chart_id: str, query: str) -> list[dict[str, str]]:
    """The rows of a chart's CSV download, as the portal serves them."""
    response = client.get(f"/w/{slug}/chart/{chart_id}.csv?{query}")
    assert response.status_code == 200, response.content[:1000]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def assert_number(actual: str, expected: float | None, what: str = "") -> None:
    if expected is None:
        assert actual == "", f"{what}: expected no value, got {actual!r}"
    else:
        assert actual != "", f"{what}: expected {expected!r}, got no value"
        assert float(actual) == pytest.approx(expected, rel=1e-9, abs=1e-9), what


def assert_count(actual: str, expected: int, what: str = "") -> None:
    assert re.fullmatch(r"-?\d+", actual), f"{what}: {actual!r} is not a whole number"
    assert int(actual) == expected, what


FOLDED_ROWS = re.compile(r'<script type="text/html" data-folded-rows>(.*?)</script>', re.S)


def unfolded(html: str) -> str:
    """A fragment as the browser shows it once its "Show data" is opened: the rows a closed one holds
    as text (dashboards/table_rows.py) made into rows, as static/js/ux.js does."""
    return FOLDED_ROWS.sub(lambda m: m.group(1), html)
