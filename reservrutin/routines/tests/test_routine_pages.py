"""Routine list, page, role view and versions: readable by the organisation's staff."""

from __future__ import annotations

from django.urls import reverse

from reservrutin.routines.actions import approve_version, import_routine
from reservrutin.routines.tests.test_routine_upload import ROUTINE
from reservrutin.test import BaseTestCase


class RoutinePagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.v1 = import_routine(ROUTINE, filename="a.yaml", by=cls.adam).version
        approve_version(cls.v1, by=cls.adam)
        cls.v2 = import_routine(
            ROUTINE.replace("Ring Servicedesk.", "Ring IT-servicedesk."),
            filename="a.yaml",
            by=cls.adam,
        ).version

    def urls(self) -> list[str]:
        return [
            reverse("routines:list", args=["org-a"]),
            reverse("routines:detail", args=["org-a", "rutin-a"]),
            reverse("routines:versions", args=["org-a", "rutin-a"]),
        ]

    def test_it_requires_login(self) -> None:
        for url in self.urls():
            self.assert_requires_login(url)

    def test_it_hides_routines_from_outsiders(self) -> None:
        self.login(self.bob)
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_it_shows_routines_to_staff(self) -> None:
        self.login(self.alice)
        for url in self.urls():
            self.assertEqual(self.client.get(url).status_code, 200, url)
        response = self.client.get(reverse("routines:list", args=["org-a"]))
        self.assertContains(response, "Rutin A")
        self.assertNotContains(response, reverse("routines:upload", args=["org-a"]))

    def test_it_shows_the_version_in_force_and_older_ones(self) -> None:
        self.login(self.alice)
        url = reverse("routines:detail", args=["org-a", "rutin-a"])
        self.assertContains(self.client.get(url), "Ring Servicedesk.")
        response = self.client.get(url + "?version=2")
        self.assertContains(response, "Ring IT-servicedesk.")
        self.assertContains(response, "Du läser en version som inte gäller.")
        self.assertEqual(self.client.get(url + "?version=9").status_code, 404)

    def test_it_shows_the_diff_between_versions(self) -> None:
        self.login(self.alice)
        url = reverse("routines:versions", args=["org-a", "rutin-a"]) + "?a=1&b=2"
        response = self.client.get(url)
        self.assertContains(response, "<del>-        what: Ring Servicedesk.</del>", html=False)
        self.assertContains(response, "<ins>+        what: Ring IT-servicedesk.</ins>", html=False)
        # Staff may read versions but not put one in force.
        self.assertNotContains(response, "i kraft</button>")

    def test_it_lets_only_admins_approve(self) -> None:
        url = reverse("routines:approve", args=["org-a", "rutin-a", 2])
        self.login(self.alice)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.bob)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.adam)
        self.assertRedirects(
            self.client.post(url), reverse("routines:versions", args=["org-a", "rutin-a"])
        )
        self.v2.refresh_from_db()
        self.assertTrue(self.v2.in_force)


class RoutineQueriesTestCase(BaseTestCase):
    """List and routine pages use a fixed number of queries, however many routines or steps."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for n in range(3):
            text = ROUTINE.replace("key: rutin-a", f"key: rutin-{n}")
            approve_version(import_routine(text, filename="a.yaml", by=None).version, by=None)

    def test_it_lists_routines_in_constant_queries(self) -> None:
        self.login(self.alice)
        url = reverse("routines:list", args=["org-a"])
        self.client.get(url)  # warm the session
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get(url).status_code, 200)
        # One more routine, same count.
        text = ROUTINE.replace("key: rutin-a", "key: rutin-9")
        approve_version(import_routine(text, filename="a.yaml", by=None).version, by=None)
        with self.assertNumQueries(7):
            self.assertContains(self.client.get(url), "rutin-9")
