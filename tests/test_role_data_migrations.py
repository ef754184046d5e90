"""Every accounts data migration that shapes the starting roles is replayed by the browser tests'
`_starting_roles` fixture (tests/fixtures/oidc.py), so a flushed database matches a migrated one."""

import re
from pathlib import Path

from tests.fixtures.oidc import ROLE_DATA_MIGRATIONS

MIGRATIONS = Path(__file__).resolve().parents[1] / "accounts" / "migrations"


def test_every_role_data_migration_is_replayed_after_a_flush():
    shaping = {
        f"accounts.migrations.{path.stem}"
        for path in MIGRATIONS.glob("0*.py")
        if "RunPython" in (text := path.read_text()) and re.search(r'get_model\("accounts", "Role"\)', text)
    }
    assert shaping, "the starting roles come from data migrations"
    assert shaping == {module for module, _ in ROLE_DATA_MIGRATIONS}
