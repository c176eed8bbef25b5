"""planned_to_ical: RFC 5545 output, parsed back with a minimal parser (unfold, split
properties) and the recurrence expanded again with dateutil."""

from __future__ import annotations

import datetime as dt

import time_machine
from dateutil.rrule import rrulestr

from reservrutin.lib.clock import STOCKHOLM
from reservrutin.registry.models import System
from reservrutin.statuspage import planned
from reservrutin.statuspage.models import PlannedWindow
from reservrutin.test import BaseTestCase

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def parse(data: bytes) -> list[dict[str, tuple[dict[str, str], str]]]:
    """VEVENTs as {name: (params, value)}; enough of RFC 5545 to check our own output."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    lines = text.replace("\r\n ", "").split("\r\n")[:-1]
    events: list[dict[str, tuple[dict[str, str], str]]] = []
    current: dict[str, tuple[dict[str, str], str]] | None = None
    for line in lines:
        head, value = line.split(":", 1)
        name, *raw_params = head.split(";")
        params = dict(p.split("=", 1) for p in raw_params)
        if (name, value) == ("BEGIN", "VEVENT"):
            current = {}
        elif (name, value) == ("END", "VEVENT"):
            events.append(current or {})
            current = None
        elif current is not None:
            current[name] = (params, value)
    return events


def unescape(value: str) -> str:
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


class ICalTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        with time_machine.travel(NOW, tick=False):
            self.window = planned.schedule_planned_outage(
                self.org_a,
                by=self.carl,
                systems=[self.system_a],
                title="Servicefönster; omstart, 5–10 min",
                starts_at=dt.datetime(2026, 12, 1, 10, tzinfo=STOCKHOLM),
                ends_at=dt.datetime(2026, 12, 1, 12, tzinfo=STOCKHOLM),
                rrule="FREQ=MONTHLY;BYDAY=+2WE",
                impact="Spara ofta. " * 12,
                staff_instructions="Handläggare sparar ofta.\nLogga in igen efter omstart.",
                outage_type=PlannedWindow.OutageType.SERVICE_WINDOW,
            )
            other = System.objects.create(organisation=self.org_a, key="lifecare", name="Lifecare")
            self.single = planned.schedule_planned_outage(
                self.org_a,
                by=self.carl,
                systems=[other],
                title="Uppgradering hos leverantören",
                starts_at=dt.datetime(2027, 1, 20, 18, tzinfo=STOCKHOLM),
                ends_at=dt.datetime(2027, 1, 20, 22, tzinfo=STOCKHOLM),
                impact="Lifecare är stängt.",
                outage_type=PlannedWindow.OutageType.EXTERNAL_PROVIDER,
            )

    def test_it_is_valid_rfc_5545_with_folded_crlf_lines(self) -> None:
        data = planned.planned_to_ical(self.org_a)
        self.assertTrue(data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"))
        self.assertIn(b"BEGIN:VTIMEZONE\r\nTZID:Europe/Stockholm", data)
        for line in data.split(b"\r\n"):
            self.assertLessEqual(len(line), 75)
        self.assertNotIn(b"\n", data.replace(b"\r\n", b""))

    def test_the_recurring_window_round_trips_to_the_same_second_wednesdays_sod_05(self) -> None:
        [event, single] = parse(planned.planned_to_ical(self.org_a))
        self.assertEqual(event["UID"][1], f"planned-{self.window.code}@reservrutin")
        self.assertEqual(event["DTSTAMP"][1], "20261120T090000Z")
        self.assertEqual(event["DTSTART"], ({"TZID": "Europe/Stockholm"}, "20261209T100000"))
        self.assertEqual(event["DTEND"], ({"TZID": "Europe/Stockholm"}, "20261209T120000"))
        self.assertEqual(event["RRULE"][1], "FREQ=MONTHLY;BYDAY=+2WE")
        self.assertEqual(unescape(event["SUMMARY"][1]), "Servicefönster; omstart, 5–10 min")
        self.assertIn("Logga in igen efter omstart.", unescape(event["DESCRIPTION"][1]))
        start = dt.datetime.strptime(event["DTSTART"][1], "%Y%m%dT%H%M%S").replace(tzinfo=STOCKHOLM)
        rule = rrulestr(event["RRULE"][1], dtstart=start)
        self.assertEqual(
            [d.date() for d in rule[:3]],
            [dt.date(2026, 12, 9), dt.date(2027, 1, 13), dt.date(2027, 2, 10)],
        )
        self.assertNotIn("RRULE", single)
        self.assertEqual(single["DTSTART"][1], "20270120T180000")

    def test_uids_are_stable_and_systems_filter(self) -> None:
        self.assertEqual(planned.planned_to_ical(self.org_a), planned.planned_to_ical(self.org_a))
        only = parse(planned.planned_to_ical(self.org_a, systems=[self.system_a]))
        self.assertEqual([e["UID"][1] for e in only], [f"planned-{self.window.code}@reservrutin"])
        self.assertEqual(parse(planned.planned_to_ical(self.org_b)), [])
