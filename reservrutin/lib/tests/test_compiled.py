"""Compiled queries: the same rows as the QuerySet, read fresh each call, strings swapped in."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase

from reservrutin.accounts.models import Organisation
from reservrutin.lib import compiled
from reservrutin.lib.clock import now


class CompiledQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.first = Organisation.objects.create(key="forsta", name="Första regionen")
        cls.second = Organisation.objects.create(key="andra", name="Andra kommunen")

    def setUp(self) -> None:
        compiled.forget()

    def by_key(self, key: str) -> list[tuple]:
        return compiled.rows(
            "test.by_key",
            lambda k: Organisation.objects.filter(key=k).values_list("key", "name"),
            strings=(key,),
        )

    def test_it_returns_what_the_queryset_returns(self) -> None:
        queryset = Organisation.objects.order_by("name").values_list("id", "key", "name")
        self.assertEqual(compiled.rows("test.all", lambda: queryset), list(queryset))

    def test_each_call_reads_the_database_again(self) -> None:
        build = lambda: Organisation.objects.order_by("key").values_list("key")  # noqa: E731
        self.assertEqual(compiled.rows("test.keys", build), [("andra",), ("forsta",)])
        Organisation.objects.create(key="tredje", name="Tredje")
        self.assertEqual(compiled.rows("test.keys", build), [("andra",), ("forsta",), ("tredje",)])

    def test_strings_change_per_call_without_compiling_again(self) -> None:
        self.assertEqual(self.by_key("forsta"), [("forsta", "Första regionen")])
        self.assertEqual(self.by_key("andra"), [("andra", "Andra kommunen")])
        self.assertEqual(self.by_key("finns-inte"), [])
        self.assertEqual(
            len([k for k in compiled._COMPILED if k[-1] == "test.by_key"]),
            1,
        )

    def test_a_string_the_sql_changes_is_refused(self) -> None:
        with self.assertRaisesMessage(ValueError, "every placeholder"):
            compiled.rows(
                "test.contains",
                lambda k: Organisation.objects.filter(key__contains=k).values_list("key"),
                strings=("forst",),
            )

    def test_values_are_converted_as_the_orm_converts_them(self) -> None:
        # SQLite hands back text for times; the field converters must still run.
        from reservrutin.statuspage.models import PageVersion

        PageVersion.objects.create(organisation=self.first, version=3, changed_at=now())
        (row,) = compiled.rows(
            "test.version",
            lambda: PageVersion.objects.filter(organisation=self.first).values_list(
                "version", "changed_at"
            ),
        )
        expected = PageVersion.objects.values_list("version", "changed_at").get()
        self.assertEqual(row, expected)
        self.assertIsNotNone(row[1].tzinfo)

    def test_postgresql_parses_and_plans_the_query_once_per_connection(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("prepared statements are PostgreSQL's")
        for _ in range(3):
            self.by_key("forsta")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"accounts_organisation"."key" = $1%'],
            )
            self.assertEqual(cursor.fetchone()[0], 1)
