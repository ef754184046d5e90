"""Fixtures for the churn model and the campaign simulator: a copy of the small test warehouse with a
trained churn model version, trained once per session with `manage.py train_churn`.

Import the fixtures into a test module: `from tests.churn_fixtures import trained_path, trained`.
"""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="session")
def trained_path(
    demo_warehouse_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    django_db_setup: Any,
    django_db_blocker: Any,
) -> tuple[Path, str]:
    """(path, output of train_churn): the test warehouse copied, with one trained churn version."""
    path = tmp_path_factory.mktemp("churn") / "trained.duckdb"
    shutil.copyfile(demo_warehouse_path, path)
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("train_churn", "--warehouse", str(path), stdout=out)
        transaction.set_rollback(True)  # its audit event must not leak into other tests
    return path, out.getvalue()


@pytest.fixture
def trained(settings: Any, trained_path: tuple[Path, str]) -> Iterator[Path]:
    """The trained warehouse as the portal's DuckDB backend."""
    from dashboards.warehouse import client as warehouse_client

    settings.WAREHOUSE_PATH = trained_path[0]
    settings.WAREHOUSE_BACKEND = "duckdb"
    warehouse_client.reset()
    yield trained_path[0]
    warehouse_client.reset()


def last_json(output: str) -> dict[str, Any]:
    return json.loads(output.strip().splitlines()[-1])
