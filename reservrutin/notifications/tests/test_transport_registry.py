from __future__ import annotations

from pathlib import Path

from django.test import SimpleTestCase
from django.utils.module_loading import import_string

from reservrutin.notifications.models import OutboxMessage
from reservrutin.notifications.transports.base import REGISTRY, Transport

TRANSPORTS_DIR = Path(__file__).resolve().parent.parent / "transports"
TESTS_DIR = Path(__file__).resolve().parent


class TransportRegistryTests(SimpleTestCase):
    def test_it_has_a_transport_for_every_kind(self) -> None:
        self.assertEqual(set(REGISTRY), set(OutboxMessage.Kind.values))

    def test_it_has_one_module_and_one_test_module_per_kind(self) -> None:
        for kind, path in REGISTRY.items():
            with self.subTest(kind=kind):
                self.assertTrue((TRANSPORTS_DIR / f"{kind}.py").exists())
                self.assertTrue((TESTS_DIR / f"test_transport_{kind}.py").exists())
                self.assertEqual(path.rsplit(".", 2)[-2], kind)
                cls = import_string(path)
                self.assertTrue(issubclass(cls, Transport))
                self.assertEqual(cls.kind, kind)
