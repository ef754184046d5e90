"""Numbers in words: one place that formats values for cards, tables, summaries and hover text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from .spec import Fmt


def to_float(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    return None


def fmt_value(value: Any, fmt: Fmt) -> str:
    number = to_float(value)
    if number is None:
        return "—" if value is None else fmt_cell(value)
    if fmt is Fmt.INT:
        return f"{number:,.0f}"
    if fmt is Fmt.PCT:
        return f"{number * 100:.1f}%"
    if fmt is Fmt.MONEY:
        symbol = settings.CURRENCY_SYMBOL
        if abs(number) >= 1_000_000:
            return f"{symbol}{number / 1_000_000:,.2f}M"
        return f"{symbol}{number:,.2f}"
    if fmt is Fmt.FLOAT1:
        return f"{number:,.1f}"
    return f"{number:,.2f}"


def fmt_exact(value: Any, fmt: Fmt) -> str:
    """A value someone typed (an alert's threshold) as typed: its unit, and no rounding away of digits."""
    number = to_float(value)
    if number is None:
        return fmt_value(value, fmt)
    if fmt is Fmt.PCT:
        return _trim(f"{number * 100:,.6f}") + "%"
    text = _trim(f"{number:,.6f}")
    if fmt is Fmt.MONEY:
        whole, _, cents = text.partition(".")
        return settings.CURRENCY_SYMBOL + (f"{whole}.{cents:0<2}" if cents else whole)
    return text


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_change(current: Any, previous: Any, fmt: Fmt) -> str:
    """The change against the previous period: points for shares, percent for everything else."""
    cur, prev = to_float(current), to_float(previous)
    if cur is None or prev is None:
        return "no previous value"
    if fmt is Fmt.PCT:
        text = f"{(cur - prev) * 100:+.1f} pts"
    elif fmt is Fmt.FLOAT2 and abs(prev) <= 1.0:
        text = f"{cur - prev:+.2f}"
    elif prev == 0:
        return "new" if cur else "no change"
    else:
        text = f"{(cur - prev) / abs(prev) * 100:+.1f}%"
    # A change that rounds to zero at the shown precision ("-0.00") is no change to the reader.
    return "no change" if not any(c in "123456789" for c in text) else text


def fmt_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def json_value(value: Any) -> Any:
    """A value as Plotly's JSON wants it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
