"""Local sign-in: lockout after repeated failures (django-axes, per username and address),
idle timeout, password policy."""

from __future__ import annotations

import datetime as dt

import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from reservrutin.test import PASSWORD, BaseTestCase

START = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)


class LoginTests(BaseTestCase):
    def post(self, username: str, password: str):
        return self.client.post("/logga-in/", {"username": username, "password": password})

    def test_it_signs_in_with_the_right_password(self) -> None:
        response = self.post("alice", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_keeps_the_username_and_says_why_on_a_wrong_password(self) -> None:
        response = self.post("alice", "wrong")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Fel användarnamn eller lösenord", status_code=400)
        self.assertContains(response, 'value="alice"', status_code=400)

    @override_settings(LOGIN_FAILURE_LIMIT=3, LOGIN_FAILURE_WINDOW_MINUTES=15)
    def test_it_locks_the_account_after_repeated_failures_and_unlocks_later(self) -> None:
        with time_machine.travel(START, tick=False) as traveller:
            for _ in range(2):
                self.assertEqual(self.post("alice", "wrong").status_code, 400)
            response = self.post("alice", "wrong")
            self.assertContains(response, "Försök igen efter kl. 10:15", status_code=429)
            response = self.post("alice", PASSWORD)
            self.assertContains(response, "För många misslyckade inloggningar", status_code=429)
            self.assertContains(response, 'value="alice"', status_code=429)
            self.assertNotIn("_auth_user_id", self.client.session)
            traveller.shift(dt.timedelta(minutes=16))
            response = self.post("alice", PASSWORD)
            self.assertEqual(response.status_code, 302)
        self.assertFalse(AccessAttempt.objects.filter(username="alice").exists())

    @override_settings(LOGIN_FAILURE_LIMIT=3)
    def test_a_locked_account_does_not_lock_others(self) -> None:
        for _ in range(3):
            self.post("alice", "wrong")
        self.assertEqual(self.post("carl", PASSWORD).status_code, 302)

    @override_settings(SESSION_IDLE_TIMEOUT_MINUTES=30)
    def test_it_signs_out_after_a_period_without_requests(self) -> None:
        with time_machine.travel(START, tick=False) as traveller:
            self.post("alice", PASSWORD)
            # A page that needs a login ("/" is the public front door when signed out).
            page = "/efterregistrering/"
            self.assertEqual(self.client.get(page).status_code, 200)
            traveller.shift(dt.timedelta(minutes=20))
            self.assertEqual(self.client.get(page).status_code, 200)
            traveller.shift(dt.timedelta(minutes=31))
            response = self.client.get(page)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/logga-in/", response["Location"])

    def test_it_refuses_weak_passwords(self) -> None:
        for weak in ("kort", "123456789012345", "password1234"):
            with self.subTest(weak=weak), self.assertRaises(ValidationError):
                validate_password(weak)
        validate_password(PASSWORD)

    def test_it_only_redirects_to_this_site_after_login(self) -> None:
        response = self.client.post(
            "/logga-in/?next=https://evil.example/", {"username": "alice", "password": PASSWORD}
        )
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_logout_needs_a_post(self) -> None:
        self.login(self.alice)
        self.assertEqual(self.client.get("/logga-ut/").status_code, 405)
        self.assertEqual(self.client.post("/logga-ut/").status_code, 302)
