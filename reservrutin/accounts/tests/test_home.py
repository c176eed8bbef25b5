"""The signed-in home page answers "what is down for me now" (issue 15): my outages with
what my role does, my open tasks, my back-registration queue and my unit's readiness."""

from __future__ import annotations

from reservrutin.lib import clock
from reservrutin.outages.actions import confirm_outage, resolve_outage
from reservrutin.outages.tests.factories import make_outage, make_task
from reservrutin.outages.tests.helpers import DemoTestCase, at, local
from reservrutin.test import BaseTestCase


class HomeForPersonasTests(BaseTestCase):
    def test_every_signed_in_persona_gets_a_home_page(self) -> None:
        for user in (self.alice, self.bob, self.carl, self.petra, self.maria, self.adam):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get("/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Vad gäller för mig nu?")
                self.assertContains(response, "Inga pågående driftstörningar som rör dig.")

    def test_members_see_their_organisations_outage_and_open_task_outsiders_do_not(self) -> None:
        outage = make_outage(self.org_a, [self.system_a], title="System A ligger nere")
        make_task(outage, instruction="Ta fram pappersblanketterna")
        make_task(outage, instruction="Redan gjord", done_at=outage.started_at)
        for user in (self.alice, self.carl, self.maria, self.adam):
            with self.subTest(user=user.username):
                self.login(user)
                page = self.client.get("/").content.decode()
                self.assertIn("System A ligger nere", page)
                self.assertIn(f"/org/org-a/storningar/{outage.code}/", page)
                self.assertIn("Ta fram pappersblanketterna", page)
                self.assertNotIn("Redan gjord", page)
                # What is down comes before the list of organisations.
                self.assertLess(
                    page.index("System A ligger nere"), page.index("<h2>Organisationer")
                )
        self.login(self.bob)
        page = self.client.get("/").content.decode()
        self.assertNotIn("System A ligger nere", page)
        self.assertNotIn("Ta fram pappersblanketterna", page)

    def test_a_unit_sees_an_outage_of_another_organisations_system_it_uses(self) -> None:
        self.org_b.partners.add(self.org_a)
        self.system_b.units.add(self.unit_a, through_defaults={"created_at": clock.now()})
        make_outage(self.org_b, [self.system_b], title="System B ligger nere")
        self.login(self.alice)
        self.assertContains(self.client.get("/"), "System B ligger nere")
        self.login(self.carl)  # no unit: org B's systems are not his
        self.assertNotContains(self.client.get("/"), "System B ligger nere")

    def test_unit_members_see_their_units_readiness(self) -> None:
        for user in (self.alice, self.maria):
            with self.subTest(user=user.username):
                self.login(user)
                page = self.client.get("/").content.decode()
                self.assertIn("Min enhets beredskap", page)
                self.assertIn("/org/org-a/enhet/unit-a/beredskap/", page)
        self.login(self.carl)
        self.assertNotContains(self.client.get("/"), "Min enhets beredskap")


class HomeDuringTesOutageTests(DemoTestCase):
    """A home-care worker in Linköping when TES goes down (TES-09)."""

    def test_the_worker_sees_the_outage_what_her_role_does_and_her_tasks(self) -> None:
        jonas = self.user("jonas.strom")
        with at(7):
            submitted = self.report("linkoping", ["tes"], by=jonas)
            confirm_outage(
                submitted.outage,
                by=self.user("mikael.sund"),
                scenario_key="oplanerat-driftstopp-tes",
            )
            self.client.force_login(jonas)
            page = self.client.get("/").content.decode()
        self.assertIn(submitted.outage.title, page)
        self.assertIn("Bekräftat", page)
        self.assertIn("Gör så här nu", page)
        self.assertIn("/org/linkoping/rutiner/", page)
        self.assertIn("/roll/medarbetare/", page)
        self.assertIn("konventionella nycklar", page)
        self.assertIn("Mina uppgifter", page)
        self.assertIn("Informera dina kollegor om driftstoppet.", page)

    def test_a_resolved_outage_leaves_the_home_page(self) -> None:
        jonas = self.user("jonas.strom")
        mikael = self.user("mikael.sund")
        with at(7):
            submitted = self.report("linkoping", ["tes"], by=jonas)
            confirm_outage(submitted.outage, by=mikael, scenario_key="oplanerat-driftstopp-tes")
        with at(9):
            resolve_outage(submitted.outage, at=local(9), by=mikael)
            self.client.force_login(jonas)
            page = self.client.get("/").content.decode()
        self.assertNotIn("Gör så här nu", page)
        self.assertIn("Inga pågående driftstörningar som rör dig.", page)
