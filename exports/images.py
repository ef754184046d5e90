"""Static chart images through kaleido, which drives Debian's Chromium (settings.CHROMIUM_PATH).

One kaleido server per process, started when first needed (or when a worker process starts, see
exports/tasks.py): about 2 to 5 s cold, then a few tenths of a second a chart. Its Chromium (about
400 MB) is closed after KALEIDO_IDLE_SECONDS without a chart, and started again by the next one.
"""

from __future__ import annotations

import copy
import os
import threading
import time
from typing import Any

from django.conf import settings

_lock = threading.Lock()
_last_used = 0.0
_idle_timer: threading.Timer | None = None
_idle_due = 0.0


def _close_if_idle() -> None:
    global _idle_timer
    idle = float(getattr(settings, "KALEIDO_IDLE_SECONDS", 300))
    with _lock:
        _idle_timer = None
        waited = time.monotonic() - _last_used
        if waited < idle:  # used meanwhile: look again when it may have become idle
            _schedule_idle_check(idle - waited)
            return
        _stop_locked()


def _schedule_idle_check(after: float) -> None:
    """Called with `_lock` held. A check due sooner than `after` is kept (it looks again when it fires);
    one due later (the idle time was shortened) is replaced."""
    global _idle_timer, _idle_due
    due = time.monotonic() + after
    if _idle_timer is not None and _idle_due <= due + 0.5:
        return
    if _idle_timer is not None:
        _idle_timer.cancel()
    _idle_timer = threading.Timer(after, _close_if_idle)
    _idle_timer.daemon = True
    _idle_due = due
    _idle_timer.start()


def start() -> None:
    with _lock:
        _start_locked()


def running() -> bool:
    import kaleido

    return bool(kaleido._global_server.is_running())


def _start_locked() -> None:
    import kaleido

    if not kaleido._global_server.is_running():
        # choreographer also reads BROWSER_PATH; both point at the system's Chromium.
        os.environ.setdefault("BROWSER_PATH", settings.CHROMIUM_PATH)
        kaleido.start_sync_server(path=settings.CHROMIUM_PATH, mathjax=False, silence_warnings=True)


def stop() -> None:
    with _lock:
        _stop_locked()


def _stop_locked() -> None:
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


def for_paper(figure: dict[str, Any]) -> dict[str, Any]:
    """A copy of a screen figure made for a static image: white background, no interactivity hints."""
    fig = copy.deepcopy(figure)
    layout = fig.setdefault("layout", {})
    layout.update(paper_bgcolor="white", plot_bgcolor="white")
    layout.pop("height", None)
    layout.pop("width", None)
    paper_margin = (layout.get("meta") or {}).get("paper_margin")
    if paper_margin:  # drawn about as wide as a three-column card: its legend and names need less room
        layout["margin"] = {**layout.get("margin", {}), **paper_margin}
    layout["autosize"] = False
    return fig


def render(
    figure: dict[str, Any], *, fmt: str = "svg", width: int = 900, height: int = 400, scale: float = 1
) -> bytes:
    """The figure as SVG (vector, for the PDF) or PNG (for e-mail clients, which do not show SVG)."""
    import kaleido

    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    global _last_used
    with _lock:  # the sync server answers one caller at a time
        _start_locked()
        data = kaleido.calc_fig_sync(for_paper(figure), opts=opts)
        _last_used = time.monotonic()
        _schedule_idle_check(float(getattr(settings, "KALEIDO_IDLE_SECONDS", 300)))
    return data if isinstance(data, bytes) else str(data).encode()
