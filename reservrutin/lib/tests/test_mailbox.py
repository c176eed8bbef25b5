"""Which mailbox an address reaches, for limits (lib/mailbox.py, issue 14)."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from reservrutin.lib.mailbox import mailbox_key


class MailboxKeyTests(SimpleTestCase):
    def test_case_and_plus_tags_fold_where_the_domain_ignores_them(self) -> None:
        for typed in (
            "Anna.Svensson@Gmail.com",
            "anna.svensson+17@gmail.com",
            "ANNASVENSSON@googlemail.com",
            "a.n.n.a.svensson+x@GMAIL.COM",
        ):
            with self.subTest(typed=typed):
                self.assertEqual(mailbox_key(typed), "annasvensson@gmail.com")
        self.assertEqual(mailbox_key("Eva+drift@Outlook.com"), "eva@outlook.com")
        self.assertEqual(mailbox_key("Eva+drift@hotmail.com"), "eva@hotmail.com")

    def test_a_plus_is_kept_for_other_domains(self) -> None:
        self.assertEqual(mailbox_key("Eva+drift@Example.se"), "eva+drift@example.se")
        self.assertEqual(mailbox_key("e.va@example.se"), "e.va@example.se")

    @override_settings(SUBSCRIPTION_PLUS_TAG_DOMAINS=["regionskane.se"])
    def test_more_domains_can_be_configured(self) -> None:
        self.assertEqual(mailbox_key("Eva+drift@RegionSkane.se"), "eva@regionskane.se")
