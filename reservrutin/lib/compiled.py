"""Run a QuerySet's SQL again without building and compiling the QuerySet again.

Building a QuerySet and compiling it to SQL costs about half a millisecond of CPU here,
more than PostgreSQL takes to answer the query. The public status page runs the same few
queries for every render (issue 5: 500 uncached renders/s on two cores), so ``rows`` keeps
the compiled SQL, its parameters and the field converters per key, and runs the SQL
directly. The key must name everything the SQL depends on (organisation ids, the first day
of the history, ...): the QuerySet is built once per key and never looked at again.

This keeps SQL text, never results: every call reads the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from django.db import connections
from django.db.models import QuerySet

_MAX = 1_000
_COMPILED: dict[Hashable, tuple[str, tuple[Any, ...], list, list[tuple[int, int]]]] = {}
_LOCK = threading.Lock()


def rows(
    key: Hashable,
    build: Callable[..., QuerySet],
    *,
    strings: tuple[str, ...] = (),
    using: str = "default",
) -> list[tuple]:
    """The rows of ``build(*strings)`` (a ``values_list`` QuerySet), compiled once per ``key``.

    ``strings`` are values that change from call to call without changing the SQL (a key
    from the address, say): ``build`` is called once with placeholders, which must reach the
    SQL parameters unchanged (``key=...``, not ``key__contains=...``), and each call puts
    its own strings in their place. Columns come in the SQL's order: fields, then
    annotations.
    """
    connection = connections[using]
    entry = _COMPILED.get((using, connection.vendor, key))
    if entry is None:
        placeholders = tuple(f"\x00compiled-{i}\x00" for i in range(len(strings)))
        entry = _compile(build(*placeholders), using, placeholders)
        with _LOCK:
            if len(_COMPILED) >= _MAX:
                _COMPILED.clear()
            _COMPILED[(using, connection.vendor, key)] = entry
    sql, params, converters, slots = entry
    if slots:
        filled = list(params)
        for position, index in slots:
            filled[position] = strings[index]
        params = tuple(filled)
    if connection.vendor == "postgresql" and not (
        connection.queries_logged or connection.execute_wrappers
    ):
        fetched = _fetch_prepared(connection, sql, params)
    else:
        with _cursor(connection) as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
    if not converters:
        return fetched
    return [tuple(r) for r in _convert(fetched, converters, connection)]


def _fetch_prepared(connection: Any, sql: str, params: tuple[Any, ...]) -> list[tuple]:
    """Run ``sql`` on this connection's own preparing cursor, kept open between calls.

    Django's cursor wrapper and a new psycopg cursor per query cost about as much CPU as
    PostgreSQL answering these queries; what the wrapper does that matters here (one
    connection per thread, no query inside a broken transaction, Django's exceptions) is
    done below. With the query log or an execute wrapper on (DEBUG, tests counting
    queries) ``rows`` goes through Django's cursor instead, so they see every query.
    """
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    raw_connection = connection.connection
    kept = getattr(connection, "_compiled_cursor", None)
    if kept is None or kept.connection is not raw_connection or kept.closed:
        kept = connection._compiled_cursor = _new_cursor(raw_connection)
    with connection.wrap_database_errors:
        kept.execute(sql, params)
        return kept.fetchall()


def _new_cursor(raw_connection: Any) -> Any:
    cursor = _PreparingCursor(raw_connection)
    # Django reads timestamps through a Python subclass of psycopg's loader (to attach its
    # time zone); the connection's session is UTC, so psycopg's own C loader gives the same
    # aware datetimes at a fraction of the cost.
    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
    return cursor


def _cursor(connection: Any) -> Any:
    """Django's cursor; on PostgreSQL one that binds on the server and prepares the statement,
    so PostgreSQL parses and plans each of these queries once per connection."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _new_cursor(connection.connection)
    # The same wrapping as connection.cursor(): the query log and execute wrappers see it.
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


try:
    import psycopg
    from psycopg.types.datetime import TimestamptzLoader

    class _PreparingCursor(psycopg.Cursor):
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)

except ImportError:  # pragma: no cover - SQLite-only installs
    pass


def _compile(
    queryset: QuerySet, using: str, placeholders: tuple[str, ...]
) -> tuple[str, tuple[Any, ...], list, list[tuple[int, int]]]:
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    fields = [s[0] for s in compiler.select[: compiler.col_count]]
    converters = [
        (position, functions, expression)
        for position, (functions, expression) in compiler.get_converters(fields).items()
    ]
    slots = [
        (position, placeholders.index(param))
        for position, param in enumerate(params)
        if isinstance(param, str) and param in placeholders
    ]
    if sorted(index for _, index in slots) != list(range(len(placeholders))):
        raise ValueError(f"every placeholder must be one SQL parameter, as is: {sql!r} {params!r}")
    return sql, tuple(params), converters, slots


def _convert(fetched: list, converters: list, connection: Any) -> Iterator[list]:
    # The same conversion Django's SQLCompiler.apply_converters does (SQLite returns text for
    # times and JSON; PostgreSQL needs JSON decoded), with this thread's connection.
    for row in map(list, fetched):
        for position, functions, expression in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        yield row


def forget() -> None:
    """Drop every compiled query (tests that change the schema)."""
    _COMPILED.clear()
