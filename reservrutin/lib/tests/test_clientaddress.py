"""The client address behind a request: X-Forwarded-For is believed only from trusted
proxies (lib/clientaddress.py, issue 14)."""

from __future__ import annotations

from django.test import RequestFactory, SimpleTestCase, override_settings

from reservrutin.lib.clientaddress import client_address, parse_networks


def request(remote: str, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class ClientAddressTests(SimpleTestCase):
    @override_settings(TRUSTED_PROXIES=[])
    def test_it_ignores_forwarded_for_without_trusted_proxies(self) -> None:
        self.assertEqual(client_address(request("203.0.113.5", "198.51.100.1")), "203.0.113.5")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/24"])
    def test_it_ignores_forwarded_for_from_a_client_that_is_not_a_proxy(self) -> None:
        forged = "198.51.100.1, 10.0.0.1"
        self.assertEqual(client_address(request("203.0.113.5", forged)), "203.0.113.5")

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_it_takes_the_hop_the_trusted_proxy_appended(self) -> None:
        self.assertEqual(client_address(request("10.0.0.1", "198.51.100.7")), "198.51.100.7")

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_what_a_client_writes_left_of_its_own_address_is_ignored(self) -> None:
        chain = "1.2.3.4, 5.6.7.8, 198.51.100.7"
        self.assertEqual(client_address(request("10.0.0.1", chain)), "198.51.100.7")

    @override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8::/32"])
    def test_it_skips_several_trusted_proxies_from_the_right(self) -> None:
        chain = "9.9.9.9, 198.51.100.7, 10.1.1.1, 2001:db8::5"
        self.assertEqual(client_address(request("10.0.0.1", chain)), "198.51.100.7")

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_a_garbled_hop_stops_the_walk_at_the_last_trusted_address(self) -> None:
        self.assertEqual(client_address(request("10.0.0.1", "198.51.100.7, nonsense")), "10.0.0.1")
        self.assertEqual(client_address(request("10.0.0.1", "")), "10.0.0.1")
        self.assertEqual(client_address(request("10.0.0.1")), "10.0.0.1")

    @override_settings(TRUSTED_PROXIES=["10.0.0.1"])
    def test_it_understands_ports_brackets_and_mapped_addresses(self) -> None:
        self.assertEqual(client_address(request("10.0.0.1", "198.51.100.7:5100")), "198.51.100.7")
        self.assertEqual(client_address(request("10.0.0.1", "[2001:db8::9]:443")), "2001:db8::9")
        self.assertEqual(client_address(request("::ffff:10.0.0.1", "192.0.2.4")), "192.0.2.4")

    def test_a_missing_remote_address_is_none(self) -> None:
        self.assertIsNone(client_address(request("")))
        self.assertIsNone(client_address(request("not-an-ip")))

    def test_a_bad_proxy_entry_is_named(self) -> None:
        with self.assertRaisesMessage(ValueError, "proxy.example"):
            parse_networks(["10.0.0.1", "proxy.example"])
