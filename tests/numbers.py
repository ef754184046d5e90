"""What the number tests share: reading a chart's CSV and comparing its cells with pandas' values."""

import csv
import io
import re

import pytest


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
