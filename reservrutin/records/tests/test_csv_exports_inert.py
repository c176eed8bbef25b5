"""Every CSV export writes ``=HYPERLINK(`` typed by a user as inert text (issue 14): the
back-registration queues (mine, the unit's, the outage's), the payment overview, the
readiness overview and the outage timeline, all through lib.csvexport."""

from __future__ import annotations

import csv
import datetime as dt
import io

import time_machine
from django.urls import reverse

from reservrutin.accounts.models import Unit
from reservrutin.lib.csvexport import FORMULA_PREFIXES
from reservrutin.outages import actions as outage_actions
from reservrutin.readiness.tests.helpers import import_and_approve, make_roles
from reservrutin.records import actions
from reservrutin.records.tests import test_views_discharge
from reservrutin.records.tests.helpers import NEXT_MORNING, PNR, RecordsTestCase

HOSTILE = '=HYPERLINK("http://angripare.example/","Klicka")'


class CsvExportsAreInertTests(RecordsTestCase):
    def test_every_csv_export_writes_a_formula_as_text(self) -> None:
        Unit.objects.filter(pk=self.unit_a.pk).update(name=HOSTILE)
        make_roles(self.org_a)
        import_and_approve()
        self.capture(subject=actions.Subject(HOSTILE, PNR))
        outage_actions.add_note(self.outage, text=HOSTILE, by=self.adam)
        outage_actions.add_note(self.outage, text=f"Gäller {PNR}.", by=self.adam)
        self.login(self.alice)
        discharge = test_views_discharge.DischargeViewTests.data(self, patient_name=HOSTILE)  # type: ignore[arg-type]
        self.assertEqual(
            self.client.post("/org/org-a/utskrivningsklar/ny/", discharge).status_code, 302
        )
        exports = {
            self.alice: ["/efterregistrering/?format=csv"],
            self.maria: ["/org/org-a/enhet/unit-a/efterregistrering/?format=csv"],
            self.adam: [
                f"/org/org-a/efterregistrering/driftstorning/{self.outage.code}/?format=csv",
                reverse("readiness:overview_csv", args=["org-a"]),
                reverse("outages:timeline_csv", args=["org-a", self.outage.code]),
            ],
        }
        later = NEXT_MORNING + dt.timedelta(days=6)
        payment = f"/org/org-a/enhet/unit-a/betalningsansvar/?outage={self.outage.code}&format=csv"
        seen = 0
        for user, urls in exports.items():
            for url in urls:
                self.login(user)
                seen += self.assert_inert(self.client.get(url), url)
        with time_machine.travel(later, tick=False):
            self.login(self.alice)
            seen += self.assert_inert(self.client.get(payment), payment)
        self.assertEqual(seen, 6)
        timeline = reverse("outages:timeline_csv", args=["org-a", self.outage.code])
        self.login(self.adam)
        text = self.client.get(timeline).content.decode("utf-8-sig")
        self.assertIn("Gäller 19121212-****.", text)
        self.assertNotIn(PNR, text)

    def assert_inert(self, response: object, url: str) -> int:
        self.assertEqual(response.status_code, 200, url)  # type: ignore[attr-defined]
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8", url)  # type: ignore[index]
        text = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
        self.assertIn("'" + HOSTILE, cells, url)
        self.assertEqual([c for c in cells if c.startswith(FORMULA_PREFIXES)], [], url)
        return 1
