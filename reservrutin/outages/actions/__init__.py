"""Every state change of an outage, split by concern (as Zulip's ``zerver/actions``):

- ``reports``: fault reports, opening or joining an outage, verification
- ``scope``: which units and parts an outage concerns; additions to a report
- ``lifecycle``: confirm, scenario, prognosis, ticket, backup routine, resolve, close
- ``planned``: the outage of a planned occurrence: schedule, announce, start, complete, cancel
- ``exercises``: opening an exercise outage (same machine, ``is_exercise``)
- ``tasks``: tasks (one per person where the routine says ``each``), ticking them off
  (with the time work on paper was really done), taking over, handing over
- ``escalation``: escalating unacknowledged messages, acknowledging
- ``notices``: driftinfo published for an outage
- ``timeline``: the one writer of timeline entries, notes and corrections

Every status change passes the state machine in ``outages.states``; Outage rows are created
only here and TimelineEntry rows only by ``timeline.write_entry_in_txn``
(``tests/test_single_writer.py`` checks the whole source tree). The step engine that turns
routine steps and timer actions into messages and tasks is ``outages.engine``. Functions
named ``…_in_txn`` run inside their caller's transaction and assert that they do. Each action is one transaction that writes the rows, the timeline entry
and any outbox rows together. Business errors raise :class:`OutageError` with a message fit
to show a person; views show it next to the form and keep what was typed.
"""

from reservrutin.outages.actions.common import OutageError
from reservrutin.outages.actions.escalation import (
    acknowledge_escalation,
    escalate_group_in_txn,
)
from reservrutin.outages.actions.exercises import exercise_title, open_exercise_outage
from reservrutin.outages.actions.lifecycle import (
    activate_backup_routine,
    activate_backup_routine_in_txn,
    choose_scenario,
    close_outage,
    confirm_outage,
    resolve_outage,
    set_prognosis,
    set_ticket_ref,
)
from reservrutin.outages.actions.notices import publish_notice_text
from reservrutin.outages.actions.planned import (
    announce_planned_outage,
    cancel_planned_outage,
    complete_planned_outage,
    schedule_planned_outage,
    start_planned_outage,
)
from reservrutin.outages.actions.reports import (
    Submitted,
    submit_report,
    verify_report,
)
from reservrutin.outages.actions.scope import add_to_report, widen_scope
from reservrutin.outages.actions.tasks import (
    NotYourTask,
    complete_task,
    hand_over_task,
    take_over_task,
)
from reservrutin.outages.actions.timeline import (
    add_note,
    correct_entry,
    record_on_timeline,
    write_entry_in_txn,
)

__all__ = [
    "NotYourTask",
    "OutageError",
    "Submitted",
    "acknowledge_escalation",
    "activate_backup_routine",
    "activate_backup_routine_in_txn",
    "add_note",
    "add_to_report",
    "announce_planned_outage",
    "apply_timer_in_txn",
    "cancel_planned_outage",
    "choose_scenario",
    "close_outage",
    "complete_planned_outage",
    "complete_task",
    "confirm_outage",
    "correct_entry",
    "escalate_group_in_txn",
    "exercise_title",
    "hand_over_task",
    "open_exercise_outage",
    "publish_notice_text",
    "rearm_timer_in_txn",
    "record_on_timeline",
    "resolve_outage",
    "run_steps_in_txn",
    "schedule_planned_outage",
    "set_prognosis",
    "set_ticket_ref",
    "skip_reason",
    "start_planned_outage",
    "submit_report",
    "take_over_task",
    "verify_report",
    "widen_scope",
    "write_entry_in_txn",
]

#: The engine's entry points, re-exported for the worker. Loaded on first use: the engine
#: itself imports these actions, so importing it here would make the import order matter.
_ENGINE = {"apply_timer_in_txn", "rearm_timer_in_txn", "run_steps_in_txn", "skip_reason"}


def __getattr__(name: str) -> object:
    if name in _ENGINE:
        from reservrutin.outages import engine

        return getattr(engine, name)
    raise AttributeError(name)
