"""The embedded demo warehouse: seeded, realistic data in a local DuckDB file (see generate.py)."""

from .generate import BuildReport, build_warehouse

__all__ = ["BuildReport", "build_warehouse"]
