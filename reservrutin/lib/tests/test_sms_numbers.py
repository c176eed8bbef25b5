"""Which numbers public subscribers may have SMS sent to (lib/phone.sms_number, issue 14)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from reservrutin.lib.phone import is_paid_or_satellite, parse_country_codes, sms_number


class SmsNumberTests(SimpleTestCase):
    def refusal(self, number: str, **kwargs: object) -> str:
        with self.assertRaises(ValidationError) as caught:
            sms_number(number, **kwargs)  # type: ignore[arg-type]
        return caught.exception.error_list[0].code or ""

    def test_it_accepts_swedish_mobile_numbers_as_people_write_them(self) -> None:
        for typed in ("070-123 45 67", "0701234567", "+46 70 123 45 67", "0046701234567"):
            with self.subTest(typed=typed):
                self.assertEqual(sms_number(typed), "+46701234567")

    def test_it_refuses_premium_rate_and_satellite_numbers_even_when_opted_in(self) -> None:
        everything = frozenset({1, 252, 881, 882})
        for number, code in [
            ("+1 900 555 1234", "sms_premium"),
            ("+46 900 123 456", "sms_premium"),
            ("+881 6 1234 5678", "sms_non_geographic"),
            ("+882 3456 7890", "sms_non_geographic"),
        ]:
            with self.subTest(number=number):
                self.assertEqual(self.refusal(number, countries=everything), code)

    def test_it_refuses_other_countries_unless_the_organisation_opts_in(self) -> None:
        self.assertEqual(self.refusal("+252 61 234 5678"), "sms_country")
        self.assertEqual(self.refusal("+47 412 34 567"), "sms_country")
        self.assertEqual(sms_number("+47 412 34 567", countries=frozenset({47})), "+4741234567")

    def test_it_refuses_swedish_landlines_and_nonsense(self) -> None:
        self.assertEqual(self.refusal("08-123 456 78"), "sms_not_mobile")
        self.assertEqual(self.refusal("ring mig"), "sms_invalid")
        self.assertEqual(self.refusal("+46 74 012 345"), "sms_invalid")

    def test_the_transport_guard_knows_paid_and_satellite_numbers(self) -> None:
        self.assertTrue(is_paid_or_satellite("+19005551234"))
        self.assertTrue(is_paid_or_satellite("+881612345678"))
        self.assertFalse(is_paid_or_satellite("+46701234567"))

    def test_country_codes_are_parsed_once_and_checked(self) -> None:
        self.assertEqual(parse_country_codes("47, +45; 358"), frozenset({47, 45, 358}))
        self.assertEqual(parse_country_codes(""), frozenset())
        with self.assertRaisesMessage(ValidationError, "999"):
            parse_country_codes("47, 999")
