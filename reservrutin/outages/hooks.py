"""What the outages app asks of apps above it (see ``lib/hooks.py``)."""

from __future__ import annotations

from reservrutin.lib.hooks import Hook

#: ``(outage, recipient) -> bool``: may a message of the exercise ``outage`` go to
#: ``recipient`` (an e-mail address or phone number)? ``readiness`` registers: an exercise
#: reaches its participants only. Any function answering False stops the message.
exercise_recipient_allowed = Hook(
    "outages.exercise_recipient_allowed",
    doc="May a message of this exercise outage go to this recipient?",
)
