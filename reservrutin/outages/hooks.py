"""What the outages app asks of apps above it (see ``lib/hooks.py``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reservrutin.lib.hooks import Hook

if TYPE_CHECKING:
    from reservrutin.accounts.models import User

#: ``(outage, recipient) -> bool``: may a message of the exercise ``outage`` go to
#: ``recipient`` (an e-mail address or phone number)? ``readiness`` registers: an exercise
#: reaches its participants only. Any function answering False stops the message.
exercise_recipient_allowed = Hook(
    "outages.exercise_recipient_allowed",
    doc="May a message of this exercise outage go to this recipient?",
)


@dataclass(frozen=True)
class RoutineNotice:
    """Driftinfo the approved routine says for an outage: a holding line on confirmation,
    a template published by a timer or with a backup routine. The routine is the authority
    for this text, so it may be published without a person (``by`` is None)."""

    title: str
    body: str
    severity: str
    at: dt.datetime
    by: User | None = None
    template_key: str = ""
    backup_routine: str = ""
    instructions: list[dict[str, str]] = field(default_factory=list)
    #: What the outage's timeline says about it (ÖVNING-marked by the caller if needed).
    timeline_text: str = ""
    #: A holding line: a publisher's own driftinfo replaces it.
    holding_line: bool = False


# The public status page follows the outage (docs/statuspage.md, "The page follows the
# outage"): the notice rows, the page version and the subscriber fan-out belong to
# ``statuspage``, which registers these in ``StatuspageConfig.ready``. Each runs inside the
# outages action's transaction with the outage row locked. Without ``statuspage`` nothing
# is published and nothing fails.

#: ``(outage, notice: RoutineNotice) -> None``: publish the routine's driftinfo for
#: ``outage`` (never publicly for an exercise).
publish_notice = Hook(
    "outages.publish_notice",
    doc="Publish the routine's driftinfo for this outage.",
)

#: ``(outage) -> bool``: is a publisher's (or the routine's) driftinfo about ``outage``
#: out now? True if any registered function answers True.
has_current_notice = Hook(
    "outages.has_current_notice",
    doc="Is driftinfo about this outage published now?",
)

#: ``(outage, *, at, by) -> int``: end the outage's current notices with their final
#: update ("Åtgärdat", the time), except those a publisher keeps on purpose; how many ended.
end_outage_notices = Hook(
    "outages.end_outage_notices",
    doc="End this outage's current notices with their final update.",
)
