"""gunicorn settings shared by `make run` (bin/supervise.py) and the benchmarks: `-c config/gunicorn.py`."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    """A new web process compiles every role's default view in the background (exports.warming)."""
    from exports.warming import prepare_in_background

    prepare_in_background()
