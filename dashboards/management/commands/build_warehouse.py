"""`manage.py build_warehouse`: build the embedded demo warehouse (a DuckDB file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dashboards.warehouse.demo import BuildReport, build_warehouse


class Command(BaseCommand):
    help = (
        "Build the embedded demo warehouse: seeded, realistic customer-analytics data in a DuckDB "
        "file, replaced atomically. The same --customers, --seed and --as-of give the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Values are checked in handle(), so that call_command() keyword arguments get the same
        # checks and messages as the command line.
        parser.add_argument("--customers", default=50_000, help="Number of customers (default 50000).")
        parser.add_argument("--seed", default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            default=None,
            help="Last day of the two-year history, YYYY-MM-DD (default: yesterday).",
        )
        parser.add_argument(
            "--output", default=None, help="DuckDB file to write (default: settings.WAREHOUSE_PATH)."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when the output file already exists.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customers = _integer(options["customers"], "--customers", minimum=1)
        seed = _integer(options["seed"], "--seed", minimum=0)
        as_of = _date(options["as_of"], "--as-of")
        output = Path(options["output"] or settings.WAREHOUSE_PATH)

        if options["if_missing"] and output.exists():
            self.stdout.write(f"{output} exists; nothing to do (--if-missing).")
            return

        try:
            report = build_warehouse(
                output,
                customers=customers,
                seed=seed,
                as_of=as_of,
                progress=options["verbosity"] >= 1,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 1:
            self._print_report(report)

    def _print_report(self, report: BuildReport) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {report.path} in {report.total_seconds:.1f} s "
                f"({report.customers:,} customers, seed {report.seed}, as of {report.as_of})."
            )
        )
        width = max(len(name) for name in (*report.step_seconds, *report.row_counts))
        self.stdout.write(f"\n{'step':<{width}}  {'seconds':>10}")
        for name, seconds in report.step_seconds.items():
            self.stdout.write(f"{name:<{width}}  {seconds:>10.2f}")
        self.stdout.write(f"\n{'table':<{width}}  {'rows':>10}")
        for table, rows in report.row_counts.items():
            self.stdout.write(f"{table:<{width}}  {rows:>10,}")


def _integer(value: object, name: str, *, minimum: int) -> int:
    try:
        number = int(str(value).replace("_", ""))
    except ValueError:
        raise CommandError(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise CommandError(f"{name} must be at least {minimum}, not {number}.")
    return number


def _date(value: object, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(f"{name} must be a date as YYYY-MM-DD, not {value!r}.") from None
