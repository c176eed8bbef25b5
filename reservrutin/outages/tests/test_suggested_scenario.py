"""Issue 12: the routine maps a report's answers (part, extent, self-check answers) to a
suggested scenario (``suggest_when``); the coordinator sees it on the outage page and
confirms it or chooses another. Bad ``suggest_when`` is refused with line and reason."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.outages import actions
from reservrutin.outages.models import Outage, TimelineEntry
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.scope_helpers import ROUTINE, install_scope_world
from reservrutin.routines.validation import validate_document
from reservrutin.test import BaseTestCase

Q1 = "Fungerar det på en annan dator eller mobil?"
Q2 = "Har dina kollegor samma problem?"


class SuggestedScenarioTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        install_scope_world(cls)

    def report(self, *, part: object = None, extent: str, colleagues: str = "nej") -> Outage:
        with at(10):
            outage = actions.submit_report(
                self.org_a,
                systems=[self.system_a],
                part=part,
                fault_type="function_broken",
                extent=extent,
                unit=self.unit_a,
                reporter=self.alice,
                self_check=[
                    {"question": Q1, "answer": "nej"},
                    {"question": Q2, "answer": colleagues},
                ],
                idempotency_key=f"{extent}-{colleagues}-{part}",
            ).outage
        assert outage is not None
        return outage

    def test_the_answers_suggest_the_local_scenario(self) -> None:
        outage = self.report(part=self.journal, extent="my_unit", colleagues="ja")
        self.assertEqual(outage.suggested_scenario_key, "lokalt-journal")
        self.assertTrue(
            outage.timeline.filter(
                kind=TimelineEntry.Kind.SCENARIO, data__scenario="lokalt-journal"
            ).exists()
        )

    def test_every_condition_must_match(self) -> None:
        cases = [
            ({"part": None, "extent": "my_unit", "colleagues": "ja"}, ""),
            ({"part": "journal", "extent": "my_unit", "colleagues": "nej"}, ""),
            ({"part": "journal", "extent": "everyone", "colleagues": "ja"}, "hela-systemet"),
            ({"part": None, "extent": "several_units", "colleagues": "nej"}, "hela-systemet"),
        ]
        for given, expected in cases:
            with self.subTest(**given):
                Outage.objects.update(status=Outage.Status.CLOSED)  # each report opens anew
                part = self.journal if given["part"] else None
                outage = self.report(
                    part=part, extent=given["extent"], colleagues=given["colleagues"]
                )
                self.assertEqual(outage.suggested_scenario_key, expected)

    def test_the_coordinator_sees_the_suggestion_and_may_choose_another(self) -> None:
        outage = self.report(part=self.journal, extent="my_unit", colleagues="ja")
        self.login(self.carl)
        url = reverse("outages:detail", args=["org-a", outage.code])
        with at(10, 5):
            page = self.client.get(url)
            self.assertContains(page, "Rutinen föreslår scenariot Journalmodulen nere på en enhet")
            self.assertContains(page, '<option value="lokalt-journal" selected>')
            self.assertContains(page, "Journal: Avbrott")  # the part's state, internally
            self.assertContains(page, "Avdelning A")
            response = self.client.post(
                reverse("outages:change", args=["org-a", outage.code, "bekrafta"]),
                {"scenario": "hela-systemet"},
            )
        self.assertEqual(response.status_code, 302)
        outage.refresh_from_db()
        self.assertEqual(
            (outage.scenario_key, outage.suggested_scenario_key),
            ("hela-systemet", "lokalt-journal"),
        )

    def test_staff_see_the_page_without_the_confirm_form(self) -> None:
        outage = self.report(part=self.journal, extent="my_unit", colleagues="ja")
        self.login(self.alice)
        with at(10, 5):
            page = self.client.get(reverse("outages:detail", args=["org-a", outage.code]))
        self.assertContains(page, "rutinen föreslår: Journalmodulen nere på en enhet")
        self.assertNotContains(page, "Bekräfta och starta scenariot")


class SuggestWhenValidationTest(BaseTestCase):
    def test_a_question_number_beyond_the_self_check_is_refused_with_its_line(self) -> None:
        text = ROUTINE.replace("{question: 2, answer: ja}", "{question: 7, answer: ja}")
        result = validate_document(text, filename="r.yaml")
        self.assertEqual(len(result.errors), 1, result.errors)
        problem = result.errors[0]
        self.assertIn("fråga 7 finns inte", problem.message)
        self.assertIn("2 frågor", problem.message)
        self.assertEqual(
            problem.line, text.splitlines().index("        - {question: 7, answer: ja}") + 1
        )

    def test_an_empty_suggest_when_is_refused(self) -> None:
        text = ROUTINE.replace(
            "    suggest_when:\n      extent: [several_units, everyone]\n",
            "    suggest_when: {}\n",
        )
        result = validate_document(text, filename="r.yaml")
        self.assertTrue(
            any("behöver minst ett av" in p.message for p in result.errors), result.errors
        )

    def test_an_unknown_extent_is_refused(self) -> None:
        text = ROUTINE.replace("extent: [my_unit]", "extent: [hela-varlden]")
        result = validate_document(text, filename="r.yaml")
        self.assertTrue(result.errors)
        self.assertIn("suggest_when", result.errors[0].path)
