"""Existing rows into the state machine of outages/states.py.

Planned occurrences used the unplanned statuses (``reported`` before the start,
``confirmed`` during, ``resolved`` after): they move to ``scheduled``, ``in_progress`` and
``completed``. Exercise titles lose the ÖVNING mark they were stored
with; pages and messages add it once.
"""

from __future__ import annotations

from django.db import migrations

PLANNED = {
    "reported": "scheduled",
    "confirmed": "in_progress",
    "backup_active": "backup_active",
    "resolved": "completed",
    "back_registration": "completed",
    "closed": "completed",
}
UNPLANNED = {old: old for old in PLANNED} | {
    "scheduled": "reported",
    "announced": "reported",
    "in_progress": "confirmed",
    "completed": "resolved",
    "cancelled": "resolved",
}


def forwards(apps, schema_editor):
    Outage = apps.get_model("outages", "Outage")
    for old, new in PLANNED.items():
        if old != new:
            Outage.objects.filter(kind="planned", status=old).update(status=new)
    for outage in Outage.objects.filter(is_exercise=True, title__istartswith="ÖVNING"):
        title = outage.title
        while title.upper().startswith("ÖVNING"):
            title = title[len("ÖVNING") :].lstrip(" :–-")
        outage.title = title or outage.title
        outage.save(update_fields=["title"])


def backwards(apps, schema_editor):
    Outage = apps.get_model("outages", "Outage")
    for new in ("scheduled", "announced", "in_progress", "completed", "cancelled"):
        Outage.objects.filter(kind="planned", status=new).update(status=UNPLANNED[new])


class Migration(migrations.Migration):
    dependencies = [
        ("outages", "0004_lifecycle_states_and_escalation_purpose"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
