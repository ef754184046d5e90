"""Customer 360: find a customer, then one page with everything the warehouse knows about them.

Each view reads: access (the viewer), fetch (SQL files under sql/queries/customer/, compiled with the
viewer's scope, so a customer outside it is simply not found), render. Names and e-mail come back
masked for viewers without PII access; such viewers search by customer id only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.access import Viewer, viewer_for

from .charts.builders import Figure, build_figure, summarize
from .charts.formatting import fmt_cell, fmt_value
from .charts.registry import WORKSPACES
from .charts.spec import Chart, Fmt, Kind
from .churn.profile import churn_for_customer
from .queries import run_file
from .warehouse.client import WarehouseError
from .warehouse.result import Result

MIN_TERM = 2
MAX_TERM = 100
MAX_RESULTS = 20
MAX_SUGGESTIONS = 8
TIMELINE_LIMIT = 1000
LIKE_ESCAPE = "!"  # the ESCAPE character of the ILIKE patterns in search.sql and search_by_id.sql

# The timeline's four kinds of event, in the order the filter lists them (the KIND values of
# timeline.sql, not warehouse categories).
KINDS: dict[str, str] = {
    "interaction": "Interactions",
    "review": "Reviews",
    "ticket": "Tickets",
    "transaction": "Transactions",
}

SEARCH_SQL = "customer/search.sql"
SEARCH_BY_ID_SQL = "customer/search_by_id.sql"
PROFILE_SQL = "customer/profile.sql"
TIMELINE_SQL = "customer/timeline.sql"
TIMELINE_COUNTS_SQL = "customer/timeline_counts.sql"

SPENDING_TREND = Chart(
    id="spending_trend",
    title="Spending trend",
    sql="customer/spending_trend.sql",
    kind=Kind.BAR,
    x="MONTH",
    y=("SPEND",),
    fmt=Fmt.MONEY,
    labels={"MONTH": "Month", "SPEND": "Completed purchases"},
    description="Amount of this customer's completed purchases per month.",
)
CATEGORY_MIX = Chart(
    id="category_mix",
    title="Category mix",
    sql="customer/category_mix.sql",
    kind=Kind.DONUT,
    x="CATEGORY",
    y=("SPEND",),
    fmt=Fmt.MONEY,
    labels={"CATEGORY": "Product category", "SPEND": "Completed purchases"},
    description="Amount of this customer's completed purchases by product category.",
)
CHARTS: tuple[Chart, ...] = (SPENDING_TREND, CATEGORY_MIX)

# Every SQL file this page runs (for the check that every file under sql/queries is used).
SQL_FILES: tuple[str, ...] = (
    SEARCH_SQL,
    SEARCH_BY_ID_SQL,
    PROFILE_SQL,
    TIMELINE_SQL,
    TIMELINE_COUNTS_SQL,
    *(chart.sql for chart in CHARTS),
)


class BadParameter(ValueError):
    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


# --- Search ----------------------------------------------------------------------------------------


def like_escape(term: str) -> str:
    """`term` with ILIKE's wildcards (and the escape character itself) taken literally."""
    return "".join(LIKE_ESCAPE + ch if ch in ("%", "_", LIKE_ESCAPE) else ch for ch in term)


def term_problem(term: str) -> str:
    """Why a search term cannot be searched for ("" when it can)."""
    if len(term) < MIN_TERM:
        return f"Type at least {MIN_TERM} characters of a customer id, name or e-mail."
    if len(term) > MAX_TERM:
        return f"Type at most {MAX_TERM} characters."
    return ""


def find_customers(term: str, viewer: Viewer) -> tuple[list[dict[str, Any]], bool]:
    """Up to MAX_RESULTS customers matching `term` within the viewer's scope (by id only without PII),
    and whether more match (the query reads one more row than it keeps)."""
    escaped = like_escape(term)
    named = {"q": f"%{escaped}%", "q_prefix": f"{escaped}%"}
    sql = SEARCH_SQL if viewer.pii else SEARCH_BY_ID_SQL
    rows = run_file(sql, viewer=viewer, named=named).records()
    return rows[:MAX_RESULTS], len(rows) > MAX_RESULTS


def search_customers(term: str, viewer: Viewer) -> list[dict[str, Any]]:
    """Up to MAX_RESULTS customers matching `term` within the viewer's scope (by id only without PII)."""
    return find_customers(term, viewer)[0]


def exact_match(term: str, results: Sequence[dict[str, Any]]) -> str | None:
    """The id of the result whose customer id is the term itself (any case), if there is one."""
    return next(
        (r["CUSTOMER_ID"] for r in results if str(r["CUSTOMER_ID"]).casefold() == term.casefold()), None
    )


def full_name(record: dict[str, Any]) -> str:
    return " ".join(str(record[k]) for k in ("FIRST_NAME", "LAST_NAME") if record.get(k)) or "—"


def _nav_context(viewer: Viewer) -> dict[str, Any]:
    """The sidebar: the workspaces the viewer's roles open, with Customers marked as the current page."""
    return {"workspaces": [ws for ws in WORKSPACES.values() if viewer.may_open(ws.slug)], "nav": "customers"}


def _warehouse_down(request: HttpRequest, viewer: Viewer, error: WarehouseError, q: str = "") -> HttpResponse:
    context = {**_nav_context(viewer), "q": q, "warehouse_error": str(error)}
    return render(request, "dashboards/customer_search.html", context, status=503)


@require_GET
def customer_search(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    term = request.GET.get("q", "").strip()
    problem = term_problem(term) if term else ""
    results: list[dict[str, Any]] = []
    more = False
    if term and not problem:
        try:
            results, more = find_customers(term, viewer)
        except WarehouseError as error:
            return _warehouse_down(request, viewer, error, term)
        exact = exact_match(term, results)
        if exact is not None:
            return redirect("customer", customer_id=exact)
    context = {
        **_nav_context(viewer),
        "q": term,
        "problem": problem,
        "searched": bool(term and not problem),
        "results": [
            {**r, "NAME": full_name(r), "VALUE": fmt_value(r["LIFETIME_VALUE"], Fmt.MONEY)} for r in results
        ],
        "max_results": MAX_RESULTS,
        "more": more,
        "pii": viewer.pii,
    }
    return render(request, "dashboards/customer_search.html", context)


@require_GET
def customer_suggest(request: HttpRequest) -> JsonResponse:
    viewer = viewer_for(request.user)
    term = request.GET.get("q", "").strip()
    if term_problem(term):
        return JsonResponse([], safe=False)
    try:
        results = search_customers(term, viewer)[:MAX_SUGGESTIONS]
    except WarehouseError:
        return JsonResponse([], safe=False, status=503)
    suggestions = [
        {
            "id": r["CUSTOMER_ID"],
            "name": full_name(r),
            "email": r["EMAIL"] or "",
            "url": reverse("customer", args=[r["CUSTOMER_ID"]]),
        }
        for r in results
    ]
    return JsonResponse(suggestions, safe=False)


# --- The customer page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Event:
    """One row of the timeline, ready to show."""

    at: dt.datetime
    kind: str
    kind_label: str
    title: str
    text: str
    sentiment: str
    ticket_url: str = ""
    ticket_id: str = ""


@dataclass(frozen=True)
class Panel:
    """A chart drawn on the server: the same result feeds the figure, the summary and the table."""

    chart: Chart
    result: Result
    figure: Figure | None
    summary: str

    @property
    def empty(self) -> bool:
        return self.result.empty


def parse_kinds(values: Sequence[str]) -> tuple[str, ...]:
    """The timeline kinds asked for (all when none is); raises BadParameter for an unknown kind."""
    unknown = [v for v in values if v not in KINDS]
    if unknown:
        raise BadParameter("kind", f"unknown value {unknown[0]!r}; choose from {', '.join(KINDS)}.")
    chosen = tuple(k for k in KINDS if k in values)
    return chosen or tuple(KINDS)


def _show(value: Any, fmt: Fmt | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if fmt is not None:
        return fmt_value(value, fmt)
    if isinstance(value, dt.datetime):
        return f"{value.day} {value:%b %Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return fmt_cell(value)


def _signed(value: Any) -> str:
    """'+0.12', '-0.05', and '0.00' for anything that rounds to zero (never '-0.00')."""
    if value is None:
        return "—"
    rounded = round(float(value), 2)
    return "0.00" if rounded == 0 else f"{rounded:+.2f}"


def headline(p: dict[str, Any]) -> list[Field]:
    """The figures at the top of the profile."""
    churn = _show(p["CHURN_RISK_SCORE"], Fmt.FLOAT1)
    if p["CHURN_RISK_SCORE"] is not None:
        churn += " / 100"
    if p["CHURN_RISK_CATEGORY"]:
        churn += f" ({p['CHURN_RISK_CATEGORY']})"
    return [
        Field("Lifetime value", _show(p["LIFETIME_VALUE"], Fmt.MONEY)),
        Field("Completed orders", _show(p["TOTAL_ORDERS"], Fmt.INT)),
        Field("Churn score", churn),
        Field("Average sentiment", _signed(p["AVG_SENTIMENT"])),
        Field("Persona", _show(p["DERIVED_PERSONA"])),
        Field("Value segment", _show(p["VALUE_SEGMENT"])),
    ]


def signals(p: dict[str, Any]) -> list[Field]:
    """Every derived signal, "—" where the warehouse has no row or no value for it."""
    sentiment = _show(p["OVERALL_SENTIMENT"])
    return [
        Field("Overall sentiment", sentiment),
        Field("Sentiment trend (per 30 days)", _signed(p["SENTIMENT_TREND"])),
        Field("Sentiment volatility", _show(p["SENTIMENT_VOLATILITY"], Fmt.FLOAT2)),
        Field("Scored texts", _show(p["OBSERVATIONS"], Fmt.INT)),
        Field("Churn risk", _show(p["CHURN_RISK"])),
        Field("Top churn factor", _show(p["TOP_FACTOR"])),
        Field("Upsell opportunity", _show(p["UPSELL_OPPORTUNITY"])),
        Field("Interactions", _show(p["INTERACTION_COUNT"], Fmt.INT)),
        Field("Reviews", _show(p["REVIEW_COUNT"], Fmt.INT)),
        Field("Average rating", _show(p["AVG_RATING"], Fmt.FLOAT1)),
        Field("Tickets", _show(p["TICKET_COUNT"], Fmt.INT)),
        Field("Open tickets", _show(p["OPEN_TICKET_COUNT"], Fmt.INT)),
        Field("High-priority tickets", _show(p["HIGH_PRIORITY_COUNT"], Fmt.INT)),
        Field("Most common ticket category", _show(p["MOST_COMMON_CATEGORY"])),
        Field("Average resolution (hours)", _show(p["AVG_RESOLUTION_HOURS"], Fmt.FLOAT1)),
        Field("Recurring issues", _show(p["IS_RECURRING"])),
        Field("Last ticket", _show(p["LAST_TICKET_AT"])),
        Field("Last seen", _show(p["LAST_SEEN"])),
    ]


def details(p: dict[str, Any]) -> list[Field]:
    """Who the customer is: the base attributes."""
    place = ", ".join(str(v) for v in (p["STATE"], p["COUNTRY"]) if v)
    return [
        Field("E-mail", _show(p["EMAIL"])),
        Field("Region", f"{p['REGION']} ({place})" if place else _show(p["REGION"])),
        Field("Plan tier", _show(p["PLAN_TIER"])),
        Field("Customer since", _show(p["SIGNUP_DATE"])),
        Field("Acquired through", _show(p["ACQUISITION_CHANNEL"])),
        Field("Last purchase", _show(p["LAST_PURCHASE_DATE"])),
        Field("Status", "Active" if p["IS_ACTIVE"] else "Cancelled"),
    ]


def _humanize(value: Any) -> str:
    return str(value or "").replace("_", " ")


def to_event(row: dict[str, Any]) -> Event:
    kind = row["KIND"]
    sentiment = "" if row["SENTIMENT_SCORE"] is None else f"{float(row['SENTIMENT_SCORE']):+.2f}"
    base = {"at": row["EVENT_TS"], "kind": kind, "kind_label": KINDS[kind][:-1], "sentiment": sentiment}
    if kind == "interaction":
        title = f"{_humanize(row['DETAIL']).capitalize()} · {_humanize(row['CHANNEL'])}"
        return Event(**base, title=title, text=row["TEXT"] or "")
    if kind == "review":
        title = f"{row['RATING']} of 5 stars for {row['PRODUCT_NAME'] or 'a product'}"
        if row["DETAIL"] and row["DETAIL"] != "en":
            title += f" (written in {row['DETAIL']})"
        return Event(**base, title=title, text=row["TEXT"] or "")
    if kind == "ticket":
        ticket = row["EXTERNAL_TICKET_ID"] or ""
        title = f"{row['DETAIL']} · {row['PRIORITY']} priority · {row['STATUS']}"
        url = settings.HELPDESK_TICKET_URL.format(id=ticket) if ticket else ""
        return Event(**base, title=title, text=row["TEXT"] or "", ticket_url=url, ticket_id=ticket)
    amount = fmt_value(row["AMOUNT"], Fmt.MONEY)
    title = f"{str(row['STATUS']).capitalize()} purchase · {_humanize(row['CHANNEL'])}"
    text = f"{row['QUANTITY']} \N{MULTIPLICATION SIGN} {row['PRODUCT_NAME'] or 'a product'}, {amount}"
    return Event(**base, title=title, text=text)


def load_timeline(customer_id: str, kinds: tuple[str, ...], viewer: Viewer) -> list[Event]:
    padded = (kinds * 4)[:4]  # timeline.sql takes four kinds; repeating one asks for fewer
    named = {"customer_id": customer_id, **{f"kind_{i}": k for i, k in enumerate(padded, start=1)}}
    result = run_file(TIMELINE_SQL, viewer=viewer, named=named)
    return [to_event(row) for row in result.records()]


def load_counts(customer_id: str, viewer: Viewer) -> dict[str, int]:
    result = run_file(TIMELINE_COUNTS_SQL, viewer=viewer, named={"customer_id": customer_id})
    counts = {row["KIND"]: int(row["EVENTS"]) for row in result.records()}
    return {kind: counts.get(kind, 0) for kind in KINDS}


def load_panel(chart: Chart, customer_id: str, viewer: Viewer) -> Panel:
    result = run_file(chart.sql, viewer=viewer, named={"customer_id": customer_id})
    return Panel(chart, result, build_figure(chart, result), summarize(chart, result))


def bad_parameter(request: HttpRequest, viewer: Viewer, error: BadParameter) -> HttpResponse:
    context = {**_nav_context(viewer), "error": error}
    return render(request, "dashboards/bad_filter.html", context, status=400)


@require_GET
def customer(request: HttpRequest, customer_id: str) -> HttpResponse:
    viewer = viewer_for(request.user)
    try:
        kinds = parse_kinds(request.GET.getlist("kind"))
    except BadParameter as error:
        return bad_parameter(request, viewer, error)
    try:
        rows = run_file(PROFILE_SQL, viewer=viewer, named={"customer_id": customer_id}).records()
        if not rows:
            raise Http404("No such customer")
        counts = load_counts(customer_id, viewer)
        events = load_timeline(customer_id, kinds, viewer)
        panels = [load_panel(chart, customer_id, viewer) for chart in CHARTS]
    except WarehouseError as error:
        return _warehouse_down(request, viewer, error)
    profile = rows[0]
    shown = sum(counts[k] for k in kinds)
    context = {
        **_nav_context(viewer),
        "customer_id": profile["CUSTOMER_ID"],
        "name": full_name(profile),
        "profile": profile,
        "headline": headline(profile),
        "details": details(profile),
        "signals": signals(profile),
        "summary": profile["CUSTOMER_SUMMARY"] or "—",
        "action": profile["RECOMMENDED_ACTION"] or "—",
        "themes": profile["KEY_THEMES"] or "—",
        "generated_at": profile["GENERATED_AT"],
        "kinds": [
            {"value": k, "label": label, "count": counts[k], "checked": k in kinds}
            for k, label in KINDS.items()
        ],
        "all_kinds": len(kinds) == len(KINDS),
        "events": events,
        "events_total": shown,
        "timeline_limit": TIMELINE_LIMIT,
        "panels": panels,
        "churn": churn_for_customer(profile["CUSTOMER_ID"], viewer),
    }
    return render(request, "dashboards/customer.html", context)
