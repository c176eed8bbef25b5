"""An organisation opts in to other countries' mobile numbers for SMS subscriptions by
calling code; what is typed is checked and parsed once (Organisation.sms_countries)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from reservrutin.test import BaseTestCase, make_user


class OrganisationSmsCountriesTests(BaseTestCase):
    def test_calling_codes_are_checked_and_parsed(self) -> None:
        self.org_a.sms_country_codes = "47, +45"
        self.org_a.full_clean()
        self.assertEqual(self.org_a.sms_countries, frozenset({47, 45}))
        self.org_a.sms_country_codes = "47, norge"
        with self.assertRaises(ValidationError) as caught:
            self.org_a.full_clean()
        self.assertIn("sms_country_codes", caught.exception.error_dict)

    def test_none_by_default(self) -> None:
        self.assertEqual(self.org_b.sms_countries, frozenset())

    def test_the_admin_shows_the_field(self) -> None:
        self.client.force_login(make_user("root", is_superuser=True, is_staff=True))
        response = self.client.get(f"/admin/accounts/organisation/{self.org_a.pk}/change/")
        self.assertContains(response, 'name="sms_country_codes"')
