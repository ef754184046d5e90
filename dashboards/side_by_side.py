"""Thread pools for the parts of one request that run side by side: warehouse queries (DuckDB and the
Snowflake connector release the GIL while a query runs). Each use has its own pool, and no task
submits to the pool it runs on, so a task never waits on its own queue."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connections

T = TypeVar("T")


def pool(name: str, workers: int = 8) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)


def _closing(fn: Callable[..., T], *args: Any) -> T:
    try:
        return fn(*args)
    finally:
        connections.close_all()  # this pool thread's own connections, if anything opened one


def submit(on: ThreadPoolExecutor, fn: Callable[..., T], *args: Any) -> Future[T]:
    """`fn(*args)` on a thread of `on`, which then closes any database connection it opened."""
    return on.submit(_closing, fn, *args)
