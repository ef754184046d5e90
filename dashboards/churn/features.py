"""Churn features and labels as of a cut-off date, computed with SQL over the ANALYTICS tables.

The SQL (sql/churn/features.sql, labels.sql) is Snowflake SQL with one bound parameter, the cut-off;
`Source` runs it on a DuckDB connection (transpiled) or on anything with the same `query` method.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import duckdb
import sqlglot
from django.conf import settings

if TYPE_CHECKING:  # pandas (100 MB with pyarrow) loads only where frames are made
    import pandas as pd

SQL_DIR = Path(settings.BASE_DIR) / "sql" / "churn"

LABEL_DAYS = 60  # the label looks this many days after the cut-off (and as many before)
SPEND_DROP = 0.30  # a fall of this share of spend (or more) counts as churn
MIN_TENURE_DAYS = 60

CATEGORICAL: tuple[str, ...] = ("PLAN_TIER", "REGION", "ACQUISITION_CHANNEL")

# Each feature and how a person reads it (the model card lists these; Customer 360 names factors).
FEATURE_LABELS: dict[str, str] = {
    "PLAN_TIER": "Plan tier",
    "REGION": "Region",
    "ACQUISITION_CHANNEL": "Acquisition channel",
    "TENURE_DAYS": "Tenure (days)",
    "SPEND_30": "Spend, last 30 days",
    "SPEND_60": "Spend, last 60 days",
    "SPEND_90": "Spend, last 90 days",
    "SPEND_180": "Spend, last 180 days",
    "SPEND_365": "Spend, last 365 days",
    "ORDERS_30": "Orders, last 30 days",
    "ORDERS_60": "Orders, last 60 days",
    "ORDERS_90": "Orders, last 90 days",
    "ORDERS_180": "Orders, last 180 days",
    "ORDERS_365": "Orders, last 365 days",
    "SPEND_TREND_60": "Spend trend (last 60 days against the 60 before)",
    "ORDERS_TREND_60": "Order trend (last 60 days against the 60 before)",
    "ORDERS_PACE_90": "Order pace, last 90 days against the year",
    "AOV_365": "Average order value, year",
    "AOV_90": "Average order value, last 90 days",
    "RECENCY_DAYS": "Days since the last purchase",
    "REFUNDS_365": "Refunds, last 365 days",
    "INTERACTIONS_90": "Interactions, last 90 days",
    "INTERACTIONS_365": "Interactions, last 365 days",
    "WEB_365": "Web interactions, year",
    "MOBILE_APP_365": "Mobile app interactions, year",
    "PHONE_365": "Phone interactions, year",
    "EMAIL_365": "E-mail interactions, year",
    "SOCIAL_365": "Social interactions, year",
    "STORE_365": "Store interactions, year",
    "COMPLAINTS_90": "Complaints, last 90 days",
    "INQUIRIES_365": "Inquiries, year",
    "FEEDBACK_365": "Feedback, year",
    "CANCELLATION_REQUESTS_365": "Cancellation requests, year",
    "SENTIMENT_90": "Sentiment, last 90 days",
    "SENTIMENT_TREND": "Sentiment trend (last 90 days against the year before)",
    "SENTIMENT_MIN_90": "Lowest sentiment, last 90 days",
    "TICKETS_90": "Support tickets, last 90 days",
    "TICKETS_365": "Support tickets, year",
    "URGENT_TICKETS_90": "High or urgent tickets, last 90 days",
    "OPEN_TICKETS": "Open tickets",
    "RESOLUTION_HOURS_365": "Average resolution time (hours)",
    "CSAT_365": "Average CSAT",
    "TICKET_SENTIMENT_365": "Ticket sentiment",
    "REVIEWS_365": "Reviews, year",
    "RATING_365": "Average review rating",
    "RATING_MIN_365": "Lowest review rating",
    "CAMPAIGNS_365": "Campaigns received, year",
    "CAMPAIGN_RESPONSES_365": "Campaign responses, year",
    "CAMPAIGN_CONVERSIONS_365": "Campaign conversions, year",
    "RETENTION_CONTACTS_365": "Retention and win-back contacts, year",
}
FEATURES: tuple[str, ...] = tuple(FEATURE_LABELS)

LABEL_TEXT = (
    f"Churn: in the {LABEL_DAYS} days after the cut-off the customer makes no purchase, or spends at "
    f"least {SPEND_DROP:.0%} less than in the {LABEL_DAYS} days before it."
)


class Source(Protocol):
    def query(self, name: str, cutoff: dt.date) -> pd.DataFrame: ...


@cache
def duckdb_sql(name: str) -> str:
    """sql/churn/<name>.sql transpiled to DuckDB."""
    [statement] = [
        s for s in sqlglot.transpile((SQL_DIR / f"{name}.sql").read_text(), read="snowflake", write="duckdb")
    ]
    return statement


class DuckDBSource:
    """Runs the churn SQL on a DuckDB connection to a warehouse file."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def query(self, name: str, cutoff: dt.date) -> pd.DataFrame:
        return self.con.execute(duckdb_sql(name), [cutoff]).df()

    def last_day(self) -> dt.date:
        [(last,)] = self.con.execute("SELECT MAX(TRANSACTION_TS) FROM ANALYTICS.FACT_TRANSACTIONS").fetchall()
        if last is None:
            raise ValueError("the warehouse has no transactions")
        return last.date() if isinstance(last, dt.datetime) else last

    def active(self) -> pd.DataFrame:
        return self.con.execute("SELECT CUSTOMER_ID, IS_ACTIVE FROM ANALYTICS.CUSTOMER_BASE").df()


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    """The feature columns in model order, with categories typed for the model."""
    import pandas as pd

    out = frame.loc[:, list(FEATURES)].copy()
    for column in FEATURES:
        if column in CATEGORICAL:
            out[column] = out[column].astype("category")
        else:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("float64")
    return out


def features_at(source: Source, cutoff: dt.date) -> pd.DataFrame:
    return source.query("features", cutoff)


def training_frame(source: Source, cutoff: dt.date) -> pd.DataFrame:
    """Features and the label at one cut-off, for the customers the label is about: at least
    60 days of tenure and a purchase in the year before the cut-off."""
    features = features_at(source, cutoff)
    features = features[(features["TENURE_DAYS"] >= MIN_TENURE_DAYS) & (features["ORDERS_365"] > 0)]
    labels = source.query("labels", cutoff)[["CUSTOMER_ID", "CHURNED"]]
    frame = features.merge(labels, on="CUSTOMER_ID", how="inner")
    frame["CHURNED"] = frame["CHURNED"].astype(bool)
    frame["CUTOFF"] = cutoff
    return frame.reset_index(drop=True)
