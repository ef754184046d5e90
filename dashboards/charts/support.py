"""The Support Operations workspace: backlog, resolution times, satisfaction and the tickets behind them."""

from functools import partial

from django.conf import settings

from .spec import Chart, Fmt, Kind, Workspace, kpi

TARGET_HOURS = settings.SUPPORT_RESOLUTION_TARGET_HOURS

VOLUME = "Volume"
PRIORITY = "Priority & satisfaction"
TICKETS = "Recent tickets"


_kpi = partial(kpi, "support")


SUPPORT = Workspace(
    slug="support",
    title="Support Operations",
    description="Ticket backlog, resolution times against target, satisfaction by priority, recurring issues.",
    charts=(
        _kpi(
            "kpi_open_backlog",
            "Open backlog",
            Fmt.INT,
            "Tickets still unresolved at the end of the period (open or pending then), "
            "whenever they were created.",
            better="down",
        ),
        _kpi(
            "kpi_p90_resolution_hours",
            "P90 resolution time (hours)",
            Fmt.FLOAT1,
            "90th percentile of hours from creation to resolution of the tickets resolved in the "
            f"period; the target is {TARGET_HOURS} hours.",
            better="down",
        ),
        _kpi(
            "kpi_resolved_within_target",
            "Resolved within target",
            Fmt.PCT,
            f"Share of the tickets resolved in the period that were resolved within the {TARGET_HOURS}-hour target.",
        ),
        _kpi(
            "kpi_avg_csat",
            "Average CSAT",
            Fmt.FLOAT2,
            "Mean satisfaction score of the tickets created in the period.",
        ),
        Chart(
            id="volume_by_priority",
            title="Ticket volume by priority",
            sql="support/volume_by_priority.sql",
            kind=Kind.AREA,
            x="PERIOD",
            y=("TICKETS",),
            series="PRIORITY_LEVEL",
            stacked=True,
            fmt=Fmt.INT,
            width=2,
            tab=VOLUME,
            labels={"PERIOD": "Period", "PRIORITY_LEVEL": "Priority"},
            description="Tickets created per hour, day, week or month (the time grain filter), stacked by priority.",
        ),
        Chart(
            id="categories",
            title="Ticket categories",
            sql="support/categories.sql",
            kind=Kind.TREEMAP,
            x="TICKET_CATEGORY",
            y=("TICKETS",),
            fmt=Fmt.INT,
            tab=VOLUME,
            labels={"TICKET_CATEGORY": "Category"},
            description="Tickets created in the period per category.",
        ),
        Chart(
            id="recurrence",
            title="Recurring issues",
            sql="support/recurrence.sql",
            kind=Kind.SANKEY,
            width=2,
            x="SOURCE",
            target="TARGET",
            y=("TICKETS",),
            fmt=Fmt.INT,
            tab=VOLUME,
            labels={"SOURCE": "Category", "TARGET": "Next ticket's category"},
            description="From a ticket's category to the category of the same customer's next ticket, "
            "among the tickets created in the period.",
        ),
        Chart(
            id="csat_by_priority",
            title="CSAT by priority",
            sql="support/csat_by_priority.sql",
            kind=Kind.BAR,
            x="PRIORITY_LEVEL",
            y=("AVG_CSAT",),
            tab=PRIORITY,
            labels={"PRIORITY_LEVEL": "Priority", "AVG_CSAT": "Average CSAT"},
            description="Mean satisfaction score of the tickets created in the period, per priority "
            "(lowest priority first).",
        ),
        Chart(
            id="priority_sentiment",
            title="Priority breakdown and sentiment",
            sql="support/priority_sentiment.sql",
            kind=Kind.BAR,
            x="PRIORITY_LEVEL",
            y=("TICKETS",),
            y2=("AVG_SENTIMENT",),
            fmt=Fmt.INT,
            tab=PRIORITY,
            labels={"PRIORITY_LEVEL": "Priority", "AVG_SENTIMENT": "Average sentiment"},
            description="Tickets created in the period per priority, with their mean sentiment score "
            "on the right-hand axis.",
        ),
        Chart(
            id="tickets_per_customer",
            title="Tickets per customer",
            sql="support/tickets_per_customer.sql",
            kind=Kind.BAR,
            x="TICKET_COUNT",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            tab=PRIORITY,
            labels={"TICKET_COUNT": "Tickets (whole history)"},
            description="Customers with tickets by how many tickets they have raised over their whole history.",
        ),
        Chart(
            id="recent_tickets",
            title="Recent tickets",
            sql="support/recent_tickets.sql",
            kind=Kind.TABLE,
            width=2,
            tab=TICKETS,
            ticket_link="EXTERNAL_TICKET_ID",
            link="CUSTOMER_ID",
            page_size=20,
            labels={
                "CREATED_AT": "Created",
                "EXTERNAL_TICKET_ID": "Ticket",
                "CUSTOMER_ID": "Customer",
                "PRIORITY_LEVEL": "Priority",
                "TICKET_CATEGORY": "Category",
                "TICKET_DESCRIPTION": "Description",
                "EXPECTED_RESOLUTION_TIMEFRAME": "Expected resolution",
                "REQUESTED_REMEDY": "Requested remedy",
            },
            description="The latest 500 tickets created in the period, newest first.",
        ),
    ),
)
