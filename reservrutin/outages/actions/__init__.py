"""Every state change of an outage, split by concern (as Zulip's ``zerver/actions``):

- ``reports``: fault reports, opening or joining an outage, verification
- ``lifecycle``: confirm, scenario, prognosis, ticket, backup routine, resolve, close
- ``tasks``: tasks and ticking them off
- ``escalation``: escalating unacknowledged messages, acknowledging
- ``notices``: driftinfo published for an outage
- ``timeline``: the one writer of timeline entries, notes and corrections

The step engine that turns routine steps and timer actions into messages and tasks is
``outages.engine``. Each action is one transaction that writes the rows, the timeline entry
and any outbox rows together. Business errors raise :class:`OutageError` with a message fit
to show a person; views show it next to the form and keep what was typed.
"""

from reservrutin.outages.actions.common import OutageError
from reservrutin.outages.actions.escalation import acknowledge_escalation, escalate_group
from reservrutin.outages.actions.lifecycle import (
    activate_backup_routine,
    choose_scenario,
    close_outage,
    confirm_outage,
    resolve_outage,
    set_prognosis,
    set_ticket_ref,
)
from reservrutin.outages.actions.notices import publish_notice_text
from reservrutin.outages.actions.reports import (
    DEFAULT_UNAUTHENTICATED_REPORTS_PER_HOUR,
    Submitted,
    submit_report,
    verify_report,
)
from reservrutin.outages.actions.tasks import complete_task
from reservrutin.outages.actions.timeline import add_note, correct_entry
from reservrutin.outages.engine import apply_timer, rearm_timer, run_steps, skip_reason

__all__ = [
    "DEFAULT_UNAUTHENTICATED_REPORTS_PER_HOUR",
    "OutageError",
    "Submitted",
    "acknowledge_escalation",
    "activate_backup_routine",
    "add_note",
    "apply_timer",
    "choose_scenario",
    "close_outage",
    "complete_task",
    "confirm_outage",
    "correct_entry",
    "escalate_group",
    "publish_notice_text",
    "rearm_timer",
    "resolve_outage",
    "run_steps",
    "set_prognosis",
    "set_ticket_ref",
    "skip_reason",
    "submit_report",
    "verify_report",
]
