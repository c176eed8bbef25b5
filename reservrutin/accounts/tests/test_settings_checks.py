"""A missing or invalid setting is a system check error with its own id."""

from __future__ import annotations

from unittest import mock

from django.test import SimpleTestCase, override_settings

from reservrutin import checks
from reservrutin.lib import env


def ids() -> list[str]:
    return [message.id for message in checks.check_settings()]


class SettingsCheckTests(SimpleTestCase):
    def test_it_reports_an_unparsable_value_by_name(self) -> None:
        with mock.patch.object(
            env, "PROBLEMS", [("EMAIL_PORT", "twenty-five", "expected a whole number")]
        ):
            messages = checks.check_settings()
        self.assertEqual([m.id for m in messages], ["reservrutin.E001"])
        self.assertIn("EMAIL_PORT", messages[0].msg)

    @override_settings(DEBUG=False, SECRET_KEY="")
    def test_it_requires_a_secret_key_in_production(self) -> None:
        self.assertIn("reservrutin.E003", ids())

    @override_settings(DEBUG=False, SECRET_KEY="short")
    def test_it_requires_a_long_secret_key(self) -> None:
        self.assertIn("reservrutin.E004", ids())

    @override_settings(DEBUG=False, ALLOWED_HOSTS=[])
    def test_it_requires_allowed_hosts_in_production(self) -> None:
        self.assertIn("reservrutin.E005", ids())

    @override_settings(TIME_ZONE="Europe/Stockholm")
    def test_it_requires_utc_storage(self) -> None:
        self.assertIn("reservrutin.E002", ids())

    @override_settings(EMAIL_TRANSPORT="pigeon")
    def test_it_rejects_an_unknown_email_transport(self) -> None:
        self.assertIn("reservrutin.E007", ids())

    def test_env_parsing_collects_problems_instead_of_raising(self) -> None:
        with (
            mock.patch.object(env, "PROBLEMS", []) as problems,
            mock.patch.dict("os.environ", {"X_INT": "nope", "X_BOOL": "kanske"}),
        ):
            self.assertEqual(env.integer("X_INT", 5), 5)
            self.assertFalse(env.boolean("X_BOOL", False))
            self.assertEqual([p[0] for p in problems], ["X_INT", "X_BOOL"])

    def test_secrets_can_come_from_a_file(self) -> None:
        import tempfile

        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            f.write("from-a-file\n")
        with mock.patch.dict("os.environ", {"X_SECRET_FILE": f.name}):
            self.assertEqual(env.string("X_SECRET"), "from-a-file")
