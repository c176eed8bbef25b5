"""Writing the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from reservrutin.audit.models import AuditEvent
from reservrutin.lib import clock

if TYPE_CHECKING:  # audit sits below accounts: names for type hints only
    from reservrutin.accounts.models import Organisation, User


def record_event(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    organisation: Organisation | None = None,
    address: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append one audit event. Callers run it inside their own transaction so the event and
    the change it describes commit together."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        organisation=organisation,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
        address=address,
        created_at=clock.now(),
    )
