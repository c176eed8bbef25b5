"""A person locked out of password sign-in can still sign in through single sign-on: an
authentication without a password is neither counted nor refused (accounts/lockout.exempt)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings

from reservrutin.accounts.models import User
from reservrutin.test import FAST_HASHERS, PASSWORD, BaseTestCase

ADDRESS = "192.0.2.44"


class AssertionBackend:
    """Stands in for an OIDC/SAML backend: it trusts a verified assertion, not a password."""

    def authenticate(
        self, request: Any, assertion: str | None = None, **kwargs: Any
    ) -> User | None:
        if assertion is None or not assertion.startswith("verified:"):
            return None
        return User.objects.filter(username=assertion.removeprefix("verified:")).first()

    def get_user(self, user_id: int) -> User | None:
        return User.objects.filter(pk=user_id).first()


@override_settings(
    AUTHENTICATION_BACKENDS=[
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        f"{__name__}.AssertionBackend",
    ],
    LOGIN_FAILURE_LIMIT=3,
    PASSWORD_HASHERS=FAST_HASHERS,
)
class SsoHookTests(BaseTestCase):
    def request(self):  # type: ignore[no-untyped-def]
        return RequestFactory().post("/logga-in/", REMOTE_ADDR=ADDRESS)

    def test_a_locked_password_does_not_block_single_sign_on(self) -> None:
        for _ in range(3):
            self.assertIsNone(authenticate(self.request(), username="alice", password="fel"))
        locked = self.request()
        self.assertIsNone(authenticate(locked, username="alice", password="x"))
        self.assertTrue(locked.axes_locked_out)
        self.assertEqual(authenticate(self.request(), assertion="verified:alice"), self.alice)

    def test_a_failed_single_sign_on_is_not_counted_as_a_password_guess(self) -> None:
        for _ in range(5):
            self.assertIsNone(authenticate(self.request(), assertion="forged"))
        self.assertEqual(
            authenticate(self.request(), username="alice", password=PASSWORD), self.alice
        )
