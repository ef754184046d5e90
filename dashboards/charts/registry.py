"""Every workspace, in sidebar order. A workspace is a declaration; adding one is adding it here."""

from dashboards.campaigns.workspace import CAMPAIGNS

from .insights import INSIGHTS
from .journey import JOURNEY
from .overview import OVERVIEW
from .product import PRODUCT
from .segments import SEGMENTS
from .sentiment import SENTIMENT
from .spec import Workspace
from .support import SUPPORT

WORKSPACES: dict[str, Workspace] = {
    ws.slug: ws for ws in (OVERVIEW, SENTIMENT, SUPPORT, PRODUCT, JOURNEY, SEGMENTS, INSIGHTS, CAMPAIGNS)
}
DEFAULT_WORKSPACE = OVERVIEW.slug


def workspace(slug: str) -> Workspace | None:
    return WORKSPACES.get(slug)
