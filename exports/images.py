"""Static chart images through kaleido, which drives Debian's Chromium (settings.CHROMIUM_PATH).

One kaleido server per process, started when first needed (or when a worker process starts, see
exports/tasks.py): about 2 to 5 s cold, then a few tenths of a second a chart.
"""

from __future__ import annotations

import copy
import os
import threading
from typing import Any

from django.conf import settings

_lock = threading.Lock()


def start() -> None:
    import kaleido

    with _lock:
        if not kaleido._global_server.is_running():
            # choreographer also reads BROWSER_PATH; both point at the system's Chromium.
            os.environ.setdefault("BROWSER_PATH", settings.CHROMIUM_PATH)
            kaleido.start_sync_server(path=settings.CHROMIUM_PATH, mathjax=False, silence_warnings=True)


def stop() -> None:
    import kaleido

    with _lock:
        kaleido.stop_sync_server(silence_warnings=True)


def for_paper(figure: dict[str, Any]) -> dict[str, Any]:
    """A copy of a screen figure made for a static image: white background, no interactivity hints."""
    fig = copy.deepcopy(figure)
    layout = fig.setdefault("layout", {})
    layout.update(paper_bgcolor="white", plot_bgcolor="white")
    layout.pop("height", None)
    layout.pop("width", None)
    layout["autosize"] = False
    return fig


def render(
    figure: dict[str, Any], *, fmt: str = "svg", width: int = 900, height: int = 400, scale: float = 1
) -> bytes:
    """The figure as SVG (vector, for the PDF) or PNG (for e-mail clients, which do not show SVG)."""
    import kaleido

    start()
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    with _lock:  # the sync server answers one caller at a time
        data = kaleido.calc_fig_sync(for_paper(figure), opts=opts)
    return data if isinstance(data, bytes) else str(data).encode()
