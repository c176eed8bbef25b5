"""The front door: ``/`` for visitors who are not signed in and ``/status/`` list every care
organisation's current driftinfo, cheaply, without exercises or drafts (issue 15)."""

from __future__ import annotations

import datetime as dt

from django.test import override_settings

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.tests.helpers import StatusTestCase


class FrontDoorTests(StatusTestCase):
    def test_anonymous_home_shows_the_overview_with_a_sign_in_link_not_a_redirect(self) -> None:
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('href="/logga-in/"', page)
        self.assertIn('href="/status/org-a/"', page)
        self.assertIn('href="/status/org-b/"', page)
        self.assertIn("Inga kända störningar", page)

    def test_the_current_outage_comes_before_the_list_of_organisations(self) -> None:
        self.publish(title="System A ligger nere")
        page = self.client.get("/").content.decode()
        self.assertIn("Störningar just nu", page)
        self.assertLess(page.index("System A ligger nere"), page.index("Alla organisationer"))
        # Region A, with the outage, is listed first among the organisations too.
        cards = page[page.index("Alla organisationer") :]
        self.assertLess(cards.index("Region A"), cards.index("Kommun B"))

    def test_it_never_shows_drafts_ended_notices_or_exercises(self) -> None:
        actions.create_notice(
            self.org_a, by=self.adam, title="Utkast om System A", body="x", systems=[self.system_a]
        )
        ended = self.publish(title="Gammal störning")
        actions.end_notice(ended, by=self.adam)
        exercise = Outage.objects.create(
            organisation=self.org_a,
            title="Övning",
            started_at=clock.now() - dt.timedelta(minutes=5),
            created_at=clock.now(),
            is_exercise=True,
        )
        self.publish(title="Övningsmeddelande om System A", outage=exercise)
        self.assertTrue(Notice.objects.filter(outage=exercise, is_exercise=True).exists())
        page = self.client.get("/").content.decode()
        for hidden in ("Utkast om System A", "Gammal störning", "Övningsmeddelande om System A"):
            with self.subTest(hidden=hidden):
                self.assertNotIn(hidden, page)
        self.assertIn("Inga kända störningar", page)

    def test_it_costs_three_queries_however_many_organisations_and_notices(self) -> None:
        for n in range(5):
            Organisation.objects.create(key=f"org-{n}", name=f"Kommun {n}")
        self.publish(title="Ett")
        self.publish(title="Två", systems=[self.system_a, self.system_a2])
        with self.assertNumQueries(3):
            response = self.client.get("/")
        self.assertContains(response, "Två")
        with self.assertNumQueries(3):
            self.client.get("/status/")

    def test_suppliers_are_not_listed(self) -> None:
        Organisation.objects.create(key="lev", name="Leverantören AB", kind="supplier")
        self.assertNotContains(self.client.get("/status/"), "Leverantören AB")

    @override_settings(FRONT_ORGANISATION="org-b")
    def test_a_setting_names_the_one_organisation_the_front_door_shows(self) -> None:
        self.publish(title="System A ligger nere")
        page = self.client.get("/").content.decode()
        self.assertIn("Driftinformation – Kommun B", page)
        self.assertNotIn("Region A", page)
        self.assertNotIn("System A ligger nere", page)
        # /status/ still lists every organisation.
        self.assertContains(self.client.get("/status/"), "Region A")

    def test_the_only_organisation_is_the_front_door(self) -> None:
        Organisation.objects.filter(pk=self.org_b.pk).update(kind=Organisation.Kind.SUPPLIER)
        self.assertContains(self.client.get("/"), "Driftinformation – Region A")

    def test_status_index_answers_every_persona(self) -> None:
        self.publish(title="System A ligger nere")
        for user in (None, self.alice, self.bob, self.carl, self.petra, self.maria, self.adam):
            with self.subTest(user=user):
                self.client.logout()
                if user is not None:
                    self.login(user)
                response = self.client.get("/status/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "System A ligger nere")
                self.assertContains(response, 'href="/status/org-b/"')

    def test_status_index_refuses_writes(self) -> None:
        self.assertEqual(self.client.post("/status/").status_code, 405)

    def test_the_login_page_links_to_driftinfo(self) -> None:
        self.assertContains(self.client.get("/logga-in/"), 'href="/status/"')

    def test_english_overview(self) -> None:
        self.publish(title="System A ligger nere")
        self.client.cookies["django_language"] = "en"
        page = self.client.get("/status/").content.decode()
        self.assertIn("Disruptions right now", page)
        self.assertNotIn("Störningar just nu", page)
