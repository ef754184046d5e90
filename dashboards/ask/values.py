"""The values each enumerated dimension holds, read from the warehouse through the viewer's scope."""

from __future__ import annotations

from accounts.access import Viewer

from ..queries import scope_of
from ..warehouse import client
from ..warehouse.compiler import compile_query
from .model import SemanticModel


def dimension_values(model: SemanticModel, viewer: Viewer) -> dict[str, list[str]]:
    """{dimension name: its distinct values}, one cached query per table (the same cache as charts)."""
    out: dict[str, list[str]] = {}
    for table in model.tables.values():
        dims = [d for d in table.dimensions if d.is_enum]
        if not dims:
            continue
        parts = [
            f"SELECT DISTINCT '{d.name}' AS DIM, CAST({d.expr} AS VARCHAR) AS VALUE FROM ANALYTICS.{table.base_table}"  # noqa: S608 (names from the semantic model, never from the question)
            for d in dims
        ]
        query = compile_query(" UNION ALL ".join(parts), scope=scope_of(viewer))
        result = client.run(query, user_tag=viewer.query_tag, snowflake_role=viewer.snowflake_role)
        for dim, value in result.rows:
            if value is not None:
                out.setdefault(str(dim), []).append(str(value))
    return {name: sorted(values) for name, values in out.items()}
