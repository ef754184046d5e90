# ruff: noqa: S608 -- the SQL below is assembled from the generator's own constants and integers
# (never from user input), which is what generating data in SQL takes.
"""Build the embedded demo warehouse: seeded raw facts generated inside DuckDB, then the models.

The raw facts are generated with set-based SQL. Every random draw is a hash of (seed, row key, salt)
rather than DuckDB's `random()`, so the same seed, scale and as-of date give the same rows whatever
the thread count. The derived tables come from the Snowflake models in `sql/warehouse/models/`,
transpiled with sqlglot. The file is written atomically: a temporary file in the target directory,
moved onto the target with `os.replace` only when the whole build succeeded.

How the synthetic business behaves (what the portal is meant to show):
- customers sign up over time (a growing base) and differ in engagement, plan tier, price
  sensitivity, support needs and a baseline sentiment; some decline (sentiment falls, tickets rise,
  purchases fade, and many finally cancel), some fade quietly, some improve;
- interactions, purchases and tickets follow weekly and yearly seasonality (weekends, the holiday
  season, Black Friday);
- one incident: a firmware update breaks one popular product in the month five months before the
  as-of date, causing a spike of "Product Defect" tickets, a sentiment dip, refunds and a drop in
  that product's review ratings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import sqlglot
from tqdm import tqdm

from . import vocab

SQL_DIR = Path(__file__).resolve().parents[3] / "sql" / "warehouse"
SCHEMA = "ANALYTICS"
HISTORY_DAYS = 731  # about two years, ending with (and including) the as-of date
INCIDENT_MONTHS_BEFORE = 5

RAW_TABLES = (
    "DIM_DATE",
    "DIM_PRODUCT",
    "CUSTOMER_BASE",
    "FACT_TRANSACTIONS",
    "FACT_CUSTOMER_INTERACTIONS",
    "FACT_PRODUCT_REVIEWS",
    "FACT_SUPPORT_TICKETS",
    "FACT_CAMPAIGN_RESPONSES",
)


@dataclass(frozen=True)
class BuildReport:
    """What a build did: seconds per step and rows per table."""

    path: Path
    customers: int
    seed: int
    as_of: dt.date
    step_seconds: dict[str, float] = field(default_factory=dict)
    row_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.step_seconds.values())

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


@dataclass(frozen=True)
class Plan:
    """The fixed parameters of one build, derived from its arguments."""

    customers: int
    seed: int
    as_of: dt.date
    history_start: dt.date
    incident_start: dt.date  # first day of the incident month
    incident_end: dt.date  # last day of the incident month
    incident_product_id: str  # the product the faulty update breaks
    incident_product_name: str

    @property
    def last_day(self) -> int:
        """Day index of the as-of date (day 0 is the history start)."""
        return (self.as_of - self.history_start).days

    @property
    def incident_day(self) -> int:
        """Day index on which the faulty firmware update went out."""
        return (self.incident_start - self.history_start).days + 2

    @property
    def incident_last_day(self) -> int:
        return (self.incident_end - self.history_start).days

    @property
    def end_ts(self) -> str:
        """The first instant after the history, as a SQL timestamp literal."""
        return f"TIMESTAMP '{self.as_of + dt.timedelta(days=1)} 00:00:00'"

    def day_ts(self, day_expr: str, seconds_expr: str) -> str:
        """SQL for the timestamp `seconds` into day index `day`."""
        return (
            f"(TIMESTAMP '{self.history_start} 00:00:00' + "
            f"to_seconds(CAST(({day_expr}) * 86400 + ({seconds_expr}) AS BIGINT)))"
        )


Step = Callable[[duckdb.DuckDBPyConnection, Plan], None]


def build_warehouse(
    path: Path,
    *,
    customers: int = 50_000,
    seed: int = 42,
    as_of: dt.date | None = None,
    progress: bool = False,
) -> BuildReport:
    """Build the demo warehouse into `path` (a DuckDB file), replacing any previous one atomically.

    The same `customers`, `seed` and `as_of` always give the same table contents. On failure the
    previous file (if any) is left as it was and no temporary file remains.
    """
    if isinstance(customers, bool) or not isinstance(customers, int) or customers < 1:
        raise ValueError(f"customers must be a positive integer, not {customers!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be an integer between 0 and 2**63 - 1, not {seed!r}")
    # Yesterday by default, as a nightly load would leave it: with today, the history ran to 23:59 of a
    # day not yet over, and the portal showed interactions and summaries written hours from now.
    as_of = as_of or dt.date.today() - dt.timedelta(days=1)
    if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
        raise ValueError(f"as_of must be a date, not {as_of!r}")

    path = Path(path)
    plan = make_plan(customers=customers, seed=seed, as_of=as_of)
    models = model_files()
    # Looked up at call time, so that a test can replace one of them.
    steps: list[tuple[str, Step]] = [
        ("schema", _create_schema),
        ("dimensions", _build_dimensions),
        ("customers", _build_customers),
        ("transactions", _build_transactions),
        ("interactions", _build_interactions),
        ("reviews", _build_reviews),
        ("tickets", _build_tickets),
        ("campaigns", _build_campaigns),
        ("customer_base", _build_customer_base),
        *((f"model {model_table(m)}", _model_step(m)) for m in models),
    ]

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    report = BuildReport(path=path, customers=customers, seed=seed, as_of=as_of)
    bar = tqdm(total=len(steps) + 1, desc="build_warehouse", unit="step", disable=not progress)
    con = None
    try:
        con = duckdb.connect(str(tmp))
        con.execute(
            f"SET memory_limit = '3GB'; SET temp_directory = '{tmp}.spill'; SET enable_progress_bar = false"
        )
        for name, step in steps:
            bar.set_postfix_str(name)
            started = time.perf_counter()
            step(con, plan)
            report.step_seconds[name] = time.perf_counter() - started
            bar.update()
        bar.set_postfix_str("write")
        started = time.perf_counter()
        for table in (*RAW_TABLES, *(model_table(m) for m in models)):
            [(count,)] = con.execute(f"SELECT COUNT(*) FROM {SCHEMA}.{table}").fetchall()
            report.row_counts[table] = int(count)
        con.execute("CHECKPOINT")
        con.close()
        con = None
        os.replace(tmp, path)
        report.step_seconds["write"] = time.perf_counter() - started
        bar.update()
    finally:
        bar.close()
        if con is not None:
            with contextlib.suppress(Exception):
                con.close()
        for leftover in (tmp, Path(f"{tmp}.wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        shutil.rmtree(f"{tmp}.spill", ignore_errors=True)
    return report


def make_plan(*, customers: int, seed: int, as_of: dt.date) -> Plan:
    history_start = as_of - dt.timedelta(days=HISTORY_DAYS - 1)
    month = as_of.year * 12 + as_of.month - 1 - INCIDENT_MONTHS_BEFORE
    incident_start = dt.date(month // 12, month % 12 + 1, 1)
    next_month = month + 1
    incident_end = dt.date(next_month // 12, next_month % 12 + 1, 1) - dt.timedelta(days=1)
    products = product_catalog(seed)
    incident = products[products.is_incident].iloc[0]
    return Plan(
        customers=customers,
        seed=seed,
        as_of=as_of,
        history_start=history_start,
        incident_start=incident_start,
        incident_end=incident_end,
        incident_product_id=str(incident.product_id),
        incident_product_name=str(incident.product_name),
    )


def product_catalog(seed: int) -> pd.DataFrame:
    """The products with launch day (relative to the history start), popularity and quality.

    Drawn with numpy from the seed. One product with firmware is the incident product: a
    bestseller, so that the incident reaches many customers.
    """
    rng = np.random.default_rng([seed, 1])
    n = len(vocab.PRODUCTS)
    smart = [i for i, p in enumerate(vocab.PRODUCTS) if p[3]]
    incident = int(smart[rng.integers(len(smart))])
    # A few products launch during the history (never the incident product); the rest before it.
    new = rng.choice([i for i in range(n) if i != incident], size=8, replace=False)
    launch_day = -rng.integers(60, 1500, size=n)
    launch_day[new] = np.sort(rng.integers(30, HISTORY_DAYS - 90, size=len(new)))
    popularity = 1.0 / (1.0 + rng.permutation(n)) ** 0.8
    popularity[incident] = np.sort(popularity)[-6]
    popularity[new] *= 1.5
    return pd.DataFrame(
        {
            "product_id": [f"P{i + 1:04d}" for i in range(n)],
            "product_name": [p[0] for p in vocab.PRODUCTS],
            "category": [p[1] for p in vocab.PRODUCTS],
            "list_price": [p[2] for p in vocab.PRODUCTS],
            "launch_day": launch_day.astype(np.int32),
            "popularity": popularity / popularity.sum(),
            "quality": rng.normal(0.0, 0.18, size=n),
            "is_incident": np.arange(n) == incident,
        }
    )


# --- Models --------------------------------------------------------------------------------------


def model_files() -> list[Path]:
    """The model files in run order (by their numeric prefix)."""
    return sorted((SQL_DIR / "models").glob("[0-9]*_*.sql"))


def model_table(path: Path) -> str:
    """`40_churn_predictions.sql` -> `CHURN_PREDICTIONS`."""
    return re.sub(r"^\d+_", "", path.stem).upper()


def transpile_to_duckdb(sql: str) -> list[tuple[str, bool]]:
    """Snowflake SQL -> DuckDB statements, each with whether it is a query (a SELECT or UNION).

    Anything sqlglot cannot express in DuckDB raises instead of being silently dropped.
    """
    statements = []
    for expression in sqlglot.parse(sql, read="snowflake"):
        if expression is None:
            continue
        duck = expression.sql(dialect="duckdb", comments=False, unsupported_level=sqlglot.ErrorLevel.RAISE)
        statements.append((duck, isinstance(expression, sqlglot.exp.Query)))
    return statements


def _model_step(path: Path) -> Step:
    """A build step running one model: a query is inserted into its table (named by the file)."""

    def run(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
        table = model_table(path)
        # Single-threaded, so that floating-point aggregates add up in the same order every time.
        con.execute("SET threads = 1")
        try:
            for statement, is_query in transpile_to_duckdb(path.read_text()):
                if is_query:
                    con.execute(f"INSERT INTO {SCHEMA}.{table} BY NAME {statement}")
                else:
                    con.execute(statement)
        finally:
            con.execute("RESET threads")

    run.__name__ = f"model_{model_table(path).lower()}"
    return run


# --- SQL helpers ---------------------------------------------------------------------------------


def _q(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _pick(u: str, weights: Mapping[str, float], literal: Callable[[str], str] = _q) -> str:
    """SQL choosing a key of `weights` with those relative weights, given a uniform draw `u`."""
    total = float(sum(weights.values()))
    items = list(weights.items())
    acc = 0.0
    whens = []
    for value, weight in items[:-1]:
        acc += weight / total
        whens.append(f"WHEN {u} < {acc:.6f} THEN {literal(value)}")
    return f"CASE {' '.join(whens)} ELSE {literal(items[-1][0])} END"


def _choose(u: str, values: Sequence[str]) -> str:
    """SQL choosing one of `values` uniformly, given a uniform draw `u`."""
    return f"{_list(values)}[1 + CAST(floor({u} * {len(values)}) AS INTEGER)]"


def _hour(u: str, weights: Sequence[float]) -> str:
    """SQL for an hour of the day (0..23) drawn with the given weights."""
    counts = np.asarray(weights, dtype=float)
    cdf = np.cumsum(counts / counts.sum())
    buckets = np.searchsorted(cdf, (np.arange(100) + 0.5) / 100)
    return f"[{', '.join(str(int(b)) for b in buckets)}][1 + CAST(floor({u} * 100) AS INTEGER)]"


def _event_ts(plan: Plan, day: str, key: str, salt: str, hours: Sequence[float]) -> str:
    """SQL for an event's timestamp on day index `day`, at an hour drawn with the given weights."""
    hour = _hour(f"u({key}, '{salt}_hour')", hours)
    return plan.day_ts(day, f"{hour} * 3600 + floor(u({key}, '{salt}_sec') * 3600)")


def _per_key(key: str, mapping: Mapping[str, str], default: str = "NULL") -> str:
    whens = " ".join(f"WHEN {_q(k)} THEN {v}" for k, v in mapping.items())
    return f"CASE {key} {whens} ELSE {default} END"


def _load(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


# --- Steps ---------------------------------------------------------------------------------------


def _create_schema(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    for statement, _ in transpile_to_duckdb((SQL_DIR / "schema.sql").read_text()):
        con.execute(statement)
    # Seeded randomness: u() is uniform in [0, 1), nrm() standard normal, both pure functions of
    # (seed, key, salt).
    con.execute(
        f"""
        CREATE TEMP MACRO u(k, s) AS
            CAST(hash(xor(CAST(k AS UBIGINT), hash({plan.seed}, s))) >> 11 AS DOUBLE)
            / 9007199254740992.0;
        CREATE TEMP MACRO nrm(k, s) AS
            sqrt(-2 * ln(1 - u(k, s || '#1'))) * cos(2 * pi() * u(k, s || '#2'));
        CREATE TEMP MACRO clip(x, lo, hi) AS least(greatest(x, lo), hi);
        CREATE TEMP MACRO prog(d, pstart, plen) AS clip((d - pstart) / plen, 0.0, 1.0);
        CREATE TEMP MACRO csent(d, base, impr, astart, ddrop, pstart, plen, owner) AS
            base + impr * greatest(d - astart, 0) - ddrop * prog(d, pstart, plen)
            - CASE WHEN d BETWEEN {plan.incident_day} AND {plan.incident_last_day}
                   THEN 0.04 ELSE 0 END
            - CASE WHEN owner AND d >= {plan.incident_day}
                   THEN 0.30 * exp(-(d - {plan.incident_day}) / 18.0) ELSE 0 END;
        """
    )


def _day_weights(plan: Plan) -> pd.DataFrame:
    """One row per day of the history with the relative volume of each kind of event."""
    dates = pd.date_range(plan.history_start, plan.as_of, freq="D")
    dow = dates.day_of_week.to_numpy() + 1  # ISO: Monday 1 .. Sunday 7
    month = dates.month.to_numpy()
    day = dates.day.to_numpy()

    def by(table: Mapping[int, float], keys: np.ndarray) -> np.ndarray:
        return np.array([table[int(k)] for k in keys])

    w_int = by({1: 1.10, 2: 1.05, 3: 1.0, 4: 1.0, 5: 0.9, 6: 0.55, 7: 0.5}, dow) * by(
        {1: 1.05, 2: 0.92, 3: 0.93, 4: 0.9, 5: 0.92, 6: 0.88, 7: 0.85, 8: 0.88, 9: 0.95, 10: 1.0,
         11: 1.2, 12: 1.3},
        month,
    )  # fmt: skip
    w_tx = by({1: 1.0, 2: 0.95, 3: 0.95, 4: 1.0, 5: 1.05, 6: 1.2, 7: 1.25}, dow) * by(
        {1: 0.80, 2: 0.82, 3: 0.92, 4: 0.95, 5: 1.0, 6: 0.95, 7: 0.92, 8: 0.95, 9: 0.98, 10: 1.05,
         11: 1.35, 12: 1.55},
        month,
    )  # fmt: skip
    w_tick = by({1: 1.15, 2: 1.05, 3: 1.0, 4: 1.0, 5: 0.95, 6: 0.45, 7: 0.4}, dow) * by(
        {1: 1.25, 2: 1.0, 3: 0.95, 4: 0.95, 5: 0.95, 6: 0.9, 7: 0.9, 8: 0.92, 9: 0.95, 10: 1.0,
         11: 1.1, 12: 1.25},
        month,
    )  # fmt: skip
    # Black Friday (the day after the fourth Thursday of November) to Cyber Monday.
    is_sale = np.zeros(len(dates), dtype=bool)
    for year in sorted(set(dates.year)):
        first = dt.date(year, 11, 1)
        thanksgiving = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
        start = pd.Timestamp(thanksgiving + dt.timedelta(days=1))
        is_sale |= (dates >= start) & (dates <= start + pd.Timedelta(days=3))
    w_tx = np.where(is_sale, w_tx * 1.8, w_tx)
    holiday = ((month == 12) & (day == 25)) | ((month == 1) & (day == 1))
    for weights in (w_int, w_tick):
        weights[holiday] *= 0.35
    w_tx[holiday] *= 0.4
    w_tx[(month == 12) & (day == 26)] *= 1.3

    return pd.DataFrame(
        {
            "d": np.arange(len(dates), dtype=np.int32),
            "date_day": dates.date,
            "dow": dow.astype(np.int32),
            "month": month.astype(np.int32),
            "is_sale": is_sale,
            # Acceptance probabilities for thinning: relative to the busiest day.
            "a_int": w_int / w_int.max(),
            "a_tx": w_tx / w_tx.max(),
            "a_tick": w_tick / w_tick.max(),
        }
    )


def _build_dimensions(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    days = _day_weights(plan)
    _load(con, "days", days)
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.DIM_DATE
        SELECT date_day, date_trunc('week', date_day)::DATE, date_trunc('month', date_day)::DATE,
               quarter(date_day), year(date_day), dow >= 6
        FROM days ORDER BY date_day
        """
    )

    products = product_catalog(plan.seed)
    _load(con, "products", products)
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.DIM_PRODUCT
        SELECT product_id, product_name, category,
               DATE '{plan.history_start}' + launch_day, CAST(list_price AS DECIMAL(10, 2))
        FROM products ORDER BY product_id
        """
    )

    # 1,000 buckets to pick a product by popularity: among all products, and among those on sale
    # since before the history (the fallback when the first pick was not launched yet).
    def buckets(weights: np.ndarray) -> np.ndarray:
        cdf = np.cumsum(weights / weights.sum())
        picked = np.searchsorted(cdf, (np.arange(1000) + 0.5) / 1000)
        return products.product_id.to_numpy()[np.minimum(picked, len(products) - 1)]

    popularity = products.popularity.to_numpy()
    old = products.launch_day.to_numpy() < 0
    _load(
        con,
        "product_pick",
        pd.DataFrame(
            {
                "b": np.arange(1000, dtype=np.int32),
                "pick": buckets(popularity),
                "old_pick": buckets(np.where(old, popularity, 0.0)),
            }
        ),
    )


def _build_customers(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """The temp table `cust`: one row per customer with its public attributes and latent traits."""
    countries = pd.DataFrame(
        [
            {
                "country": code,
                "name_grp": grp,
                "local_lang": lang,
                "p_local": p_local,
                "local_domains": list(domains),
            }
            for code, (_, _, grp, lang, p_local, domains) in vocab.COUNTRIES.items()
        ]
    )
    _load(con, "countries", countries)
    names = pd.DataFrame(
        [
            {"name_grp": grp, "firsts": list(first), "lasts": list(last)}
            for grp, (first, last) in vocab.NAMES.items()
        ]
    )
    _load(con, "name_groups", names)

    by_region: dict[str, dict[str, float]] = {}
    for code, (region, weight, *_rest) in vocab.COUNTRIES.items():
        by_region.setdefault(region, {})[code] = weight
    country_sql = _per_key("region", {r: _pick("u_country", w) for r, w in by_region.items()}, default="'US'")
    state_sql = _per_key("country", {c: _pick("u_state", w) for c, w in vocab.STATES.items()})
    last = plan.last_day
    growth = 1.0  # sign-ups at the end of the history are (1 + growth) times those at its start
    tiers = vocab.PLAN_TIERS

    con.execute(
        f"""
        CREATE TEMP TABLE cust AS
        WITH draws AS (
            SELECT i AS idx,
                   printf('C%07d', i) AS cid,
                   u(i, 'region') AS u_region, u(i, 'country') AS u_country,
                   u(i, 'state') AS u_state, u(i, 'profile') AS u_profile
            FROM range(1, {plan.customers + 1}) AS r(i)
        ),
        geo AS (
            SELECT *, {country_sql} AS country
            FROM (SELECT *, {_pick("u_region", vocab.REGION_WEIGHTS)} AS region FROM draws)
        ),
        placed AS (
            SELECT g.*, {state_sql} AS state,
                   CASE WHEN u(idx, 'pre') < 0.35
                        THEN -1 - CAST(floor(u(idx, 'signup') * 1460) AS INTEGER)
                        ELSE least({last}, CAST(floor({last} * (
                            -1 + sqrt(1 + 2 * {growth} * u(idx, 'signup') * (1 + {growth} / 2))
                        ) / {growth}) AS INTEGER))
                   END AS signup_day,
                   exp(0.55 * nrm(idx, 'engagement') - 0.15) AS eng,
                   {_pick("u(idx, 'tier')", tiers)} AS tier,
                   CASE WHEN u_profile < 0.20 THEN 'declining'
                        WHEN u_profile < 0.28 THEN 'fading'
                        WHEN u_profile < 0.36 THEN 'improving'
                        ELSE 'stable' END AS profile
            FROM geo AS g
        ),
        timed AS (
            SELECT *,
                   greatest(signup_day, 0) AS astart,
                   CASE WHEN profile IN ('declining', 'fading')
                        THEN greatest(signup_day, 0) + 30
                             + CAST(floor(u(idx, 'pstart')
                                    * ({last} + 90 - greatest(signup_day, 0))) AS INTEGER)
                        ELSE 100000 END AS pstart,
                   CASE profile WHEN 'declining' THEN 90 + floor(u(idx, 'plen') * 270)
                                WHEN 'fading' THEN 120 + floor(u(idx, 'plen') * 240)
                                ELSE 1 END AS plen
            FROM placed
        )
        SELECT t.*,
               CASE WHEN profile = 'declining' AND pstart + plen <= {last}
                    THEN CAST(pstart + plen AS INTEGER) ELSE {last} END AS aend,
               profile = 'declining' AND pstart + plen <= {last} AS churned,
               clip(0.30 + 0.22 * nrm(idx, 'base')
                    - CASE WHEN profile = 'improving' THEN 0.15 ELSE 0 END, -0.5, 0.85) AS base,
               CASE WHEN profile = 'improving' THEN (0.2 + 0.3 * u(idx, 'impr')) / 365 ELSE 0 END
                   AS impr,
               CASE profile WHEN 'declining' THEN 0.5 + 0.6 * u(idx, 'drop')
                            WHEN 'fading' THEN 0.15 ELSE 0 END AS ddrop,
               u(idx, 'bargain') < 0.16 AS bargain,
               u(idx, 'support') < 0.08 AS support_heavy,
               u(idx, 'newsletter') < 0.5 AS subscriber,
               clip(0.11 * exp(0.6 * nrm(idx, 'review')), 0.01, 0.6) AS p_review,
               {_pick("u(idx, 'pref_int')", vocab.INTERACTION_CHANNELS)} AS pref_int,
               {_pick("u(idx, 'pref_tx')", vocab.TRANSACTION_CHANNELS)} AS pref_tx,
               {_pick("u(idx, 'pref_tick')", vocab.TICKET_CHANNELS)} AS pref_tick,
               {_pick("u(idx, 'acq')", vocab.ACQUISITION_CHANNELS)} AS acquisition_channel,
               CASE WHEN t.state = 'QC' THEN 'fr' ELSE c.name_grp END AS name_grp,
               CASE WHEN u(idx, 'lang') < CASE WHEN t.state = 'QC' THEN 0.85 ELSE c.p_local END
                    THEN CASE WHEN t.state = 'QC' THEN 'fr' ELSE c.local_lang END
                    ELSE 'en' END AS lang,
               c.local_domains,
               FALSE AS owner
        FROM timed AS t JOIN countries AS c USING (country)
        """
    )
    # Names and e-mail addresses (unique through the customer number).
    con.execute(
        f"""
        CREATE TEMP TABLE cust_names AS
        WITH n AS (
            SELECT c.idx,
                   g.firsts[1 + CAST(floor(u(c.idx, 'first') * len(g.firsts)) AS INTEGER)]
                       AS first_name,
                   g.lasts[1 + CAST(floor(u(c.idx, 'last') * len(g.lasts)) AS INTEGER)]
                       AS last_name,
                   c.local_domains
            FROM cust AS c JOIN name_groups AS g USING (name_grp)
        ),
        p AS (
            SELECT *,
                   regexp_replace(lower(strip_accents(first_name)), '[^a-z]', '', 'g') AS f,
                   regexp_replace(lower(strip_accents(last_name)), '[^a-z]', '', 'g') AS l,
                   u(idx, 'email_fmt') AS uf
            FROM n
        )
        SELECT idx, first_name, last_name,
               CASE WHEN uf < 0.45 THEN f || '.' || l || idx
                    WHEN uf < 0.75 THEN f || left(l, 1) || idx
                    ELSE left(f, 1) || l || idx END
               || '@'
               || CASE WHEN u(idx, 'domain') < 0.7 OR len(local_domains) = 0
                       THEN {_pick("u(idx, 'generic')", vocab.GENERIC_EMAIL_DOMAINS)}
                       ELSE local_domains[1 + CAST(floor(u(idx, 'local') * len(local_domains))
                                                  AS INTEGER)]
                  END AS email
        FROM p
        """
    )


def _tx_rate() -> str:
    tier_factor = _per_key("tier", {"Standard": "0.85", "Premium": "1.15", "Platinum": "1.5"})
    return f"24.0 * eng * {tier_factor} * CASE WHEN bargain THEN 1.15 ELSE 1 END"


def _candidates(rate_sql: str, accept_mean: float, max_mod_sql: str, salt: str) -> str:
    """SQL for candidate events: per customer, about rate x active years / acceptance, uniform days.

    Callers thin the candidates with the day's weight and the customer's modulation at that day
    (relative to `max_mod_sql`), which gives seasonal, per-customer time-varying event rates.
    """
    return f"""
        SELECT c.*, idx * 100000 + j AS k,
               astart + CAST(floor(u(idx * 100000 + j, '{salt}_day') * (aend - astart + 1))
                             AS INTEGER) AS d
        FROM (
            SELECT *, unnest(range(CAST(floor(
                ({rate_sql}) * (aend - astart + 1) / 365.0 / {accept_mean:.6f} * ({max_mod_sql})
                + u(idx, '{salt}_n')) AS BIGINT))) AS j
            FROM cust WHERE aend >= astart
        ) AS c
    """


def _mean_acceptance(plan: Plan, column: str) -> float:
    """The average thinning probability over the history (computed in numpy: exact and stable)."""
    return float(_day_weights(plan)[column].mean())


def _build_transactions(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    p = plan
    mod = """CASE profile WHEN 'declining' THEN 1 - 0.85 * prog(d, pstart, plen)
                          WHEN 'fading' THEN 1 - prog(d, pstart, plen) ELSE 1 END"""
    quantity = _pick("u(k, 'tx_qty')", {"1": 76, "2": 16, "3": 5, "4": 2, "5": 1}, literal=str)
    discount_bargain = _pick("u(k, 'tx_disc')", {"0": 30, "0.1": 25, "0.2": 25, "0.3": 20}, literal=str)
    discount_regular = _pick("u(k, 'tx_disc')", {"0": 72, "0.1": 15, "0.2": 9, "0.3": 4}, literal=str)
    con.execute(
        f"""
        CREATE TEMP TABLE tx AS
        WITH cand AS ({_candidates(_tx_rate(), _mean_acceptance(p, "a_tx"), "1", "tx")}),
        kept AS (
            SELECT c.*, days.is_sale
            FROM cand AS c JOIN days USING (d)
            WHERE u(k, 'tx_accept') < days.a_tx * ({mod})
        ),
        picked AS (
            SELECT e.*,
                   CASE WHEN pr.launch_day > e.d
                             OR (pr.is_incident
                                 AND e.d BETWEEN {p.incident_day} AND {p.incident_last_day + 45}
                                 AND u(k, 'tx_avoid') < 0.7)
                        THEN pp.old_pick ELSE pp.pick END AS product_id
            FROM kept AS e
            JOIN product_pick AS pp ON pp.b = CAST(floor(u(k, 'tx_product') * 1000) AS INTEGER)
            JOIN products AS pr ON pr.product_id = pp.pick
        ),
        priced AS (
            SELECT e.*, pr.list_price, pr.is_incident, {quantity} AS quantity,
                   CASE WHEN is_sale AND u(k, 'tx_sale') < 0.7
                        THEN greatest(0.2, CASE WHEN bargain THEN {discount_bargain}
                                                ELSE {discount_regular} END)
                        WHEN bargain THEN {discount_bargain}
                        ELSE {discount_regular} END AS discount
            FROM picked AS e JOIN products AS pr USING (product_id)
        )
        SELECT idx, cid, k, d, product_id, quantity,
               {_event_ts(p, "d", "k", "tx", vocab.HOURS_TRANSACTIONS)} AS ts,
               CAST(round(quantity * list_price * (1 - discount), 2) AS DECIMAL(12, 2)) AS amount,
               CASE WHEN u(k, 'tx_ch') < 0.6 THEN pref_tx
                    ELSE {_pick("u(k, 'tx_ch2')", vocab.TRANSACTION_CHANNELS)} END AS channel,
               CASE WHEN u(k, 'tx_refund') < 0.045
                        + CASE WHEN profile = 'declining' THEN 0.06 * prog(d, pstart, plen)
                               ELSE 0 END
                        + CASE WHEN is_incident AND d BETWEEN {p.incident_day - 30}
                                                          AND {p.incident_last_day}
                               THEN 0.35 ELSE 0 END
                    THEN 'refunded' ELSE 'completed' END AS status
        FROM priced
        """
    )
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.FACT_TRANSACTIONS
        SELECT row_number() OVER (ORDER BY ts, k), cid, ts, product_id, quantity, amount, channel,
               status
        FROM tx ORDER BY ts, k
        """
    )
    # Owners of the incident product, hit by the faulty update.
    con.execute(
        f"""
        UPDATE cust SET owner = TRUE
        WHERE aend >= {p.incident_day} AND idx IN (
            SELECT idx FROM tx
            WHERE product_id = {_q(p.incident_product_id)} AND status = 'completed'
              AND d BETWEEN {p.incident_day - 180} AND {p.incident_day - 1}
        )
        """
    )


def _sentiment(day: str = "d") -> str:
    return f"csent({day}, base, impr, astart, ddrop, pstart, plen, owner)"


def _incident_day(key: str, salt: str, plan: Plan) -> str:
    """SQL for a day in the incident month, most of them soon after the update."""
    first, last = plan.incident_day, plan.incident_last_day
    lag = f"CAST(floor(-ln(1 - u({key}, '{salt}')) * 7) AS INTEGER)"
    uniform = f"CAST(floor(u({key}, '{salt}_u') * {last - first + 1}) AS INTEGER)"
    return f"{first} + CASE WHEN {lag} <= {last - first} THEN {lag} ELSE {uniform} END"


def _build_interactions(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    p = plan
    rate = "41.0 * pow(eng, 0.8)"
    max_mod = "CASE WHEN profile = 'declining' THEN 1.6 ELSE 1 END"
    mod = """CASE profile WHEN 'declining' THEN (1 + 0.6 * prog(d, pstart, plen)) / 1.6
                          WHEN 'fading' THEN 1 - 0.7 * prog(d, pstart, plen) ELSE 1 END"""
    effects = {
        "inquiry": "0.0", "feedback": "0.1", "purchase": "0.2", "complaint": "-0.45",
        "onboarding": "0.15", "cancellation_request": "-0.55",
    }  # fmt: skip
    notes = _per_key(
        "interaction_type",
        {t: _choose("u(k, 'it_note')", n) for t, n in vocab.INTERACTION_NOTES.items()},
    )
    incident_notes = [n.replace("{product}", p.incident_product_name) for n in vocab.INCIDENT_NOTES]
    incident_channels = {"phone": 35, "email": 25, "social": 25, "web": 15}
    con.execute(
        f"""
        CREATE TEMP TABLE interactions AS
        WITH cand AS ({_candidates(rate, _mean_acceptance(p, "a_int"), max_mod, "it")}),
        kept AS (
            SELECT c.*, {_sentiment()} AS s
            FROM cand AS c JOIN days USING (d)
            WHERE u(k, 'it_accept') < days.a_int * ({mod})
        ),
        typed AS (
            SELECT *,
                   CASE WHEN d - signup_day < 30 AND u(k, 'it_onboard') < 0.5 THEN 'onboarding'
                        WHEN profile = 'declining' AND prog(d, pstart, plen) > 0.7
                             AND u(k, 'it_cancel') < 0.12 THEN 'cancellation_request'
                        WHEN u_type < pc THEN 'complaint'
                        WHEN u_type < pc + (1 - pc) * 0.42 THEN 'inquiry'
                        WHEN u_type < pc + (1 - pc) * 0.74 THEN 'purchase'
                        ELSE 'feedback'
                   END AS interaction_type
            FROM (
                -- Unhappy customers complain more.
                SELECT *, 0.06 + 0.5 * greatest(0, 0.15 - s) AS pc, u(k, 'it_type') AS u_type
                FROM kept
            )
        )
        SELECT idx, cid, k,
               {_event_ts(p, "d", "k", "it", vocab.HOURS_INTERACTIONS)} AS ts,
               CASE WHEN u(k, 'it_ch') < 0.5 THEN pref_int
                    ELSE {_pick("u(k, 'it_ch2')", vocab.INTERACTION_CHANNELS)} END AS channel,
               interaction_type,
               {notes} AS notes,
               CASE WHEN u(k, 'it_null') < 0.003 THEN NULL
                    ELSE round(clip(s + {_per_key("interaction_type", effects, "0")}
                                    + 0.22 * nrm(k, 'it_noise'), -1, 1), 3)
               END AS sentiment
        FROM typed
        UNION ALL
        -- The incident: owners of the broken product complain, once or twice.
        SELECT idx, cid, k,
               {p.day_ts("d", "(9 + floor(u(k, 'ii_hour') * 11)) * 3600 + floor(u(k, 'ii_sec') * 3600)")},
               {_pick("u(k, 'ii_ch')", incident_channels)},
               'complaint',
               {_choose("u(k, 'ii_note')", incident_notes)},
               round(clip(-0.55 + 0.2 * nrm(k, 'ii_noise'), -1, 1), 3)
        FROM (
            SELECT idx, cid, k, {_incident_day("k", "ii_day", p)} AS d, aend
            FROM (
                SELECT idx, cid, aend, idx * 100000 + 90000 + j AS k
                FROM (SELECT *, unnest(range(CASE WHEN u(idx, 'ii_n') < 0.45 THEN 1
                                                  WHEN u(idx, 'ii_n') < 0.6 THEN 2
                                                  ELSE 0 END)) AS j
                      FROM cust WHERE owner)
            )
        ) WHERE d <= aend
        """
    )
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.FACT_CUSTOMER_INTERACTIONS
        SELECT row_number() OVER (ORDER BY ts, k), cid, ts, channel, interaction_type, notes,
               sentiment
        FROM interactions ORDER BY ts, k
        """
    )
    con.execute("DROP TABLE interactions")


def _build_reviews(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    p = plan
    rows = []
    for key, templates in vocab.REVIEW_TEMPLATES.items():
        for variant, texts in enumerate(templates, start=1):
            for lang in vocab.REVIEW_LANGUAGES:
                rows.append(
                    {"rkey": key, "variant": variant, "lang": lang, "text": texts[lang],
                     "text_en": texts["en"]}
                )  # fmt: skip
    _load(con, "review_templates", pd.DataFrame(rows))
    rating = """CASE WHEN q >= 1.05 THEN 5 WHEN q >= 0.45 THEN 4 WHEN q >= -0.05 THEN 3
                     WHEN q >= -0.55 THEN 2 ELSE 1 END"""
    con.execute(
        f"""
        CREATE TEMP TABLE reviews AS
        WITH bought AS (
            SELECT t.k, t.product_id, t.status, c.*,
                   t.d + 2 + CAST(floor(-ln(1 - u(t.k, 'rv_lag')) * 6) AS INTEGER) AS rd
            FROM tx AS t JOIN cust AS c USING (idx)
            WHERE u(t.k, 'rv') < c.p_review * CASE WHEN t.status = 'refunded' THEN 1.5 ELSE 1 END
        ),
        rated AS (
            SELECT b.*, pr.is_incident,
                   0.9 * {_sentiment("rd")} + pr.quality
                   - CASE WHEN b.status = 'refunded' THEN 0.8 ELSE 0 END
                   + 0.7 * nrm(b.k, 'rv_q') + 0.75 AS q
            FROM bought AS b JOIN products AS pr USING (product_id)
            WHERE rd <= least(aend, {p.last_day})
        ),
        regular AS (
            SELECT idx, cid, k, rd AS d, product_id, lang,
                   CASE WHEN is_incident AND rd BETWEEN {p.incident_day} AND {p.incident_last_day}
                             AND u(k, 'rv_defect') < 0.7
                        THEN CASE WHEN u(k, 'rv_r') < 0.7 THEN 1 ELSE 2 END
                        ELSE {rating} END AS rating,
                   is_incident AND rd BETWEEN {p.incident_day} AND {p.incident_last_day}
                       AND u(k, 'rv_defect') < 0.7 AS defect
            FROM rated
        ),
        incident AS (
            -- Owners of the broken product review it during the incident month.
            SELECT idx, cid, idx * 100000 + 95000 AS k, {_incident_day("idx", "ri_day", p)} AS d,
                   {_q(p.incident_product_id)} AS product_id, lang,
                   CASE WHEN u(idx, 'ri_r') < 0.7 THEN 1 ELSE 2 END AS rating, TRUE AS defect
            FROM cust WHERE owner AND u(idx, 'ri') < 0.18
        ),
        reviews AS (
            SELECT * FROM regular
            UNION ALL
            SELECT * FROM incident WHERE d <= {p.last_day}
        )
        SELECT r.idx, r.cid, r.k, r.product_id, r.rating,
               {_event_ts(p, "r.d", "r.k", "rv", vocab.HOURS_INTERACTIONS)} AS ts,
               t.lang, t.text, t.text_en,
               round(clip(0.32 * (r.rating - 3) + 0.12 + 0.36 * nrm(r.k, 'rv_noise'), -1, 1), 3)
                   AS sentiment
        FROM (
            SELECT *,
                   CASE WHEN u(k, 'rv_lang') < 0.92 THEN lang ELSE 'en' END AS review_lang,
                   1 + CAST(floor(u(k, 'rv_variant') * 3) AS INTEGER) AS variant
            FROM reviews
        ) AS r
        JOIN review_templates AS t
          ON t.lang = r.review_lang AND t.variant = r.variant
         AND t.rkey = CASE WHEN r.defect THEN 'defect' ELSE CAST(r.rating AS VARCHAR) END
        """
    )
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.FACT_PRODUCT_REVIEWS
        SELECT row_number() OVER (ORDER BY ts, k), cid, product_id, ts, rating, lang, text, text_en,
               sentiment
        FROM reviews ORDER BY ts, k
        """
    )
    con.execute("DROP TABLE reviews")


def _build_tickets(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    p = plan
    rate = "1.9 * exp(0.4 * nrm(idx, 'tk_rate')) * CASE WHEN support_heavy THEN 4 ELSE 1 END"
    max_mod = "CASE WHEN profile = 'declining' THEN 3 ELSE 1 END"
    mod = """CASE profile WHEN 'declining' THEN (1 + 2 * prog(d, pstart, plen)) / 3
                          WHEN 'fading' THEN 1 - 0.5 * prog(d, pstart, plen) ELSE 1 END"""
    priority = _per_key(
        "category",
        {
            cat: _pick("u_pri", dict(zip(vocab.PRIORITIES, w, strict=True)))
            for cat, w in vocab.PRIORITY_WEIGHTS.items()
        },
    )
    descriptions = _per_key(
        "category", {c: _choose("u(k, 'tk_desc')", d) for c, d in vocab.TICKET_DESCRIPTIONS.items()}
    )
    remedies = _per_key(
        "category", {c: _choose("u(k, 'tk_rem')", r) for c, r in vocab.REQUESTED_REMEDIES.items()}
    )
    timeframes = _per_key(
        "priority", {pr: _choose("u(k, 'tk_tf')", t) for pr, t in vocab.EXPECTED_TIMEFRAMES.items()}
    )
    base_hours = _per_key("category", {c: str(h) for c, h in vocab.RESOLUTION_BASE_HOURS.items()}, "24")
    hours_factor = _per_key("priority", {pr: str(f) for pr, f in vocab.PRIORITY_HOURS_FACTOR.items()}, "1")
    csat_penalty = _per_key("priority", {"Low": "0", "Medium": "0.35", "High": "0.8", "Urgent": "1.25"}, "0")
    sentiment_penalty = _per_key(
        "priority", {"Low": "0", "Medium": "0.05", "High": "0.15", "Urgent": "0.25"}, "0"
    )
    incident_channel = _pick("u(k, 'tk_ch')", {"phone": 35, "email": 35, "social": 15, "web": 15})
    incident_descriptions = [
        t.replace("{product}", p.incident_product_name) for t in vocab.INCIDENT_TICKET_DESCRIPTIONS
    ]
    con.execute(
        f"""
        CREATE TEMP TABLE tickets AS
        WITH cand AS ({_candidates(rate, _mean_acceptance(p, "a_tick"), max_mod, "tk")}),
        kept AS (
            SELECT c.*, days.month, days.dow
            FROM cand AS c JOIN days USING (d)
            WHERE u(k, 'tk_accept') < days.a_tick * ({mod})
        ),
        regular AS (
            SELECT *,
                   CASE WHEN month IN (11, 12) AND u(k, 'tk_xmas') < 0.25 THEN 'Shipping'
                        ELSE {_pick("u(k, 'tk_cat')", vocab.TICKET_CATEGORIES)} END AS category,
                   FALSE AS incident
            FROM kept
        ),
        incident AS (
            SELECT c.*, days.month, days.dow, 'Product Defect' AS category, TRUE AS incident
            FROM (
                SELECT *, idx * 100000 + 97000 AS k, {_incident_day("idx", "ti_day", p)} AS d
                FROM cust WHERE owner AND u(idx, 'ti') < 0.22
            ) AS c JOIN days USING (d)
            WHERE d <= aend
        ),
        both_kinds AS (
            SELECT * FROM regular UNION ALL BY NAME SELECT * FROM incident
        ),
        prioritised AS (
            SELECT b.*, {_sentiment()} AS s,
                   CASE WHEN incident
                        THEN {_pick("u_pri", {"Low": 5, "Medium": 25, "High": 45, "Urgent": 25})}
                        ELSE {priority} END AS priority,
                   CASE WHEN pr.launch_day > b.d THEN pp.old_pick ELSE pp.pick END AS product_id
            FROM (
                SELECT *,
                       -- Platinum customers and unhappy ones get higher priorities.
                       1 - pow(1 - u(k, 'tk_pri'),
                               CASE WHEN tier = 'Platinum' THEN 1.4 ELSE 1 END
                               * CASE WHEN profile = 'declining'
                                      THEN 1 + 0.4 * prog(d, pstart, plen) ELSE 1 END) AS u_pri
                FROM both_kinds
            ) AS b
            JOIN product_pick AS pp ON pp.b = CAST(floor(u(k, 'tk_product') * 1000) AS INTEGER)
            JOIN (SELECT product_id, launch_day FROM products) AS pr ON pr.product_id = pp.pick
        ),
        timed AS (
            SELECT *,
                   {_event_ts(p, "d", "k", "tk", vocab.HOURS_TICKETS)} AS created_at,
                   {base_hours} * {hours_factor}
                       * CASE WHEN incident THEN 1.3 ELSE 1 END
                       * CASE WHEN dow >= 6 THEN 1.3 ELSE 1 END
                       * exp(0.6 * nrm(k, 'tk_hours'))
                   -- One ticket in ten waits on the customer for days (status pending meanwhile).
                   + CASE WHEN waits THEN 24 * (2 + 10 * u(k, 'tk_wait_days')) ELSE 0 END
                       AS hours
            FROM (SELECT *, u(k, 'tk_wait') < 0.1 AS waits FROM prioritised)
        ),
        resolved AS (
            SELECT *,
                   CASE WHEN u(k, 'tk_stuck') < 0.004 THEN NULL
                        ELSE created_at + to_seconds(CAST(hours * 3600 AS BIGINT)) END AS done_at
            FROM timed
        )
        SELECT idx, cid, k, created_at, category, priority,
               CASE WHEN done_at < {p.end_ts} THEN done_at END AS resolved_at,
               CASE WHEN done_at IS NULL OR done_at >= {p.end_ts}
                    THEN CASE WHEN waits AND u(k, 'tk_pending') < 0.9 THEN 'pending'
                              ELSE 'open' END
                    WHEN done_at < {p.end_ts} - INTERVAL 4 DAY AND u(k, 'tk_closed') < 0.97
                    THEN 'closed'
                    ELSE 'solved' END AS status,
               CASE WHEN incident THEN {incident_channel}
                    WHEN u(k, 'tk_ch') < 0.5 THEN pref_tick
                    ELSE {_pick("u(k, 'tk_ch2')", vocab.TICKET_CHANNELS)} END AS channel,
               replace(CASE WHEN incident THEN {_choose("u(k, 'tk_desc')", incident_descriptions)}
                            ELSE {descriptions} END,
                       '{{product}}', pr.product_name) AS description,
               {timeframes} AS timeframe,
               CASE WHEN incident THEN {_choose("u(k, 'tk_rem')", vocab.INCIDENT_REMEDIES)}
                    ELSE {remedies} END AS remedy,
               CASE WHEN done_at < {p.end_ts} AND u(k, 'tk_survey') < 0.42
                    THEN CAST(clip(round(4.5 - {csat_penalty} + 1.0 * s
                                         - 0.25 * ln(1 + hours / 24)
                                         + 0.95 * nrm(k, 'tk_csat')), 1, 5) AS INTEGER)
               END AS csat,
               CASE WHEN u(k, 'tk_null') < 0.002 THEN NULL
                    ELSE round(clip(0.6 * s - 0.3 - {sentiment_penalty}
                                    - CASE WHEN incident THEN 0.2 ELSE 0 END
                                    + 0.2 * nrm(k, 'tk_noise'), -1, 1), 3)
               END AS sentiment
        FROM resolved
        JOIN (SELECT product_id, product_name FROM products) AS pr USING (product_id)
        WHERE d <= {p.last_day}
        """
    )
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.FACT_SUPPORT_TICKETS
        SELECT ticket_id, 'ZD-' || CAST(200000 + ticket_id AS VARCHAR), cid, created_at,
               resolved_at, status, priority, category, channel, description, timeframe, remedy,
               csat, sentiment
        FROM (SELECT *, row_number() OVER (ORDER BY created_at, k) AS ticket_id FROM tickets)
        ORDER BY ticket_id
        """
    )
    con.execute("DROP TABLE tickets")


def _campaign_calendar(plan: Plan) -> pd.DataFrame:
    """Campaigns: a monthly newsletter, retention every other month, upsell and win-back quarterly,
    and an upsell push before Black Friday."""
    rows: list[dict[str, object]] = []
    month = plan.history_start.replace(day=1)
    while month <= plan.as_of:
        first_tuesday = month + dt.timedelta(days=(1 - month.weekday()) % 7)
        planned = [("newsletter", "NL", first_tuesday)]
        if month.month % 2 == 1:
            planned.append(("retention", "RT", month.replace(day=10)))
        if month.month in (2, 5, 8):
            planned.append(("upsell", "UP", month.replace(day=15)))
        if month.month == 11:
            planned.append(("upsell", "BF", month.replace(day=20)))
        if month.month in (3, 6, 9, 12):
            planned.append(("winback", "WB", month.replace(day=20)))
        for kind, code, sent in planned:
            if plan.history_start <= sent <= plan.as_of:
                rows.append(
                    {
                        "campaign_id": f"CMP-{sent:%Y%m}-{code}",
                        "campaign_type": kind,
                        "cd": (sent - plan.history_start).days,
                        "cno": len(rows) + 1,
                    }
                )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return pd.DataFrame(rows)


def _build_campaigns(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    _load(con, "campaigns", _campaign_calendar(plan))
    cost = {t: str(v[0]) for t, v in vocab.CAMPAIGN_TYPES.items()}
    response = {t: str(v[1]) for t, v in vocab.CAMPAIGN_TYPES.items()}
    conversion = {t: str(v[2]) for t, v in vocab.CAMPAIGN_TYPES.items()}
    incentive = {"retention": "8.00", "winback": "10.00"}
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.FACT_CAMPAIGN_RESPONSES
        WITH targeted AS (
            SELECT m.campaign_id, m.campaign_type, m.cd, c.cid, c.idx, c.bargain,
                   c.idx * 1000 + m.cno AS k
            FROM campaigns AS m JOIN cust AS c
              ON c.signup_day <= m.cd
             AND CASE m.campaign_type
                 WHEN 'newsletter' THEN c.aend >= m.cd AND c.subscriber
                                        AND u(c.idx * 1000 + m.cno, 'cp_nl') < 0.85
                 WHEN 'retention' THEN c.aend >= m.cd AND (
                     (c.profile IN ('declining', 'fading') AND prog(m.cd, c.pstart, c.plen) > 0.15)
                     OR u(c.idx * 1000 + m.cno, 'cp_rt') < 0.03)
                 WHEN 'upsell' THEN c.aend >= m.cd AND c.tier <> 'Platinum' AND c.eng > 1.1
                                    AND u(c.idx * 1000 + m.cno, 'cp_up') < 0.5
                 WHEN 'winback' THEN (c.churned AND c.aend < m.cd AND m.cd - c.aend <= 240
                                      AND u(c.idx * 1000 + m.cno, 'cp_wb') < 0.7)
                     OR (c.profile = 'fading' AND prog(m.cd, c.pstart, c.plen) >= 0.9
                         AND u(c.idx * 1000 + m.cno, 'cp_wb') < 0.5)
                 END
        ),
        answered AS (
            SELECT *,
                   u(k, 'cp_resp') < {_per_key("campaign_type", response, "0")}
                       * CASE WHEN bargain THEN 1.6 ELSE 1 END AS responded
            FROM targeted
        ),
        converted AS (
            SELECT *,
                   responded AND u(k, 'cp_conv') < {_per_key("campaign_type", conversion, "0")}
                       AS converted
            FROM answered
        )
        SELECT campaign_id, campaign_type, cid,
               {plan.day_ts("cd", "9 * 3600 + floor(u(k, 'cp_sec') * 7200)")} AS sent_at,
               responded, converted,
               CAST({_per_key("campaign_type", cost, "0")}
                    + CASE WHEN converted THEN {_per_key("campaign_type", incentive, "0")}
                           ELSE 0 END AS DECIMAL(10, 2)) AS cost
        FROM converted
        ORDER BY sent_at, campaign_id, cid
        """
    )


def _build_customer_base(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    con.execute(
        f"""
        INSERT INTO {SCHEMA}.CUSTOMER_BASE
        SELECT c.cid, n.first_name, n.last_name, n.email,
               DATE '{plan.history_start}' + c.signup_day, c.region, c.country, c.state,
               c.acquisition_channel, c.tier,
               COALESCE(a.ltv, 0), COALESCE(a.orders, 0), a.last_date, NOT c.churned
        FROM cust AS c
        JOIN cust_names AS n USING (idx)
        LEFT JOIN (
            SELECT idx, SUM(amount) AS ltv, COUNT(*) AS orders, MAX(ts)::DATE AS last_date
            FROM tx WHERE status = 'completed' GROUP BY idx
        ) AS a USING (idx)
        ORDER BY c.idx
        """
    )
