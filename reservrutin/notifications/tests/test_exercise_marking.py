from __future__ import annotations

import io
from contextlib import redirect_stdout

from reservrutin.notifications.tests.helpers import OutboxTestCase, make_message
from reservrutin.notifications.worker import send_one


class ExerciseMarkingTests(OutboxTestCase):
    def test_it_marks_every_part_of_an_exercise_message(self) -> None:
        message = make_message(
            is_exercise=True,
            subject="Cosmic är nere",
            body="Använd reservrutinen.",
            body_html="<p>Använd reservrutinen.</p>",
            payload={"type": "outage.opened"},
        )
        self.assertTrue(message.is_exercise)
        self.assertEqual(message.subject, "ÖVNING: Cosmic är nere")
        self.assertEqual(message.body, "ÖVNING: Använd reservrutinen.")
        self.assertTrue(message.body_html.startswith("<p><strong>ÖVNING</strong></p>"))
        self.assertEqual(message.payload, {"type": "outage.opened", "exercise": True})

    def test_it_does_not_mark_twice(self) -> None:
        message = make_message(is_exercise=True, subject="ÖVNING: Test", body="ÖVNING pågår")
        self.assertEqual((message.subject, message.body), ("ÖVNING: Test", "ÖVNING pågår"))

    def test_it_leaves_real_messages_alone(self) -> None:
        message = make_message(subject="Cosmic är nere")
        self.assertEqual(message.subject, "Cosmic är nere")

    def test_it_delivers_the_mark(self) -> None:
        make_message(kind="console", is_exercise=True, subject="", body="Larm")
        with redirect_stdout(io.StringIO()) as output:
            send_one()
        self.assertIn("ÖVNING: Larm", output.getvalue())
