"""End to end, Treserva and TES (002_9f3ec9bdad603208.txt): TES-07, TES-09, TES-10."""

from __future__ import annotations

from reservrutin.outages.actions import confirm_outage, resolve_outage
from reservrutin.outages.models import Outage, Task
from reservrutin.outages.queries import reporting_guide
from reservrutin.outages.tests.helpers import DemoTestCase, at, local


class TreservaTesTest(DemoTestCase):
    def test_it_points_tes_07_after_hours_reports_to_the_on_call_number(self) -> None:
        org, tes = self.org("linkoping"), [self.system("linkoping", "tes")]
        evening = reporting_guide(org, tes, local(19))
        self.assertEqual([c.point.key for c in evening.contacts], ["lkdata-beredskap"])
        self.assertEqual(evening.contacts[0].point.phone, "013-20 70 00")
        office = reporting_guide(org, tes, local(10))
        self.assertEqual([c.point.key for c in office.contacts], ["anvandarstod-portal"])
        # TES-08: the required fields; TES-09: the staff steps.
        self.assertIn("Namn på felanmälare", office.required_fields)
        self.assertTrue(any("konventionella nycklar" in i for i in office.instructions))

    def test_it_tes_07_task_names_the_contact_point_that_answers_now(self) -> None:
        mikael = self.user("mikael.sund")
        with at(19):
            submitted = self.report("linkoping", ["tes"], by=self.user("jonas.strom"))
            outage = confirm_outage(
                submitted.outage, by=mikael, scenario_key="oplanerat-driftstopp-tes"
            )
        task = Task.objects.get(outage=outage, source_key="oplanerat-driftstopp-tes:rapportera")
        self.assertIn("013-20 70 00", task.script)

    def _outage_resolved_after(self, hours: int) -> Outage:
        mikael = self.user("mikael.sund")
        with at(7):
            submitted = self.report("linkoping", ["tes"], by=self.user("jonas.strom"))
            confirm_outage(submitted.outage, by=mikael, scenario_key="oplanerat-driftstopp-tes")
        with at(7 + hours):
            return resolve_outage(submitted.outage, at=local(7 + hours), by=mikael)

    def test_it_tes_10_asks_employees_to_back_register_after_six_hours(self) -> None:
        outage = self._outage_resolved_after(6)
        self.assertEqual(outage.status, Outage.Status.BACK_REGISTRATION)
        tasks = outage.tasks.filter(source=Task.Source.RESOLUTION)
        # One task per employee (each: person), the administrator as their fallback.
        self.assertEqual(
            set(tasks.values_list("role_key", "assignee__username", "fallback_role_key")),
            {("medarbetare", "jonas.strom", "administrator")},
        )

    def test_it_tes_10_leaves_back_registration_to_the_administrations_after_eleven_hours(
        self,
    ) -> None:
        outage = self._outage_resolved_after(11)
        roles = set(
            outage.tasks.filter(source=Task.Source.RESOLUTION).values_list("role_key", flat=True)
        )
        self.assertEqual(roles, {"forvaltningarna"})
