"""The Insights & Summaries workspace: what changed, who needs attention, what the summaries say."""

from .spec import Chart, Fmt, Kind, Workspace

_LABELS = {
    "CUSTOMER_ID": "Customer",
    "DERIVED_PERSONA": "Persona",
    "VALUE_SEGMENT": "Value segment",
    "REGION": "Region",
    "LIFETIME_VALUE": "Lifetime value",
    "CHURN_RISK_SCORE": "Churn score",
    "TOP_FACTOR": "Top factor",
    "LAST_PURCHASE_DATE": "Last purchase",
    "RECOMMENDED_ACTION": "Recommended action",
    "PREVIOUS_INTERACTIONS": "Interactions before",
    "PREVIOUS_SENTIMENT": "Sentiment before",
    "CURRENT_INTERACTIONS": "Interactions now",
    "CURRENT_SENTIMENT": "Sentiment now",
    "CHANGE": "Change",
    "TICKET_CATEGORY": "Ticket category",
    "GROWTH": "Growth",
    "GENERATED_AT": "Generated",
    "LAST_INTERACTION_AT": "Last interaction",
    "CUSTOMER_SUMMARY": "Summary",
    "KEY_THEMES": "Key themes",
}

INSIGHTS = Workspace(
    slug="insights",
    title="Insights & Summaries",
    description=(
        "What changed against the previous period and which segments drove it, the customers who need "
        "attention, and the latest customer summaries."
    ),
    charts=(
        Chart(
            id="what_changed",
            title="What changed",
            sql="insights/what_changed.sql",
            kind=Kind.NARRATIVE,
            hidden=("FMT",),
            compare=True,
            better="",
            width=2,
            labels=_LABELS,
            description=(
                "Written from the numbers: the measures that moved most against the previous period of "
                "equal length, and the persona, value segment, region or channel that contributed most."
            ),
        ),
        Chart(
            id="high_value_at_risk",
            title="High-value customers at high churn risk",
            sql="insights/high_value_at_risk.sql",
            money=("LIFETIME_VALUE",),
            kind=Kind.TABLE,
            width=2,
            link="CUSTOMER_ID",
            page_size=20,
            labels=_LABELS,
            description=(
                "Active High Value customers whose churn risk is High (the ones one can still save), the "
                "highest churn score first (at most 200); current signals, so not limited by the date range."
            ),
        ),
        Chart(
            id="sentiment_drops",
            title="Customers whose sentiment fell most",
            sql="insights/sentiment_drops.sql",
            kind=Kind.TABLE,
            fmt=Fmt.FLOAT2,
            width=2,
            link="CUSTOMER_ID",
            page_size=20,
            labels=_LABELS,
            description=(
                "Average interaction sentiment in the period against the previous period of equal "
                "length, for customers with at least 3 scored interactions in each; the largest fall "
                "first (at most 100)."
            ),
        ),
        Chart(
            id="ticket_category_growth",
            title="Ticket categories growing fastest",
            sql="insights/ticket_category_growth.sql",
            kind=Kind.HBAR,
            x="TICKET_CATEGORY",
            y=("GROWTH",),
            fmt=Fmt.PCT,
            better="down",
            labels=_LABELS,
            description=(
                "Growth of each category's support tickets against the previous period of equal length, "
                "the fastest-growing first; a category new in this period has no growth figure."
            ),
        ),
        Chart(
            id="latest_summaries",
            title="Latest customer summaries",
            sql="insights/latest_summaries.sql",
            kind=Kind.TABLE,
            width=2,
            link="CUSTOMER_ID",
            page_size=20,
            labels=_LABELS,
            description=(
                "The most recently generated summaries of customers with an interaction in the period, "
                "the customer seen last first among summaries of the same time (at most 50)."
            ),
        ),
    ),
)
