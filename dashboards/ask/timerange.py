"""Time phrases in a question: ranges anchored on the last day with data, grains and comparisons.

"last month" is the calendar month before the one holding the last day with data; "last 90 days"
ends on that day, like the date presets; "Q3" is the latest third quarter that has begun; "since
March" runs from the latest 1 March to the last day; "in 2025" is the calendar year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

DAY = dt.timedelta(days=1)
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS.pop("may", None)
MONTHS["may"] = 5
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
UNITS = {"day": 1, "week": 7, "month": 0, "quarter": 0, "year": 0}
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}


@dataclass(frozen=True)
class TimeRange:
    date_from: dt.date
    date_to: dt.date
    phrase: str

    @property
    def label(self) -> str:
        return f"{self.phrase} ({fmt_day(self.date_from)} – {fmt_day(self.date_to)})"  # noqa: RUF001

    def previous(self) -> TimeRange:
        """The period of equal length that ends the day before this one starts (as the KPIs compare)."""
        days = (self.date_to - self.date_from).days + 1
        to = self.date_from - DAY
        return TimeRange(to - (days - 1) * DAY, to, "previous period")


def fmt_day(day: dt.date) -> str:
    return f"{day.day} {calendar.month_abbr[day.month]} {day.year}"


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(start: dt.date) -> dt.date:
    return _month_start(start, -1) - DAY


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _number(raw: str) -> int:
    return int(raw) if raw.isdigit() else NUMBER_WORDS[raw]


_NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + ")"
PATTERNS: list[tuple[str, str]] = [
    ("all", r"\b(all time|ever|overall|to date)\b"),
    ("last_n", rf"\b(?:last|past|previous|trailing) {_NUM} (day|week|month|quarter|year)s?\b"),
    ("last_unit", r"\b(?:last|previous|past|prior) (week|month|quarter|year)\b"),
    ("this_unit", r"\b(?:this|current) (week|month|quarter|year)\b"),
    ("to_date", r"\b(ytd|qtd|mtd|year to date|quarter to date|month to date)\b"),
    ("quarter", r"\bq([1-4])(?: (20\d\d))?\b"),
    ("since", rf"\bsince ({_MONTH_RE})(?: (20\d\d))?\b"),
    ("since_year", r"\bsince (20\d\d)\b"),
    ("month", rf"\b(?:in |during )?({_MONTH_RE})(?: (20\d\d))?\b"),
    ("year", r"\b(?:in |during )?(20\d\d)\b"),
]


def _latest_month(month: int, year: str | None, last: dt.date) -> dt.date:
    if year:
        return dt.date(int(year), month, 1)
    start = dt.date(last.year, month, 1)
    return start if start <= last else dt.date(last.year - 1, month, 1)


def _resolve(kind: str, m: re.Match[str], first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    if kind == "all":
        return first, last
    if kind == "last_n":
        n, unit = _number(m.group(1)), m.group(2)
        if unit in ("day", "week"):
            return last - (n * UNITS[unit] - 1) * DAY, last
        months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
        return _month_start(last, months - 1), last
    if kind == "last_unit":
        unit = m.group(1)
        if unit == "week":  # the last full Monday-to-Sunday week before the anchor's week
            monday = last - last.weekday() * DAY
            return monday - 7 * DAY, monday - DAY
        if unit == "month":
            start = _month_start(last, 1)
            return start, _month_end(start)
        if unit == "quarter":
            start = _month_start(_quarter_start(last), 3)
            return start, _month_start(start, -3) - DAY
        return dt.date(last.year - 1, 1, 1), dt.date(last.year - 1, 12, 31)
    if kind in ("this_unit", "to_date"):
        unit = m.group(1)
        unit = {"ytd": "year", "qtd": "quarter", "mtd": "month"}.get(unit, unit.split(" ")[0])
        if unit == "week":
            return last - last.weekday() * DAY, last
        if unit == "month":
            return _month_start(last), last
        if unit == "quarter":
            return _quarter_start(last), last
        return dt.date(last.year, 1, 1), last
    if kind == "quarter":
        q, year = int(m.group(1)), m.group(2)
        start = dt.date(int(year) if year else last.year, 3 * q - 2, 1)
        if not year and start > last:
            start = dt.date(last.year - 1, 3 * q - 2, 1)
        return start, min(_month_start(start, -3) - DAY, last) if not year else _month_start(start, -3) - DAY
    if kind == "since":
        return _latest_month(MONTHS[m.group(1)], m.group(2), last), last
    if kind == "since_year":
        return dt.date(int(m.group(1)), 1, 1), last
    if kind == "month":
        start = _latest_month(MONTHS[m.group(1)], m.group(2), last)
        return start, _month_end(start)
    year = int(m.group(1))
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def find_range(text: str, *, first: dt.date, last: dt.date) -> tuple[TimeRange | None, str]:
    """The first time phrase in `text` as a range, and the text with that phrase removed."""
    for kind, pattern in PATTERNS:
        m = re.search(pattern, text)
        if not m:
            continue
        date_from, date_to = _resolve(kind, m, first, last)
        rest = (text[: m.start()] + " " + text[m.end() :]).strip()
        return TimeRange(date_from, date_to, m.group(0).strip()), rest
    return None, text


GRAIN_PATTERNS: list[tuple[str, str]] = [
    ("day", r"\b(daily|by day|per day|each day|day by day|by date|per date)\b"),
    ("week", r"\b(weekly|by week|per week|each week|week by week|week over week)\b"),
    ("month", r"\b(monthly|by month|per month|each month|month by month|month over month)\b"),
    ("quarter", r"\b(quarterly|by quarter|per quarter|each quarter)\b"),
    ("year", r"\b(yearly|annually|by year|per year|each year)\b"),
    ("auto", r"\b(over time|trend|trends|trending|time series|evolution|history)\b"),
]


def find_grain(text: str) -> tuple[str, str]:
    """The time grain asked for ("" for none, "auto" for "over time"), and the rest of the text."""
    for grain, pattern in GRAIN_PATTERNS:
        m = re.search(pattern, text)
        if m:
            return grain, (text[: m.start()] + " " + text[m.end() :]).strip()
    return "", text


def auto_grain(days: int) -> str:
    return "day" if days <= 31 else "week" if days <= 190 else "month"


COMPARE_RE = re.compile(
    r"\b(vs\.?|versus|compared (?:to|with)|compare|comparison|change|changed|growth|grew|"
    r"previous period|prior period|period over period|than before)\b"
)


def find_compare(text: str) -> tuple[bool, str]:
    m = COMPARE_RE.search(text)
    if not m:
        return False, text
    rest = COMPARE_RE.sub(" ", text)
    rest = re.sub(r"\b(the )?(previous|prior|preceding) (period|one)\b", " ", rest)
    return True, re.sub(r"\s+", " ", rest).strip()
