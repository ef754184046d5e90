"""The Customer Journey workspace: who the customers are, how they move through channels and stages."""

from .spec import Chart, Fmt, Kind, Workspace

JOURNEY = Workspace(
    slug="journey",
    title="Customer Journey",
    description="Personas, the lifecycle funnel, channel paths and how signup cohorts keep buying.",
    charts=(
        Chart(
            id="personas",
            title="Persona distribution",
            sql="journey/personas.sql",
            kind=Kind.DONUT,
            x="DERIVED_PERSONA",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            labels={"DERIVED_PERSONA": "Persona"},
            description="Customers per derived persona.",
        ),
        Chart(
            id="interaction_types",
            title="Interaction type by persona",
            sql="journey/interaction_types.sql",
            kind=Kind.BAR,
            x="DERIVED_PERSONA",
            y=("INTERACTIONS",),
            series="INTERACTION_TYPE",
            fmt=Fmt.INT,
            width=2,
            labels={"DERIVED_PERSONA": "Persona", "INTERACTION_TYPE": "Interaction type"},
            description="Interactions in the period per persona, one bar per interaction type.",
        ),
        Chart(
            id="lifecycle_funnel",
            title="Lifecycle funnel",
            sql="journey/lifecycle_funnel.sql",
            kind=Kind.HBAR,
            x="STAGE",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            labels={"STAGE": "Stage"},
            description="Of the customers who signed up in the period, how many had, by the period's end, "
            "also interacted, then bought, bought again, and reviewed (each stage includes the ones before).",
        ),
        Chart(
            id="channel_paths",
            title="Channel paths",
            sql="journey/channel_paths.sql",
            kind=Kind.SANKEY,
            x="SOURCE",
            target="TARGET",
            y=("CUSTOMERS",),
            fmt=Fmt.INT,
            width=2,
            labels={"SOURCE": "From", "TARGET": "To"},
            description="The channels of each customer's first, second and third interaction in the period.",
        ),
        Chart(
            id="cohort_retention",
            title="Signup cohort retention",
            sql="journey/cohort_retention.sql",
            kind=Kind.HEATMAP,
            x="MONTHS_SINCE_SIGNUP",
            series="COHORT",
            y=("RETENTION",),
            fmt=Fmt.PCT,
            width=2,
            labels={"MONTHS_SINCE_SIGNUP": "Months since signup", "COHORT": "Signup month"},
            description="For the signup cohorts of the 12 calendar months ending with the period's end, the share of each "
            "cohort buying in each of its first 12 months (calendar months, up to the period's end).",
        ),
    ),
)
