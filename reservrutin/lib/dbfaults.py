"""Tell a database that cannot be reached from a query that is wrong.

Both raise ``django.db.OperationalError`` (SQLite's "no such table" too), so the type alone
does not say whether to wait and retry (a worker backs off, a web page answers 503) or to
report a bug (a 500 and a traceback). The driver's error code does.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

#: PostgreSQL SQLSTATE classes and codes that mean "the server is not there or not
#: accepting work now": 08 connection exception, 53 insufficient resources (too many
#: connections), 57P01-57P03 shut down by an administrator, crashed, cannot connect now
#: (starting up or shutting down).
PG_CLASSES = ("08", "53")
PG_CODES = {"57P01", "57P02", "57P03"}
#: SQLite result codes: busy, locked, I/O error, cannot open the file.
SQLITE_CODES = {5, 6, 10, 14}


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached (or is restarting) now, as
    opposed to a query or schema that is wrong."""
    if isinstance(exc, InterfaceError):
        return True  # the connection is closed
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__ or exc
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(PG_CLASSES) or sqlstate in PG_CODES
    code = getattr(cause, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in SQLITE_CODES  # the primary code without extended bits
    # psycopg's "connection failed" / "server closed the connection" carry no SQLSTATE:
    # nothing was ever asked of the server.
    return cause.__class__.__module__.startswith("psycopg")
