"""The outage's state changes: confirm, choose a scenario, prognosis, ticket, activate a backup
routine, resolve, close. Each is one transaction with its timeline entry and outbox rows, and
every status change passes the state machine's guard (``outages.states``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from reservrutin.accounts.models import User
from reservrutin.lib import clock
from reservrutin.outages import engine, messaging, routing, states
from reservrutin.outages.actions import notices
from reservrutin.outages.actions.common import (
    OutageError,
    _document,
    _first_system,
    _fmt,
    _lock,
    real_time,
    routine_time,
)
from reservrutin.outages.actions.notices import publish_notice_text
from reservrutin.outages.actions.tasks import _task
from reservrutin.outages.actions.timeline import write_entry_in_txn
from reservrutin.outages.models import (
    Activation,
    Outage,
    PrognosisChange,
    Task,
    TimelineEntry,
    Timer,
)
from reservrutin.routines import schema

Status = Outage.Status


def _move_in_txn(
    outage: Outage,
    to: str,
    *,
    refused: str,
    at: dt.datetime,
    by: User | None,
    text: str,
    **extra: object,
) -> TimelineEntry:
    """``states.transition_in_txn``, with the machine's refusal in words for a person."""
    if not states.allowed(outage, to):
        raise OutageError(refused)
    return states.transition_in_txn(outage, to, at=at, by=by, text=text, **extra)  # type: ignore[arg-type]


def confirm_outage(outage: Outage, *, by: User | None, scenario_key: str) -> Outage:
    """Confirm a reported outage and start the scenario: its steps become notifications,
    messages and tasks now, its timers rows the ``runtimers`` worker fires later.

    A "wait for instructions" scenario (LMN-06) starts its steps and NO timers.
    """
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not states.allowed(outage, Status.CONFIRMED):
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
        outage.scenario_key = scenario_key
        states.transition_in_txn(
            outage,
            Status.CONFIRMED,
            at=now,
            by=by,
            text="Driftstörningen bekräftades.",
            update_fields=("scenario_key", "routine_version", "routine_key"),
        )
        if chosen is not None:
            _start_scenario_in_txn(outage, doc, chosen, at=now, by=by)
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
        if outage.status == Status.REPORTED:
            return outage
        outage.timers.pending().update(
            skipped_at=now, skip_reason="Scenariot byttes", claim_token=None, claimed_until=None
        )
        _start_scenario_in_txn(outage, doc, chosen, at=now, by=by)
    return outage


def _start_scenario_in_txn(
    outage: Outage,
    doc: schema.Routine | None,
    chosen: schema.Scenario,
    *,
    at: dt.datetime,
    by: User | None,
) -> None:
    assert doc is not None
    write_entry_in_txn(
        outage,
        TimelineEntry.Kind.SCENARIO,
        f"Scenario: {chosen.title}.",
        at=at,
        by=by,
        scenario=chosen.key,
    )
    if chosen.wait_for_instructions:
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.SCENARIO,
            "Avvakta instruktioner – inga planerade åtgärder och inga tidsgränser.",
            at=at,
            scenario=chosen.key,
        )
    engine.run_steps_in_txn(
        outage, doc, chosen.steps, source=Task.Source.STEP, prefix=chosen.key, at=at
    )
    notices.follow_confirmation(outage, doc, chosen, at=at, by=by)
    if chosen.wait_for_instructions:
        return
    for item in chosen.timers:
        Timer.objects.create(
            outage=outage,
            key=item.key,
            description=item.description or "",
            due_at=outage.started_at + real_time(outage, schema.parse_duration(item.after)),
            condition=item.condition,
            rearm=real_time(outage, schema.parse_duration(item.rearm)) if item.rearm else None,
            actions=engine.timer_actions_json(item.actions),
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
        write_entry_in_txn(
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
        write_entry_in_txn(
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
    its notice published and the roles of its steps told; then the backup routine its
    ``then_activate`` names, and so on along the chain. Activating one that is already
    active returns the existing activation and changes nothing.

    A person activating it before the routine's timer would have: that timer is done
    early (skipped, its other actions run now), so the countdown goes and nothing the
    timer promised comes twice or not at all."""
    if not reason.strip():
        raise OutageError("Skriv varför reservrutinen aktiveras.", field="reason")
    with transaction.atomic():
        outage = _lock(outage)
        return activate_backup_routine_in_txn(
            outage, key, by=by, reason=reason, timer=timer, at=clock.now()
        )


def activate_backup_routine_in_txn(
    outage: Outage,
    key: str,
    *,
    by: User | None,
    reason: str,
    timer: Timer | None,
    at: dt.datetime,
    _chain: tuple[str, ...] = (),
) -> Activation:
    """:func:`activate_backup_routine` inside the caller's transaction, which holds the
    outage row (the timer worker's, or the action's)."""
    if not outage.is_open:
        raise OutageError("Störningen är redan åtgärdad.")
    existing = outage.activations.filter(backup_key=key).first()
    if existing is not None:
        return existing
    doc = _document(outage)
    backup = routing.backup_routine(doc, key)
    if backup is None:
        raise OutageError("Okänd reservrutin för rutinen.", field="backup")
    assert doc is not None
    activation = Activation.objects.create(
        outage=outage,
        backup_key=key,
        title=backup.title,
        activated_at=at,
        by=by if by is not None and by.is_authenticated else None,
        reason=reason.strip(),
        timer=timer,
    )
    text = f"{backup.title} aktiverad: {reason.strip()}"
    if outage.status == Status.BACKUP_ACTIVE:
        write_entry_in_txn(outage, TimelineEntry.Kind.ACTIVATION, text, at=at, by=by, backup=key)
    else:
        _move_in_txn(
            outage,
            Status.BACKUP_ACTIVE,
            refused="Störningen är inte pågående.",
            at=at,
            by=by,
            text=text,
            kind=TimelineEntry.Kind.ACTIVATION,
            backup=key,
        )
    tpl = routing.template(doc, backup.notice_template)
    if tpl is not None:
        publish_notice_text(
            outage, tpl.text, by=by, at=at, title=tpl.title or "", template_key=tpl.key
        )
    engine.run_steps_in_txn(
        outage, doc, backup.steps, source=Task.Source.BACKUP_ROUTINE, prefix=key, at=at
    )
    for ref in dict.fromkeys(s.who for s in backup.steps if s.who):
        messaging.notify_role_in_txn(
            outage,
            ref,
            text=f"{backup.title} gäller nu. Se dina uppgifter.",
            purpose=f"backup:{key}",
            at=at,
            system=_first_system(outage),
            escalate=False,
        )
    _finish_timers_early_in_txn(outage, key, fired_by=timer, at=at)
    following = backup.then_activate
    if following and following not in _chain and following != key:
        # The routine says this backup routine brings another with it (validation refuses
        # a cycle; the chain guard keeps a bad old version from looping).
        activate_backup_routine_in_txn(
            outage,
            following,
            by=by,
            reason=f"Följer av {backup.title}.",
            timer=timer,
            at=at,
            _chain=(*_chain, key),
        )
    return activation


def _finish_timers_early_in_txn(
    outage: Outage, key: str, *, fired_by: Timer | None, at: dt.datetime
) -> None:
    """Pending timers that would activate ``key`` (now active): skip them and run their
    other actions now."""
    for pending in outage.timers.pending().exclude(pk=fired_by.pk if fired_by else None):
        actions, _broken = engine.timer_actions(pending)
        if engine.activated_backup(actions) != key:
            continue
        done = Timer.objects.filter(
            pk=pending.pk, fired_at__isnull=True, skipped_at__isnull=True
        ).update(
            skipped_at=at,
            skip_reason="Reservrutinen aktiverades före tidsgränsen",
            claim_token=None,
            claimed_until=None,
        )
        if done:
            engine.apply_timer_effects_in_txn(pending, outage, actions, backup_key=key, at=at)


def _shown_precision(instant: dt.datetime) -> dt.datetime:
    """``instant`` as the pages show and the form sends it: to the minute."""
    return instant.replace(second=0, microsecond=0)


def resolve_outage(outage: Outage, *, at: dt.datetime, by: User | None) -> Outage:
    """The system works again since ``at``. Pending timers and escalations stop; the
    routine's resolution rules by duration create tasks (TES-10: up to 10 hours every
    employee back-registers, over 10 hours the administrations decide); back-registration
    of activated backup routines becomes tasks. Status ``back_registration`` when there
    is something to enter afterwards, else ``resolved``; a planned occurrence ends
    ``completed``.

    ``at`` is compared with the start at the precision the page shows (minutes): a
    resolution in the outage's first minute counts from the start itself. An exercise's
    duration is measured in routine time (``time_factor``)."""
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not outage.is_open:
            raise OutageError("Störningen är redan åtgärdad.")
        if _shown_precision(at) < _shown_precision(outage.started_at):
            raise OutageError(
                f"Åtgärdad {_fmt(at)} ligger före starten {_fmt(outage.started_at)}.",
                field="resolved_at",
            )
        at = max(at, outage.started_at)
        if at > now:
            raise OutageError("Åtgärdstiden kan inte ligga i framtiden.", field="resolved_at")
        doc = _document(outage)
        lasted = routine_time(outage, at - outage.started_at)
        back_registration = _apply_resolution_in_txn(outage, doc, lasted, at=now)
        outage.timers.pending().update(
            skipped_at=now, skip_reason="Störningen åtgärdad", claim_token=None, claimed_until=None
        )
        outage.escalations.filter(due_at__isnull=False, escalated_at__isnull=True).update(
            due_at=None
        )
        if outage.kind == Outage.Kind.PLANNED:
            to = Status.COMPLETED
        else:
            to = Status.BACK_REGISTRATION if back_registration else Status.RESOLVED
        outage.resolved_at = at
        hours = lasted.total_seconds() / 3600
        states.transition_in_txn(
            outage,
            to,
            at=now,
            by=by,
            text=f"Åtgärdad {_fmt(at)} efter {hours:.1f} timmar."
            + (" Efterregistrering pågår." if to == Status.BACK_REGISTRATION else ""),
            update_fields=("resolved_at",),
            resolved_at=at.isoformat(),
        )
        notices.end_public_notices(outage, at=now, by=by)
    return outage


def _apply_resolution_in_txn(
    outage: Outage, doc: schema.Routine | None, lasted: dt.timedelta, *, at: dt.datetime
) -> bool:
    """The resolution rules matching ``lasted`` (routine time) as tasks, and the
    back-registration of activated backup routines; whether anything is to be entered
    afterwards."""
    for index, rule in enumerate(doc.resolution if doc else []):
        low = routing.duration(rule.min_duration)
        high = routing.duration(rule.max_duration)
        if low is not None and not lasted > low:
            continue
        if high is not None and not lasted <= high:
            continue
        engine.create_tasks_in_txn(
            outage, rule.tasks, source=Task.Source.RESOLUTION, key=f"resolution:{index}", at=at
        )
        write_entry_in_txn(
            outage,
            TimelineEntry.Kind.STATUS,
            f"Efter åtgärd gäller: {rule.title or 'regel ' + str(index + 1)}.",
            at=at,
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
                at=at,
                due=after.due,
            )
    return back_registration


def close_outage(outage: Outage, *, by: User | None) -> Outage:
    now = clock.now()
    with transaction.atomic():
        outage = _lock(outage)
        if not states.allowed(outage, Status.CLOSED):
            raise OutageError("Bara en åtgärdad störning kan avslutas.")
        undone = outage.tasks.open().count()
        states.transition_in_txn(
            outage,
            Status.CLOSED,
            at=now,
            by=by,
            text="Driftstörningen avslutades."
            + (f" {undone} uppgift(er) var inte klara." if undone else ""),
        )
        notices.end_public_notices(outage, at=now, by=by)
    return outage
