"""The outage's state changes: confirm, choose a scenario, prognosis, ticket, activate a backup
routine, resolve, close. Each is one transaction with its timeline entry and outbox rows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages import engine, messaging, routing
from reservrutin.outages.actions import notices
from reservrutin.outages.actions.common import OutageError, _document, _first_system, _fmt, _lock
from reservrutin.outages.actions.notices import publish_notice_text
from reservrutin.outages.actions.tasks import _task
from reservrutin.outages.actions.timeline import _entry
from reservrutin.outages.models import (
    Activation,
    Outage,
    PrognosisChange,
    Task,
    TimelineEntry,
    Timer,
)
from reservrutin.routines import schema


def confirm_outage(outage: Outage, *, by: User | None, scenario_key: str) -> Outage:
    """Confirm a reported outage and start the scenario: its steps become notifications,
    messages and tasks now, its timers rows the ``runtimers`` worker fires later.

    A "wait for instructions" scenario (LMN-06) starts its steps and NO timers.
    """
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if outage.status != Outage.Status.REPORTED:
            raise OutageError("Störningen är redan bekräftad.")
        if outage.routine_version is None:
            version = routing.routine_for(outage.organisation, outage.systems.all())
            if version is not None:
                outage.routine_version = version
                outage.routine_key = version.routine.key
        doc = _document(outage)
        chosen = routing.scenario(doc, scenario_key) if scenario_key else None
        if scenario_key and chosen is None:
            raise OutageError("Okänt scenario för rutinen.", field="scenario")
        outage.status = Outage.Status.CONFIRMED
        outage.confirmed_at = now
        outage.scenario_key = scenario_key
        outage.save(
            update_fields=[
                "status",
                "confirmed_at",
                "scenario_key",
                "routine_version",
                "routine_key",
            ]
        )
        _entry(outage, TimelineEntry.Kind.STATUS, "Driftstörningen bekräftades.", at=now, by=by)
        if chosen is not None:
            _start_scenario(outage, doc, chosen, at=now, by=by)
    return outage


def choose_scenario(outage: Outage, *, by: User | None, scenario_key: str) -> Outage:
    """Change the scenario of a confirmed outage: pending timers of the old one stop, the
    new one's steps and timers start. Before confirmation, only remembers the choice."""
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        doc = _document(outage)
        chosen = routing.scenario(doc, scenario_key)
        if chosen is None:
            raise OutageError("Okänt scenario för rutinen.", field="scenario")
        if scenario_key == outage.scenario_key:
            return outage
        outage.scenario_key = scenario_key
        outage.save(update_fields=["scenario_key"])
        if outage.status == Outage.Status.REPORTED:
            return outage
        outage.timers.pending().update(
            skipped_at=now, skip_reason="Scenariot byttes", claim_token=None, claimed_until=None
        )
        _start_scenario(outage, doc, chosen, at=now, by=by)
    return outage


def _start_scenario(
    outage: Outage,
    doc: schema.Routine | None,
    chosen: schema.Scenario,
    *,
    at: dt.datetime,
    by: User | None,
) -> None:
    assert doc is not None
    _entry(
        outage,
        TimelineEntry.Kind.SCENARIO,
        f"Scenario: {chosen.title}.",
        at=at,
        by=by,
        scenario=chosen.key,
    )
    if chosen.wait_for_instructions:
        _entry(
            outage,
            TimelineEntry.Kind.SCENARIO,
            "Avvakta instruktioner – inga planerade åtgärder och inga tidsgränser.",
            at=at,
            scenario=chosen.key,
        )
    engine.run_steps(outage, doc, chosen.steps, source=Task.Source.STEP, prefix=chosen.key, at=at)
    notices.follow_confirmation(outage, doc, chosen, at=at, by=by)
    if chosen.wait_for_instructions:
        return
    for item in chosen.timers:
        Timer.objects.create(
            outage=outage,
            key=item.key,
            description=item.description or "",
            due_at=outage.started_at + schema.parse_duration(item.after) / outage.time_factor,
            condition=item.condition,
            rearm=(schema.parse_duration(item.rearm) / outage.time_factor) if item.rearm else None,
            actions=[a.model_dump(mode="json", exclude_none=True) for a in item.actions],
            created_at=at,
        )


def set_prognosis(outage: Outage, *, at: dt.datetime | None, by: User | None) -> Outage:
    """Set (or with ``at=None`` withdraw) the prognosis. A prognosis must lie ahead.

    Timers read the prognosis when they fall due, so nothing else changes here: a
    "without prognosis" timer due before ``at`` will be skipped and re-armed.
    """
    now = clock.now()
    if at is not None and at <= now:
        raise OutageError(
            f"Prognosen {_fmt(at)} har redan passerat – ange en tid efter {_fmt(now)}.",
            field="prognosis_at",
        )
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        outage.prognosis_at = at
        outage.save(update_fields=["prognosis_at"])
        PrognosisChange.objects.create(outage=outage, prognosis_at=at, set_by=by, set_at=now)
        _entry(
            outage,
            TimelineEntry.Kind.PROGNOSIS,
            f"Prognos: åter i drift {_fmt(at)}." if at else "Prognosen togs bort.",
            at=now,
            by=by,
            prognosis_at=at.isoformat() if at else None,
        )
    return outage


def set_ticket_ref(outage: Outage, *, ticket_ref: str, by: User | None) -> Outage:
    """Reference the service desk's own ticket (not owned here)."""
    ticket_ref = ticket_ref.strip()
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        outage.ticket_ref = ticket_ref[:100]
        outage.save(update_fields=["ticket_ref"])
        _entry(
            outage,
            TimelineEntry.Kind.NOTE,
            f"Ärendenummer hos servicedesk: {ticket_ref}."
            if ticket_ref
            else "Ärendenumret togs bort.",
            at=now,
            by=by,
        )
    return outage


def activate_backup_routine(
    outage: Outage,
    key: str,
    *,
    by: User | None = None,
    reason: str,
    timer: Timer | None = None,
) -> Activation:
    """Put backup routine ``key`` in force: status ``backup_active``, its steps as tasks,
    its notice published and the roles of its steps told. Activating one that is already
    active returns the existing activation and changes nothing."""
    now = clock.now()
    if not reason.strip():
        raise OutageError("Skriv varför reservrutinen aktiveras.", field="reason")
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        existing = outage.activations.filter(backup_key=key).first()
        if existing is not None:
            return existing
        doc = _document(outage)
        backup = routing.backup_routine(doc, key)
        if backup is None:
            raise OutageError("Okänd reservrutin för rutinen.", field="backup")
        activation = Activation.objects.create(
            outage=outage,
            backup_key=key,
            title=backup.title,
            activated_at=now,
            by=by if by is not None and by.is_authenticated else None,
            reason=reason.strip(),
            timer=timer,
        )
        previous = outage.status
        outage.status = Outage.Status.BACKUP_ACTIVE
        if outage.confirmed_at is None:
            outage.confirmed_at = now
        outage.save(update_fields=["status", "confirmed_at"])
        _entry(
            outage,
            TimelineEntry.Kind.ACTIVATION,
            f"{backup.title} aktiverad: {reason.strip()}",
            at=now,
            by=by,
            backup=key,
            previous_status=previous,
        )
        tpl = routing.template(doc, backup.notice_template)
        if tpl is not None:
            publish_notice_text(
                outage, tpl.text, by=by, at=now, title=tpl.title or "", template_key=tpl.key
            )
        assert doc is not None
        engine.run_steps(
            outage, doc, backup.steps, source=Task.Source.BACKUP_ROUTINE, prefix=key, at=now
        )
        roles = list(dict.fromkeys(s.who for s in backup.steps if s.who))
        for ref in roles:
            messaging.notify_role(
                outage,
                ref,
                text=f"{backup.title} gäller nu. Se dina uppgifter.",
                purpose=f"backup:{key}:{ref}",
                at=now,
                system=_first_system(outage),
                escalate=False,
            )
    return activation


def resolve_outage(outage: Outage, *, at: dt.datetime, by: User | None) -> Outage:
    """The system works again since ``at``. Pending timers and escalations stop; the
    routine's resolution rules by duration create tasks (TES-10: up to 10 hours every
    employee back-registers, over 10 hours the administrations decide); back-registration
    of activated backup routines becomes tasks. Status ``back_registration`` when there
    is something to enter afterwards, else ``resolved``."""
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        if at < outage.started_at:
            raise OutageError(
                f"Åtgärdad {_fmt(at)} ligger före starten {_fmt(outage.started_at)}.",
                field="resolved_at",
            )
        if at > now:
            raise OutageError("Åtgärdstiden kan inte ligga i framtiden.", field="resolved_at")
        doc = _document(outage)
        lasted = at - outage.started_at
        tasks_made = 0
        for index, rule in enumerate(doc.resolution if doc else []):
            low = routing.duration(rule.min_duration)
            high = routing.duration(rule.max_duration)
            if low is not None and not lasted > low:
                continue
            if high is not None and not lasted <= high:
                continue
            for n, item in enumerate(rule.tasks):
                _task(
                    outage,
                    role=item.who,
                    instruction=item.what,
                    source=Task.Source.RESOLUTION,
                    source_key=f"resolution:{index}:{n}",
                    at=now,
                    due=item.due,
                )
                tasks_made += 1
            _entry(
                outage,
                TimelineEntry.Kind.STATUS,
                f"Efter åtgärd gäller: {rule.title or 'regel ' + str(index + 1)}.",
                at=now,
                rule=index,
            )
        back_registration = bool(doc and doc.record_types)
        for activation in outage.activations.all():
            backup = routing.backup_routine(doc, activation.backup_key)
            if backup is None:
                continue
            if backup.record_types or backup.entered_afterwards:
                back_registration = True
            after = backup.entered_afterwards
            if after is not None:
                _task(
                    outage,
                    role=after.by_role,
                    instruction=after.text or f"Efterregistrera enligt {backup.title}.",
                    source=Task.Source.RESOLUTION,
                    source_key=f"backup:{backup.key}:after",
                    at=now,
                    due=after.due,
                )
        outage.timers.pending().update(
            skipped_at=now, skip_reason="Störningen åtgärdad", claim_token=None, claimed_until=None
        )
        outage.escalations.filter(due_at__isnull=False, escalated_at__isnull=True).update(
            due_at=None
        )
        outage.status = (
            Outage.Status.BACK_REGISTRATION if back_registration else Outage.Status.RESOLVED
        )
        outage.resolved_at = at
        outage.save(update_fields=["status", "resolved_at"])
        notices.end_public_notices(outage, at=now, by=by)
        hours = lasted.total_seconds() / 3600
        _entry(
            outage,
            TimelineEntry.Kind.STATUS,
            f"Åtgärdad {_fmt(at)} efter {hours:.1f} timmar."
            + (" Efterregistrering pågår." if back_registration else ""),
            at=now,
            by=by,
            resolved_at=at.isoformat(),
        )
    return outage


def close_outage(outage: Outage, *, by: User | None) -> Outage:
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if outage.status not in (Outage.Status.RESOLVED, Outage.Status.BACK_REGISTRATION):
            raise OutageError("Bara en åtgärdad störning kan avslutas.")
        outage.status = Outage.Status.CLOSED
        outage.closed_at = now
        outage.save(update_fields=["status", "closed_at"])
        notices.end_public_notices(outage, at=now, by=by)
        undone = outage.tasks.filter(done_at__isnull=True).count()
        _entry(
            outage,
            TimelineEntry.Kind.STATUS,
            "Driftstörningen avslutades."
            + (f" {undone} uppgift(er) var inte klara." if undone else ""),
            at=now,
            by=by,
        )
    return outage
