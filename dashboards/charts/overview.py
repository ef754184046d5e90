"""The Overview workspace: headline KPIs and the six charts an executive scans first."""

from functools import partial

from .spec import Chart, Fmt, Kind, Workspace, kpi

_kpi = partial(kpi, "overview")


OVERVIEW = Workspace(
    slug="overview",
    title="Overview",
    description="Headline KPIs against the previous period, sentiment, churn risk and revenue.",
    charts=(
        _kpi(
            "kpi_avg_sentiment",
            "Average sentiment",
            Fmt.FLOAT2,
            "Mean sentiment score (-1 to 1) of interactions.",
        ),
        _kpi("kpi_interactions", "Interactions", Fmt.INT, "Customer interactions in the period."),
        _kpi(
            "kpi_high_churn_share",
            "High churn risk",
            Fmt.PCT,
            "Share of customers with an interaction in the period whose churn risk is High.",
            better="down",
        ),
        _kpi("kpi_avg_rating", "Average rating", Fmt.FLOAT2, "Mean product review rating in the period."),
        _kpi("kpi_customers", "Customers", Fmt.INT, "Customers signed up by the end of the period."),
        _kpi(
            "kpi_lifetime_value",
            "Spend to date",
            Fmt.MONEY,
            "Lifetime value as of the period: what the customers signed up by its end had spent by then (completed purchases).",
        ),
        _kpi("kpi_avg_order_value", "Average order value", Fmt.MONEY, "Mean amount of a completed purchase."),
        _kpi(
            "kpi_retention",
            "Retention",
            Fmt.PCT,
            "Of the customers who bought in the previous period of equal length, the share who bought again.",
        ),
        _kpi(
            "kpi_avg_csat",
            "Average CSAT",
            Fmt.FLOAT2,
            "Mean satisfaction score of tickets created in the period.",
        ),
        Chart(
            id="sentiment_trend",
            title="Sentiment trend",
            sql="overview/sentiment_trend.sql",
            kind=Kind.LINE,
            x="PERIOD",
            y=("AVG_SENTIMENT",),
            width=2,
            labels={"PERIOD": "Period", "AVG_SENTIMENT": "Average sentiment"},
            description="Average interaction sentiment per hour, day, week or month (the time grain filter).",
        ),
        Chart(
            id="satisfaction_gauge",
            title="Customer satisfaction",
            sql="overview/satisfaction_gauge.sql",
            kind=Kind.GAUGE,
            y=("AVG_CSAT",),
            compare=True,
            labels={"AVG_CSAT": "Average CSAT"},
            description="Average CSAT of tickets in the period, with the change against the previous period.",
        ),
        Chart(
            id="sentiment_distribution",
            title="Customer sentiment distribution",
            sql="overview/sentiment_distribution.sql",
            kind=Kind.BAR,
            x="SENTIMENT_FROM",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            labels={"SENTIMENT_FROM": "Average sentiment (bin start)"},
            description="Customers by their average interaction sentiment in the period, in bins of 0.1.",
        ),
        Chart(
            id="churn_risk",
            title="Churn risk of active customers",
            sql="overview/churn_risk.sql",
            cross_filter={"CHURN_RISK": "churn_risk"},
            kind=Kind.DONUT,
            x="CHURN_RISK",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            description="Customers with an interaction in the period by predicted churn risk level (the KPI's High share).",
        ),
        Chart(
            id="monthly_revenue",
            title="Monthly revenue",
            sql="overview/monthly_revenue.sql",
            kind=Kind.BAR,
            x="MONTH",
            y=("REVENUE",),
            fmt=Fmt.MONEY,
            description="Revenue from completed purchases per month (months cut by the range are partial).",
        ),
        Chart(
            id="top_customers",
            title="Top 5 customers by lifetime value",
            sql="overview/top_customers.sql",
            money=("LIFETIME_VALUE",),
            kind=Kind.TABLE,
            fmt=Fmt.MONEY,
            width=2,
            labels={"CUSTOMER_ID": "Customer", "TOTAL_ORDERS": "Orders"},
            link="CUSTOMER_ID",
            description="The customers with the highest lifetime value among those the filters keep.",
        ),
    ),
)
