from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from unittest import mock

from django.test import SimpleTestCase, override_settings

from reservrutin.lib import safehttp
from reservrutin.notifications.tests.helpers import Receiver


def resolving_to(address: str) -> Callable[..., list[tuple]]:
    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


@override_settings(OUTBOUND_ALLOW=[], OUTBOUND_TIMEOUT_SECONDS=5)
class AddressPolicyTests(SimpleTestCase):
    """The policy is checked on resolved addresses before any connection is made; these
    tests fail loudly if a connection is even attempted."""

    def setUp(self) -> None:
        patcher = mock.patch.object(
            safehttp.socket, "create_connection", side_effect=AssertionError("connected!")
        )
        self.connect = patcher.start()
        self.addCleanup(patcher.stop)

    def test_it_refuses_internal_addresses_without_connecting(self) -> None:
        for url in [
            "http://10.0.0.1/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://127.0.0.1:8000/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://224.0.0.1/",
            "https://192.168.1.10/",
        ]:
            with self.subTest(url=url), self.assertRaises(safehttp.ForbiddenAddress) as raised:
                safehttp.post(url, body=b"{}")
            self.assertTrue(raised.exception.permanent)
        self.connect.assert_not_called()

    def test_it_checks_the_address_a_name_resolves_to(self) -> None:
        with (
            mock.patch.object(safehttp.socket, "getaddrinfo", resolving_to("10.1.2.3")),
            self.assertRaises(safehttp.ForbiddenAddress),
        ):
            safehttp.post("https://innocent.example/hook", body=b"{}")
        self.connect.assert_not_called()

    def test_it_allows_listed_networks_and_names(self) -> None:
        ip = ipaddress.ip_address("10.1.2.3")
        with override_settings(OUTBOUND_ALLOW=["10.1.0.0/16"]):
            self.assertTrue(safehttp.address_allowed("x", ip))
        with override_settings(OUTBOUND_ALLOW=["journal.intra.region-a.se"]):
            self.assertTrue(safehttp.address_allowed("journal.intra.region-a.se", ip))
            self.assertFalse(safehttp.address_allowed("other.intra.region-a.se", ip))
        with override_settings(OUTBOUND_ALLOW=["*.intra.region-a.se"]):
            self.assertTrue(safehttp.address_allowed("other.intra.region-a.se", ip))
        with override_settings(OUTBOUND_ALLOW=["0.0.0.0/0"]):
            self.assertFalse(safehttp.address_allowed("x", ipaddress.ip_address("0.0.0.0")))  # noqa: S104
        self.assertTrue(safehttp.address_allowed("x", ipaddress.ip_address("93.184.216.34")))

    def test_it_refuses_urls_it_cannot_request(self) -> None:
        for url in [
            "file:///etc/passwd",
            "ftp://example.org/",
            "http://user:pw@example.org/",
            "http:///x",
        ]:
            with self.subTest(url=url), self.assertRaises(safehttp.InvalidURL):
                safehttp.post(url, body=b"")
        self.connect.assert_not_called()


@override_settings(OUTBOUND_ALLOW=["127.0.0.1"], OUTBOUND_TIMEOUT_SECONDS=5)
class RequestTests(SimpleTestCase):
    def receiver(self, **kwargs: object) -> Receiver:
        receiver = Receiver(**kwargs).start()  # type: ignore[arg-type]
        self.addCleanup(receiver.stop)
        return receiver

    def test_it_posts_to_an_allowed_address(self) -> None:
        receiver = self.receiver(default=(201, b'{"ok": true}'))
        response = safehttp.post(
            receiver.url + "?a=1", body=b"hej", headers={"X-Test": "1"}, auth=("u", "p")
        )
        self.assertEqual(
            (response.status, response.body, response.ok), (201, b'{"ok": true}', True)
        )
        [request] = receiver.requests
        self.assertEqual((request.path, request.body), ("/hook?a=1", b"hej"))
        self.assertEqual(request.headers["authorization"], "Basic dTpw")
        self.assertEqual(request.headers["x-test"], "1")

    def test_it_caps_the_response(self) -> None:
        receiver = self.receiver(default=(200, b"x" * 10_000))
        response = safehttp.post(receiver.url, body=b"", max_response_bytes=100)
        self.assertEqual(len(response.body), 100)
        self.assertTrue(response.truncated)

    def test_it_times_out_on_a_silent_server(self) -> None:
        # A socket that accepts (via the backlog) but never answers.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            port = silent.getsockname()[1]
            with self.assertRaises(safehttp.ConnectionFailed) as raised:
                safehttp.post(f"http://127.0.0.1:{port}/", body=b"", timeout=0.2)
        self.assertFalse(raised.exception.permanent)

    def test_it_reports_a_refused_connection_as_transient(self) -> None:
        receiver = self.receiver()
        url = receiver.url
        receiver.stop()
        with self.assertRaises(safehttp.ConnectionFailed):
            safehttp.post(url, body=b"")
