"""The status page shows a system as affected when something it needs has trouble
(SOD-07 power, SOD-08 network, SOD-10 login), with the cause, in the page, the API and the
widget, at the same few queries."""

from __future__ import annotations

import datetime as dt
import json
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.registry.models import Dependency, System
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.tests.helpers import StatusTestCase

OFFLINE = "Appen fungerar offline cirka 8 timmar."


class DependencyStatusTests(StatusTestCase):
    """Journalsystemet logs in through SITHS-inloggning, which needs Regionens nät (not
    public: infrastructure); the app needs the network directly; the journal needs power."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        system = lambda key, name, **kw: System.objects.create(  # noqa: E731
            organisation=cls.org_a, key=key, name=name, **kw
        )
        cls.journal = system("journal", "Journalsystemet")
        cls.siths = system("siths", "SITHS-inloggning", kind=System.Kind.INFRASTRUCTURE)
        cls.network = system(
            "natet", "Regionens nät", kind=System.Kind.INFRASTRUCTURE, public=False
        )
        cls.power = system("el", "Elförsörjning", kind=System.Kind.INFRASTRUCTURE)
        cls.app = system("appen", "Hemtjänstappen", kind=System.Kind.MOBILE_APP)
        Dependency.objects.create(system=cls.journal, depends_on=cls.siths, kind="login")
        Dependency.objects.create(system=cls.siths, depends_on=cls.network, kind="network")
        Dependency.objects.create(
            system=cls.app, depends_on=cls.network, kind="network", note=OFFLINE
        )
        Dependency.objects.create(
            system=cls.journal,
            depends_on=cls.power,
            kind="power",
            note="Datorerna räcker 4–8 timmar på batteri.",
        )

    def setUp(self) -> None:
        cache.clear()

    def page(self, url: str = "/status/org-a/") -> str:
        cache.clear()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def row(self, page: str, name: str) -> str:
        """The system list's row for ``name``: its state label and cause lines."""
        match = re.search(rf'<li><span class="n">(?:<a [^>]*>)?{name}<.*?</li>', page)
        self.assertIsNotNone(match, f"no row for {name}")
        return match.group(0)

    def publish_on(self, system: System, severity: str = Notice.Severity.OUTAGE, **kw) -> Notice:
        return self.publish(
            systems=[system], severity=severity, title=f"{system.name} fungerar inte", **kw
        )

    def test_sod_10_a_system_that_logs_in_through_a_service_with_an_outage_is_affected(
        self,
    ) -> None:
        notice = self.publish_on(self.siths)
        page = self.page()
        journal = self.row(page, "Journalsystemet")
        self.assertIn('<span class="st affected">Påverkas</span>', journal)
        self.assertIn(
            f'<a href="#n-{notice.code}">Påverkas av avbrott i SITHS-inloggning</a> (inloggning).',
            journal,
        )
        # The cause's own row keeps its own state, and the link points at its notice.
        self.assertIn('<span class="st outage">Avbrott</span>', self.row(page, "SITHS-inloggning"))
        self.assertIn(f'id="n-{notice.code}"', page)
        # Systems that do not need it are untouched.
        self.assertIn('<span class="st ok">I drift</span>', self.row(page, "System A"))

    def test_sod_10_the_system_is_no_longer_affected_when_the_notice_has_ended(self) -> None:
        notice = self.publish_on(self.siths)
        actions.end_notice(notice, by=self.adam)
        journal = self.row(self.page(), "Journalsystemet")
        self.assertIn('<span class="st ok">I drift</span>', journal)
        self.assertNotIn("Påverkas", journal)

    def test_sod_08_a_network_outage_affects_what_needs_the_network_however_far_down(
        self,
    ) -> None:
        self.publish_on(self.network, severity=Notice.Severity.DISTURBANCE)
        page = self.page()
        self.assertIn(
            "Påverkas av störning i Regionens nät</a> (nätverk).",
            self.row(page, "SITHS-inloggning"),
        )
        # Through SITHS: the way the journal depends on it is its login.
        self.assertIn(
            "Påverkas av störning i Regionens nät</a> (inloggning, via SITHS-inloggning).",
            self.row(page, "Journalsystemet"),
        )
        # The registry's note says what happens.
        self.assertIn(f"(nätverk). {OFFLINE}", self.row(page, "Hemtjänstappen"))
        # The network is not public: it gets no row, but its notice is printed.
        self.assertNotIn('<span class="n">Regionens nät', page)
        self.assertIn("Regionens nät fungerar inte", page)

    def test_sod_07_planned_work_in_progress_on_the_power_supply_affects_the_journal(
        self,
    ) -> None:
        planned = Outage.objects.create(
            organisation=self.org_a,
            kind=Outage.Kind.PLANNED,
            title="Byte av ställverk",
            started_at=clock.now() - dt.timedelta(minutes=5),
            planned_end_at=clock.now() + dt.timedelta(hours=1),
            created_at=clock.now(),
        )
        planned.systems.add(self.power)
        journal = self.row(self.page(), "Journalsystemet")
        self.assertIn('<span class="st affected">Påverkas</span>', journal)
        self.assertIn(
            "Påverkas av planerat arbete i Elförsörjning (ström). "
            "Datorerna räcker 4–8 timmar på batteri.",
            journal,
        )

    def test_a_notice_that_names_the_system_too_is_its_own_state_and_not_a_cause(self) -> None:
        self.publish(systems=[self.siths, self.journal], title="Inloggningen nere")
        journal = self.row(self.page(), "Journalsystemet")
        self.assertIn('<span class="st outage">Avbrott</span>', journal)
        self.assertNotIn("Påverkas av", journal)

    def test_the_systems_own_worse_state_wins_and_the_cause_is_still_shown(self) -> None:
        self.publish_on(self.journal, severity=Notice.Severity.DISTURBANCE)
        self.publish_on(self.siths, severity=Notice.Severity.OUTAGE)
        journal = self.row(self.page(), "Journalsystemet")
        self.assertIn('<span class="st disturbance">Störning</span>', journal)
        self.assertIn("Påverkas av avbrott i SITHS-inloggning", journal)

    def test_affected_outranks_the_systems_own_information(self) -> None:
        self.publish_on(self.journal, severity=Notice.Severity.INFORMATION)
        self.publish_on(self.siths, severity=Notice.Severity.DISTURBANCE)
        journal = self.row(self.page(), "Journalsystemet")
        self.assertIn('<span class="st affected">Påverkas</span>', journal)

    def test_an_information_notice_about_a_dependency_affects_nothing(self) -> None:
        self.publish_on(self.siths, severity=Notice.Severity.INFORMATION)
        journal = self.row(self.page(), "Journalsystemet")
        self.assertIn('<span class="st ok">I drift</span>', journal)

    def test_a_page_where_only_a_hidden_system_has_trouble_says_systems_are_affected(
        self,
    ) -> None:
        # The network has no row of its own; without dependencies the page said "all well".
        self.publish_on(self.network)
        page = self.page()
        self.assertIn('class="summary affected"', page)
        self.assertIn("Några system påverkas av störningar i det de är beroende av.", page)
        self.publish_on(self.power, severity=Notice.Severity.MAINTENANCE)
        self.assertIn('class="summary maintenance"', self.page())  # own state outranks it

    def test_sod_10_the_systems_own_page_shows_the_cause_and_its_notice(self) -> None:
        ended = self.publish_on(self.siths, severity=Notice.Severity.DISTURBANCE)
        actions.end_notice(ended, by=self.adam)
        Notice.objects.filter(pk=ended.pk).update(title="Gammal inloggningsstörning")
        current = self.publish_on(self.network)
        page = self.page("/status/org-a/system/journal/")
        self.assertIn('<span class="st affected">Påverkas</span>', page)
        self.assertIn("Systemet påverkas av en störning i något det är beroende av.", page)
        self.assertIn(
            f'<a href="#n-{current.code}">Påverkas av avbrott i Regionens nät</a> '
            "(inloggning, via SITHS-inloggning).",
            page,
        )
        self.assertIn(f'id="n-{current.code}"', page)  # printed, so the link leads somewhere
        # Ended notices of what it needs are not the journal's history.
        self.assertNotIn("Gammal inloggningsstörning", page)
        self.assertNotIn('<path class="outage"', page)  # nor in its bar

    def test_sod_10_the_api_says_what_the_system_is_affected_by(self) -> None:
        notice = self.publish_on(self.siths)
        doc = json.loads(self.client.get("/api/v1/status/org-a.json").content)
        journal = next(s for s in doc["systems"] if s["key"] == "journal")
        self.assertEqual(journal["state"], "affected")
        self.assertEqual(journal["notices"], [])
        self.assertEqual(
            journal["affected_by"],
            [
                {
                    "system": "siths",
                    "name": "SITHS-inloggning",
                    "kind": "login",
                    "note": None,
                    "via": [],
                    "severity": "outage",
                    "notices": [str(notice.code)],
                    "planned": [],
                }
            ],
        )
        self.assertIn(str(notice.code), [n["id"] for n in doc["notices"]])
        untouched = next(s for s in doc["systems"] if s["key"] == "system-a")
        self.assertEqual(untouched["affected_by"], [])
        # One system's document carries the notice it points at.
        one = json.loads(self.client.get("/api/v1/status/org-a/journal.json").content)
        self.assertEqual(one["overall"], "affected")
        self.assertEqual(one["systems"][0]["affected_by"][0]["notices"], [str(notice.code)])
        self.assertEqual([n["id"] for n in one["notices"]], [str(notice.code)])

    def test_the_openapi_description_has_the_affected_state_and_its_causes(self) -> None:
        spec = json.loads(self.client.get("/api/v1/openapi.json").content)
        schemas = spec["components"]["schemas"]
        system = schemas["Status"]["properties"]["systems"]["items"]["properties"]
        self.assertIn("affected", system["state"]["enum"])
        self.assertEqual(
            system["affected_by"]["items"], {"$ref": "#/components/schemas/AffectedBy"}
        )
        self.publish_on(self.siths)
        doc = json.loads(self.client.get("/api/v1/status/org-a.json").content)
        cause = next(s for s in doc["systems"] if s["key"] == "journal")["affected_by"][0]
        self.assertTrue(set(schemas["AffectedBy"]["required"]) <= set(cause))
        self.assertTrue(set(cause) <= set(schemas["AffectedBy"]["properties"]))

    def test_the_systems_widget_says_it_is_affected_and_lists_the_cause(self) -> None:
        self.publish_on(self.siths)
        widget = self.page("/status/org-a/system/journal/widget/")
        self.assertIn('<span class="st affected">Påverkas</span>', widget)
        self.assertIn("SITHS-inloggning fungerar inte", widget)

    def test_a_dependency_cycle_in_the_rows_does_not_hang_the_page(self) -> None:
        # The registry refuses cycles (journal → SITHS → network → journal); rows written
        # around it must still render.
        Dependency.objects.create(system=self.network, depends_on=self.journal, kind="hosting")
        self.publish_on(self.siths)
        page = self.page()
        self.assertIn("Påverkas av avbrott i SITHS-inloggning", self.row(page, "Journalsystemet"))
        self.assertIn(
            "Påverkas av avbrott i SITHS-inloggning</a> "
            "(nätverk, via Regionens nät, Journalsystemet).",
            self.row(page, "Hemtjänstappen"),
        )
        system_page = self.page("/status/org-a/system/journal/")
        self.assertIn("Påverkas av avbrott i SITHS-inloggning", system_page)

    def test_dependencies_cost_no_extra_query(self) -> None:
        def queries(url: str) -> int:
            cache.clear()
            with CaptureQueriesContext(connection) as render:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(render.captured_queries)

        self.publish_on(self.network)
        self.publish_on(self.power, severity=Notice.Severity.DISTURBANCE)
        self.assertEqual(queries("/status/org-a/"), 5)
        self.assertEqual(queries("/status/org-a/system/journal/"), 6)
