"""The warehouse's errors, in a module of their own: what catches them (Celery tasks, which beat also
imports to name them) needs neither DuckDB nor the SQL compiler loaded."""


class WarehouseError(Exception):
    """A warehouse statement failed. ``str(error)`` is fit to show a user: no SQL, no stack."""


class WarehouseUnavailable(WarehouseError):
    """The warehouse cannot be reached at all: the DuckDB file is missing, Snowflake is down or refuses us."""
