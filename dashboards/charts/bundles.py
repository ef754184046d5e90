"""Which plotly.js bundle a page loads: the one with 3-D (WebGL, about a third larger) only where a
3-D chart is drawn. Both are built by frontend/build.mjs; see frontend/README.md."""

from __future__ import annotations

from collections.abc import Iterable

from .spec import Chart, Kind

PLAIN = "vendor/plotly-portal.min.js"
WITH_3D = "vendor/plotly-portal-3d.min.js"
KINDS_3D = frozenset({Kind.SCATTER3D})


def plotly_bundle(charts: Iterable[Chart]) -> str:
    """The static path of the bundle that draws every chart in `charts`."""
    return WITH_3D if any(chart.kind in KINDS_3D for chart in charts) else PLAIN
