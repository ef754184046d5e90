"""The monthly churn retraining: a beat row, and a task that publishes once per data version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django_celery_beat.models import PeriodicTask

from accounts.models import AuditEvent
from exports.churn_tasks import retrain_churn
from tests.fresh_python import run_python

pytest_plugins = ["tests.churn_fixtures"]
pytestmark = pytest.mark.django_db


def test_the_retraining_is_scheduled_monthly_as_an_editable_beat_row() -> None:
    task = PeriodicTask.objects.get(task="exports.churn_tasks.retrain_churn")
    assert task.enabled and task.crontab is not None
    assert (task.crontab.day_of_month, task.crontab.hour, task.crontab.minute) == ("1", "3", "0")


def test_the_task_is_idempotent_on_unchanged_data_and_audited(settings, trained_path, tmp_path: Path) -> None:
    copy = tmp_path / "w.duckdb"
    shutil.copyfile(trained_path[0], copy)
    settings.WAREHOUSE_PATH = copy
    settings.WAREHOUSE_BACKEND = "duckdb"
    before = copy.read_bytes()
    result = retrain_churn()
    assert result is not None and result["published"] is False
    assert copy.read_bytes() == before
    event = AuditEvent.objects.get(detail__kind="churn_training")
    assert event.username == "celery beat: monthly churn retraining"


def test_the_task_leaves_snowflake_alone(settings) -> None:
    settings.WAREHOUSE_BACKEND = "snowflake"
    assert retrain_churn() is None
    assert not AuditEvent.objects.exists()


def test_beat_names_every_task_without_loading_the_libraries_they_run_on() -> None:
    """Beat imports the task modules only to send tasks by name: scikit-learn, pandas, Plotly and the PDF
    and image libraries load in the worker when a task runs (beat held some 300 MB with them)."""
    script = (
        "import sys, django; from config.celery import app; django.setup(); "
        "app.loader.import_default_modules(); "
        "print(sorted(t for t in app.tasks if not t.startswith('celery.'))); "
        "print(sorted(m for m in ('sklearn', 'scipy', 'pandas', 'pyarrow', 'plotly', 'kaleido', 'weasyprint') "
        "if m in sys.modules))"
    )
    out = run_python(script).stdout.splitlines()
    assert "exports.churn_tasks.retrain_churn" in out[0] and "exports.tasks.export_pdf" in out[0]
    assert out[1] == "[]"
