"""Turn a routine version into what its page and PDF show: labels from the registry,
contact points as they answer now, timers in words, and the slice one role needs.

Read-only: this module never writes. Views and the PDF share it so they say the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock, recurrence
from reservrutin.registry.models import ContactPoint, Role, System
from reservrutin.registry.queries import ContactPointNow, contact_point_now
from reservrutin.registry.refs import Ref
from reservrutin.routines import schema as s
from reservrutin.routines.loader import Problem
from reservrutin.routines.models import RoutineVersion
from reservrutin.routines.validation import DatabaseRegistry, validate_document

SCOPES = {
    "region_wide_it_collapse": gettext_lazy("Fullskaligt IT-haveri"),
    "system_unreachable_for_all": gettext_lazy("Systemet oåtkomligt för alla"),
    "local_loss_of_contact": gettext_lazy("Lokalt kontaktbortfall"),
    "telephony_disrupted": gettext_lazy("Störning i telefonin"),
    "power_short": gettext_lazy("Kortare strömavbrott"),
    "power_long": gettext_lazy("Längre strömavbrott"),
    "wifi_down": gettext_lazy("WiFi nere"),
    "mobile_network_down": gettext_lazy("Mobilnätet nere"),
    "login_service_down": gettext_lazy("Inloggningen fungerar inte"),
    "planned": gettext_lazy("Planerat avbrott"),
    "other": gettext_lazy("Annat"),
}
STEP_KINDS = {
    "notify": gettext_lazy("Meddela"),
    "contact_supplier": gettext_lazy("Kontakta leverantör"),
    "call_contact_point": gettext_lazy("Kontakta"),
    "publish_notice": gettext_lazy("Publicera driftinfo"),
    "inform_callers": gettext_lazy("Informera inringande"),
    "phone_queue_broadcast": gettext_lazy("Lavinmeddelande"),
    "wait_for_instructions": gettext_lazy("Avvakta instruktioner"),
    "task": gettext_lazy("Uppgift"),
}
WHEN = {
    "office_hours": gettext_lazy("under kontorstid"),
    "after_hours": gettext_lazy("efter kontorstid"),
    "always": "",
}
DUE = {
    "immediately": gettext_lazy("omgående"),
    "when_back": gettext_lazy("när systemet är i drift igen"),
    "same_day": gettext_lazy("samma dag"),
    "next_day": gettext_lazy("senast dagen efter"),
    "announced": gettext_lazy("enligt vad som meddelas"),
}
RECURRENCE = {
    "daily": gettext_lazy("varje dag"),
    "before_weekends_and_holidays": gettext_lazy("inför helger och storhelger"),
    "weekly": gettext_lazy("varje vecka"),
    "monthly": gettext_lazy("varje månad"),
    "on_change": gettext_lazy("vid förändring"),
    "on_new_routine_version": gettext_lazy("vid ny version av rutinen"),
}
RECORD_TYPES = {
    "journal_note": gettext_lazy("Journalanteckning"),
    "deviation": gettext_lazy("Avvikelse"),
    "signing_list": gettext_lazy("Signeringslista"),
    "time_registration": gettext_lazy("Tidsregistrering"),
    "paper_referral": gettext_lazy("Pappersremiss"),
    "acute_prescription": gettext_lazy("Akut förskrivning"),
    "discharge_phone_report": gettext_lazy("Telefonrapport vid in- och utskrivning"),
}
PARTY_KINDS = {
    "it_supplier": gettext_lazy("IT-leverantör"),
    "system_supplier": gettext_lazy("Systemleverantör"),
    "business": gettext_lazy("Verksamhet"),
    "ordering_units": gettext_lazy("Beställande enheter"),
    "system_owner": gettext_lazy("Systemägare"),
    "other": gettext_lazy("Annan part"),
}
CHANNELS = {
    "in_system": gettext_lazy("i systemet"),
    "intranet": gettext_lazy("på intranätet"),
    "notice_board": gettext_lazy("på anslagstavlan"),
    "email": gettext_lazy("e-post"),
    "sms": gettext_lazy("SMS"),
    "status_page": gettext_lazy("på driftinfo"),
    "managers": gettext_lazy("till chefer"),
}
TEMPLATE_KINDS = {
    "notice": gettext_lazy("Driftinfo"),
    "caller_script": gettext_lazy("Till inringande"),
    "broadcast": gettext_lazy("Lavinmeddelande"),
    "email": gettext_lazy("E-post"),
    "sms": gettext_lazy("SMS"),
}


def duration_words(text: str) -> str:
    """``"4h"`` → "4 timmar", ``"1h30min"`` → "1 timme 30 minuter", ``"1d"`` → "1 dygn"."""
    delta = s.parse_duration(text)
    days, rest = delta.days, delta.seconds
    hours, minutes = rest // 3600, (rest % 3600) // 60
    parts = []
    if days:
        parts.append(ngettext("%(n)d dygn", "%(n)d dygn", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d timme", "%(n)d timmar", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d minut", "%(n)d minuter", minutes) % {"n": minutes})
    return " ".join(parts)


@dataclass
class Contact:
    """A contact point named by a routine, with its registry row as it answers now."""

    key: str
    when: str = ""
    note: str = ""
    now: ContactPointNow | None = None

    @property
    def name(self) -> str:
        return self.now.point.name if self.now else self.key


@dataclass
class Labels:
    """Names for the keys a routine uses, looked up once per page."""

    organisation: Organisation
    roles: dict[str, str] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    contacts: dict[str, ContactPoint] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    at: dt.datetime = field(default_factory=clock.now)

    def qualify(self, ref: str) -> tuple[str, str]:
        parsed = Ref.parse(ref)
        return parsed.organisation_key or self.organisation.key, parsed.key

    def role(self, ref: str | None) -> str:
        if not ref:
            return ""
        return self.roles.get(ref) or self.roles.get(":".join(self.qualify(ref))) or ref

    def system(self, ref: str) -> str:
        found = self.systems.get(":".join(self.qualify(ref)))
        return found.name if found else ref

    def org(self, key: str | None) -> str:
        if not key:
            return ""
        found = self.organisations.get(key)
        return found.name if found else key

    def contact(self, ref: str, *, when: str = "always", note: str | None = None) -> Contact:
        point = self.contacts.get(":".join(self.qualify(ref)))
        return Contact(
            key=ref,
            when=str(WHEN.get(when, "")),
            note=note or "",
            now=contact_point_now(point, self.at) if point else None,
        )


def _labels(version: RoutineVersion, doc: s.Routine, at: dt.datetime) -> Labels:
    organisation = version.routine.organisation
    labels = Labels(organisation=organisation, at=at)
    # Qualified keys may name any partner organisation (SP-01).
    org_keys = {
        organisation.key,
        *doc.organisations,
        *organisation.partners.values_list("key", flat=True),
    }
    for ref in [*doc.systems, *(r.key for r in doc.roles)]:
        org_keys.add(labels.qualify(ref)[0])
    orgs = {
        o.key: o
        for o in Organisation.objects.filter(
            Q(key__in=org_keys) | Q(kind=Organisation.Kind.SUPPLIER)
        )
    }
    labels.organisations = orgs
    # Roles the document declares keep their wording; the registry name fills in the rest.
    for role in Role.objects.filter(organisation__key__in=org_keys).select_related("organisation"):
        labels.roles[f"{role.organisation.key}:{role.key}"] = role.name
    for decl in doc.roles:
        if decl.title:
            labels.roles[":".join(labels.qualify(decl.key))] = decl.title
    for system in System.objects.filter(organisation__key__in=org_keys).select_related(
        "organisation"
    ):
        labels.systems[f"{system.organisation.key}:{system.key}"] = system
    points = (
        ContactPoint.objects.filter(organisation__key__in=org_keys)
        .select_related("organisation", "schedule", "instead__schedule")
        .prefetch_related("schedule__rules", "instead__schedule__rules")
    )
    for point in points:
        labels.contacts[f"{point.organisation.key}:{point.key}"] = point
    return labels


def _template(doc: s.Routine, key: str | None) -> s.Template | None:
    return next((t for t in doc.templates if t.key == key), None)


def _backup(doc: s.Routine, key: str | None) -> s.BackupRoutine | None:
    return next((b for b in doc.backup_routines if b.key == key), None)


def present_step(step: Any, doc: s.Routine, labels: Labels) -> dict[str, Any]:
    """One step as the page shows it; ``roles`` holds the role keys it concerns."""
    item: dict[str, Any] = {
        "id": step.id,
        "kind": step.kind,
        "kind_label": STEP_KINDS[step.kind],
        "who": labels.role(step.who),
        "what": step.what,
        "roles": {step.who} if step.who else set(),
        "contacts": [],
        "documents": [d for d in doc.documents if d.key and d.key in step.documents],
    }
    if isinstance(step, s.NotifyStep):
        item["notify"] = [labels.role(r) for r in step.notify_roles]
        item["unit_staff"] = step.notify_unit_staff
        item["roles"] |= set(step.notify_roles)
        if step.if_off_duty:
            item["off_duty"] = [labels.role(r) for r in step.if_off_duty.notify_roles]
            item["roles"] |= set(step.if_off_duty.notify_roles)
            if step.if_off_duty.ticket_contact_point:
                item["contacts"] = [labels.contact(step.if_off_duty.ticket_contact_point)]
    elif isinstance(step, s.ContactSupplierStep):
        item["supplier"] = labels.org(step.supplier)
        if step.contact_point:
            item["contacts"] = [labels.contact(step.contact_point)]
    elif isinstance(step, s.CallContactPointStep):
        item["contacts"] = [
            labels.contact(c.key, when=c.when, note=c.note) for c in step.contact_points
        ]
    elif isinstance(step, s.PublishNoticeStep):
        item["template"] = _template(doc, step.template)
    elif isinstance(step, s.InformCallersStep | s.PhoneQueueBroadcastStep):
        item["template"] = _template(doc, step.template)
        item["script"] = getattr(step, "script", None) or getattr(step, "text", None)
    elif isinstance(step, s.WaitForInstructionsStep):
        item["from_role"] = labels.role(step.from_role)
    elif isinstance(step, s.TaskStep) and step.due:
        item["due"] = DUE[step.due]
    return item


def _activation_phrase(title: str) -> str:
    if title.startswith("Reservrutin "):
        return _("reservrutinen %(rest)s aktiveras") % {"rest": title.removeprefix("Reservrutin ")}
    return _("reservrutinen ”%(title)s” aktiveras") % {"title": title}


def present_task(task: s.Task, labels: Labels) -> dict[str, Any]:
    return {
        "who": labels.role(task.who),
        "what": task.what,
        "due": DUE.get(task.due or "", ""),
        "role": task.who,
    }


def present_timer(timer: s.Timer, doc: s.Routine, labels: Labels) -> dict[str, Any]:
    """A timer in words: "Efter 4 timmar utan prognos: reservrutinen … aktiveras"."""
    phrases: list[str] = []
    roles: set[str] = set()
    tasks: list[dict[str, Any]] = []
    for action in timer.actions:
        if action.activate_backup_routine:
            backup = _backup(doc, action.activate_backup_routine)
            phrases.append(
                _activation_phrase(backup.title if backup else action.activate_backup_routine)
            )
        elif action.publish_notice:
            template = _template(doc, action.publish_notice)
            title = (template.title or template.text) if template else action.publish_notice
            phrases.append(_("driftinfo publiceras: ”%(title)s”") % {"title": title})
        elif action.notify:
            roles |= set(action.notify)
            names = ", ".join(labels.role(r) for r in action.notify)
            phrases.append(_("%(roles)s meddelas") % {"roles": names})
        elif action.create_tasks:
            tasks.extend(present_task(t, labels) for t in action.create_tasks)
            roles |= {t.who for t in action.create_tasks if t.who}
            phrases.append(
                ngettext("%(n)d uppgift skapas", "%(n)d uppgifter skapas", len(action.create_tasks))
                % {"n": len(action.create_tasks)}
            )
    if timer.condition == "without_prognosis":
        head = _("Efter %(after)s utan prognos") % {"after": duration_words(timer.after)}
    else:
        head = _("Efter %(after)s") % {"after": duration_words(timer.after)}
    sentence = head + ": " + "; ".join(phrases) if phrases else head + ": " + _("ingen åtgärd")
    if sentence:
        sentence = sentence[0].upper() + sentence[1:]
    rearm = ""
    if timer.rearm:
        rearm = _(
            "Passerar en prognos utan att systemet är tillbaka börjar en ny väntan på %(after)s."
        ) % {"after": duration_words(timer.rearm)}
    return {
        "key": timer.key,
        "sentence": sentence,
        "description": timer.description,
        "rearm": rearm,
        "tasks": tasks,
        "roles": roles,
    }


def _instructions(items: list[s.StaffInstruction], labels: Labels) -> list[dict[str, Any]]:
    return [
        {"role": i.role, "label": labels.role(i.role), "instructions": i.instructions}
        for i in items
    ]


def _back(back: s.BackRegistration | None, labels: Labels) -> dict[str, Any] | None:
    if back is None:
        return None
    return {
        "by": labels.role(back.by_role) or labels.org(back.by_organisation),
        "due": DUE[back.due],
        "text": back.text,
        "role": back.by_role,
    }


def _next_windows(window: s.ServiceWindow, at: dt.datetime, count: int = 3) -> list[dt.datetime]:
    """The next ``count`` starts of a service window, through the one bounded expansion. A
    version stored before rules were checked may hold one that cannot be expanded
    (``FREQ=WEEKLY;INTERVAL=0``): it shows no dates rather than failing the page or PDF."""
    local = clock.local(at).replace(tzinfo=None, second=0, microsecond=0)
    hour, minute = (int(x) for x in window.starts.split(":"))
    start = local.replace(hour=hour, minute=minute) - dt.timedelta(days=1)
    try:
        rule = recurrence.parse(window.rrule, start)
    except recurrence.RecurrenceError:
        return []
    return recurrence.expand(
        rule, after=local.replace(hour=0, minute=0), inclusive=True, limit=count
    )


def is_expired(doc: s.Routine, at: dt.datetime) -> bool:
    """Whether the document's "Gäller t.o.m." has passed (the end date itself still counts)."""
    return doc.valid_to is not None and doc.valid_to < clock.local(at).date()


def missing_in(version: RoutineVersion) -> list[Problem]:
    """What the version lacks to be followed during an outage ("Saknas i rutinen"): the
    completeness warnings of validation, against the registry as it is now."""
    result = validate_document(
        version.source, filename=version.filename or "rutin.yaml", registry=DatabaseRegistry()
    )
    return result.missing


def build_page(version: RoutineVersion, *, at: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the routine page and PDF show for ``version``."""
    at = at or clock.now()
    doc = version.document()
    labels = _labels(version, doc, at)
    scenarios = []
    for scenario in doc.scenarios:
        scenarios.append(
            {
                "key": scenario.key,
                "title": scenario.title,
                "scope": SCOPES[scenario.scope],
                "recognise": scenario.recognise,
                "systems": [labels.system(r) for r in scenario.systems],
                "wait": scenario.wait_for_instructions,
                "steps": [present_step(step, doc, labels) for step in scenario.steps],
                "timers": [present_timer(t, doc, labels) for t in scenario.timers],
                "instructions": _instructions(scenario.staff_instructions, labels),
                "notes": scenario.notes,
            }
        )
    backups = [
        {
            "key": b.key,
            "title": b.title,
            "description": b.description,
            "systems": [labels.system(r) for r in b.systems],
            "steps": [present_step(step, doc, labels) for step in b.steps],
            "record_types": [RECORD_TYPES[r] for r in b.record_types],
            "back": _back(b.entered_afterwards, labels),
            "notice": _template(doc, b.notice_template),
            "then": _backup(doc, b.then_activate),
        }
        for b in doc.backup_routines
    ]
    resolution = [
        {
            "title": rule.title,
            "min": duration_words(rule.min_duration) if rule.min_duration else "",
            "max": duration_words(rule.max_duration) if rule.max_duration else "",
            "tasks": [present_task(t, labels) for t in rule.tasks],
        }
        for rule in doc.resolution
    ]
    reporting = None
    if doc.reporting:
        reporting = {
            "text": doc.reporting.text,
            "self_check": doc.reporting.self_check,
            "contacts": [
                labels.contact(c.key, when=c.when, note=c.note)
                for c in doc.reporting.contact_points
            ],
            "required_fields": doc.reporting.required_fields,
        }
    planned = None
    if doc.planned_outages:
        p = doc.planned_outages
        planned = {
            "text": p.text,
            "notices": [
                {
                    "days": f"{n.days_before}–{n.days_before_max}"
                    if n.days_before_max
                    else str(n.days_before),
                    "channels": ", ".join(str(CHANNELS[c]) for c in n.channels),
                    "audience": n.audience,
                    "responsible": labels.role(n.responsible),
                }
                for n in p.notices
            ],
            "windows": [
                {
                    "title": w.title,
                    "rrule": w.rrule,
                    "starts": w.starts,
                    "ends": w.ends,
                    "expected": duration_words(w.expected_duration) if w.expected_duration else "",
                    "systems": [labels.system(r) for r in w.systems],
                    "advice": w.advice,
                    "next": _next_windows(w, at),
                }
                for w in p.service_windows
            ],
        }
    role_keys = _roles_used(doc)
    return {
        "doc": doc,
        "expired": is_expired(doc, at),
        "version": version,
        "routine": version.routine,
        "organisation": version.routine.organisation,
        "systems": [labels.systems.get(":".join(labels.qualify(r))) or r for r in doc.systems],
        "roles": [
            {"key": r.key, "label": labels.role(r.key), "duties": r.duties} for r in doc.roles
        ],
        "role_links": [{"key": k, "label": labels.role(k)} for k in role_keys if ":" not in k],
        "parties": [
            {
                "name": p.name or labels.org(p.organisation) or labels.role(p.role),
                "kind": PARTY_KINDS[p.kind],
                "sla": p.sla,
                "duties": p.duties,
            }
            for p in doc.parties
        ],
        "reporting": reporting,
        "scenarios": scenarios,
        "backups": backups,
        "resolution": resolution,
        "instructions": _instructions(doc.staff_instructions, labels),
        "records": [
            {
                "type": RECORD_TYPES[r.type],
                "system": labels.system(r.target_system) if r.target_system else "",
                "description": r.description,
                "back": _back(r.entered_afterwards, labels),
            }
            for r in doc.record_types
        ],
        "preparedness": [
            {
                "key": i.key,
                "text": i.text,
                "units": i.units if i.units != "all" else None,
                "responsible": labels.role(i.responsible),
                "role": i.responsible,
                "recurrence": RECURRENCE[i.recurrence],
            }
            for i in doc.preparedness
        ],
        "planned": planned,
        "templates": [
            {"key": t.key, "kind": TEMPLATE_KINDS[t.kind], "title": t.title, "text": t.text}
            for t in doc.templates
        ],
        "owner_role": labels.role(doc.owner_role),
        "now": at,
        "labels": labels,
    }


def _roles_used(doc: s.Routine) -> list[str]:
    """Role keys in the order they first appear (declared roles first)."""
    seen: dict[str, None] = {r.key: None for r in doc.roles}

    def add(ref: str | None) -> None:
        if ref:
            seen.setdefault(ref, None)

    for scenario in doc.scenarios:
        for step in scenario.steps:
            add(step.who)
        for i in scenario.staff_instructions:
            add(i.role)
    for i in doc.staff_instructions:
        add(i.role)
    for item in doc.preparedness:
        add(item.responsible)
    for rule in doc.resolution:
        for task in rule.tasks:
            add(task.who)
    return list(seen)


def for_role(page: dict[str, Any], role: str) -> dict[str, Any]:
    """The page cut down to what ``role`` does ("Vad gör jag nu?")."""

    def mine(roles: set[str]) -> bool:
        return role in roles

    scenarios = []
    for scenario in page["scenarios"]:
        steps = [st for st in scenario["steps"] if mine(st["roles"])]
        timers = [t for t in scenario["timers"] if mine(t["roles"])]
        instructions = [i for i in scenario["instructions"] if i["role"] == role]
        if steps or timers or instructions or scenario["wait"]:
            scenarios.append(
                {**scenario, "steps": steps, "timers": timers, "instructions": instructions}
            )
    backups = []
    for backup in page["backups"]:
        steps = [st for st in backup["steps"] if mine(st["roles"])]
        back = backup["back"] if backup["back"] and backup["back"]["role"] == role else None
        if steps or back:
            backups.append({**backup, "steps": steps, "back": back})
    resolution = []
    for rule in page["resolution"]:
        tasks = [t for t in rule["tasks"] if t["role"] == role]
        if tasks:
            resolution.append({**rule, "tasks": tasks})
    return {
        **page,
        "role": role,
        "role_label": page["labels"].role(role),
        "scenarios": scenarios,
        "backups": backups,
        "resolution": resolution,
        "instructions": [i for i in page["instructions"] if i["role"] == role],
        "preparedness": [i for i in page["preparedness"] if i["role"] == role],
        "records": [r for r in page["records"] if r["back"] and r["back"]["role"] == role],
    }
