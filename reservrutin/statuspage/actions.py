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
from reservrutin.outages.actions.timeline import record_on_timeline
from reservrutin.outages.models import Outage, TimelineEntry
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


def _timeline(notice: Notice, text: str, *, by: User) -> None:
    if notice.outage_id:
        record_on_timeline(
            notice.outage,
            kind=TimelineEntry.Kind.NOTICE,
            text=text,
            by=by,
            notice=str(notice.code),
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
        title=title.strip(),
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
    if not notice.is_exercise:
        bump_page_version(notice.organisation)
    notify_subscribers(notice, publish_event_for(notice))


@transaction.atomic
def publish_notice(notice: Notice, *, by: User) -> Notice:
    """Publish a draft."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _check(by, notice.organisation, notice.systems.all())
    if notice.status != Notice.Status.DRAFT:
        raise ValidationError(_("Bara ett utkast kan publiceras."))
    _publish(notice, by=by)
    return notice


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
    NoticeRevision.objects.create(
        notice=notice,
        title=notice.title,
        body=notice.body,
        severity=notice.severity,
        created_at=notice.updated_at,
        created_by=notice.published_by or notice.created_by,
    )
    notice.title, notice.body = title.strip(), body.strip()
    if severity:
        notice.severity = severity
    notice.updated_at = clock.now()
    notice.save(update_fields=["title", "body", "severity", "updated_at"])
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


@transaction.atomic
def publish_routine_notice(
    outage: Outage,
    *,
    title: str,
    body: str,
    by: User | None,
    at: dt.datetime,
    template_key: str = "",
    backup_routine: str = "",
    instructions: list[dict[str, str]] | None = None,
    timeline_text: str = "",
) -> tuple[Notice, TimelineEntry]:
    """Publish the routine's own notice for an outage (LMN-09, S2-06).

    The approved routine is the authority for this text, so a timer may publish it without
    a person; when a person triggered it (activating a backup routine by hand) they are
    recorded as the publisher.
    """
    person = by if by is not None and by.is_authenticated else None
    notice = Notice.objects.create(
        organisation=outage.organisation,
        outage=outage,
        title=(title or outage.title).strip()[:200],
        body=body.strip(),
        severity=Notice.Severity.OUTAGE,
        status=Notice.Status.PUBLISHED,
        backup_routine=backup_routine,
        instructions=instructions or [],
        part_states=_part_states(outage),
        template_key=template_key,
        is_exercise=outage.is_exercise,
        created_at=at,
        created_by=person,
        published_at=at,
        published_by=person,
        updated_at=at,
    )
    notice.systems.set(outage.systems.all())
    entry = record_on_timeline(
        outage,
        kind=TimelineEntry.Kind.NOTICE,
        text=timeline_text or notice.title,
        by=person,
        at=at,
        notice=str(notice.code),
        template=template_key,
        status=notice.status,
    )
    if not notice.is_exercise:
        bump_page_version(outage.organisation)
    notify_subscribers(notice, publish_event_for(notice))
    return notice, entry
