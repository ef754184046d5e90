"""The Sentiment & Experience workspace: how sentiment moves, by source, type, channel and customer."""

from .spec import Chart, Fmt, Kind, Workspace

SENTIMENT = Workspace(
    slug="sentiment",
    title="Sentiment & Experience",
    description="Sentiment over time and by source, interaction type and channel; against ticket volume; "
    "and per customer, trend against volatility.",
    charts=(
        Chart(
            id="sentiment_by_source",
            title="Sentiment over time by source",
            sql="sentiment/sentiment_by_source.sql",
            kind=Kind.LINE,
            x="PERIOD",
            y=("AVG_SENTIMENT",),
            series="SOURCE_TYPE",
            width=2,
            labels={"PERIOD": "Period", "SOURCE_TYPE": "Source", "AVG_SENTIMENT": "Average sentiment"},
            description="Average sentiment of scored interactions, reviews and tickets per hour, day, week "
            "or month (the time grain filter); one line per source, toggled in the legend. Scored texts "
            "carry no channel or interaction type, so those filters do not apply here.",
        ),
        Chart(
            id="sentiment_distribution_by_source",
            title="Sentiment distribution by source",
            sql="sentiment/sentiment_distribution_by_source.sql",
            kind=Kind.BAR,
            x="SENTIMENT_FROM",
            y=("SHARE",),
            series="SOURCE_TYPE",
            fmt=Fmt.PCT,
            labels={"SENTIMENT_FROM": "Sentiment (bin start)", "SOURCE_TYPE": "Source", "SHARE": "Share"},
            description="Each source's scored texts in bins of 0.1, as a share of that source's texts in "
            "the period (so the sources compare despite their different volumes).",
        ),
        Chart(
            id="sentiment_by_type_channel",
            title="Sentiment by interaction type and channel",
            sql="sentiment/sentiment_by_type_channel.sql",
            cross_filter={"CHANNEL": "channel", "INTERACTION_TYPE": "interaction_type"},
            kind=Kind.HEATMAP,
            width=2,
            x="CHANNEL",
            y=("AVG_SENTIMENT",),
            series="INTERACTION_TYPE",
            labels={
                "CHANNEL": "Channel",
                "INTERACTION_TYPE": "Interaction type",
                "AVG_SENTIMENT": "Average sentiment",
            },
            description="Average interaction sentiment for each interaction type (rows) and channel "
            "(columns).",
        ),
        Chart(
            id="sentiment_vs_tickets",
            title="Sentiment against ticket volume",
            sql="sentiment/sentiment_vs_tickets.sql",
            kind=Kind.LINE,
            x="PERIOD",
            y=("AVG_SENTIMENT",),
            y2=("TICKETS",),
            width=2,
            labels={"PERIOD": "Period", "AVG_SENTIMENT": "Average sentiment", "TICKETS": "Tickets created"},
            description="Average interaction sentiment (left axis) and support tickets created (right "
            "axis) per hour, day, week or month (the time grain filter).",
        ),
        Chart(
            id="volatility_vs_trend",
            title="Sentiment volatility against trend per customer",
            sql="sentiment/volatility_vs_trend.sql",
            kind=Kind.SCATTER,
            x="SENTIMENT_TREND",
            y=("SENTIMENT_VOLATILITY",),
            series="OVERALL_SENTIMENT",
            hover=("CUSTOMER_ID", "OBSERVATIONS"),
            link="CUSTOMER_ID",
            labels={
                "SENTIMENT_TREND": "Sentiment trend (per 30 days)",
                "SENTIMENT_VOLATILITY": "Sentiment volatility (std. dev.)",
                "OVERALL_SENTIMENT": "Overall sentiment",
                "CUSTOMER_ID": "Customer",
                "OBSERVATIONS": "Scored texts",
            },
            description="Per customer, over the customer's whole history (so the date range does not "
            "apply): the slope of sentiment per 30 days against its standard deviation. Shows the 2,000 "
            "customers with the most scored texts among those with at least 5 (ties by customer id). "
            "Click a point to open the customer.",
        ),
        Chart(
            id="sentiment_by_interaction_type",
            title="Average sentiment per interaction type",
            sql="sentiment/sentiment_by_interaction_type.sql",
            cross_filter={"INTERACTION_TYPE": "interaction_type"},
            kind=Kind.HBAR,
            x="INTERACTION_TYPE",
            y=("AVG_SENTIMENT",),
            labels={"INTERACTION_TYPE": "Interaction type", "AVG_SENTIMENT": "Average sentiment"},
            description="Average sentiment of the interactions of each type, most positive first.",
        ),
    ),
)
