"""Running code in a fresh Python interpreter from the repository's root, for what a test process cannot
show itself: settings computed from another environment, the modules a process ends up loading."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_python(
    code: str, env: Mapping[str, str] | None = None, *, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -c code` with this interpreter, in `env` (this process's when None), its output as text.
    With `check`, a failing run raises CalledProcessError."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=None if env is None else dict(env),
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )
