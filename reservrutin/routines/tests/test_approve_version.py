"""``approve_version``: exactly one version in force; older versions stay readable."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.test import TestCase

from reservrutin.routines.actions import approve_version, diff_versions, import_routine
from reservrutin.routines.tests.helpers import make_demo_registry, seed_texts
from reservrutin.test import make_user

LMN = seed_texts()["sesam-lmn.yaml"]


class ApproveVersionTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        make_demo_registry()
        cls.user = make_user("approver")

    def test_it_puts_one_version_in_force(self) -> None:
        v1 = import_routine(LMN, filename="a.yaml", by=None).version
        v2 = import_routine(LMN.replace(b'"1.0"', b'"1.1"'), filename="a.yaml", by=None).version
        approve_version(v1, by=self.user)
        approve_version(v2, by=self.user)
        v1.refresh_from_db()
        v2.refresh_from_db()
        self.assertFalse(v1.in_force)
        self.assertTrue(v2.in_force)
        self.assertEqual(v2.approved_in_app_by, self.user)
        self.assertIsNotNone(v2.approved_in_app_at)
        self.assertEqual(v1.routine.version_in_force(), v2)
        # The previous version is still there to read.
        self.assertEqual(v1.document().title, "Reservrutin för Sesam LMN")

    def test_it_enforces_one_version_in_force_in_the_database(self) -> None:
        v1 = import_routine(LMN, filename="a.yaml", by=None).version
        v2 = import_routine(LMN.replace(b'"1.0"', b'"1.1"'), filename="a.yaml", by=None).version
        approve_version(v1, by=None)
        v2.in_force = True
        with self.assertRaises(IntegrityError), transaction.atomic():
            v2.save(update_fields=["in_force"])

    def test_it_shows_what_changed_between_versions(self) -> None:
        v1 = import_routine(LMN, filename="a.yaml", by=None).version
        v2 = import_routine(
            LMN.replace(b"after: 4h", b"after: 3h"), filename="a.yaml", by=None
        ).version
        lines = diff_versions(v1, v2)
        self.assertIn(("remove", "-        after: 4h"), [(d.kind, d.text) for d in lines])
        self.assertIn(("add", "+        after: 3h"), [(d.kind, d.text) for d in lines])
        self.assertEqual(diff_versions(v1, v1), [])
