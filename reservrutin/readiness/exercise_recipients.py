"""Who an exercise may reach: registered with ``outages.hooks.exercise_recipient_allowed``
in ``ReadinessConfig.ready()``, so ``outages.messaging`` asks without importing readiness."""

from __future__ import annotations

from typing import Any


def exercise_allows(outage: Any, recipient: str) -> bool:
    """Whether a message of the exercise ``outage`` may go to ``recipient`` (an e-mail
    address or phone number): only the exercise's participants are ever contacted, so a
    rehearsal cannot page real on-call staff, suppliers or the service desk."""
    from reservrutin.readiness.models import Exercise

    exercise = Exercise.objects.filter(outage_id=outage.pk).first()
    if exercise is None:
        # An exercise outage made without ``start_exercise`` has no participant list; its
        # messages still say ÖVNING (the outbox marks them), as the engine always did.
        return True
    wanted = recipient.strip().lower()
    for email, phone in exercise.participants.values_list("email", "phone"):
        if wanted and wanted in {email.strip().lower(), phone.strip().lower()}:
            return True
    return False
