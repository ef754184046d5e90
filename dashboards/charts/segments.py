"""The Segmentation & Value workspace: who the customers active in the period are, and what they are worth.

Every chart here counts the customers with an interaction in the period (so the date range, channel and
interaction type choose the customers), described by their current per-customer signals.
"""

from .spec import Chart, Fmt, Kind, View, Workspace

_LABELS = {
    "CUSTOMER_ID": "Customer",
    "DERIVED_PERSONA": "Persona",
    "CHURN_RISK": "Churn risk",
    "UPSELL_OPPORTUNITY": "Upsell opportunity",
    "VALUE_SEGMENT": "Value segment",
    "REGION": "Region",
    "LIFETIME_VALUE": "Lifetime value",
    "CUSTOMER_SUMMARY": "Summary",
    "CUSTOMERS": "Customers",
    "AVG_SENTIMENT": "Average sentiment",
    "AVG_TICKETS": "Tickets per customer",
    "AVG_RATING": "Average rating",
    "DAYS_SINCE_PURCHASE": "Days since last purchase",
    "TOTAL_ORDERS": "Orders",
}

SEGMENTS = Workspace(
    slug="segments",
    title="Segmentation & Value",
    description=(
        "Personas, value segments, churn risk against upsell opportunity, and recency, frequency and "
        "monetary value of the customers with an interaction in the period."
    ),
    charts=(
        Chart(
            id="persona_distribution",
            title="Personas",
            sql="segments/persona_distribution.sql",
            cross_filter={"DERIVED_PERSONA": "persona"},
            kind=Kind.HBAR,
            x="DERIVED_PERSONA",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            labels=_LABELS,
            description="Customers with an interaction in the period, by persona, the largest first.",
        ),
        Chart(
            id="value_segments",
            title="Value segments",
            sql="segments/value_segments.sql",
            cross_filter={"VALUE_SEGMENT": "value_segment"},
            kind=Kind.DONUT,
            x="VALUE_SEGMENT",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            labels=_LABELS,
            description="Customers with an interaction in the period, by value segment.",
        ),
        Chart(
            id="segment_profile",
            title="Sentiment, tickets and rating by value segment",
            sql="segments/segment_profile.sql",
            cross_filter={"VALUE_SEGMENT": "value_segment"},
            kind=Kind.BAR,
            x="VALUE_SEGMENT",
            y=("AVG_SENTIMENT",),
            y2=("AVG_TICKETS", "AVG_RATING"),
            fmt=Fmt.FLOAT2,
            labels=_LABELS,
            description=(
                "Per value segment, the customers' mean average sentiment (-1 to 1, left axis), mean "
                "number of tickets and mean average review rating (right axis), over the customers with "
                "an interaction in the period; customers without a score or a review are left out of "
                "that mean."
            ),
        ),
        Chart(
            id="churn_upsell",
            title="Churn risk against upsell opportunity",
            sql="segments/churn_upsell.sql",
            cross_filter={"UPSELL_OPPORTUNITY": "upsell", "CHURN_RISK": "churn_risk"},
            kind=Kind.HEATMAP,
            x="UPSELL_OPPORTUNITY",
            series="CHURN_RISK",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            labels=_LABELS,
            description="Customers with an interaction in the period, by churn risk and upsell opportunity.",
        ),
        Chart(
            id="rfm",
            title="Recency, frequency and monetary value",
            sql="segments/rfm.sql",
            # Flat by default: recency across, lifetime value up, orders as the bubble's size. The 3-D
            # scene (WebGL, and a plotly.js bundle a third larger) is drawn only when asked for.
            kind=Kind.SCATTER,
            x="DAYS_SINCE_PURCHASE",
            y=("LIFETIME_VALUE",),
            size="TOTAL_ORDERS",
            series="VALUE_SEGMENT",
            link="CUSTOMER_ID",
            fmt=Fmt.MONEY,
            width=2,
            height=560,
            labels=_LABELS,
            views=(
                View("flat", "2-D"),
                View(
                    "3d",
                    "3-D",
                    {"kind": Kind.SCATTER3D, "y": ("TOTAL_ORDERS",), "z": "LIFETIME_VALUE", "size": ""},
                ),
            ),
            description=(
                "Customers with an interaction in the period who have bought: days from their last "
                "purchase to the warehouse's last day, their lifetime value and, as the bubble's size, "
                "their orders (all three counted to that day), coloured by value segment; 3-D puts orders "
                "on an axis of its own. Above 1,000 customers, a sample: in customer id order the first "
                "and every k-th after it, k the smallest step that keeps 1,000 or fewer."
            ),
        ),
        Chart(
            id="explorer",
            title="Segment explorer",
            sql="segments/explorer.sql",
            money=("LIFETIME_VALUE",),
            kind=Kind.TABLE,
            fmt=Fmt.MONEY,
            width=3,
            link="CUSTOMER_ID",
            page_size=20,
            labels=_LABELS,
            description=(
                "Customers with an interaction in the period, their segments and summary, the highest "
                "lifetime value first (at most 1,000)."
            ),
        ),
    ),
)
