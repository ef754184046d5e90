"""The semantic model (sql/semantic/customer_analytics.yaml), loaded into typed values."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

MODEL_PATH = Path(settings.BASE_DIR) / "sql" / "semantic" / "customer_analytics.yaml"


@dataclass(frozen=True)
class Dimension:
    name: str
    table: str
    expr: str
    synonyms: tuple[str, ...] = ()
    description: str = ""
    data_type: str = "VARCHAR"
    is_enum: bool = False
    sample_values: tuple[str, ...] = ()
    is_time: bool = False

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Metric:
    name: str
    table: str
    expr: str
    synonyms: tuple[str, ...] = ()
    description: str = ""

    @property
    def label(self) -> str:
        text = self.name.replace("_", " ")
        return text[0].upper() + text[1:]

    @property
    def fmt(self) -> str:
        """How values show, by naming convention: *_share/*_rate/within_target are shares, money sums."""
        upper = self.expr.upper()
        if self.name.endswith(("_share", "_rate", "_within_target")):
            return "pct"
        if upper.startswith("COUNT("):
            return "int"
        if any(word in self.name for word in ("revenue", "value", "cost")):
            return "money"
        if upper.startswith("SUM("):
            return "int"
        return "float2"


@dataclass(frozen=True)
class Table:
    name: str
    base_table: str  # the ANALYTICS table
    description: str = ""
    dimensions: tuple[Dimension, ...] = ()
    time_dimensions: tuple[Dimension, ...] = ()
    metrics: tuple[Metric, ...] = ()
    synonyms: tuple[str, ...] = ()

    @property
    def time(self) -> Dimension | None:
        return self.time_dimensions[0] if self.time_dimensions else None


@dataclass(frozen=True)
class Relationship:
    name: str
    left: str
    right: str
    left_column: str
    right_column: str


@dataclass(frozen=True)
class VerifiedQuery:
    name: str
    question: str
    sql: str
    category: str
    onboarding: bool


@dataclass(frozen=True)
class SemanticModel:
    name: str
    tables: dict[str, Table]
    relationships: tuple[Relationship, ...]
    verified_queries: tuple[VerifiedQuery, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    @property
    def metrics(self) -> list[Metric]:
        return [m for t in self.tables.values() for m in t.metrics]

    @property
    def dimensions(self) -> list[Dimension]:
        return [d for t in self.tables.values() for d in t.dimensions]

    def metric(self, name: str) -> Metric:
        return next(m for m in self.metrics if m.name == name)

    def dimension(self, name: str) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)

    def join(self, left: str, right: str) -> Relationship | None:
        """The relationship from table `left` to `right`, if the model declares one."""
        return next((r for r in self.relationships if r.left == left and r.right == right), None)


def _strings(values: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (values or ()))


def _dimension(table: str, raw: dict[str, Any], *, is_time: bool = False) -> Dimension:
    return Dimension(
        name=raw["name"],
        table=table,
        expr=raw["expr"],
        synonyms=_strings(raw.get("synonyms")),
        description=raw.get("description", ""),
        data_type=raw.get("data_type", "VARCHAR"),
        is_enum=bool(raw.get("is_enum")),
        sample_values=_strings(raw.get("sample_values")),
        is_time=is_time,
    )


def parse_model(raw: dict[str, Any]) -> SemanticModel:
    tables: dict[str, Table] = {}
    for t in raw["tables"]:
        name = t["name"]
        tables[name] = Table(
            name=name,
            base_table=str(t["base_table"]["table"]).upper(),
            description=t.get("description", ""),
            dimensions=tuple(_dimension(name, d) for d in t.get("dimensions", [])),
            time_dimensions=tuple(_dimension(name, d, is_time=True) for d in t.get("time_dimensions", [])),
            metrics=tuple(
                Metric(m["name"], name, m["expr"], _strings(m.get("synonyms")), m.get("description", ""))
                for m in t.get("metrics", [])
            ),
            synonyms=_strings(t.get("synonyms")),
        )
    relationships = tuple(
        Relationship(
            r["name"],
            r["left_table"],
            r["right_table"],
            r["relationship_columns"][0]["left_column"],
            r["relationship_columns"][0]["right_column"],
        )
        for r in raw.get("relationships", [])
    )
    verified = tuple(
        VerifiedQuery(
            q["name"],
            q["question"],
            q.get("sql", ""),
            q["name"].split("_", 1)[0].capitalize(),
            bool(q.get("use_as_onboarding_question")),
        )
        for q in raw.get("verified_queries", [])
    )
    return SemanticModel(raw["name"], tables, relationships, verified, raw)


def load_raw(path: Path = MODEL_PATH) -> dict[str, Any]:
    return dict(yaml.safe_load(path.read_text()))


@cache
def semantic_model() -> SemanticModel:
    """The semantic model, read once per process."""
    return parse_model(load_raw())
