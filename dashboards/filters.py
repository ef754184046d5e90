"""The global filters: parsed once from the query string into an immutable value, or refused.

Bad input (an unknown parameter, a value not in the data, a date that does not parse, `to` before
`from`) raises `FilterError` naming the parameter, before any chart SQL runs. Option lists come from
the warehouse (sql/queries/options/), seen through the viewer's scope, and are cached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import QueryDict

from accounts.access import Viewer

from .queries import run_file
from .versioned import per_version
from .warehouse.compiler import Attributes, Restriction, attributes


def shown(value: str, limit: int = 40) -> str:
    """A value as a message quotes it: cut short, so that a long one is not echoed back whole."""
    return value if len(value) <= limit else value[:limit] + "…"


class FilterError(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


@dataclass(frozen=True)
class FilterDef:
    param: str
    label: str

    @property
    def options_sql(self) -> str:
        return f"options/{self.param}.sql"


FILTERS: tuple[FilterDef, ...] = (
    FilterDef("persona", "Persona"),
    FilterDef("value_segment", "Value segment"),
    FilterDef("churn_risk", "Churn risk"),
    FilterDef("upsell", "Upsell opportunity"),
    FilterDef("interaction_type", "Interaction type"),
    FilterDef("channel", "Channel"),
    FilterDef("region", "Region"),
    FilterDef("language", "Review language"),
)
FILTER_LABELS = {f.param: f.label for f in FILTERS} | {"date": "Date range"}

PRESETS: dict[str, str] = {
    "last_7": "Last 7 days",
    "last_30": "Last 30 days",
    "last_90": "Last 90 days",
    "qtd": "Quarter to date",
    "ytd": "Year to date",
    "all": "All time",
    "custom": "Custom range",
}
DEFAULT_PRESET = "last_90"
# The dates a view may name. Wide enough for any real data, narrow enough that every range has a
# previous period of equal length and a day after (date arithmetic past year 1 or 9999 overflows).
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2999, 12, 31)
GRAINS: dict[str, str] = {"hour": "Hour", "day": "Day", "week": "Week", "month": "Month"}
VIEW_PARAMS = ("from", "to", "preset", "grain", "tab")


@dataclass(frozen=True)
class DataRange:
    first_day: dt.date
    last_day: dt.date


@dataclass(frozen=True)
class Filters:
    preset: str
    date_from: dt.date
    date_to: dt.date
    values: Attributes = ()
    grain: str = "week"
    tab: str = ""

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def restriction(self) -> Restriction:
        return Restriction(self.date_from, self.date_to, self.values)

    def previous(self) -> Filters:
        """The period of equal length that ends the day before this one starts."""
        to = self.date_from - dt.timedelta(days=1)
        return replace(self, preset="custom", date_from=to - dt.timedelta(days=self.days - 1), date_to=to)

    def selected(self, param: str) -> tuple[str, ...]:
        return dict(self.values).get(param, ())

    def params(self) -> list[tuple[str, str]]:
        """The canonical query string pairs that reopen this view."""
        pairs: list[tuple[str, str]] = []
        if self.preset == "custom":
            pairs += [("from", self.date_from.isoformat()), ("to", self.date_to.isoformat())]
        else:
            pairs.append(("preset", self.preset))
        for name, values in self.values:
            pairs += [(name, v) for v in values]
        pairs.append(("grain", self.grain))
        if self.tab:
            pairs.append(("tab", self.tab))
        return pairs

    def querystring(self, *, drop: tuple[str, str] | None = None) -> str:
        return urlencode([p for p in self.params() if p != drop])


def _parse_date(query: QueryDict, param: str) -> dt.date | None:
    raw = query.get(param)
    if raw is None or raw == "":
        return None
    try:
        day = dt.date.fromisoformat(raw) if len(raw) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise FilterError(param, f"'{shown(raw)}' is not a date (use YYYY-MM-DD)")
    if not DATE_MIN <= day <= DATE_MAX:
        raise FilterError(param, f"{day} is outside the dates the portal handles ({DATE_MIN} to {DATE_MAX})")
    return day


def preset_range(preset: str, data: DataRange) -> tuple[dt.date, dt.date]:
    """Presets count back from the last day with data, so a demo warehouse of any age shows data."""
    end = data.last_day
    if preset.startswith("last_"):
        return end - dt.timedelta(days=int(preset.removeprefix("last_")) - 1), end
    if preset == "qtd":
        return dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    if preset == "ytd":
        return dt.date(end.year, 1, 1), end
    return data.first_day, end


def default_grain(days: int) -> str:
    return "day" if days <= 31 else "week" if days <= 190 else "month"


def parse_filters(
    query: QueryDict,
    *,
    options: Mapping[str, list[str]],
    data: DataRange,
    extra: tuple[str, ...] = (),
    default_preset: str = DEFAULT_PRESET,
) -> Filters:
    """Parse and validate the query string; raise FilterError naming the first bad parameter."""
    allowed = set(VIEW_PARAMS) | {f.param for f in FILTERS} | set(extra)
    for param in query:
        if param not in allowed:
            raise FilterError(shown(param), "is not a filter of this page")
    date_from, date_to = _parse_date(query, "from"), _parse_date(query, "to")
    preset = query.get("preset") or ("custom" if date_from or date_to else default_preset)
    if preset not in PRESETS:
        raise FilterError("preset", f"'{shown(preset)}' is not one of {', '.join(PRESETS)}")
    if preset == "custom":
        if date_from is None or date_to is None:
            raise FilterError("from" if date_from is None else "to", "a custom range needs both from and to")
        if date_to < date_from:
            raise FilterError("to", f"{date_to} is before from ({date_from})")
    elif date_from or date_to:
        raise FilterError("preset", f"'{preset}' cannot be combined with from/to; use preset=custom")
    else:
        date_from, date_to = preset_range(preset, data)

    values: dict[str, list[str]] = {}
    for f in FILTERS:
        chosen = [v for v in query.getlist(f.param) if v != ""]
        known = options.get(f.param, [])
        for value in chosen:
            if value not in known:
                raise FilterError(f.param, f"'{shown(value)}' is not a {f.label.lower()} in the data")
        values[f.param] = list(dict.fromkeys(chosen))

    days = (date_to - date_from).days + 1
    grain = query.get("grain") or default_grain(days)
    if grain not in GRAINS:
        raise FilterError("grain", f"'{shown(grain)}' is not one of {', '.join(GRAINS)}")
    return Filters(preset, date_from, date_to, attributes(values), grain, query.get("tab", ""))


def salvage(
    query: QueryDict, *, options: Mapping[str, list[str]], data: DataRange
) -> tuple[QueryDict, list[str]]:
    """Keep every part of a stored query that is still valid; name the parts dropped.

    A saved preset can outlive the data it was saved against (a persona renamed, a region gone):
    applying it keeps the rest and says what it left out, instead of refusing it whole.
    """
    kept = QueryDict(mutable=True)
    dropped: list[str] = []

    def attempt(pairs: list[tuple[str, str]], label: str) -> None:
        nonlocal kept
        trial = kept.copy()
        for param, value in pairs:
            trial.appendlist(param, value)
        try:
            parse_filters(trial, options=options, data=data)
        except FilterError:
            dropped.append(label)
        else:
            kept = trial

    dates = [(p, str(query.get(p))) for p in ("from", "to") if query.get(p)]
    if dates:  # a range is kept or dropped whole
        attempt(dates, "Date range: " + " to ".join(v for _, v in dates))
    for param, values in query.lists():
        for value in values if param not in ("from", "to") else []:
            attempt([(param, value)], f"{FILTER_LABELS.get(param, param.capitalize())}: {value}")
    return kept, dropped


def load_options(viewer: Viewer) -> dict[str, list[str]]:
    """Each filter's options, read from the warehouse through the viewer's scope (kept per data version)."""
    options = per_version("options", viewer, lambda: _read_options(viewer))
    return {param: list(values) for param, values in options.items()}


def _read_options(viewer: Viewer) -> dict[str, tuple[str, ...]]:
    return {
        f.param: tuple(str(v) for v in run_file(f.options_sql, viewer=viewer).column("VALUE"))
        for f in FILTERS
    }


def load_data_range(viewer: Viewer) -> DataRange:
    """The first and last day with data the viewer may see (kept per data version)."""
    return per_version("data_range", viewer, lambda: _read_data_range(viewer))


def _read_data_range(viewer: Viewer) -> DataRange:
    result = run_file("data_range.sql", viewer=viewer)
    first, last = result.rows[0] if result.rows else (None, None)
    today = dt.date.today()
    return DataRange(first or today, last or today)
