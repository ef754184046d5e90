"""Append one day of new activity to the demo warehouse, to show a data refresh reaching open pages.

The facts of the last day with interactions are copied one day later with new ids (tickets,
reviews, transactions and interactions alike), into a copy of the file that then atomically
replaces the original: readers see the old file or the new one, never a half-written one, and the
warehouse's data version (the file's identity and time) changes. Per-customer models are not
rebuilt: this is a demonstration of freshness, not a pipeline.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

# (table, id column, timestamp columns shifted by a day, text id columns made unique)
FACTS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("FACT_CUSTOMER_INTERACTIONS", "INTERACTION_ID", ("INTERACTION_TS",), ()),
    ("FACT_PRODUCT_REVIEWS", "REVIEW_ID", ("REVIEW_TS",), ()),
    ("FACT_SUPPORT_TICKETS", "TICKET_ID", ("CREATED_AT", "RESOLVED_AT"), ("EXTERNAL_TICKET_ID",)),
    ("FACT_TRANSACTIONS", "TRANSACTION_ID", ("TRANSACTION_TS",), ()),
)


def _append(con: duckdb.DuckDBPyConnection, source_day: dt.date) -> dict[str, int]:
    added: dict[str, int] = {}
    for table, id_column, stamps, texts in FACTS:
        time_column = stamps[0]
        offset = con.execute(f"SELECT COALESCE(MAX({id_column}), 0) FROM ANALYTICS.{table}").fetchone()  # noqa: S608 (names from FACTS)
        replaced = [f"{id_column} + {int(offset[0] if offset else 0)} AS {id_column}"]
        replaced += [f"{c} + INTERVAL 1 DAY AS {c}" for c in stamps]
        replaced += [
            f"{c} || '-' || CAST({id_column} + {int(offset[0] if offset else 0)} AS VARCHAR) AS {c}"
            for c in texts
        ]
        before = con.execute(f"SELECT COUNT(*) FROM ANALYTICS.{table}").fetchone()  # noqa: S608
        con.execute(
            f"INSERT INTO ANALYTICS.{table} SELECT * REPLACE ({', '.join(replaced)}) "  # noqa: S608
            f"FROM ANALYTICS.{table} WHERE CAST({time_column} AS DATE) = ?",
            [source_day],
        )
        after = con.execute(f"SELECT COUNT(*) FROM ANALYTICS.{table}").fetchone()  # noqa: S608
        added[table] = int(after[0] if after else 0) - int(before[0] if before else 0)
    con.execute(
        "INSERT INTO ANALYTICS.DIM_DATE SELECT * REPLACE (DATE_DAY + 1 AS DATE_DAY) FROM ANALYTICS.DIM_DATE "
        "WHERE DATE_DAY = ? AND NOT EXISTS (SELECT 1 FROM ANALYTICS.DIM_DATE WHERE DATE_DAY = ?)",
        [source_day, source_day + dt.timedelta(days=1)],
    )
    return added


def append_day(path: Path) -> tuple[dt.date, dict[str, int]]:
    """Append a day after the last day with interactions; return that new day and the rows added."""
    handle, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        shutil.copyfile(path, tmp)
        con = duckdb.connect(str(tmp))
        try:
            row = con.execute(
                "SELECT MAX(CAST(INTERACTION_TS AS DATE)) FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS"
            ).fetchone()
            if not row or row[0] is None:
                raise ValueError(f"{path} has no interactions to copy")
            last: dt.date = row[0]
            added = _append(con, last)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return last + dt.timedelta(days=1), added
