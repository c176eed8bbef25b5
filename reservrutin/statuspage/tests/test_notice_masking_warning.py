"""Before publishing a notice with something like an identity number, the publisher is
warned and shown what will be masked; the form keeps what was typed, and publishing again
publishes it masked (issue 14)."""

from __future__ import annotations

import re

from django.core.cache import cache

from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.tests.helpers import StatusTestCase

URL = "/org/org-a/driftinfo/ny/"
PNR = "19121212-1212"


class NoticeMaskingWarningTests(StatusTestCase):
    def setUp(self) -> None:
        # Rendered status pages are cached by page version; another test may have left one.
        cache.clear()

    def data(self, body: str = f"Gäller patient {PNR}.") -> dict[str, object]:
        return {
            "title": "Journalen nere",
            "body": body,
            "severity": "outage",
            "systems": [self.system_a.pk],
            "publish": "1",
        }

    def key(self, response: object) -> str:
        match = re.search(rb'name="confirm_masking" value="([0-9a-f]+)"', response.content)  # type: ignore[attr-defined]
        assert match is not None
        return match[1].decode()

    def test_publishing_warns_first_then_publishes_masked(self) -> None:
        self.login(self.petra)
        warned = self.client.post(URL, self.data())
        self.assertContains(warned, "Personnummer maskeras")
        self.assertContains(warned, f"{PNR} → 19121212-****")
        self.assertContains(warned, f"Gäller patient {PNR}.</textarea>")  # kept as typed
        self.assertContains(warned, "Gäller patient 19121212-****.")  # the preview
        self.assertFalse(Notice.objects.exists())
        response = self.client.post(URL, {**self.data(), "confirm_masking": self.key(warned)})
        notice = Notice.objects.get()
        self.assertRedirects(response, f"/org/org-a/driftinfo/{notice.code}/")
        self.assertEqual(notice.status, Notice.Status.PUBLISHED)
        page = self.client.get("/status/org-a/")
        self.assertContains(page, "Gäller patient 19121212-****.")
        self.assertNotContains(page, PNR)

    def test_a_changed_number_needs_a_new_warning(self) -> None:
        self.login(self.petra)
        warned = self.client.post(URL, self.data())
        other = self.data(body="Gäller patient 19850315-2384.")
        response = self.client.post(URL, {**other, "confirm_masking": self.key(warned)})
        self.assertContains(response, "19850315-2384 → 19850315-****")
        self.assertFalse(Notice.objects.exists())

    def test_a_text_without_numbers_publishes_at_once(self) -> None:
        self.login(self.petra)
        response = self.client.post(URL, self.data(body="Ring 0920-28 40 00."))
        self.assertEqual(response.status_code, 302)
        self.assertNotContains(self.client.get(response["Location"]), "Personnummer maskeras")

    def test_an_edit_warns_before_it_is_saved(self) -> None:
        notice = self.publish()
        self.login(self.petra)
        url = f"/org/org-a/driftinfo/{notice.code}/"
        edit = {"title": notice.title, "body": f"Nu även {PNR}.", "severity": "outage"}
        warned = self.client.post(url, edit)
        self.assertContains(warned, f"{PNR} → 19121212-****")
        notice.refresh_from_db()
        self.assertNotIn(PNR, notice.body)
        self.client.post(url, {**edit, "confirm_masking": self.key(warned)})
        notice.refresh_from_db()
        self.assertEqual(notice.body, f"Nu även {PNR}.")  # kept; masked where it leaves
        self.assertNotContains(self.client.get("/status/org-a/"), PNR)
