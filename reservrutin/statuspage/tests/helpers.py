"""Shared set-up for status page tests: the persona base plus a second system and an outage."""

from __future__ import annotations

import datetime as dt

from reservrutin.lib import clock
from reservrutin.outages.models import Outage
from reservrutin.registry.models import System
from reservrutin.statuspage import actions
from reservrutin.statuspage.models import Notice
from reservrutin.test import BaseTestCase


class StatusTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.system_a2 = System.objects.create(
            organisation=cls.org_a, key="system-a2", name="System A2"
        )
        cls.outage = Outage.objects.create(
            organisation=cls.org_a,
            title="System A går inte att nå",
            started_at=clock.now() - dt.timedelta(hours=1),
            created_at=clock.now(),
            created_by=cls.carl,
            status=Outage.Status.CONFIRMED,
        )
        cls.outage.systems.add(cls.system_a)

    def publish(self, *, systems=None, severity=Notice.Severity.OUTAGE, **kwargs) -> Notice:
        return actions.create_notice(
            self.org_a,
            by=self.adam,
            title=kwargs.pop("title", "System A ligger nere"),
            body=kwargs.pop("body", "Använd reservrutinen. Nästa besked kl. 13."),
            systems=systems or [self.system_a],
            severity=severity,
            publish=True,
            **kwargs,
        )
