"""Every change to routines: import a text as a new version, put a version in force."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from reservrutin.accounts.models import Organisation, User
from reservrutin.audit.actions import record_event
from reservrutin.lib import claim, clock
from reservrutin.routines import hooks, loader, messages
from reservrutin.routines.loader import Problem
from reservrutin.routines.models import Routine, RoutineVersion
from reservrutin.routines.validation import DatabaseRegistry, RegistryKeys, validate_document

#: Days before "Gäller t.o.m." that the owner is reminded (issue 13).
EXPIRY_REMINDER_DAYS = 30


class RoutineRejected(Exception):
    """The text is not a valid routine; ``problems`` lists every error with its place."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Imported:
    """What ``import_routine`` did: the version (new, or the existing identical one)."""

    version: RoutineVersion
    created: bool
    warnings: list[Problem] = field(default_factory=list)


def _text(source: str | bytes) -> str:
    return source.decode("utf-8") if isinstance(source, bytes) else source


def import_routine(
    text: str | bytes,
    *,
    filename: str,
    by: User | None,
    organisation: Organisation | None = None,
    registry: RegistryKeys | None = None,
) -> Imported:
    """Validate ``text`` against the registry and store it as the routine's next version.

    1. Validate (shape and registry keys); any error raises :class:`RoutineRejected`.
    2. With ``organisation`` (an upload on that organisation's page), the document must
       belong to it.
    3. The same text as an existing version creates nothing and returns that version.
    4. Otherwise a new version is added (not in force until approved) with an audit event.
    """
    result = validate_document(text, filename=filename, registry=registry or DatabaseRegistry())
    problems = list(result.errors)
    document = result.document
    if (
        document is not None
        and organisation is not None
        and document.organisation != organisation.key
    ):
        assert result.loaded is not None
        mark = result.loaded.mark_for(("organisation",))
        problems.insert(
            0,
            Problem(
                filename,
                mark.line,
                mark.column,
                "organisation",
                _(
                    "rutinen hör till ”%(theirs)s”, men laddas upp för ”%(ours)s”; ändra "
                    "fältet ”organisation” eller ladda upp rutinen hos rätt organisation"
                )
                % {"theirs": document.organisation, "ours": organisation.key},
            ),
        )
    if problems or document is None:
        raise RoutineRejected(problems)
    source = _text(text).removeprefix("\ufeff")
    digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
    now = clock.now()
    with transaction.atomic():
        org = Organisation.objects.filter(key=document.organisation).first()
        if org is None:
            raise RoutineRejected(
                [
                    Problem(
                        filename,
                        1,
                        1,
                        "organisation",
                        messages.unknown_organisation(document.organisation),
                    )
                ]
            )
        routine, _created = Routine.objects.get_or_create(
            organisation=org,
            key=document.key,
            defaults={"title": document.title, "created_at": now},
        )
        routine = Routine.objects.select_for_update().get(pk=routine.pk)
        existing = routine.versions.filter(sha256=digest).first()
        if existing is not None:
            return Imported(version=existing, created=False, warnings=result.warnings)
        last = routine.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = RoutineVersion.objects.create(
            routine=routine,
            number=last + 1,
            document_version=document.version,
            source=source,
            parsed=document.to_json(),
            sha256=digest,
            filename=filename[:300],
            imported_by=by,
            imported_at=now,
            approved_by=document.approved_by or "",
            approved_on=document.approved_on,
            valid_to=document.valid_to,
        )
        if routine.title != document.title:
            routine.title = document.title
            routine.save(update_fields=["title"])
        record_event(
            "routine.import",
            actor=by,
            obj=version,
            organisation=org,
            routine=routine.key,
            number=version.number,
            sha256=digest,
        )
    return Imported(version=version, created=True, warnings=result.warnings)


def approve_version(version: RoutineVersion, *, by: User | None) -> RoutineVersion:
    """Put ``version`` in force; the version in force before stays readable, no longer in
    force. Approving the version already in force changes nothing."""
    with transaction.atomic():
        routine = Routine.objects.select_for_update().get(pk=version.routine_id)
        version = RoutineVersion.objects.get(pk=version.pk)
        if version.in_force:
            return version
        # Clear first: the partial unique constraint allows one in-force row at any moment.
        routine.versions.filter(in_force=True).update(in_force=False, expiry_reminder_due_at=None)
        version.in_force = True
        version.approved_in_app_by = by
        version.approved_in_app_at = clock.now()
        version.expiry_reminder_due_at = expiry_reminder_due(version.valid_to)
        version.save(
            update_fields=[
                "in_force",
                "approved_in_app_by",
                "approved_in_app_at",
                "expiry_reminder_due_at",
            ]
        )
        hooks.version_in_force.call_all(version)
        record_event(
            "routine.approve",
            actor=by,
            obj=version,
            organisation=routine.organisation,
            routine=routine.key,
            number=version.number,
        )
    return version


def expiry_reminder_due(valid_to: dt.date | None) -> dt.datetime | None:
    """When the owner of a version valid to ``valid_to`` is reminded: at 08:00 local time,
    ``settings.ROUTINE_EXPIRY_REMINDER_DAYS`` (default 30) days before. None without an end
    date. A time already past means "at once" to the worker."""
    if valid_to is None:
        return None
    days = getattr(settings, "ROUTINE_EXPIRY_REMINDER_DAYS", EXPIRY_REMINDER_DAYS)
    return clock.at_local(valid_to - dt.timedelta(days=days), dt.time(8, 0))


def claim_expiry_reminder(
    send: Callable[[RoutineVersion], None], *, now: dt.datetime | None = None
) -> bool:
    """Claim one due expiry reminder and call ``send`` with its version inside the same
    transaction (the caller enqueues the messages, so they exist if and only if the claim
    committed). True if a reminder was due.

    The row is found and claimed through the one claim helper (``lib/claim.py``: ``SELECT …
    FOR UPDATE SKIP LOCKED``, then a compare-and-set on ``expiry_reminded_at``): two workers
    never send the same reminder."""
    now = now or clock.now()
    due = RoutineVersion.objects.filter(
        in_force=True,
        expiry_reminded_at__isnull=True,
        expiry_reminder_due_at__isnull=False,
        expiry_reminder_due_at__lte=now,
    )
    with transaction.atomic():
        version = claim.lock(due, order=("expiry_reminder_due_at", "id"), of=("self",)).first()
        if version is None:
            return False
        if claim.compare_and_set(
            RoutineVersion.objects.filter(pk=version.pk, expiry_reminded_at__isnull=True),
            expiry_reminded_at=now,
        ):
            version.expiry_reminded_at = now
            send(RoutineVersion.objects.select_related("routine__organisation").get(pk=version.pk))
    return True


def export_text(version: RoutineVersion, *, normalised: bool = False) -> str:
    """The version as YAML: the imported text as written (comments kept), or normalised from
    the parsed document (no comments, defaults left out, a stable layout)."""
    if not normalised:
        return version.source
    return loader.dump(version.document().to_data())


@dataclass
class DiffLine:
    """One line of a diff: ``kind`` is "add", "remove", "hunk" or "same"."""

    kind: str
    text: str


def diff_versions(a: RoutineVersion, b: RoutineVersion) -> list[DiffLine]:
    """What changed from ``a`` to ``b``, as a unified diff of the normalised YAML (so that
    re-indenting or re-quoting does not show up as a change)."""
    old = export_text(a, normalised=True).splitlines()
    new = export_text(b, normalised=True).splitlines()
    lines: list[DiffLine] = []
    for raw in difflib.unified_diff(old, new, f"v{a.number}", f"v{b.number}", n=3, lineterm=""):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            kind = "hunk"
        elif raw.startswith("+"):
            kind = "add"
        elif raw.startswith("-"):
            kind = "remove"
        else:
            kind = "same"
        lines.append(DiffLine(kind=kind, text=raw))
    return lines
