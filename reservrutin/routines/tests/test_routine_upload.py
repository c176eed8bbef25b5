"""Upload of a routine version: organisation admins only; errors shown at their lines."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reservrutin.routines.models import RoutineVersion
from reservrutin.test import BaseTestCase

ROUTINE = """\
schema: reservrutin/routine/v1
key: rutin-a
title: Rutin A
organisation: org-a
version: "1"
systems: [system-a]
scenarios:
  - key: nere
    title: System A nere
    scope: system_unreachable_for_all
    steps:
      - kind: task
        what: Ring Servicedesk.
"""


class RoutineUploadTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.url = reverse("routines:upload", args=["org-a"])

    def test_it_requires_login(self) -> None:
        self.assert_requires_login(self.url)

    def test_it_forbids_staff_and_other_roles(self) -> None:
        for user in (self.alice, self.carl, self.petra, self.maria):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403, user)
            response = self.client.post(self.url, {"text": ROUTINE})
            self.assertEqual(response.status_code, 403, user)
        self.assertFalse(RoutineVersion.objects.exists())

    def test_it_hides_the_organisation_from_outsiders(self) -> None:
        self.login(self.bob)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, {"text": ROUTINE}).status_code, 404)

    def test_it_lets_the_org_admin_upload_and_approve(self) -> None:
        self.login(self.adam)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        upload = SimpleUploadedFile(
            "rutin-a.yaml", ROUTINE.encode(), content_type="application/yaml"
        )
        response = self.client.post(self.url, {"file": upload, "approve": "on"})
        self.assertRedirects(response, reverse("routines:versions", args=["org-a", "rutin-a"]))
        version = RoutineVersion.objects.get()
        self.assertTrue(version.in_force)
        self.assertEqual((version.imported_by, version.approved_in_app_by), (self.adam, self.adam))

    def test_it_shows_errors_next_to_their_lines_and_keeps_the_text(self) -> None:
        self.login(self.adam)
        bad = ROUTINE.replace("scope: system_unreachable_for_all", "scope: nowhere").replace(
            "[system-a]", "[system-x]"
        )
        response = self.client.post(self.url, {"text": bad})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn('<tr id="rad-10" class="has-error">', html)
        self.assertIn("scenarios[0].scope", html)
        # The text comes back in the text box so it can be fixed there.
        self.assertIn("scope: nowhere", html.split("<textarea", 1)[1])
        self.assertFalse(RoutineVersion.objects.exists())

    def test_it_reports_unknown_registry_keys(self) -> None:
        self.login(self.adam)
        response = self.client.post(self.url, {"text": ROUTINE.replace("[system-a]", "[system-b]")})
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "unknown system &#x27;system-b&#x27; in org-a", status_code=400
        )

    def test_it_refuses_a_routine_of_another_organisation(self) -> None:
        self.login(self.adam)
        response = self.client.post(
            self.url, {"text": ROUTINE.replace("organisation: org-a", "organisation: org-b")}
        )
        self.assertContains(response, "expected &#x27;org-a&#x27;", status_code=400)

    def test_it_asks_for_a_file_or_text(self) -> None:
        self.login(self.adam)
        response = self.client.post(self.url, {})
        self.assertContains(response, "Välj en fil eller klistra in texten.", status_code=400)
