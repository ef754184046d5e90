"""The production warehouse: Snowflake, through snowflake-connector-python.

Only `dashboards.warehouse.client` calls this module. It raises plain exceptions, which the client turns
into messages fit for a user: `ConnectionError` when Snowflake cannot be reached or refuses the login,
`TimeoutError` when a statement runs past the statement timeout, the connector's own errors otherwise.

- Numbered placeholders (``:1``) bind server-side (``paramstyle="numeric"``); no value is spliced into SQL.
- One connection per Snowflake role, kept and reused across threads (the connector allows sharing a
  connection; each statement gets its own cursor). A connection found closed, or a statement that fails
  because the session is gone (expired, dropped, logged out), is replaced and the statement retried once.
- A person with several portal roles has several Snowflake roles, named together ("A,B"): their session
  logs in as the first and activates the others with ``USE SECONDARY ROLES B``, so that the row access
  policy (sql/snowflake/02_row_access_policy.sql, which asks IS_ROLE_IN_SESSION) sees the union of their
  scopes, as the portal's own rewrite does. Every other session says ``USE SECONDARY ROLES NONE``: a
  user's default secondary roles (ALL, for users made since 2024) would widen what the policy lets through.
- Every statement carries ``QUERY_TAG`` = the portal user's tag, so ``QUERY_HISTORY`` is the audit trail.
- The statement timeout is set twice: ``STATEMENT_TIMEOUT_IN_SECONDS`` on the session (Snowflake cancels)
  and the cursor's ``timeout=`` (the connector cancels, should the server not).

Settings: ``settings.SNOWFLAKE`` (see config/settings.py). Authentication, first match wins: ``oauth_token``
(authenticator="oauth"), ``private_key_file`` (+ ``private_key_passphrase``), ``password``. ``host``,
``port`` and ``protocol`` are passed only when set (for the fakesnow emulator in tests). Optional extra keys:
``session_parameters`` (merged with the timeout), ``network_timeout``, ``login_timeout``, ``socket_timeout``.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:  # the connector (about 40 MB with pyarrow) is imported only when Snowflake is used
    from snowflake.connector import SnowflakeConnection

NAME = "snowflake"
QUERY_TAG_MAX = 2000

# Errors that mean "this session is gone; log in again", not "this statement is wrong".
SESSION_GONE_ERRNOS = frozenset(
    {
        250002,  # connection is closed
        290401,  # HTTP 401: the server no longer knows the session token
        390104,  # user must login again
        390111,  # session no longer exists
        390112,  # session expired (the connector renews by itself; seen only when renewal failed)
        390113,  # master token not found
        390114,  # authentication token has expired
        390115,  # master token invalid
    }
)
TIMEOUT_ERRNOS = frozenset({604, 630})  # cancelled by the client's timer / by the statement timeout
PASS_THROUGH = ("network_timeout", "login_timeout", "socket_timeout")
ROLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")  # as accounts.models.SNOWFLAKE_IDENTIFIER

_lock = threading.Lock()
_connections: dict[str, SnowflakeConnection] = {}
_role_locks: dict[str, threading.Lock] = {}


def statement_timeout() -> int:
    return int(settings.SNOWFLAKE.get("statement_timeout_seconds") or 60)


def _private_key_der(path: str, passphrase: str) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(
        Path(path).read_bytes(), password=passphrase.encode() if passphrase else None
    )
    return key.private_bytes(
        encoding=serialization.Encoding.DER,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def connect_kwargs(role: str | None = None) -> dict[str, Any]:
    """The arguments of `snowflake.connector.connect` for one role (None: the role from settings)."""
    cfg: dict[str, Any] = settings.SNOWFLAKE
    if not cfg.get("account") or not cfg.get("user"):
        raise ConnectionError(
            "SNOWFLAKE_ACCOUNT and SNOWFLAKE_USER must be set to use the Snowflake warehouse"
        )
    kwargs: dict[str, Any] = {"account": cfg["account"], "user": cfg["user"], "paramstyle": "numeric"}
    if cfg.get("oauth_token"):
        kwargs.update(authenticator="oauth", token=cfg["oauth_token"])
    elif cfg.get("private_key_file"):
        kwargs["private_key"] = _private_key_der(
            cfg["private_key_file"], cfg.get("private_key_passphrase") or ""
        )
    elif cfg.get("password"):
        kwargs["password"] = cfg["password"]
    else:
        raise ConnectionError(
            "no Snowflake credentials: set an OAuth token, a private key file or a password"
        )
    for name in ("warehouse", "database", "schema", "host", "port", "protocol"):
        if cfg.get(name):
            kwargs[name] = cfg[name]
    if role or cfg.get("role"):
        kwargs["role"] = role or cfg["role"]
    for name in PASS_THROUGH:
        if cfg.get(name) is not None:
            kwargs[name] = cfg[name]
    kwargs["session_parameters"] = {
        **(cfg.get("session_parameters") or {}),
        "STATEMENT_TIMEOUT_IN_SECONDS": statement_timeout(),
    }
    return kwargs


def session_roles(role: str | None) -> tuple[str | None, tuple[str, ...]]:
    """The primary and secondary roles that `role` names: "A", "A,B,C", or None (the default role)."""
    names = [name.strip() for name in (role or "").split(",") if name.strip()]
    for name in names:
        if not ROLE_NAME.fullmatch(name):
            raise ConnectionError(f"{name!r} is not a Snowflake role name the portal can use")
    return (names[0] if names else None), tuple(names[1:])


def secondary_roles_sql(secondary: tuple[str, ...]) -> str:
    """The statement that activates exactly these secondary roles (names checked by `session_roles`)."""
    return "USE SECONDARY ROLES " + (", ".join(secondary) if secondary else "NONE")


def _connect(role: str | None) -> SnowflakeConnection:
    import snowflake.connector
    from snowflake.connector.errors import Error

    primary, secondary = session_roles(role)
    kwargs = connect_kwargs(primary)
    try:
        conn = snowflake.connector.connect(**kwargs)
    except Error as exc:
        raise ConnectionError(f"cannot connect to Snowflake as role {role or '(default)'}: {exc}") from exc
    try:
        with conn.cursor() as cursor:
            cursor.execute(secondary_roles_sql(secondary))
    except Error as exc:
        _close_quietly(conn)
        raise ConnectionError(f"cannot use the Snowflake roles {role or '(default)'}: {exc}") from exc
    return conn


def _usable(conn: SnowflakeConnection) -> bool:
    return not conn.is_closed() and not getattr(conn, "expired", False)


def connection(role: str | None = None) -> SnowflakeConnection:
    """The kept connection for `role` (one role or several, see `session_roles`), opened (or reopened, if
    closed or expired) on demand."""
    key = role or ""
    conn = _connections.get(key)
    if conn is not None and _usable(conn):
        return conn
    with _lock:
        role_lock = _role_locks.setdefault(key, threading.Lock())
    with role_lock:  # one login per role at a time; other roles are not held up
        conn = _connections.get(key)
        if conn is None or not _usable(conn):
            if conn is not None:
                _close_quietly(conn)
            conn = _connect(role)
            _connections[key] = conn
        return conn


def _discard(role: str | None, conn: SnowflakeConnection) -> None:
    key = role or ""
    with _lock:
        if _connections.get(key) is conn:
            del _connections[key]
    _close_quietly(conn)


def _close_quietly(conn: SnowflakeConnection) -> None:
    # Closing a dead session fails in many ways; none of them matter here.
    with contextlib.suppress(Exception):
        conn.close(retry=False)


def session_gone(exc: BaseException, conn: SnowflakeConnection) -> bool:
    from snowflake.connector.errors import DatabaseError, HttpError, InterfaceError, OperationalError

    if not _usable(conn) or isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DatabaseError | HttpError) and getattr(exc, "errno", None) in SESSION_GONE_ERRNOS


def execute(
    sql: str, params: Sequence[Any], *, role: str | None, user_tag: str
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Run one statement as `role` (one role or several, see `session_roles`), tagged with `user_tag`;
    return upper-case column names and rows."""
    from snowflake.connector.errors import Error

    timeout = statement_timeout()
    for attempt in (1, 2):
        conn = connection(role)
        try:
            with conn.cursor() as cursor:
                cursor.execute(
                    sql,
                    list(params),
                    timeout=timeout,
                    _statement_params={"QUERY_TAG": user_tag[:QUERY_TAG_MAX]},
                )
                columns = tuple(str(d.name).upper() for d in cursor.description or ())
                rows: list[tuple[Any, ...]] = cursor.fetchall()  # type: ignore[assignment]
            return columns, rows
        except Error as exc:
            if getattr(exc, "errno", None) in TIMEOUT_ERRNOS:
                raise TimeoutError(f"the statement ran past {timeout} s and was cancelled") from exc
            if attempt == 1 and session_gone(exc, conn):
                _discard(role, conn)
                continue
            raise
    raise AssertionError("unreachable")


def reset() -> None:
    """Close every kept connection."""
    with _lock:
        conns = list(_connections.values())
        _connections.clear()
    for conn in conns:
        _close_quietly(conn)
