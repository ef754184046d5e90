"""The Campaigns workspace as the sidebar and access see it; its page is dashboards/campaigns/views.py."""

from dashboards.charts.spec import Workspace

CAMPAIGNS = Workspace(
    slug="campaigns",
    title="Campaigns",
    description="Simulate a retention campaign on an audience picked by the churn model: cost, return and ROI.",
    charts=(),
)
