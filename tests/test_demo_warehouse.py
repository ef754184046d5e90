"""The demo warehouse: the contract, the quality rules, and that the data behaves like a business.

Checked with plain DuckDB queries over the small warehouse built once per session
(tests/fixtures/warehouse.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from dashboards.warehouse.demo import build_warehouse, generate
from tests.fixtures.warehouse import TEST_AS_OF, TEST_CUSTOMERS, TEST_SEED

# WAREHOUSE.md, transcribed independently of sql/warehouse/schema.sql.
CONTRACT = {
    "CUSTOMER_BASE": (
        "CUSTOMER_ID FIRST_NAME LAST_NAME EMAIL SIGNUP_DATE REGION COUNTRY STATE "
        "ACQUISITION_CHANNEL PLAN_TIER LIFETIME_VALUE TOTAL_ORDERS LAST_PURCHASE_DATE IS_ACTIVE"
    ),
    "FACT_CUSTOMER_INTERACTIONS": (
        "INTERACTION_ID CUSTOMER_ID INTERACTION_TS CHANNEL INTERACTION_TYPE INTERACTION_NOTES SENTIMENT_SCORE"
    ),
    "FACT_PRODUCT_REVIEWS": (
        "REVIEW_ID CUSTOMER_ID PRODUCT_ID REVIEW_TS REVIEW_RATING REVIEW_LANGUAGE REVIEW_TEXT "
        "REVIEW_TEXT_ENGLISH SENTIMENT_SCORE"
    ),
    "FACT_SUPPORT_TICKETS": (
        "TICKET_ID EXTERNAL_TICKET_ID CUSTOMER_ID CREATED_AT RESOLVED_AT STATUS PRIORITY_LEVEL "
        "TICKET_CATEGORY CHANNEL TICKET_DESCRIPTION EXPECTED_RESOLUTION_TIMEFRAME "
        "REQUESTED_REMEDY CSAT_SCORE SENTIMENT_SCORE"
    ),
    "FACT_TRANSACTIONS": (
        "TRANSACTION_ID CUSTOMER_ID TRANSACTION_TS PRODUCT_ID QUANTITY AMOUNT CHANNEL STATUS"
    ),
    "FACT_CAMPAIGN_RESPONSES": ("CAMPAIGN_ID CAMPAIGN_TYPE CUSTOMER_ID SENT_AT RESPONDED CONVERTED COST"),
    "DIM_PRODUCT": "PRODUCT_ID PRODUCT_NAME CATEGORY LAUNCH_DATE LIST_PRICE",
    "DIM_DATE": "DATE_DAY WEEK_START MONTH_START QUARTER YEAR IS_WEEKEND",
    "SENTIMENT_ANALYSIS": ("CUSTOMER_ID SOURCE_TYPE SOURCE_ID SENTIMENT_TS SENTIMENT_SCORE SENTIMENT_LABEL"),
    "SENTIMENT_TRENDS": (
        "CUSTOMER_ID AVG_SENTIMENT SENTIMENT_TREND SENTIMENT_VOLATILITY OBSERVATIONS FIRST_SEEN "
        "LAST_SEEN OVERALL_SENTIMENT"
    ),
    "TICKET_PATTERNS": (
        "CUSTOMER_ID TICKET_COUNT OPEN_TICKET_COUNT HIGH_PRIORITY_COUNT MOST_COMMON_CATEGORY "
        "AVG_RESOLUTION_HOURS LAST_TICKET_AT IS_RECURRING"
    ),
    "CUSTOMER_PERSONA_SIGNALS": (
        "CUSTOMER_ID DERIVED_PERSONA OVERALL_SENTIMENT CHURN_RISK UPSELL_OPPORTUNITY "
        "VALUE_SEGMENT AVG_SENTIMENT INTERACTION_COUNT TICKET_COUNT REVIEW_COUNT AVG_RATING "
        "LIFETIME_VALUE"
    ),
    "INSIGHT_SUMMARIES": ("CUSTOMER_ID CUSTOMER_SUMMARY KEY_THEMES RECOMMENDED_ACTION GENERATED_AT"),
    "CHURN_PREDICTIONS": (
        "CUSTOMER_ID CHURN_RISK_SCORE CHURN_RISK_CATEGORY TOP_FACTOR MODEL_VERSION SCORED_AT"
    ),
    "DIM_PERSONA_STATS": "STAT_DATE DERIVED_PERSONA CUSTOMERS INTERACTIONS AVG_SENTIMENT",
}
PRIMARY_KEYS = {
    "CUSTOMER_BASE": "CUSTOMER_ID",
    "FACT_CUSTOMER_INTERACTIONS": "INTERACTION_ID",
    "FACT_PRODUCT_REVIEWS": "REVIEW_ID",
    "FACT_SUPPORT_TICKETS": "TICKET_ID",
    "FACT_TRANSACTIONS": "TRANSACTION_ID",
    "FACT_CAMPAIGN_RESPONSES": "CAMPAIGN_ID, CUSTOMER_ID",
    "DIM_PRODUCT": "PRODUCT_ID",
    "DIM_DATE": "DATE_DAY",
    "SENTIMENT_ANALYSIS": "SOURCE_TYPE, SOURCE_ID",
    "SENTIMENT_TRENDS": "CUSTOMER_ID",
    "TICKET_PATTERNS": "CUSTOMER_ID",
    "CUSTOMER_PERSONA_SIGNALS": "CUSTOMER_ID",
    "INSIGHT_SUMMARIES": "CUSTOMER_ID",
    "CHURN_PREDICTIONS": "CUSTOMER_ID",
    "DIM_PERSONA_STATS": "STAT_DATE, DERIVED_PERSONA",
}
CHANNELS = {"web", "mobile_app", "phone", "email", "social", "store"}


@pytest.fixture(scope="module")
def con(demo_warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo_warehouse_path), read_only=True)
    yield connection
    connection.close()


def one_row(con: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    [row] = con.execute(sql).fetchall()
    return tuple(row)


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    return one_row(con, sql)[0]


def frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def table_checksums(path: Path) -> dict[str, tuple[int, int]]:
    """Per table: row count and the sum of the rows' hashes (order-independent, exact)."""
    with duckdb.connect(str(path), read_only=True) as connection:
        sums = {}
        for table in CONTRACT:
            [(count, hashes)] = connection.execute(
                f"SELECT COUNT(*), SUM(hash(t)::HUGEINT) FROM ANALYTICS.{table} AS t"
            ).fetchall()
            sums[table] = (int(count), int(hashes or 0))
        return sums


# --- The contract and the quality rules ----------------------------------------------------------


def test_every_contract_table_and_column_exists(con: duckdb.DuckDBPyConnection) -> None:
    columns = frame(
        con,
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'ANALYTICS'",
    )
    found = columns.groupby("table_name").column_name.apply(set).to_dict()
    for table, names in CONTRACT.items():
        assert table in found, f"missing table ANALYTICS.{table}"
        assert set(names.split()) <= found[table], f"{table} lacks {set(names.split()) - found[table]}"


def test_every_table_has_rows(con: duckdb.DuckDBPyConnection) -> None:
    for table in CONTRACT:
        assert scalar(con, f"SELECT COUNT(*) FROM ANALYTICS.{table}"), f"{table} is empty"


def test_primary_keys_are_unique_and_there_is_no_duplicate_ticket_id(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for table, key in PRIMARY_KEYS.items():
        duplicates = scalar(
            con,
            f"SELECT COUNT(*) FROM (SELECT {key} FROM ANALYTICS.{table} GROUP BY {key} HAVING COUNT(*) > 1)",
        )
        assert duplicates == 0, f"{table} has duplicate {key}"
    assert scalar(
        con, "SELECT COUNT(DISTINCT EXTERNAL_TICKET_ID) = COUNT(*) FROM ANALYTICS.FACT_SUPPORT_TICKETS"
    )


def test_at_most_half_a_percent_of_interaction_sentiment_is_null(
    con: duckdb.DuckDBPyConnection,
) -> None:
    share = scalar(
        con,
        "SELECT AVG(CASE WHEN SENTIMENT_SCORE IS NULL THEN 1 ELSE 0 END) "
        "FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS",
    )
    assert share <= 0.005


def test_sentiment_scores_lie_between_minus_one_and_one(con: duckdb.DuckDBPyConnection) -> None:
    for table in ("FACT_CUSTOMER_INTERACTIONS", "FACT_PRODUCT_REVIEWS", "FACT_SUPPORT_TICKETS"):
        low, high = one_row(con, f"SELECT MIN(SENTIMENT_SCORE), MAX(SENTIMENT_SCORE) FROM ANALYTICS.{table}")
        assert -1 <= low < 0 < high <= 1, table


def test_customer_ids_look_like_c_and_seven_digits(con: duckdb.DuckDBPyConnection) -> None:
    assert scalar(
        con,
        r"SELECT bool_and(regexp_full_match(CUSTOMER_ID, 'C\d{7}')) FROM ANALYTICS.CUSTOMER_BASE",
    )


def test_customer_totals_match_their_completed_transactions(
    con: duckdb.DuckDBPyConnection,
) -> None:
    mismatches = scalar(
        con,
        """
        SELECT COUNT(*)
        FROM ANALYTICS.CUSTOMER_BASE AS c
        LEFT JOIN (
            SELECT CUSTOMER_ID, SUM(AMOUNT) AS LTV, COUNT(*) AS ORDERS,
                   MAX(TRANSACTION_TS)::DATE AS LAST_DATE
            FROM ANALYTICS.FACT_TRANSACTIONS WHERE STATUS = 'completed' GROUP BY CUSTOMER_ID
        ) AS t USING (CUSTOMER_ID)
        WHERE c.LIFETIME_VALUE <> COALESCE(t.LTV, 0)
           OR c.TOTAL_ORDERS <> COALESCE(t.ORDERS, 0)
           OR c.LAST_PURCHASE_DATE IS DISTINCT FROM t.LAST_DATE
        """,
    )
    assert mismatches == 0


def test_regions_countries_and_states_fit_together(con: duckdb.DuckDBPyConnection) -> None:
    geo = frame(
        con,
        "SELECT REGION, COUNTRY, COUNT(STATE) AS WITH_STATE, COUNT(*) AS N "
        "FROM ANALYTICS.CUSTOMER_BASE GROUP BY ALL",
    )
    assert set(geo.REGION) == {"NA", "EMEA", "APAC", "LATAM"}
    assert set(geo[geo.REGION == "NA"].COUNTRY) == {"US", "CA"}
    assert (geo[geo.COUNTRY.isin(["US", "CA"])].WITH_STATE == geo[geo.COUNTRY.isin(["US", "CA"])].N).all()
    assert (geo[~geo.COUNTRY.isin(["US", "CA", "AU"])].WITH_STATE == 0).all()


def test_interactions_tickets_and_transactions_share_one_channel_domain(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for table in ("FACT_CUSTOMER_INTERACTIONS", "FACT_SUPPORT_TICKETS", "FACT_TRANSACTIONS"):
        values = set(frame(con, f"SELECT DISTINCT CHANNEL FROM ANALYTICS.{table}").CHANNEL)
        assert values <= CHANNELS, table
        assert len(values) >= 4, table


def test_open_and_pending_tickets_have_no_resolution_time_and_the_others_do(
    con: duckdb.DuckDBPyConnection,
) -> None:
    wrong = scalar(
        con,
        """
        SELECT COUNT(*) FROM ANALYTICS.FACT_SUPPORT_TICKETS
        WHERE (STATUS IN ('open', 'pending')) <> (RESOLVED_AT IS NULL)
           OR RESOLVED_AT < CREATED_AT
        """,
    )
    assert wrong == 0


def test_recent_tickets_are_more_likely_to_be_open(con: duckdb.DuckDBPyConnection) -> None:
    recent, older = one_row(
        con,
        f"""
        SELECT
            AVG(CASE WHEN STATUS IN ('open', 'pending') THEN 1 ELSE 0 END)
                FILTER (WHERE CREATED_AT >= DATE '{TEST_AS_OF}' - INTERVAL 7 DAY),
            AVG(CASE WHEN STATUS IN ('open', 'pending') THEN 1 ELSE 0 END)
                FILTER (WHERE CREATED_AT < DATE '{TEST_AS_OF}' - INTERVAL 60 DAY)
        FROM ANALYTICS.FACT_SUPPORT_TICKETS
        """,
    )
    assert recent > 0.1
    assert recent > 3 * older


def test_data_reaches_the_as_of_date_after_about_two_years(con: duckdb.DuckDBPyConnection) -> None:
    for table, column in (
        ("FACT_CUSTOMER_INTERACTIONS", "INTERACTION_TS"),
        ("FACT_TRANSACTIONS", "TRANSACTION_TS"),
        ("FACT_SUPPORT_TICKETS", "CREATED_AT"),
        ("FACT_PRODUCT_REVIEWS", "REVIEW_TS"),
    ):
        first, last = one_row(con, f"SELECT MIN({column})::DATE, MAX({column})::DATE FROM ANALYTICS.{table}")
        assert last == TEST_AS_OF, table
        assert 700 <= (TEST_AS_OF - first).days <= 731, table
    assert scalar(con, "SELECT MAX(DATE_DAY) FROM ANALYTICS.DIM_DATE") == TEST_AS_OF
    last_week = scalar(
        con,
        f"SELECT COUNT(*) FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS "
        f"WHERE INTERACTION_TS >= DATE '{TEST_AS_OF}' - INTERVAL 6 DAY",
    )
    assert last_week > 100


def test_facts_per_customer_give_millions_of_rows_at_the_default_scale(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Volumes grow linearly with customers: at 50,000, millions of interactions and purchases."""
    interactions = scalar(con, "SELECT COUNT(*) FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS")
    transactions = scalar(con, "SELECT COUNT(*) FROM ANALYTICS.FACT_TRANSACTIONS")
    assert interactions * 50_000 / TEST_CUSTOMERS > 2_000_000
    assert transactions * 50_000 / TEST_CUSTOMERS > 1_000_000


# --- Business behaviour --------------------------------------------------------------------------


def test_review_rating_and_sentiment_correlate_between_0_6_and_0_8(
    con: duckdb.DuckDBPyConnection,
) -> None:
    r = scalar(con, "SELECT CORR(REVIEW_RATING, SENTIMENT_SCORE) FROM ANALYTICS.FACT_PRODUCT_REVIEWS")
    assert 0.6 <= r <= 0.8


def test_mean_csat_falls_as_priority_rises(con: duckdb.DuckDBPyConnection) -> None:
    csat = (
        frame(
            con,
            "SELECT PRIORITY_LEVEL, AVG(CSAT_SCORE) AS CSAT FROM ANALYTICS.FACT_SUPPORT_TICKETS "
            "GROUP BY PRIORITY_LEVEL",
        )
        .set_index("PRIORITY_LEVEL")
        .CSAT
    )
    assert csat["Low"] > csat["Medium"] > csat["High"] > csat["Urgent"]
    assert scalar(
        con, "SELECT MIN(CSAT_SCORE) = 1 AND MAX(CSAT_SCORE) = 5 FROM ANALYTICS.FACT_SUPPORT_TICKETS"
    )


def test_lower_priority_and_complex_categories_take_longer_to_resolve(
    con: duckdb.DuckDBPyConnection,
) -> None:
    hours = (
        frame(
            con,
            "SELECT PRIORITY_LEVEL AS K, AVG(date_diff('minute', CREATED_AT, RESOLVED_AT)) AS H "
            "FROM ANALYTICS.FACT_SUPPORT_TICKETS GROUP BY 1 "
            "UNION ALL "
            "SELECT TICKET_CATEGORY, AVG(date_diff('minute', CREATED_AT, RESOLVED_AT)) "
            "FROM ANALYTICS.FACT_SUPPORT_TICKETS GROUP BY 1",
        )
        .set_index("K")
        .H
    )
    assert hours["Low"] > hours["Medium"] > hours["High"] > hours["Urgent"]
    assert hours["Product Defect"] > hours["Account"]


def test_weekends_see_clearly_fewer_interactions_than_weekdays(
    con: duckdb.DuckDBPyConnection,
) -> None:
    per_day = (
        frame(
            con,
            """
        SELECT d.IS_WEEKEND, AVG(COALESCE(n.N, 0)) AS PER_DAY
        FROM ANALYTICS.DIM_DATE AS d
        LEFT JOIN (
            SELECT INTERACTION_TS::DATE AS DAY, COUNT(*) AS N
            FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS GROUP BY 1
        ) AS n ON n.DAY = d.DATE_DAY
        GROUP BY d.IS_WEEKEND
        """,
        )
        .set_index("IS_WEEKEND")
        .PER_DAY
    )
    assert per_day[True] < 0.75 * per_day[False]


def test_the_holiday_season_lifts_purchases_and_contacts(con: duckdb.DuckDBPyConnection) -> None:
    """Yearly seasonality: December beats the autumn before it, and January falls back."""
    monthly = frame(
        con,
        """
        SELECT MONTH_START, SUM(TX) / COUNT(*) AS TX_PER_DAY, SUM(IX) / COUNT(*) AS IX_PER_DAY
        FROM ANALYTICS.DIM_DATE AS d
        LEFT JOIN (SELECT TRANSACTION_TS::DATE AS DAY, COUNT(*) AS TX
                   FROM ANALYTICS.FACT_TRANSACTIONS GROUP BY 1) AS t ON t.DAY = d.DATE_DAY
        LEFT JOIN (SELECT INTERACTION_TS::DATE AS DAY, COUNT(*) AS IX
                   FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS GROUP BY 1) AS i ON i.DAY = d.DATE_DAY
        GROUP BY MONTH_START
        """,
    ).set_index("MONTH_START")
    december = monthly.loc[pd.Timestamp(TEST_AS_OF.year - 1, 12, 1)]
    september = monthly.loc[pd.Timestamp(TEST_AS_OF.year - 1, 9, 1)]
    february = monthly.loc[pd.Timestamp(TEST_AS_OF.year, 2, 1)]
    assert december.TX_PER_DAY > 1.3 * september.TX_PER_DAY
    assert december.TX_PER_DAY > 1.3 * february.TX_PER_DAY
    assert december.IX_PER_DAY > 1.15 * september.IX_PER_DAY


def test_an_incident_month_shows_a_defect_spike_a_sentiment_dip_and_a_rating_drop(
    con: duckdb.DuckDBPyConnection,
) -> None:
    full_months = f"MONTH_START >= DATE '{TEST_AS_OF}' - INTERVAL 23 MONTH"
    defects = (
        frame(
            con,
            f"""
        SELECT MONTH_START, COUNT(*) FILTER (WHERE TICKET_CATEGORY = 'Product Defect') AS N
        FROM (SELECT date_trunc('month', CREATED_AT)::DATE AS MONTH_START, TICKET_CATEGORY
              FROM ANALYTICS.FACT_SUPPORT_TICKETS)
        WHERE {full_months} GROUP BY 1
        """,
        )
        .set_index("MONTH_START")
        .N
    )
    month = defects.idxmax()
    assert defects[month] > 2.5 * defects.median()
    assert 4 <= (TEST_AS_OF.year * 12 + TEST_AS_OF.month) - (month.year * 12 + month.month) <= 6

    sentiment = (
        frame(
            con,
            f"""
        SELECT MONTH_START, AVG(SENTIMENT_SCORE) AS S
        FROM (SELECT date_trunc('month', INTERACTION_TS)::DATE AS MONTH_START, SENTIMENT_SCORE
              FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS)
        WHERE {full_months} GROUP BY 1
        """,
        )
        .set_index("MONTH_START")
        .S
    )
    assert sentiment.idxmin() == month
    assert sentiment[month] < sentiment.median() - 0.05

    ratings = frame(
        con,
        """
        SELECT PRODUCT_ID, date_trunc('month', REVIEW_TS)::DATE AS MONTH_START,
               AVG(REVIEW_RATING) AS RATING, COUNT(*) AS N
        FROM ANALYTICS.FACT_PRODUCT_REVIEWS GROUP BY 1, 2
        """,
    )
    that_month = ratings[ratings.MONTH_START.eq(month) & (ratings.N >= 10)].set_index("PRODUCT_ID")
    typical = ratings.groupby("PRODUCT_ID").RATING.median()
    drop = (typical[that_month.index] - that_month.RATING).sort_values(ascending=False)
    assert drop.iloc[0] > 1.5, "no product's rating dropped in the incident month"
    assert drop.iloc[1] < 1.0, "more than one product dropped"


def test_reviews_come_in_several_languages_with_english_the_largest_share(
    con: duckdb.DuckDBPyConnection,
) -> None:
    shares = (
        frame(
            con,
            "SELECT REVIEW_LANGUAGE, COUNT(*) / SUM(COUNT(*)) OVER () AS SHARE "
            "FROM ANALYTICS.FACT_PRODUCT_REVIEWS GROUP BY 1",
        )
        .set_index("REVIEW_LANGUAGE")
        .SHARE
    )
    assert {"en", "es", "fr", "de", "pt", "it", "ja"} <= set(shares.index)
    assert shares.idxmax() == "en"
    assert 0.4 < shares["en"] < 0.9


def test_every_review_has_an_english_text_and_english_reviews_are_their_own_translation(
    con: duckdb.DuckDBPyConnection,
) -> None:
    missing, untranslated, mismatched = one_row(
        con,
        """
        SELECT COUNT(*) FILTER (WHERE REVIEW_TEXT_ENGLISH IS NULL OR REVIEW_TEXT_ENGLISH = ''),
               COUNT(*) FILTER (WHERE REVIEW_LANGUAGE <> 'en' AND REVIEW_TEXT = REVIEW_TEXT_ENGLISH),
               COUNT(*) FILTER (WHERE REVIEW_LANGUAGE = 'en' AND REVIEW_TEXT <> REVIEW_TEXT_ENGLISH)
        FROM ANALYTICS.FACT_PRODUCT_REVIEWS
        """,
    )
    assert (missing, untranslated, mismatched) == (0, 0, 0)


def test_churn_risk_follows_falling_sentiment_recent_tickets_and_fading_purchases(
    con: duckdb.DuckDBPyConnection,
) -> None:
    active = frame(
        con,
        f"""
        SELECT p.CHURN_RISK_SCORE::DOUBLE AS SCORE,
               t.SENTIMENT_TREND < 0 AS FALLING,
               COALESCE(k.RECENT, 0) > 0 AS RECENT_TICKETS,
               COALESCE(x.RECENT, 0) = 0 AND COALESCE(x.EARLIER, 0) >= 4 AS FADING
        FROM ANALYTICS.CHURN_PREDICTIONS AS p
        JOIN ANALYTICS.CUSTOMER_BASE AS c USING (CUSTOMER_ID)
        JOIN ANALYTICS.SENTIMENT_TRENDS AS t USING (CUSTOMER_ID)
        LEFT JOIN (SELECT CUSTOMER_ID, COUNT(*) AS RECENT FROM ANALYTICS.FACT_SUPPORT_TICKETS
                   WHERE CREATED_AT >= DATE '{TEST_AS_OF}' - INTERVAL 90 DAY GROUP BY 1) AS k
            USING (CUSTOMER_ID)
        LEFT JOIN (SELECT CUSTOMER_ID,
                          COUNT(*) FILTER (WHERE TRANSACTION_TS >= DATE '{TEST_AS_OF}'
                                                                  - INTERVAL 90 DAY) AS RECENT,
                          COUNT(*) FILTER (WHERE TRANSACTION_TS < DATE '{TEST_AS_OF}'
                                                                 - INTERVAL 90 DAY) AS EARLIER
                   FROM ANALYTICS.FACT_TRANSACTIONS WHERE STATUS = 'completed' GROUP BY 1) AS x
            USING (CUSTOMER_ID)
        WHERE c.IS_ACTIVE
        """,
    )
    for signal in ("FALLING", "RECENT_TICKETS", "FADING"):
        means = active.groupby(signal).SCORE.mean()
        assert means[True] > means[False] + 5, signal
    assert active.SCORE.between(0, 100).all()


def test_churn_categories_and_persona_signals_agree(con: duckdb.DuckDBPyConnection) -> None:
    disagreements = scalar(
        con,
        """
        SELECT COUNT(*) FROM ANALYTICS.CHURN_PREDICTIONS AS p
        JOIN ANALYTICS.CUSTOMER_PERSONA_SIGNALS AS s USING (CUSTOMER_ID)
        WHERE p.CHURN_RISK_CATEGORY <> s.CHURN_RISK
           OR p.CHURN_RISK_CATEGORY <> CASE WHEN p.CHURN_RISK_SCORE >= 60 THEN 'High'
                                            WHEN p.CHURN_RISK_SCORE >= 30 THEN 'Medium'
                                            ELSE 'Low' END
        """,
    )
    assert disagreements == 0


def test_every_persona_and_segment_occurs(con: duckdb.DuckDBPyConnection) -> None:
    signals = frame(con, "SELECT * FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS")
    assert set(signals.DERIVED_PERSONA) == {
        "Loyal Advocate", "At-Risk Detractor", "Bargain Hunter", "New Explorer",
        "Silent Majority", "Support Heavy",
    }  # fmt: skip
    assert set(signals.CHURN_RISK) == {"High", "Medium", "Low"}
    assert set(signals.UPSELL_OPPORTUNITY) == {"High", "Medium", "Low"}
    assert set(signals.VALUE_SEGMENT) == {"High Value", "Medium Value", "Low Value"}
    assert signals.DERIVED_PERSONA.value_counts(normalize=True).max() < 0.5


def test_insight_summaries_describe_the_customer_without_naming_them(
    con: duckdb.DuckDBPyConnection,
) -> None:
    leaks = scalar(
        con,
        """
        SELECT COUNT(*) FROM ANALYTICS.INSIGHT_SUMMARIES AS s
        JOIN ANALYTICS.CUSTOMER_BASE AS c USING (CUSTOMER_ID)
        WHERE contains(s.CUSTOMER_SUMMARY, c.LAST_NAME) OR contains(s.CUSTOMER_SUMMARY, c.EMAIL)
        """,
    )
    assert leaks == 0
    assert scalar(con, "SELECT MIN(length(CUSTOMER_SUMMARY)) > 80 FROM ANALYTICS.INSIGHT_SUMMARIES")


def test_insight_summaries_write_amounts_with_grouped_thousands_and_two_decimals(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """Money as people write it ("worth 7,025.10 in total"), not the bare "7025.10" of a cast."""
    rows = frame(
        con,
        """
        SELECT s.CUSTOMER_SUMMARY, c.LIFETIME_VALUE FROM ANALYTICS.INSIGHT_SUMMARIES AS s
        JOIN ANALYTICS.CUSTOMER_BASE AS c USING (CUSTOMER_ID) WHERE c.TOTAL_ORDERS > 0
        """,
    )
    written = rows.CUSTOMER_SUMMARY.str.extract(r" worth (\S+) in total,", expand=False)
    expected = rows.LIFETIME_VALUE.map(lambda v: f"{v:,.2f}")
    assert written.notna().all()
    assert (rows.LIFETIME_VALUE >= 1000).sum() > 0  # the grouping is exercised
    wrong = rows[written != expected]
    assert wrong.empty, wrong.head().to_string()


# --- The build: determinism and atomic writes ----------------------------------------------------


def test_two_builds_with_the_same_arguments_have_identical_contents(
    demo_warehouse_path: Path, tmp_path: Path
) -> None:
    again = tmp_path / "again.duckdb"
    build_warehouse(again, customers=TEST_CUSTOMERS, seed=TEST_SEED, as_of=TEST_AS_OF)
    assert table_checksums(again) == table_checksums(demo_warehouse_path)


def test_another_seed_gives_other_data(demo_warehouse_path: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    build_warehouse(other, customers=TEST_CUSTOMERS, seed=TEST_SEED + 1, as_of=TEST_AS_OF)
    ours, theirs = table_checksums(demo_warehouse_path), table_checksums(other)
    assert ours["FACT_CUSTOMER_INTERACTIONS"] != theirs["FACT_CUSTOMER_INTERACTIONS"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_build_that_fails_midway_leaves_the_previous_file_untouched_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "warehouse.duckdb"
    build_warehouse(target, customers=50, seed=1, as_of=TEST_AS_OF)
    before = _digest(target)

    def explode(*args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(generate, "_build_tickets", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_warehouse(target, customers=60, seed=2, as_of=TEST_AS_OF)

    assert _digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]


def test_a_failed_first_build_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("no")

    monkeypatch.setattr(generate, "_build_campaigns", explode)
    with pytest.raises(RuntimeError):
        build_warehouse(tmp_path / "warehouse.duckdb", customers=30, as_of=TEST_AS_OF)
    assert list(tmp_path.iterdir()) == []


def test_a_successful_build_replaces_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "warehouse.duckdb"
    build_warehouse(target, customers=40, seed=1, as_of=TEST_AS_OF)
    report = build_warehouse(target, customers=70, seed=1, as_of=TEST_AS_OF)
    with duckdb.connect(str(target), read_only=True) as connection:
        assert connection.execute("SELECT COUNT(*) FROM ANALYTICS.CUSTOMER_BASE").fetchall() == [(70,)]
    assert report.row_counts["CUSTOMER_BASE"] == 70
    assert set(report.row_counts) == set(CONTRACT)
    assert "tickets" in report.step_seconds and report.total_seconds > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]


def test_build_warehouse_rejects_a_customer_count_below_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="customers"):
        build_warehouse(tmp_path / "w.duckdb", customers=0)


# --- The management command ----------------------------------------------------------------------


def test_the_command_builds_a_warehouse_and_reports_steps_and_row_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "cmd.duckdb"
    call_command(
        "build_warehouse", "--customers", "120", "--seed", "3", "--as-of", "2026-06-30",
        "--output", str(target),
    )  # fmt: skip
    out = capsys.readouterr().out
    assert target.exists()
    assert "120 customers" in out and "as of 2026-06-30" in out
    assert "model CHURN_PREDICTIONS" in out
    assert "CUSTOMER_BASE" in out


def test_the_command_with_if_missing_leaves_an_existing_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "existing.duckdb"
    target.write_bytes(b"not really a warehouse")
    call_command("build_warehouse", "--if-missing", "--output", str(target))
    assert target.read_bytes() == b"not really a warehouse"
    assert "nothing to do" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--as-of", "2026-02-30"], "--as-of"),
        (["--as-of", "yesterday"], "--as-of"),
        (["--customers", "0"], "--customers"),
        (["--customers", "-5"], "--customers"),
        (["--customers", "many"], "--customers"),
        (["--seed", "x"], "--seed"),
    ],
)
def test_the_command_rejects_bad_arguments_naming_them(tmp_path: Path, args: list[str], named: str) -> None:
    target = tmp_path / "never.duckdb"
    with pytest.raises(CommandError, match=named):
        call_command("build_warehouse", *args, "--output", str(target))
    assert not target.exists()


def test_the_command_checks_keyword_arguments_too(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--customers"):
        call_command("build_warehouse", customers=0, output=str(tmp_path / "w.duckdb"))
    with pytest.raises(CommandError, match="--as-of"):
        call_command("build_warehouse", as_of="30/06/2026", output=str(tmp_path / "w.duckdb"))


def test_by_default_the_history_ends_yesterday_and_nothing_is_later_than_the_clock(tmp_path: Path) -> None:
    """A nightly load leaves a warehouse whose last day is yesterday; built with today, the history
    ran to 23:59 of a day not yet over (interactions and summaries "written" hours from now)."""
    import datetime as dt

    target = tmp_path / "default.duckdb"
    report = build_warehouse(target, customers=50, seed=5)
    now = dt.datetime.now()
    assert report.as_of == now.date() - dt.timedelta(days=1)
    con = duckdb.connect(str(target), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'ANALYTICS'"
            " AND data_type IN ('DATE', 'TIMESTAMP') AND table_name <> 'DIM_DATE'"
        ).fetchall()
        assert len(columns) >= 10
        for table, column in columns:
            row = con.execute(f'SELECT MAX("{column}") FROM ANALYTICS."{table}"').fetchone()
            assert row is not None
            latest = row[0]
            if latest is not None:
                moment = latest if isinstance(latest, dt.datetime) else dt.datetime.combine(latest, dt.time())
                assert moment < now, (table, column, latest)
    finally:
        con.close()
