"""Which contact point answers at a given time (TES-07, SOD-12, SOD-13, SP-10)."""

from __future__ import annotations

from django.test import TestCase

from reservrutin.registry.demo.load import load
from reservrutin.registry.models import ContactPoint
from reservrutin.registry.queries import contact_point_now
from reservrutin.registry.tests.helpers import (
    CHRISTMAS_DAY,
    MIDSUMMER_EVE,
    SATURDAY,
    WEDNESDAY,
    at,
)


class ContactPointByTimeTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load()
        cls.portal = ContactPoint.objects.get(
            organisation__key="linkoping", key="anvandarstod-portal"
        )
        cls.on_call = ContactPoint.objects.get(
            organisation__key="linkoping", key="lkdata-beredskap"
        )
        cls.admins = ContactPoint.objects.get(
            organisation__key="soderkoping", key="objektsforvaltare-support"
        )
        cls.desk = ContactPoint.objects.get(organisation__key="soderkoping", key="it-servicedesk")
        cls.easit = ContactPoint.objects.get(organisation__key="soderkoping", key="easit")

    def test_tes_07_weekday_office_hours_go_to_the_user_support_portal(self) -> None:
        self.assertEqual(self.portal.answering(at(WEDNESDAY, 10)), self.portal)
        self.assertFalse(self.on_call.is_open(at(WEDNESDAY, 10)))

    def test_tes_07_weekday_evening_goes_to_the_on_call_number(self) -> None:
        answer = self.portal.answering(at(WEDNESDAY, 20))
        self.assertEqual(answer, self.on_call)
        self.assertEqual(answer.phone, "013-20 70 00")

    def test_tes_07_office_hours_end_at_16(self) -> None:
        self.assertEqual(self.portal.answering(at(WEDNESDAY, 15, 59)), self.portal)
        self.assertEqual(self.portal.answering(at(WEDNESDAY, 16, 0)), self.on_call)
        self.assertEqual(self.portal.answering(at(WEDNESDAY, 7, 59)), self.on_call)

    def test_tes_07_saturday_midsummer_eve_and_christmas_go_to_on_call(self) -> None:
        for day in (SATURDAY, MIDSUMMER_EVE, CHRISTMAS_DAY):
            with self.subTest(day=day):
                self.assertEqual(self.portal.answering(at(day, 10)), self.on_call)

    def test_sod_12_office_hours_call_the_administrators_first_then_the_service_desk(self) -> None:
        now = at(WEDNESDAY, 10)
        self.assertTrue(self.admins.is_open(now))
        self.assertTrue(self.desk.is_open(now))
        self.assertEqual(self.admins.phone, "0121-18218")
        self.assertEqual(self.desk.phone, "0121-18499")

    def test_sod_13_after_hours_there_is_no_on_call_only_the_ticket_portal(self) -> None:
        for instant in (
            at(WEDNESDAY, 20),
            at(SATURDAY, 10),
            at(MIDSUMMER_EVE, 10),
            at(CHRISTMAS_DAY, 10),
        ):
            with self.subTest(instant=instant):
                self.assertEqual(self.admins.answering(instant), self.easit)
                self.assertEqual(self.desk.answering(instant), self.easit)
                view = contact_point_now(self.admins, instant)
                self.assertFalse(view.is_open)
                self.assertEqual(view.instead, self.easit)
                self.assertIsNotNone(view.opens_at)

    def test_sod_13_closed_contact_point_says_when_it_opens_again(self) -> None:
        view = contact_point_now(self.admins, at(SATURDAY, 10))
        # Saturday → Monday 23 November 08:00.
        self.assertEqual(view.opens_at, at(SATURDAY.replace(day=23), 8))

    def test_sp_10_care_neighbours_answer_07_to_22_every_day(self) -> None:
        point = ContactPoint.objects.get(organisation__key="lulea-kommun", key="vardplanering")
        for day in (WEDNESDAY, SATURDAY, MIDSUMMER_EVE, CHRISTMAS_DAY):
            with self.subTest(day=day):
                self.assertTrue(point.is_open(at(day, 7)))
                self.assertTrue(point.is_open(at(day, 21, 59)))
                self.assertFalse(point.is_open(at(day, 22)))
                self.assertFalse(point.is_open(at(day, 6, 59)))
