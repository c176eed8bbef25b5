"""Bad input gets a 4xx, never a 500 (issue 14): parameters that are not UUIDs, NUL bytes,
huge or odd integers and lone surrogates, in the address, a form or an uploaded routine;
the upload's error page shows the lines around each error, not the whole file."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from reservrutin.records.tests.helpers import RecordsTestCase
from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.models import RoutineVersion
from reservrutin.routines.tests.test_routine_upload import ROUTINE

NOT_UUID = "inte-en-uuid"
HUGE = "9" * 4300


class BadInputTests(RecordsTestCase):
    def assert_4xx(self, response: object, where: str) -> None:
        status = response.status_code  # type: ignore[attr-defined]
        self.assertTrue(400 <= status < 500, f"{where}: {status}")

    def test_an_outage_that_is_not_a_uuid_on_every_form(self) -> None:
        self.login(self.adam)
        for url in (
            "/org/org-a/efterregistrering/ny/",
            "/org/org-a/utskrivningsklar/ny/",
            "/org/org-a/enhet/unit-a/betalningsansvar/",
            "/org/org-a/driftinfo/ny/",
            "/org/org-a/blanketter/journal_note.pdf",
        ):
            for value in (NOT_UUID, HUGE, "%00", "%ED%A0%80"):
                with self.subTest(url=url, value=value[:12]):
                    response = self.client.get(f"{url}?outage={value}")
                    self.assertEqual(response.status_code, 400)

    def test_nul_bytes_and_surrogates_anywhere_are_refused(self) -> None:
        self.login(self.adam)
        for url in (
            "/org/org-a/efterregistrering/ny/?unit=%00",
            "/org/org-a/blanketter/journal_note.pdf?unit=%00",
            "/efterregistrering/?x%00=1",
            "/org/org-a/storningar/?q=a%00b",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertContains(response, "Felaktig begäran", status_code=400)
        response = self.client.post(
            "/org/org-a/efterregistrering/ny/", {"written_by_name": "Nora\x00", "content": "x"}
        )
        self.assertEqual(response.status_code, 400)

    def test_a_report_that_is_not_a_uuid_on_verify(self) -> None:
        self.login(self.adam)
        url = f"/org/org-a/storningar/{self.outage.code}/verifiera/"
        for value in (NOT_UUID, HUGE, ""):
            with self.subTest(value=value[:12]):
                self.assert_4xx(self.client.post(url, {"report": value}), value[:12])

    def test_routine_version_numbers_that_are_not_numbers(self) -> None:
        version = import_routine(ROUTINE, filename="a.yaml", by=self.adam).version
        approve_version(version, by=self.adam)
        self.login(self.alice)
        for url in (
            "/org/org-a/rutiner/rutin-a/",
            "/org/org-a/rutiner/rutin-a/pdf/",
        ):
            for value in (HUGE, "99999999999", "²", "-1", "0"):
                with self.subTest(url=url, value=value[:12]):
                    self.assert_4xx(self.client.get(f"{url}?version={value}"), url)
        versions = "/org/org-a/rutiner/rutin-a/versioner/"
        self.assert_4xx(self.client.get(f"{versions}?a=1&b={HUGE}"), versions)
        self.assertEqual(self.client.get(f"{versions}?a=1&b=1").status_code, 200)

    def upload(self, text: str, *, as_file: bool = True) -> object:
        self.login(self.adam)
        data: dict[str, object] = (
            {"file": SimpleUploadedFile("r.yaml", text.encode("utf-8", "surrogatepass"))}
            if as_file
            else {"text": text}
        )
        return self.client.post("/org/org-a/rutiner/ladda-upp/", data)

    def test_a_routine_with_a_huge_integer_or_a_lone_surrogate_escape(self) -> None:
        cases = {
            "integer": (ROUTINE + f"notes: [{HUGE}]\n", "talet har 4300 siffror"),
            "surrogate": (ROUTINE + 'notes: ["\\ud800"]\n', "ensamt surrogat"),
            "key": (ROUTINE + '"\\udc00": 1\n', "ensamt surrogat"),
            "infinity": (ROUTINE + "notes: [1" + "0" * 400 + ".5]\n", "inget tal"),
        }
        for name, (text, message) in cases.items():
            for as_file in (True, False):
                with self.subTest(case=name, as_file=as_file):
                    response = self.upload(text, as_file=as_file)
                    self.assertContains(response, message, status_code=400)
        self.assertFalse(RoutineVersion.objects.exists())

    def test_the_error_page_of_a_big_file_shows_the_lines_around_the_errors(self) -> None:
        lines = (f"falt_{n:06d}: {n}\n" for n in range(60_000))
        text = ROUTINE
        for line in lines:
            if len(text) + len(line) > 1024 * 1024:
                break
            text += line
        response = self.upload(text)
        self.assertEqual(response.status_code, 400)
        body = response.content.decode()
        self.assertLess(len(body), 100_000)  # a 1 MB file with 50,000 errors
        self.assertIn("falt_000000", body)  # the first error, with its line
        self.assertIn("Och ", body)  # the rest are counted
        self.assertNotIn("falt_050000", body)
        # Pasted text is kept in the box (what was typed), the lines still excerpted.
        pasted = self.upload(ROUTINE + "falt_x: 1\n", as_file=False)
        self.assertContains(pasted, "falt_x: 1</textarea>", status_code=400)

    def test_a_choice_of_rows_with_an_id_no_column_holds(self) -> None:
        self.login(self.adam)
        for url in ("/org/org-a/driftinfo/ny/", "/org/org-a/planerat/", "/org/org-a/felanmalan/"):
            for value in (HUGE, "99999999999999999999", "-1", "²"):
                with self.subTest(url=url, value=value[:12]):
                    response = self.client.post(url, {"systems": [value]})
                    self.assertEqual(response.status_code, 400)
