"""One owner for outage rows (issue 12, brief principle 4): ``Outage`` rows are created only
in ``outages/actions/`` and ``TimelineEntry`` rows only by ``actions/timeline.py``'s writer.
This scans the source tree (ast) and fails the build on any other construction."""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]  # reservrutin/
ACTIONS = ROOT / "outages" / "actions"
TIMELINE_WRITER = ACTIONS / "timeline.py"
CREATORS = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for each construction of Outage or TimelineEntry rows in ``source``:
    ``Model(...)``, ``Model.objects.create/bulk_create/...(...)``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if _name(func) in {"Outage", "TimelineEntry"}:  # Outage(...), models.Outage(...)
            found.append((node.lineno, f"{_name(func)}(…)"))
            continue
        if isinstance(func, ast.Attribute) and func.attr in CREATORS:
            manager = func.value
            if isinstance(manager, ast.Attribute) and manager.attr == "objects":
                model = _name(manager.value)
                if model in {"Outage", "TimelineEntry"}:
                    found.append((node.lineno, f"{model}.objects.{func.attr}"))
            # outage.timeline.create(...): the related manager of TimelineEntry.
            if isinstance(manager, ast.Attribute) and manager.attr == "timeline":
                found.append((node.lineno, f"….timeline.{func.attr}"))
    return found


def status_writes(source: str) -> list[int]:
    """Lines that set an outage's status: ``outage.status = …`` or ``Outage.objects….
    update(status=…)`` (only the state machine's guard may)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "status"
                    and "outage" in ast.unparse(target.value).lower()
                ):
                    found.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and any(k.arg == "status" for k in node.keywords)
            and ast.unparse(node.func.value).startswith("Outage.objects")
        ):
            found.append(node.lineno)
    return found


def _allowed(path: Path, what: str) -> bool:
    if "TimelineEntry" in what or ".timeline." in what:
        return path == TIMELINE_WRITER
    return ACTIONS in path.parents


def _sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


class SingleWriterTest(SimpleTestCase):
    def test_only_outages_actions_create_outage_and_timeline_rows(self) -> None:
        offenders = []
        for path in _sources():
            for line, what in writes(path.read_text(encoding="utf-8")):
                if not _allowed(path, what):
                    offenders.append(f"{path.relative_to(ROOT.parent)}:{line}: {what}")
        self.assertEqual(offenders, [], "write these rows through reservrutin.outages.actions")

    def test_only_the_state_machine_sets_an_outages_status(self) -> None:
        guard = ROOT / "outages" / "states.py"
        offenders = [
            f"{path.relative_to(ROOT.parent)}:{line}"
            for path in _sources()
            if path != guard
            for line in status_writes(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(offenders, [], "change an outage's status with states.transition_in_txn")
        self.assertTrue(status_writes(guard.read_text(encoding="utf-8")))
        self.assertEqual(
            status_writes(
                "outage.status = 'x'\nOutage.objects.filter(pk=1).update(status='y')\n"
                "notice.status = 'z'\n"
            ),
            [1, 2],
        )

    def test_the_scan_finds_every_form_of_construction(self) -> None:
        source = (
            "Outage.objects.create(title='x')\n"
            "TimelineEntry.objects.bulk_create([TimelineEntry(text='x')])\n"
            "models.Outage(title='y')\n"
            "outage.timeline.create(text='z')\n"
            "Outage.objects.filter(pk=1)\n"
        )
        self.assertEqual(
            sorted(what for _line, what in writes(source)),
            sorted(
                [
                    "Outage.objects.create",
                    "TimelineEntry.objects.bulk_create",
                    "TimelineEntry(…)",
                    "Outage(…)",
                    "….timeline.create",
                ]
            ),
        )

    def test_it_would_flag_a_write_outside_actions(self) -> None:
        path = ROOT / "statuspage" / "planned.py"
        self.assertFalse(_allowed(path, "Outage.objects.create"))
        self.assertFalse(_allowed(ACTIONS / "planned.py", "TimelineEntry.objects.create"))
        self.assertTrue(_allowed(ACTIONS / "planned.py", "Outage.objects.create"))
        self.assertTrue(_allowed(TIMELINE_WRITER, "TimelineEntry.objects.create"))
