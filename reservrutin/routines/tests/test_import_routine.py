"""``import_routine``: validates against the registry, adds versions, skips identical text."""

from __future__ import annotations

from django.test import TestCase

from reservrutin.audit.models import AuditEvent
from reservrutin.routines.actions import RoutineRejected, export_text, import_routine
from reservrutin.routines.models import Routine
from reservrutin.routines.tests.helpers import make_demo_registry, seed_texts
from reservrutin.test import make_user

SEEDS = seed_texts()


class ImportRoutineTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.orgs = make_demo_registry()
        cls.user = make_user("importer")

    def test_it_imports_every_seed(self) -> None:
        for name, text in SEEDS.items():
            imported = import_routine(text, filename=name, by=self.user)
            self.assertTrue(imported.created, name)
            self.assertEqual(imported.version.number, 1)
            self.assertFalse(imported.version.in_force)
        self.assertEqual(Routine.objects.count(), 5)
        lmn = Routine.objects.get(key="sesam-lmn")
        self.assertEqual(lmn.organisation.key, "region-skane")
        version = lmn.latest_version()
        assert version is not None
        self.assertEqual(
            (version.approved_by, str(version.approved_on)), ("Hermansson, Anna", "2024-02-14")
        )
        self.assertEqual(version.imported_by, self.user)
        self.assertEqual(len(version.sha256), 64)
        self.assertTrue(AuditEvent.objects.filter(action="routine.import").exists())

    def test_it_does_not_add_a_version_for_identical_text(self) -> None:
        first = import_routine(SEEDS["sesam-lmn.yaml"], filename="a.yaml", by=self.user)
        again = import_routine(SEEDS["sesam-lmn.yaml"], filename="b.yaml", by=self.user)
        self.assertFalse(again.created)
        self.assertEqual(again.version.pk, first.version.pk)

    def test_it_adds_a_new_version_for_changed_text(self) -> None:
        import_routine(SEEDS["sesam-lmn.yaml"], filename="a.yaml", by=self.user)
        changed = SEEDS["sesam-lmn.yaml"].replace(b'version: "1.0"', b'version: "1.1"')
        second = import_routine(changed, filename="a.yaml", by=self.user)
        self.assertTrue(second.created)
        self.assertEqual((second.version.number, second.version.document_version), (2, "1.1"))

    def test_it_rejects_unknown_registry_keys(self) -> None:
        bad = SEEDS["sesam-lmn.yaml"].replace(
            b"notify_roles: [systemansvarig]", b"notify_roles: [okand-roll]"
        )
        with self.assertRaises(RoutineRejected) as caught:
            import_routine(bad, filename="a.yaml", by=self.user)
        (problem,) = caught.exception.problems
        self.assertEqual(
            (problem.line, problem.path), (114, "scenarios[1].steps[0].notify_roles[0]")
        )
        self.assertTrue(
            problem.message.startswith("okänd roll ”okand-roll” i region-skane; i registret finns:")
        )
        self.assertFalse(Routine.objects.exists())

    def test_it_rejects_a_routine_of_another_organisation(self) -> None:
        with self.assertRaises(RoutineRejected) as caught:
            import_routine(
                SEEDS["sesam-lmn.yaml"],
                filename="a.yaml",
                by=self.user,
                organisation=self.orgs["linkoping"],
            )
        problem = caught.exception.problems[0]
        self.assertEqual(problem.path, "organisation")
        self.assertEqual(
            problem.message,
            "rutinen hör till ”region-skane”, men laddas upp för ”linkoping”; ändra fältet "
            "”organisation” eller ladda upp rutinen hos rätt organisation",
        )

    def test_it_round_trips_import_export_import(self) -> None:
        """Exporting the normalised form and importing it gives the same document."""
        for name, text in SEEDS.items():
            first = import_routine(text, filename=name, by=None).version
            exported = export_text(first, normalised=True)
            second = import_routine(exported, filename=name, by=None).version
            self.assertEqual(second.parsed, first.parsed, name)
            self.assertEqual(export_text(first), text.decode())
