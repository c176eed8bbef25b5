"""The outage state machine (outages/states.py): the transitions are data, every status
belongs to it, and the guard refuses what the machine does not allow."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.db import connection, transaction

from reservrutin.lib import clock
from reservrutin.outages import actions, states
from reservrutin.outages.actions import OutageError
from reservrutin.outages.models import Outage
from reservrutin.outages.tests.factories import make_outage
from reservrutin.test import BaseTestCase

Status = Outage.Status


class MachineDataTest(BaseTestCase):
    def test_every_status_is_current_upcoming_or_ended_exactly_once(self) -> None:
        groups = [states.CURRENT, states.UPCOMING, states.ENDED]
        for status in Status.values:
            self.assertEqual(sum(status in g for g in groups), 1, status)

    def test_every_target_is_a_state_of_the_same_kind(self) -> None:
        for kind, table in states.TRANSITIONS.items():
            self.assertIn(states.INITIAL[kind], table)
            for source, targets in table.items():
                self.assertTrue(targets <= set(table), (kind, source, targets - set(table)))

    def test_ended_states_lead_only_to_closing(self) -> None:
        for table in states.TRANSITIONS.values():
            for source, targets in table.items():
                if source in states.ENDED:
                    self.assertTrue(targets <= {Status.CLOSED}, (source, targets))


class GuardTest(BaseTestCase):
    def test_it_refuses_a_move_the_machine_does_not_allow(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        with transaction.atomic(), self.assertRaises(states.TransitionError):
            states.transition_in_txn(outage, Status.CLOSED, at=clock.now(), by=None, text="Stängd.")
        outage.refresh_from_db()
        self.assertEqual(outage.status, Status.REPORTED)
        with self.assertRaises(OutageError):
            actions.close_outage(outage, by=self.carl)

    def test_it_needs_the_callers_transaction(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        # TestCase runs every test in a transaction: pretend the caller opened none.
        with (
            mock.patch.object(connection, "in_atomic_block", False),
            self.assertRaises(AssertionError),
        ):
            states.transition_in_txn(
                outage, Status.CONFIRMED, at=clock.now(), by=None, text="Bekräftad."
            )

    def test_a_transition_stamps_its_instant_and_writes_the_timeline(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        now = clock.now()
        with transaction.atomic():
            entry = states.transition_in_txn(
                outage, Status.CONFIRMED, at=now, by=self.carl, text="Bekräftad."
            )
        outage.refresh_from_db()
        self.assertEqual(outage.status, Status.CONFIRMED)
        self.assertEqual(outage.confirmed_at, now)
        self.assertEqual(entry.data["previous_status"], Status.REPORTED)
        self.assertEqual(entry.actor, self.carl)

    def test_resolve_then_close_follows_the_machine(self) -> None:
        outage = make_outage(self.org_a, [self.system_a])
        actions.resolve_outage(outage, at=clock.now() - dt.timedelta(minutes=5), by=self.carl)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Status.RESOLVED)
        with self.assertRaises(OutageError):
            actions.resolve_outage(outage, at=clock.now(), by=self.carl)
        actions.close_outage(outage, by=self.carl)
        outage.refresh_from_db()
        self.assertEqual(outage.status, Status.CLOSED)
        self.assertIsNotNone(outage.closed_at)
