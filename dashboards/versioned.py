"""Small per-process memos of warehouse answers that only change with the data: keyed on the data version.

Filter option lists and the data range are read on every page and fragment request to validate the
query string. Their results are cached by the warehouse client already, but reaching that cache still
compiles and looks up one query per filter. Here each answer is kept in process memory under
(what, backend, data version, the viewer's scope, Snowflake role): a refresh of the warehouse changes
the version and so invalidates it, and two viewers share an entry only when they see the same rows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from accounts.access import Viewer

from .queries import scope_of
from .warehouse import client

T = TypeVar("T")
MAX_ENTRIES = 1024  # (kind, scope) pairs kept per process; the oldest is dropped first

_lock = threading.Lock()
_memo: OrderedDict[Hashable, object] = OrderedDict()


def viewer_key(viewer: Viewer) -> Hashable:
    """Everything about a viewer that changes what the warehouse answers: the scope and the Snowflake role."""
    return (scope_of(viewer), viewer.snowflake_role or "")


def per_version(kind: str, viewer: Viewer, compute: Callable[[], T]) -> T:
    """`compute()`, once per (kind, data version, viewer scope) in this process. Errors are not kept."""
    key = (kind, client.backend_name(), client.data_version(), viewer_key(viewer))
    with _lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _memo[key] = value
        while len(_memo) > MAX_ENTRIES:
            _memo.popitem(last=False)
    return value


def clear() -> None:
    """Forget every memo (tests)."""
    with _lock:
        _memo.clear()
