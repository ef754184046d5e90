"""The portal's code version: a fingerprint of what shapes the bytes it serves from its caches.

Rendered fragments are cached for an hour (in Redis, or in files under var/cache that outlive a
restart). Their keys hold the data version and the compiled SQL, but not the Python that builds a
figure, the templates that render it or the hashed static file names the HTML points to. Without
this fingerprint in the key, a deploy that changed any of them would serve the old HTML until the
hour was up, pointing at static files the new deploy may no longer have.

The fingerprint covers the portal's packages, its templates and the static files' manifest. It is
computed once per process: a deploy restarts the processes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

_SUFFIXES = frozenset({".py", ".html", ".txt", ".json"})


def sources() -> list[Path]:
    """What a cached answer depends on besides the data: the packages, templates and static manifest."""
    base = Path(settings.BASE_DIR)
    return [
        *(base / package for package in ("accounts", "config", "dashboards", "exports")),
        base / "templates",
        Path(settings.STATIC_ROOT) / "staticfiles.json",
    ]


def fingerprint(paths: Iterable[Path]) -> str:
    """A hash of the names (relative to each path's folder) and contents of the files under `paths`
    (a file or a folder each). A missing path counts as missing; byte code caches are left out."""
    digest = hashlib.sha256()
    for root in paths:
        if not root.exists():
            digest.update(f"{root.name}\0missing\0".encode())
            continue
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.suffix in _SUFFIXES and "__pycache__" not in path.parts and path.is_file():
                content = path.read_bytes()
                digest.update(f"{path.relative_to(root.parent)}\0{len(content)}\0".encode())
                digest.update(content)
    return digest.hexdigest()[:16]


@functools.cache
def code_version() -> str:
    """This process's code version (see the module's docstring)."""
    return fingerprint(sources())
