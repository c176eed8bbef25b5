"""Who answers for a role now, and the off-duty fallback (LMN-01, LMN-05, LMN-07)."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from reservrutin.accounts.models import User
from reservrutin.registry.demo.load import load
from reservrutin.registry.duty import who_answers
from reservrutin.registry.models import OnCallShift, Role, System
from reservrutin.registry.tests.helpers import SATURDAY, WEDNESDAY, at


class DutyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        load()
        cls.owner = Role.objects.get(organisation__key="region-skane", key="systemansvarig")
        cls.lmn = System.objects.get(organisation__key="region-skane", key="sesam-lmn")

    def test_lmn_01_every_system_has_a_named_owner_manager_and_supplier(self) -> None:
        self.assertEqual(self.owner.assignments.get().user.full_name, "Eva Lind")
        self.assertEqual(self.owner.manager_role.key, "systemansvarig-chef")
        self.assertTrue(self.owner.manager_role.assignments.exists())
        self.assertEqual(self.lmn.parties.get(kind="system_supplier").organisation.key, "visma")

    def test_lmn_05_the_routine_roles_exist(self) -> None:
        keys = set(
            Role.objects.filter(organisation__key="region-skane").values_list("key", flat=True)
        )
        self.assertTrue(
            {
                "kundservice",
                "systemansvarig",
                "verksamhetsansvarig",
                "verksamhetsspecialist",
                "telefoniansvarig",
            }
            <= keys
        )

    def test_it_answers_with_the_owner_when_on_duty(self) -> None:
        answer = who_answers(self.owner, system=self.lmn, at=at(WEDNESDAY, 9))
        self.assertTrue(answer.on_duty)
        self.assertEqual([u.username for u in answer.people], ["eva.lind"])
        self.assertEqual(answer.source, "schedule")
        self.assertEqual(answer.contact_points(), [])

    def test_lmn_07_owner_off_duty_goes_to_the_managers_manager_and_the_service_desk(self) -> None:
        # The manager works the same office hours, so take a moment when the owner is on
        # leave (an override shift for someone else is not what we want): deactivate her.
        User.objects.filter(username="eva.lind").update(is_active=False)
        answer = who_answers(self.owner, system=self.lmn, at=at(WEDNESDAY, 9))
        self.assertFalse(answer.on_duty)
        self.assertEqual([u.username for u in answer.manager.people], ["johan.berg"])
        self.assertEqual([p.key for p in answer.contact_points()], ["servicedesk"])
        self.assertEqual(answer.contact_points()[0].phone, "30 000")
        self.assertEqual([u.username for u in answer.first_people()], ["johan.berg"])

    def test_lmn_07_at_night_nobody_is_on_duty_and_the_service_desk_ticket_remains(self) -> None:
        answer = who_answers(self.owner, system=self.lmn, at=at(SATURDAY, 23))
        self.assertFalse(answer.on_duty)
        self.assertFalse(answer.manager.on_duty)
        self.assertEqual([p.key for p in answer.contact_points()], ["servicedesk"])
        self.assertEqual(answer.first_people(), [])

    def test_it_prefers_an_override_shift_to_the_rota_and_the_schedule(self) -> None:
        stand_in = User.objects.create(username="stand.in", full_name="Stina Stand-in")
        OnCallShift.objects.create(
            role=self.owner,
            user=stand_in,
            starts_at=at(WEDNESDAY, 8),
            ends_at=at(WEDNESDAY, 12),
            is_override=True,
        )
        answer = who_answers(self.owner, system=self.lmn, at=at(WEDNESDAY, 9))
        self.assertEqual([u.username for u in answer.people], ["stand.in"])
        self.assertEqual(answer.source, "override")
        later = who_answers(self.owner, system=self.lmn, at=at(WEDNESDAY, 13))
        self.assertEqual([u.username for u in later.people], ["eva.lind"])

    def test_it_follows_the_rota_for_evening_on_call(self) -> None:
        role = Role.objects.get(organisation__key="region-skane", key="regional-it")
        person = User.objects.create(username="rota.person", full_name="Rut Rota")
        OnCallShift.objects.create(
            role=role,
            user=person,
            starts_at=at(WEDNESDAY, 17),
            ends_at=at(WEDNESDAY, 17) + dt.timedelta(hours=15),
        )
        answer = who_answers(role, at=at(WEDNESDAY, 23))
        self.assertIn("rota.person", [u.username for u in answer.people])
        self.assertEqual(answer.source, "rota")

    def test_it_does_not_loop_when_managers_form_a_cycle(self) -> None:
        manager = self.owner.manager_role
        manager.manager_role = self.owner
        manager.save(update_fields=["manager_role"])
        answer = who_answers(self.owner, system=self.lmn, at=at(SATURDAY, 23))
        self.assertLessEqual(len(answer.chain()), 2)
