"""The engine runs steps from the routine's typed schema objects: every step type of
``routines.schema.Step`` has a handler, and timer actions are parsed back into
``schema.TimerAction``."""

from __future__ import annotations

import typing

from django.test import SimpleTestCase

from reservrutin.outages import engine
from reservrutin.outages.models import Timer
from reservrutin.routines import schema


class EngineTypedTest(SimpleTestCase):
    def test_every_step_type_of_the_schema_has_a_handler(self) -> None:
        union = typing.get_args(schema.Step)[0]
        kinds = set(typing.get_args(union))
        self.assertTrue(kinds)
        self.assertEqual(kinds, set(engine.STEP_HANDLERS))

    def test_stored_actions_read_back_as_schema_objects(self) -> None:
        stored = engine.timer_actions_json(
            [
                schema.TimerAction(activate_backup_routine="papper"),
                schema.TimerAction(create_tasks=[schema.Task(who="kundservice", what="Ring.")]),
            ]
        )
        timer = Timer(actions=[*stored, {"publish_notice": "ej-nyckel!"}])
        parsed, broken = engine.timer_actions(timer)
        self.assertEqual(parsed[0].activate_backup_routine, "papper")
        self.assertEqual(parsed[1].create_tasks[0].what, "Ring.")  # type: ignore[index]
        self.assertEqual(len(broken), 1)
        self.assertEqual(engine.activated_backup(parsed), "papper")
