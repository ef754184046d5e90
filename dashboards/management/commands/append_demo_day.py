"""`manage.py append_demo_day`: one more day of activity in the demo warehouse, to show freshness."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboards.warehouse.demo.append_day import append_day


class Command(BaseCommand):
    help = (
        "Append a day of new activity (a copy of the last day's facts, one day later) to the demo "
        "warehouse, replacing the file atomically. Open pages notice the new data and refresh their charts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", default=None, help="DuckDB file (default: settings.WAREHOUSE_PATH).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"] or settings.WAREHOUSE_PATH)
        if not path.exists():
            raise CommandError(f"--path: {path} does not exist; run `manage.py build_warehouse` first")
        try:
            day, added = append_day(path)
        except ValueError as error:
            raise CommandError(str(error)) from error
        rows = ", ".join(f"{n:,} {table}" for table, n in added.items())
        self.stdout.write(f"Appended {day:%Y-%m-%d} to {path}: {rows}.")
