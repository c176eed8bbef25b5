from __future__ import annotations

from django.test import SimpleTestCase

from reservrutin.notifications.worker import send_batch
from reservrutin.workers import loops


class LoopsRegistryTests(SimpleTestCase):
    def test_it_registers_sendoutbox(self) -> None:
        self.assertIs(loops.load(["sendoutbox"])["sendoutbox"].__wrapped__, send_batch)
