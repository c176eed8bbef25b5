"""Writing driftinfo: create, publish, edit and end notices.

Only publishers for the organisation, or for every system a notice covers, may do this
(LMN-02: only the IT function publishes; S2-02: the system owner publishes on behalf of IT).
Each action is one transaction with the outage's timeline entry and the page version bump.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from reservrutin.accounts.access import has_role
from reservrutin.accounts.models import Membership, Organisation, User
from reservrutin.lib import clock
from reservrutin.outages.actions.notices import record_notice, without_exercise_mark
from reservrutin.outages.hooks import RoutineNotice
from reservrutin.outages.models import Outage
from reservrutin.outages.scope import outage_part_states
from reservrutin.registry.models import System
from reservrutin.statuspage.fanout import notify_subscribers, publish_event_for
from reservrutin.statuspage.models import Notice, NoticeRevision, PageVersion


def can_publish(user: User, organisation: Organisation, systems: Iterable[System]) -> bool:
    """A publisher of the organisation, or of each of ``systems`` (LMN-02, S2-02)."""
    systems = list(systems)
    # An organisation-wide publisher (or admin) membership has no system.
    org_wide = user.is_superuser or (
        user.is_authenticated
        and user.memberships.filter(
            organisation=organisation,
            role__in=[Membership.Role.PUBLISHER, Membership.Role.ORG_ADMIN],
            system__isnull=True,
        ).exists()
    )
    if org_wide:
        return True
    return bool(systems) and all(
        has_role(user, organisation, Membership.Role.PUBLISHER, system_id=s.pk) for s in systems
    )


def can_see_draft(user: User, notice: Notice) -> bool:
    """Drafts are for those who may publish them and the outage's coordinators."""
    if can_publish(user, notice.organisation, notice.systems.all()):
        return True
    return notice.outage_id is not None and has_role(
        user, notice.organisation, Membership.Role.COORDINATOR
    )


def bump_page_version(organisation: Organisation) -> None:
    """Mark the organisation's public page (and its partners' combined pages) as changed."""
    from reservrutin.statuspage.rendering import forget_recent

    transaction.on_commit(forget_recent)
    now = clock.now()
    for org in [organisation, *organisation.partners.all()]:
        updated = PageVersion.objects.filter(organisation=org).update(
            version=F("version") + 1, changed_at=now
        )
        if not updated:
            PageVersion.objects.get_or_create(
                organisation=org, defaults={"version": 1, "changed_at": now}
            )


def _check(user: User, organisation: Organisation, systems: Iterable[System]) -> None:
    if not can_publish(user, organisation, systems):
        raise PermissionDenied(_("Bara den som får publicera driftinfo för systemet får göra det."))


def _timeline(notice: Notice, text: str, *, by: User | None, at: dt.datetime | None = None) -> None:
    """The outage's timeline entry, written by the outages action that owns the timeline."""
    if notice.outage_id:
        record_notice(
            notice.outage,
            text,
            by=by if by is not None and by.is_authenticated else None,
            at=at or clock.now(),
            published=notice.status == Notice.Status.PUBLISHED,
            notice=str(notice.code),
            template=notice.template_key,
            status=notice.status,
        )


def _validate(title: str, body: str, systems: list[System], organisation: Organisation) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("Skriv en rubrik.")
    if not body.strip():
        errors["body"] = _("Skriv vad som har hänt och vad man ska göra.")
    if not systems:
        errors["systems"] = _("Välj minst ett system.")
    elif any(s.organisation_id != organisation.pk for s in systems):
        errors["systems"] = _("Systemen måste tillhöra organisationen.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_notice(
    organisation: Organisation,
    *,
    by: User,
    title: str,
    body: str,
    systems: list[System],
    severity: str = Notice.Severity.DISTURBANCE,
    outage: Outage | None = None,
    backup_routine: str = "",
    instructions: list[dict[str, str]] | None = None,
    links: list[dict[str, str]] | None = None,
    template_key: str = "",
    publish: bool = False,
) -> Notice:
    """A new notice, as a draft or published at once."""
    _validate(title, body, systems, organisation)
    _check(by, organisation, systems)
    now = clock.now()
    notice = Notice.objects.create(
        organisation=organisation,
        outage=outage,
        title=without_exercise_mark(title) if outage and outage.is_exercise else title.strip(),
        body=body.strip(),
        severity=severity,
        backup_routine=backup_routine,
        instructions=instructions or [],
        links=links or [],
        part_states=_part_states(outage),
        template_key=template_key,
        is_exercise=bool(outage and outage.is_exercise),
        created_at=now,
        created_by=by,
        updated_at=now,
    )
    notice.systems.set(systems)
    if publish:
        _publish(notice, by=by)
    return notice


def _part_states(outage: Outage | None) -> list[dict[str, str]]:
    """The parts the outage concerns, copied to the notice so the public page needs no
    registry lookups (``outages.scope.part_states``; ``down`` takes the notice's severity
    when shown)."""
    if outage is None:
        return []
    return [p.as_json() for p in outage_part_states(outage)]


def _publish(notice: Notice, *, by: User) -> None:
    now = clock.now()
    notice.status = Notice.Status.PUBLISHED
    notice.published_at = now
    notice.published_by = by
    notice.updated_at = now
    notice.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    _timeline(notice, _("Driftinfo publicerad: %(title)s") % {"title": notice.title}, by=by)
    _replace_holding_lines(notice, at=now)
    if not notice.is_exercise:
        bump_page_version(notice.organisation)
    notify_subscribers(notice, publish_event_for(notice))


def _replace_holding_lines(notice: Notice, *, at: dt.datetime) -> None:
    """A publisher's driftinfo about an outage replaces the routine's holding line."""
    if notice.outage_id is None or notice.is_holding_line:
        return
    for line in Notice.objects.select_for_update().filter(
        outage_id=notice.outage_id, status=Notice.Status.PUBLISHED, is_holding_line=True
    ):
        line.status = Notice.Status.ENDED
        line.ended_at = at
        line.updated_at = at
        line.final_update = _("Ersatt av ny driftinfo.")
        line.save(update_fields=["status", "ended_at", "updated_at", "final_update"])


@transaction.atomic
def publish_notice(notice: Notice, *, by: User) -> Notice:
    """Publish a draft."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _check(by, notice.organisation, notice.systems.all())
    if notice.status != Notice.Status.DRAFT:
        raise ValidationError(_("Bara ett utkast kan publiceras."))
    _publish(notice, by=by)
    return notice


def _keep_revision(notice: Notice) -> None:
    NoticeRevision.objects.create(
        notice=notice,
        title=notice.title,
        body=notice.body,
        severity=notice.severity,
        final_update=notice.final_update,
        created_at=notice.updated_at,
        created_by=notice.published_by or notice.created_by,
    )


@transaction.atomic
def update_notice(
    notice: Notice, *, by: User, title: str, body: str, severity: str | None = None
) -> Notice:
    """Change the wording; the previous wording is kept as a revision."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    systems = list(notice.systems.all())
    _check(by, notice.organisation, systems)
    _validate(title, body, systems, notice.organisation)
    if notice.status == Notice.Status.ENDED:
        raise ValidationError(_("En avslutad driftinfo kan inte ändras."))
    _keep_revision(notice)
    notice.title, notice.body = title.strip(), body.strip()
    if severity:
        notice.severity = severity
    notice.updated_at = clock.now()
    # Edited by a publisher, the routine's holding line is theirs now.
    notice.is_holding_line = False
    notice.save(update_fields=["title", "body", "severity", "updated_at", "is_holding_line"])
    if notice.status == Notice.Status.PUBLISHED:
        _timeline(notice, _("Driftinfo uppdaterad: %(title)s") % {"title": notice.title}, by=by)
        if not notice.is_exercise:
            bump_page_version(notice.organisation)
        notify_subscribers(notice, "every_update")
    return notice


@transaction.atomic
def end_notice(notice: Notice, *, by: User) -> Notice:
    """The notice no longer applies: it moves to the history."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _check(by, notice.organisation, notice.systems.all())
    if notice.status != Notice.Status.PUBLISHED:
        raise ValidationError(_("Bara en publicerad driftinfo kan avslutas."))
    now = clock.now()
    notice.status = Notice.Status.ENDED
    notice.ended_at = now
    notice.ended_by = by
    notice.updated_at = now
    notice.save(update_fields=["status", "ended_at", "ended_by", "updated_at"])
    _timeline(notice, _("Driftinfo avslutad: %(title)s") % {"title": notice.title}, by=by)
    if not notice.is_exercise:
        bump_page_version(notice.organisation)
    notify_subscribers(notice, "resolved")
    return notice


def publish_routine_notice(outage: Outage, routine_notice: RoutineNotice) -> Notice:
    """Publish the routine's own notice for an outage (LMN-09, S2-06), or its holding line
    on confirmation. Runs in the outage action's transaction (``outages.hooks``).

    The approved routine is the authority for this text, so a timer may publish it without
    a person; when a person triggered it (activating a backup routine by hand) they are
    recorded as the publisher.
    """
    by = routine_notice.by
    at = routine_notice.at
    person = by if by is not None and by.is_authenticated else None
    notice = Notice.objects.create(
        organisation=outage.organisation,
        outage=outage,
        title=without_exercise_mark(routine_notice.title or outage.title)[:200],
        body=routine_notice.body.strip(),
        severity=routine_notice.severity,
        status=Notice.Status.PUBLISHED,
        backup_routine=routine_notice.backup_routine,
        instructions=routine_notice.instructions,
        part_states=_part_states(outage),
        template_key=routine_notice.template_key,
        is_exercise=outage.is_exercise,
        is_holding_line=routine_notice.holding_line,
        created_at=at,
        created_by=person,
        published_at=at,
        published_by=person,
        updated_at=at,
    )
    notice.systems.set(outage.systems.all())
    record_notice(
        outage,
        routine_notice.timeline_text or notice.title,
        by=person,
        at=at,
        published=True,
        notice=str(notice.code),
        template=routine_notice.template_key,
        status=notice.status,
    )
    _replace_holding_lines(notice, at=at)
    if not notice.is_exercise:
        bump_page_version(outage.organisation)
    notify_subscribers(notice, publish_event_for(notice))
    return notice


def final_update_text(outage: Outage, prepared: str = "") -> str:
    """``"Åtgärdat 14:05. Sesam LMN fungerar igen."``; a text the publisher prepared takes
    the place of the second sentence. The time is when the outage was resolved."""
    resolved = clock.local(outage.resolved_at or clock.now())
    today = clock.local(clock.now()).date()
    when = resolved.strftime("%H:%M" if resolved.date() == today else "%Y-%m-%d %H:%M")
    names = ", ".join(s.name for s in outage.systems.order_by("name"))
    rest = prepared.strip() or (f"{names} fungerar igen." if names else "")
    return f"Åtgärdat {when}. {rest}".strip()


def end_outage_notices(outage: Outage, *, at: dt.datetime, by: User | None) -> int:
    """End ``outage``'s current notices as it is resolved or closed (``outages.hooks``):
    each gets its final update, subscribers hear "Åtgärdat", the page version is bumped
    once. Notices a publisher keeps (``kept_at``) stay. Runs in the outage action's
    transaction; how many ended."""
    person = by if by is not None and by.is_authenticated else None
    ended = 0
    public = False
    for notice in Notice.objects.select_for_update().filter(
        outage=outage, status=Notice.Status.PUBLISHED, kept_at__isnull=True
    ):
        notice.final_update = final_update_text(outage, notice.final_update)
        notice.status = Notice.Status.ENDED
        notice.ended_at = at
        notice.ended_by = person
        notice.updated_at = at
        notice.save(update_fields=["final_update", "status", "ended_at", "ended_by", "updated_at"])
        _timeline(
            notice,
            _("Driftinfo avslutad: %(title)s – %(final)s")
            % {"title": notice.title, "final": notice.final_update},
            by=person,
            at=at,
        )
        notify_subscribers(notice, "resolved")
        ended += 1
        public = public or not notice.is_exercise
    if public:
        bump_page_version(outage.organisation)
    return ended


@transaction.atomic
def set_final_update(notice: Notice, *, by: User, text: str) -> Notice:
    """Write the final update before the outage is resolved (it is used then, after
    "Åtgärdat" and the time) or edit it after the notice ended. The previous wording is
    kept as a revision."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _check(by, notice.organisation, notice.systems.all())
    text = text.strip()
    if not text:
        raise ValidationError({"final_update": _("Skriv slutbeskedet.")})
    if notice.status == Notice.Status.DRAFT:
        raise ValidationError(_("Ett utkast har inget slutbesked."))
    _keep_revision(notice)
    notice.final_update = text
    notice.updated_at = clock.now()
    notice.save(update_fields=["final_update", "updated_at"])
    if notice.status == Notice.Status.ENDED:
        _timeline(
            notice, _("Slutbeskedet ändrat: %(text)s") % {"text": text}, by=by, at=notice.updated_at
        )
        if not notice.is_exercise:
            bump_page_version(notice.organisation)
    return notice


@transaction.atomic
def keep_notice(notice: Notice, *, by: User, keep: bool = True) -> Notice:
    """Keep a published notice after its outage is resolved (it then stays until a
    publisher ends it), or stop keeping it. Only for notices about an outage."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _check(by, notice.organisation, notice.systems.all())
    if notice.outage_id is None:
        raise ValidationError(_("Bara driftinfo om en störning kan behållas efter störningen."))
    if notice.status != Notice.Status.PUBLISHED:
        raise ValidationError(_("Bara en publicerad driftinfo kan behållas."))
    now = clock.now()
    notice.kept_at = now if keep else None
    notice.kept_by = by if keep else None
    notice.save(update_fields=["kept_at", "kept_by"])
    _timeline(
        notice,
        (
            _("Driftinfo behålls efter störningen: %(title)s")
            if keep
            else _("Driftinfo behålls inte längre efter störningen: %(title)s")
        )
        % {"title": notice.title},
        by=by,
        at=now,
    )
    return notice
