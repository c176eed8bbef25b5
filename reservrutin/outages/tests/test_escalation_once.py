"""Each escalation is recorded and sent once per person (issue 12: the system owner got the
same message twice, and escalation lines were duplicated, when several steps or a report and
a step reached the same person)."""

from __future__ import annotations

from reservrutin.notifications.models import OutboxMessage
from reservrutin.outages import actions
from reservrutin.outages.models import Escalation, TimelineEntry
from reservrutin.outages.tests.helpers import at
from reservrutin.outages.tests.lifecycle_routine import LifecycleCase


class EscalationOnceTest(LifecycleCase):
    def test_two_steps_naming_the_system_owner_send_one_message(self) -> None:
        with at(10):
            outage = actions.confirm_outage(self.report(), by=self.carl, scenario_key="nere")
        self.assertEqual(Escalation.objects.filter(outage=outage, person=self.adam).count(), 1)
        self.assertEqual(OutboxMessage.objects.filter(recipient="adam@example.org").count(), 1)
        # The second step still reaches the unit manager, who was not told yet.
        self.assertEqual(Escalation.objects.filter(outage=outage, person=self.maria).count(), 1)
        lines = [e.text for e in outage.timeline.filter(kind=TimelineEntry.Kind.ESCALATION)]
        self.assertEqual(
            lines, ["Systemansvarig meddelad: Adam Admin.", "Enhetschef meddelad: Maria Månsson."]
        )

    def test_a_callers_report_and_the_scenario_alert_the_owner_once(self) -> None:
        """LMN-04 escalates a report for a caller to the owner role; confirming then runs a
        notify step to the same role: the owner is alerted once."""
        with at(10):
            outage = self.report(on_behalf_of_caller=True)
            self.report(on_behalf_of_caller=True)  # a second caller, same outage
            actions.confirm_outage(outage, by=self.carl, scenario_key="nere")
        self.assertEqual(Escalation.objects.filter(outage=outage, person=self.adam).count(), 1)
        self.assertEqual(OutboxMessage.objects.filter(recipient="adam@example.org").count(), 1)
