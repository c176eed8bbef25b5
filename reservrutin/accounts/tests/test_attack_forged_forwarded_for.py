"""Attack (issue 14): 20 failed logins with forged X-Forwarded-For from a client that is not
a trusted proxy change nothing for anyone else. Loopback only: the test client."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.test import override_settings

from reservrutin.test import FAST_HASHERS, PASSWORD, BaseTestCase

ATTACKER = "203.0.113.66"


@override_settings(
    TRUSTED_PROXIES=["10.0.0.1"],
    LOGIN_FAILURE_LIMIT=5,
    PASSWORD_HASHERS=FAST_HASHERS,
)
class ForgedForwardedForTests(BaseTestCase):
    def post(self, username: str, password: str, remote: str, forwarded: str = ""):  # type: ignore[no-untyped-def]
        extra = {"REMOTE_ADDR": remote}
        if forwarded:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return self.client.post("/logga-in/", {"username": username, "password": password}, **extra)

    def test_forged_forwarded_addresses_change_nothing_for_other_users(self) -> None:
        victims = ["alice", "carl", "maria"]
        for i in range(20):
            forged = f"198.51.100.{i + 1}, 10.0.0.1"  # pretends to come through our proxy
            self.post(victims[i % 3], "wrong", ATTACKER, forged)
        # Every failure was counted for the attacker's own address, not the forged ones.
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)), {ATTACKER}
        )
        for username in victims:
            with self.subTest(username=username):
                self.client.logout()
                response = self.post(username, PASSWORD, "192.0.2.10")
                self.assertEqual(response.status_code, 302)
                # Not even the addresses the attacker forged were locked.
                self.client.logout()
                self.assertEqual(self.post(username, PASSWORD, "198.51.100.1").status_code, 302)

    def test_the_attackers_own_pair_is_locked(self) -> None:
        for i in range(5):
            self.post("alice", "wrong", ATTACKER, f"198.51.100.{i + 1}")
        response = self.post("alice", PASSWORD, ATTACKER, "198.51.100.99")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
