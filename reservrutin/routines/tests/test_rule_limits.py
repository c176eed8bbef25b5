"""Repetition rules in a routine (service windows) are checked before anything expands them:
``routine validate``, the import and the upload page refuse ``INTERVAL=0`` with the line and
column; a version stored before the check still renders (issue 14)."""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from dateutil.rrule import rrule
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from reservrutin.routines.actions import RoutineRejected, approve_version, import_routine
from reservrutin.routines.models import RoutineVersion
from reservrutin.routines.tests.test_routine_upload import ROUTINE
from reservrutin.test import BaseTestCase


def with_window(rule: str) -> str:
    return ROUTINE + (
        "planned_outages:\n"
        "  service_windows:\n"
        f"    - {{key: w, title: Servicefönster, rrule: '{rule}', starts: '10:00', "
        "ends: '11:00'}\n"
    )


BAD = with_window("FREQ=WEEKLY;INTERVAL=0")
EXPECTED = (
    "planned_outages.service_windows[0].rrule: ”FREQ=WEEKLY;INTERVAL=0” går inte att använda "
    "som upprepningsregel: INTERVAL måste vara ett heltal från 1 till 53."
)


class RoutineRuleLimitTests(BaseTestCase):
    def no_expansion(self) -> mock._patch:  # type: ignore[type-arg]
        return mock.patch.object(rrule, "_iter", side_effect=AssertionError("expanded"))

    def test_routine_validate_refuses_it_with_line_and_column(self) -> None:
        path = Path(tempfile.mkdtemp()) / "bad.yaml"
        self.addCleanup(shutil.rmtree, path.parent)
        path.write_text(BAD, encoding="utf-8")
        err = io.StringIO()
        with self.no_expansion() as iterate, self.assertRaises(CommandError):
            call_command("routine", "validate", str(path), stdout=io.StringIO(), stderr=err)
        iterate.assert_not_called()
        self.assertIn(f"fel: {path}:16:46: {EXPECTED}", err.getvalue())

    def test_import_refuses_it(self) -> None:
        with self.no_expansion() as iterate, self.assertRaises(RoutineRejected) as caught:
            import_routine(BAD, filename="a.yaml", by=self.adam)
        iterate.assert_not_called()
        self.assertIn(EXPECTED, str(caught.exception))
        self.assertFalse(RoutineVersion.objects.exists())

    def test_the_upload_page_refuses_it(self) -> None:
        self.login(self.adam)
        with self.no_expansion() as iterate:
            response = self.client.post(reverse("routines:upload", args=["org-a"]), {"text": BAD})
        iterate.assert_not_called()
        self.assertContains(response, "INTERVAL måste vara ett heltal", status_code=400)

    def test_a_stored_version_with_a_bad_rule_still_renders(self) -> None:
        # Stored before rules were checked: put the bad rule into a version in force.
        imported = import_routine(with_window("FREQ=WEEKLY"), filename="a.yaml", by=self.adam)
        version = approve_version(imported.version, by=self.adam)
        parsed = version.parsed
        parsed["planned_outages"]["service_windows"][0]["rrule"] = "FREQ=WEEKLY;INTERVAL=0"
        RoutineVersion.objects.filter(pk=version.pk).update(parsed=parsed, sha256="0" * 64)
        self.login(self.alice)
        urls = [
            reverse("routines:detail", args=["org-a", "rutin-a"]),
            reverse("routines:pdf", args=["org-a", "rutin-a"]),
            reverse("readiness:binder_pdf", args=["org-a", "unit-a"]),
        ]
        with self.no_expansion() as iterate:
            for url in urls:
                with self.subTest(url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, 200)
        iterate.assert_not_called()
