"""Upload of a routine version: organisation admins only; errors shown at their lines, in
plain Swedish (or English for someone who chose English)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reservrutin.routines.models import RoutineVersion
from reservrutin.test import BaseTestCase

#: What a routine owner writes by hand: a number where text belongs, a misspelt scope and a
#: misspelt field.
BROKEN = """\
schema: reservrutin/routine/v1
key: rutin-a
title: Rutin A
organisation: org-a
version: 1.0
systems: [system-a]
scenarios:
  - key: nere
    title: System A nere
    scope: system_unreachable
    stpes:
      - kind: task
        what: Ring Servicedesk.
"""

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
            response,
            "okänt system ”system-b” i org-a; i registret finns: system-a",
            status_code=400,
        )

    def test_it_refuses_a_routine_of_another_organisation(self) -> None:
        self.login(self.adam)
        response = self.client.post(
            self.url, {"text": ROUTINE.replace("organisation: org-a", "organisation: org-b")}
        )
        self.assertContains(
            response,
            "rutinen hör till ”org-b”, men laddas upp för ”org-a”; ändra fältet ”organisation” "
            "eller ladda upp rutinen hos rätt organisation",
            status_code=400,
        )

    def test_it_asks_for_a_file_or_text(self) -> None:
        self.login(self.adam)
        response = self.client.post(self.url, {})
        self.assertContains(response, "Välj en fil eller klistra in texten.", status_code=400)

    def test_it_explains_a_typical_broken_file_in_plain_swedish(self) -> None:
        """The routine owner sees, at each line, the field and what to write instead."""
        self.login(self.adam)
        response = self.client.post(self.url, {"text": BROKEN})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn('<html lang="sv">', html)
        self.assertIn("Rutinen har 3 fel", html)
        for line, column, path, message in [
            (5, 10, "version", "ska vara text, men är ett tal (1.0); sätt citattecken runt värdet"),
            (
                10,
                12,
                "scenarios[0].scope",
                "ska vara ett av: region_wide_it_collapse, system_unreachable_for_all, "
                "local_loss_of_contact, telephony_disrupted, power_short, power_long, wifi_down, "
                "mobile_network_down, login_service_down, planned, other, men är texten "
                "”system_unreachable”; menade du ”system_unreachable_for_all”?",
            ),
            (
                11,
                5,
                "scenarios[0].stpes",
                "okänt fält ”stpes” – menade du ”steps”? Tillåtna fält: key, title, scope, "
                "recognise, systems, suggest_when, wait_for_instructions, steps, timers, staff_instructions, "
                "notes",
            ),
        ]:
            with self.subTest(path=path):
                # In the list at the top …
                self.assertIn(
                    f'<li><a href="#rad-{line}">Rad {line}, kolumn {column}</a> – '
                    f"<code>{path}</code>: {message}</li>",
                    html,
                )
                # … and next to the line itself.
                row = html.split(f'<tr id="rad-{line}" class="has-error">', 1)[1].split("</tr>")[0]
                self.assertIn(f"Kolumn {column}, <code>{path}</code>: {message}", row)
        self.assertFalse(RoutineVersion.objects.exists())

    def test_it_explains_the_same_file_in_english_to_someone_who_chose_english(self) -> None:
        self.login(self.adam)
        self.client.post("/i18n/setlang/", {"language": "en", "next": self.url})
        response = self.client.post(self.url, {"text": BROKEN})
        self.assertEqual(response.status_code, 400)
        html = response.content.decode()
        self.assertIn('<html lang="en">', html)
        self.assertIn("The routine has 3 errors", html)
        self.assertIn(
            '<li><a href="#rad-5">Line 5, column 10</a> – <code>version</code>: should be text, '
            "but is a number (1.0); put quotes around the value</li>",
            html,
        )
        self.assertIn(
            "<code>scenarios[0].scope</code>: should be one of: region_wide_it_collapse,", html
        )
        self.assertIn(
            "but is the text “system_unreachable”; did you mean “system_unreachable_for_all”?",
            html,
        )
        self.assertIn(
            "<code>scenarios[0].stpes</code>: unknown field “stpes” – did you mean “steps”? "
            "Allowed fields: key, title,",
            html,
        )
        self.assertNotIn("ska vara", html)
