"""Train the churn model on the demo warehouse, print its held-out metrics and publish it.

The last line of the output is one JSON object: f1, precision, recall, roc_auc, baseline_f1, version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboards.churn.service import train_and_publish


class Command(BaseCommand):
    help = "Train the churn model (time-based split), print held-out metrics, publish a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--warehouse", type=Path, default=None, help="DuckDB file (default WAREHOUSE_PATH)"
        )
        parser.add_argument("--force", action="store_true", help="retrain even if this version exists")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "SNOWFLAKE_ACCOUNT", ""):
            raise CommandError(
                "train_churn writes the DuckDB demo warehouse; with Snowflake, load CHURN_MODEL_SCORES as the "
                "README describes"
            )
        path = options["warehouse"] or Path(settings.WAREHOUSE_PATH)
        if not path.exists():
            raise CommandError(f"no warehouse at {path}: run manage.py build_warehouse first")
        try:
            outcome = train_and_publish(path, force=options["force"], actor="manage.py train_churn")
        except ValueError as error:
            raise CommandError(f"training failed, the current version stays: {error}") from error
        m = outcome.metrics
        write = self.stdout.write
        write(
            f"version {outcome.version} ({'published' if outcome.published else 'unchanged: already current'})"
        )
        if outcome.published:
            write(f"held-out cut-off: {m.get('prevalence', 0):.1%} of customers churned")
            write(f"confusion matrix: tp {m['tp']}  fp {m['fp']}  fn {m['fn']}  tn {m['tn']}")
        for key in ("f1", "precision", "recall", "roc_auc", "baseline_f1"):
            write(f"{key:12} {float(m[key]):.3f}")
        write(f"training   {outcome.training_seconds:.1f} s")
        if outcome.published:
            write(f"scoring    {outcome.scoring_seconds:.1f} s")
        write(json.dumps(outcome.summary()))
