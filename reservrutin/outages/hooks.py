"""Hooks: how apps above ``outages`` follow an outage without ``outages`` importing them.

``outages`` sits below ``statuspage`` (docs/architecture.md, "Hooks"). When an outage is
confirmed, resolved or closed, its public notices must follow, but the notice rows, the
page version and the subscriber fan-out belong to ``statuspage``. So ``statuspage``
registers a :class:`PublicPage` here when the app registry is ready
(``StatuspageConfig.ready``) and the outages actions call it inside their own
transaction. Without a registered page (a project without ``statuspage``) nothing is
published and nothing fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from reservrutin.accounts.models import User
    from reservrutin.outages.models import Outage


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


class PublicPage(Protocol):
    """What ``outages`` asks of the public status page. Every method runs inside the
    caller's transaction, with the outage row locked."""

    def publish(self, outage: Outage, notice: RoutineNotice) -> None:
        """Publish ``notice`` for ``outage`` (never publicly for an exercise)."""

    def has_current(self, outage: Outage) -> bool:
        """Whether a publisher's (or the routine's) driftinfo about ``outage`` is out now."""

    def end_for_outage(self, outage: Outage, *, at: dt.datetime, by: User | None) -> int:
        """End the outage's current notices with their final update ("Åtgärdat", the
        time), except those a publisher keeps on purpose; how many ended."""


class _Nowhere:
    """No status page installed: nothing is published."""

    def publish(self, outage: Outage, notice: RoutineNotice) -> None:
        return None

    def has_current(self, outage: Outage) -> bool:
        return False

    def end_for_outage(self, outage: Outage, *, at: dt.datetime, by: User | None) -> int:
        return 0


_public_page: PublicPage = _Nowhere()


def register_public_page(page: PublicPage) -> None:
    """Called once by ``statuspage`` at app ready; a second call replaces the first
    (tests may register their own)."""
    global _public_page
    _public_page = page


def public_page() -> PublicPage:
    return _public_page
