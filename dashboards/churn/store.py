"""Write a trained model version into the DuckDB warehouse file, atomically.

The portal opens the file read-only, so a version is written into a copy that replaces the file
with `os.replace` only when everything succeeded (the portal picks the new file up by itself, see
dashboards/warehouse/duckdb_backend.py). A failure leaves the current file and version untouched.
Every version's scores stay in CHURN_MODEL_SCORES; CHURN_PREDICTIONS and the CHURN_RISK of
CUSTOMER_PERSONA_SIGNALS hold the latest version's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import sqlglot
from sqlglot import exp

from dashboards.warehouse.demo.generate import SQL_DIR

VERSION_TABLES = ("CHURN_MODEL_VERSIONS", "CHURN_MODEL_SCORES")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the version tables (from schema.sql, the contract) in a warehouse built before them."""
    for statement in sqlglot.parse((SQL_DIR / "schema.sql").read_text(), read="snowflake"):
        schema = statement.this if isinstance(statement, exp.Create) else None
        if (
            statement is not None
            and isinstance(schema, exp.Schema)
            and schema.this.name.upper() in VERSION_TABLES
        ):
            statement.set("exists", True)
            con.execute(statement.sql(dialect="duckdb"))


def latest(path: Path) -> dict[str, Any] | None:
    """The latest version's row (CARD parsed), or None when no model was trained yet."""
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            frame = con.execute(
                "SELECT * FROM ANALYTICS.CHURN_MODEL_VERSIONS ORDER BY TRAINED_AT DESC LIMIT 1"
            ).df()
        except duckdb.CatalogException:
            return None
    if frame.empty:
        return None
    row = frame.iloc[0].to_dict()
    row["CARD"] = json.loads(row["CARD"])
    return row


def current_predictions(path: Path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "SELECT CUSTOMER_ID, CHURN_RISK_SCORE, CHURN_RISK_CATEGORY, MODEL_VERSION FROM ANALYTICS.CHURN_PREDICTIONS"
        ).df()


def has_version(path: Path, version: str) -> bool:
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            rows = con.execute(
                "SELECT 1 FROM ANALYTICS.CHURN_MODEL_VERSIONS WHERE MODEL_VERSION = ?", [version]
            ).fetchall()
        except duckdb.CatalogException:
            return False
    return bool(rows)


def write_version(
    path: Path,
    *,
    version: str,
    scores: pd.DataFrame,
    row: dict[str, Any],
    card: dict[str, Any],
    scored_at: dt.datetime,
    before_replace: Callable[[], None] | None = None,
) -> None:
    """Add `version` (its scores and its versions row) and make it the latest, atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.churn.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    shutil.copyfile(path, tmp)
    con = None
    try:
        con = duckdb.connect(str(tmp))
        ensure_tables(con)
        frame = scores.assign(MODEL_VERSION=version, SCORED_AT=scored_at)
        con.register("_scores", frame)
        con.execute("BEGIN")
        con.execute("DELETE FROM ANALYTICS.CHURN_MODEL_SCORES WHERE MODEL_VERSION = ?", [version])
        con.execute("DELETE FROM ANALYTICS.CHURN_MODEL_VERSIONS WHERE MODEL_VERSION = ?", [version])
        con.execute(
            "INSERT INTO ANALYTICS.CHURN_MODEL_SCORES BY NAME SELECT MODEL_VERSION, CUSTOMER_ID, "
            "CHURN_RISK_SCORE, CHURN_RISK_CATEGORY, TOP_FACTOR, FACTORS, SCORED_AT FROM _scores"
        )
        values = row | {"MODEL_VERSION": version, "TRAINED_AT": scored_at, "CARD": json.dumps(card)}
        columns = list(values)
        con.execute(
            f"INSERT INTO ANALYTICS.CHURN_MODEL_VERSIONS ({', '.join(columns)}) "  # noqa: S608 - our own column names
            f"VALUES ({', '.join('?' for _ in columns)})",
            [values[c] for c in columns],
        )
        con.execute("DELETE FROM ANALYTICS.CHURN_PREDICTIONS")
        con.execute(
            "INSERT INTO ANALYTICS.CHURN_PREDICTIONS BY NAME SELECT CUSTOMER_ID, CHURN_RISK_SCORE, "
            "CHURN_RISK_CATEGORY, TOP_FACTOR, MODEL_VERSION, SCORED_AT FROM _scores"
        )
        con.execute(
            "UPDATE ANALYTICS.CUSTOMER_PERSONA_SIGNALS AS s SET CHURN_RISK = p.CHURN_RISK_CATEGORY "
            "FROM _scores AS p WHERE p.CUSTOMER_ID = s.CUSTOMER_ID"
        )
        con.execute("COMMIT")
        con.unregister("_scores")
        con.execute("CHECKPOINT")
        con.close()
        con = None
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    finally:
        if con is not None:
            with contextlib.suppress(Exception):
                con.close()
        for leftover in (tmp, Path(f"{tmp}.wal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
