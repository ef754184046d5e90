"""Project-wide pytest set-up: the fixture plugins live in tests/fixtures/, one module per part."""

from pathlib import Path

_FIXTURES = Path(__file__).parent / "fixtures"

pytest_plugins = [
    f"tests.fixtures.{name}"
    for name in ("warehouse", "snowflake", "browser", "portal", "oidc", "celery_worker")
    if (_FIXTURES / f"{name}.py").exists()
]
