"""``dbfaults.unreachable`` tells a database that is gone from a query that is wrong."""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg.errors
from django.db import DatabaseError, InterfaceError, OperationalError, ProgrammingError
from django.test import SimpleTestCase

from reservrutin.lib.dbfaults import unreachable


def wrapped(cause: BaseException, kind: type[Exception] = OperationalError) -> Exception:
    """What Django raises: its own error with the driver's as the cause."""
    try:
        raise kind(str(cause)) from cause
    except kind as exc:
        return exc


def sqlite_error(sql: str) -> sqlite3.Error:
    try:
        sqlite3.connect(":memory:").execute(sql)
    except sqlite3.Error as exc:
        return exc
    raise AssertionError("no error")


class UnreachableTests(SimpleTestCase):
    def test_it_recognises_a_server_that_is_gone_or_restarting(self) -> None:
        for cause in (
            psycopg.OperationalError("connection failed: Connection refused"),
            psycopg.OperationalError("server closed the connection unexpectedly"),
            psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
            psycopg.errors.CannotConnectNow("the database system is starting up"),
            psycopg.errors.TooManyConnections("too many clients already"),
        ):
            with self.subTest(cause=str(cause)):
                self.assertTrue(unreachable(wrapped(cause)))
        self.assertTrue(unreachable(InterfaceError("connection already closed")))

    def test_it_recognises_a_busy_or_missing_sqlite_file(self) -> None:
        locked = sqlite3.OperationalError("database is locked")
        locked.sqlite_errorcode = 5  # type: ignore[attr-defined]
        self.assertTrue(unreachable(wrapped(locked)))
        missing = sqlite_error("ATTACH DATABASE '/nonexistent/dir/x.db' AS x")
        self.assertTrue(unreachable(wrapped(missing)))

    def test_a_wrong_query_is_not_an_outage(self) -> None:
        for error in (
            wrapped(sqlite_error("SELECT * FROM nothing_here")),  # "no such table"
            wrapped(psycopg.errors.UndefinedTable("relation does not exist")),
            wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
            wrapped(psycopg.errors.SyntaxError("syntax error"), ProgrammingError),
            DatabaseError("something else"),
            RuntimeError("not a database error"),
        ):
            with self.subTest(error=str(error)):
                self.assertFalse(unreachable(error))
