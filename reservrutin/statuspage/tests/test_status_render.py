"""How the status page is rendered: a fixed number of queries, escaping, bars, languages."""

from __future__ import annotations

import datetime as dt
import itertools

import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.registry.models import Dependency, System
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice
from reservrutin.statuspage.tests.helpers import StatusTestCase


class StatusRenderTests(StatusTestCase):
    def setUp(self) -> None:
        cache.clear()

    def render_queries(self, url: str = "/status/org-a/") -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as render:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(render.captured_queries)

    def end(self, notice: Notice, *, days_ago: int, lasted_days: int = 0) -> None:
        actions.end_notice(notice, by=self.adam)
        published = clock.now() - dt.timedelta(days=days_ago)
        Notice.objects.filter(pk=notice.pk).update(
            published_at=published, ended_at=published + dt.timedelta(days=lasted_days)
        )

    def test_a_render_costs_the_same_few_queries_however_much_the_page_shows(self) -> None:
        small = self.render_queries()
        systems = [
            System.objects.create(organisation=self.org_a, key=f"extra-{i}", name=f"Extra {i}")
            for i in range(12)
        ]
        for i, system in enumerate(systems):
            notice = self.publish(systems=[system, self.system_a2], title=f"Störning {i}")
            if i % 2:
                self.end(notice, days_ago=i)
        # A chain of dependencies (SOD-07, SOD-08, SOD-10): every extra system is affected
        # by the ones before it, directly or through others, at no extra query.
        for before, after in itertools.pairwise(systems):
            Dependency.objects.create(system=after, depends_on=before, kind="hosting")
        Dependency.objects.create(system=self.system_a, depends_on=systems[-1], kind="login")
        for i in range(4):
            planned = Outage.objects.create(
                organisation=self.org_a,
                kind=Outage.Kind.PLANNED,
                title=f"Fönster {i}",
                started_at=clock.now() + dt.timedelta(days=i + 1),
                planned_end_at=clock.now() + dt.timedelta(days=i + 1, hours=1),
                created_at=clock.now(),
            )
            planned.systems.add(systems[i])
        big = self.render_queries()
        self.assertEqual(big, small + 1)  # the notices, once there are any to print
        self.assertLessEqual(big, 5)
        self.assertIn("Påverkas av", self.client.get("/status/org-a/").content.decode())
        # A system's page looks the system up too.
        self.assertEqual(self.render_queries("/status/org-a/system/extra-3/"), big + 1)

    def test_text_from_publishers_is_escaped(self) -> None:
        self.publish(
            title="<script>alert(1)</script>",
            body="Rad ett\n<b>rad två</b>",
            backup_routine='"Papper" & penna',
            instructions=[{"role": "<i>Alla</i>", "text": "Skriv <u>ned</u>"}],
            links=[{"title": "Rutin <x>", "url": 'https://intra.example.org/"a'}],
        )
        page = self.client.get("/status/org-a/").content.decode()
        self.assertNotIn("<script>alert", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)
        self.assertIn("Rad ett<br>&lt;b&gt;rad två&lt;/b&gt;", page)
        self.assertIn("&quot;Papper&quot; &amp; penna", page)
        self.assertIn("<dt>&lt;i&gt;Alla&lt;/i&gt;</dt><dd>Skriv &lt;u&gt;ned&lt;/u&gt;</dd>", page)
        self.assertIn('href="https://intra.example.org/&quot;a"', page)

    def test_each_day_of_a_notice_colours_the_bar_and_the_worst_severity_wins(self) -> None:
        long = self.publish(severity=Notice.Severity.DISTURBANCE, title="Långsamt")
        self.end(long, days_ago=5, lasted_days=2)  # days 84, 85, 86 of 90
        short = self.publish(severity=Notice.Severity.OUTAGE, title="Nere")
        self.end(short, days_ago=4)  # day 85
        other = self.publish(systems=[self.system_a2], title="Annat system")
        self.end(other, days_ago=1)
        page = self.client.get("/status/org-a/system/system-a/").content.decode()
        self.assertIn('<path class="disturbance" d="M84 0h1v4h-1zM86 0h1v4h-1z"/>', page)
        self.assertIn('<path class="outage" d="M85 0h1v4h-1z"/>', page)
        self.assertNotIn("M88 0h1v4h-1z", page)
        self.assertIn('aria-label="Störningar 3 dagar"', page)

    def test_the_english_page_has_english_dates(self) -> None:
        with time_machine.travel(dt.datetime(2026, 3, 4, 9, 30, tzinfo=clock.STOCKHOLM)):
            self.publish(title="Nere")
            Outage.objects.create(
                organisation=self.org_a,
                kind=Outage.Kind.PLANNED,
                title="Uppgradering",
                started_at=dt.datetime(2026, 3, 11, 10, 0, tzinfo=clock.STOCKHOLM),
                planned_end_at=dt.datetime(2026, 3, 11, 12, 0, tzinfo=clock.STOCKHOLM),
                created_at=clock.now(),
            ).systems.add(self.system_a2)
            swedish = self.client.get("/status/org-a/").content.decode()
            english = self.client.get("/status/org-a/en/").content.decode()
        self.assertIn("publicerad 4 mars 09:30", swedish)
        self.assertIn("onsdag 11 mars 10:00–12:00", swedish)
        self.assertIn("published 4 March 09:30", english)
        self.assertIn("Wednesday 11 March 10:00–12:00", english)

    def test_a_systems_page_lists_every_system_the_notice_is_about(self) -> None:
        self.publish(systems=[self.system_a, self.system_a2], title="Båda nere")
        page = self.client.get("/status/org-a/system/system-a2/").content.decode()
        self.assertIn("Båda nere", page)
        self.assertIn("System A, System A2 ·", page)

    def test_a_notice_just_after_midnight_counts_on_its_local_day(self) -> None:
        # Summer time ended on 25 October 2026; 00:30 on the 26th is 23:30 UTC on the 25th.
        with time_machine.travel(dt.datetime(2026, 10, 27, 12, 0, tzinfo=clock.STOCKHOLM)):
            notice = self.publish(title="Sent på kvällen")
            actions.end_notice(notice, by=self.adam)
            evening = dt.datetime(2026, 10, 26, 0, 30, tzinfo=clock.STOCKHOLM)
            Notice.objects.filter(pk=notice.pk).update(
                published_at=evening, ended_at=evening + dt.timedelta(minutes=20)
            )
            page = self.client.get("/status/org-a/system/system-a/").content.decode()
        # 27 October is day 89, so 26 October is day 88 (not 87, its UTC day).
        self.assertIn('<path class="outage" d="M88 0h1v4h-1z"/>', page)
