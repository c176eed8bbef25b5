"""Attack (issue 14): failures on /admin/login/ are counted and locked like the login page's,
per username and address."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog
from django.test import override_settings

from reservrutin.test import FAST_HASHERS, PASSWORD, BaseTestCase

ATTACKER = "203.0.113.66"


@override_settings(
    LOGIN_FAILURE_LIMIT=5,
    PASSWORD_HASHERS=FAST_HASHERS,
)
class AdminLoginLockoutTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.adam.is_staff = True
        cls.adam.is_superuser = True
        cls.adam.save(update_fields=["is_staff", "is_superuser"])

    def post(self, password: str, remote: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            "/admin/login/?next=/admin/",
            {"username": "adam", "password": password, "next": "/admin/"},
            REMOTE_ADDR=remote,
        )

    def test_admin_login_failures_are_counted_and_lock_the_pair(self) -> None:
        for _ in range(4):
            self.assertEqual(self.post("wrong", ATTACKER).status_code, 200)
        self.assertEqual(AccessFailureLog.objects.filter(path_info="/admin/login/").count(), 4)
        response = self.post("wrong", ATTACKER)
        self.assertContains(response, "För många misslyckade inloggningar", status_code=429)
        attempt = AccessAttempt.objects.get()
        self.assertEqual((attempt.username, attempt.ip_address), ("adam", ATTACKER))
        # Locked: the right password does not get in from this address…
        self.assertEqual(self.post(PASSWORD, ATTACKER).status_code, 429)
        self.assertNotIn("_auth_user_id", self.client.session)
        # …but does from the administrator's own.
        response = self.post(PASSWORD, "192.0.2.10")
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_the_login_page_and_the_admin_share_one_count(self) -> None:
        for _ in range(3):
            self.post("wrong", ATTACKER)
        for _ in range(2):
            self.client.post(
                "/logga-in/", {"username": "adam", "password": "wrong"}, REMOTE_ADDR=ATTACKER
            )
        self.assertEqual(self.post(PASSWORD, ATTACKER).status_code, 429)
