"""What a valid routine still lacks to be followed during an outage ("Saknas i rutinen",
issue 13): a missing end date, a link without an address and, against the registry, a contact
point without the number a step needs, a fax instruction without a fax number, a role nobody
holds and a unit without a manager.

Every finding is a warning: it never blocks an import, and the organisation's routine page
lists them so an administrator fixes them before an outage, not during one. Messages are plain
Swedish msgids translated when the check runs (as in messages.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from reservrutin.routines.loader import Loaded, Path, Problem, format_path
from reservrutin.routines.registry_keys import ContactFacts, RegistryFacts
from reservrutin.routines.schema import (
    CallContactPointStep,
    ContactChoice,
    ContactSupplierStep,
    NotifyStep,
    Routine,
)


class _Found:
    def __init__(self, loaded: Loaded, filename: str) -> None:
        self.loaded = loaded
        self.filename = filename
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str) -> None:
        mark = self.loaded.mark_for(path)
        self.problems.append(
            Problem(self.filename, mark.line, mark.column, format_path(path), message)
        )


def check(
    doc: Routine,
    loaded: Loaded,
    filename: str,
    facts: RegistryFacts | None,
    *,
    role_refs: Iterable[tuple[Path, str]] = (),
) -> list[Problem]:
    """The completeness warnings of ``doc``; the registry ones only when ``facts`` is given.
    ``role_refs`` are the places the document names a role (validation collects them)."""
    found = _Found(loaded, filename)
    _document(doc, found)
    if facts is not None:
        _contacts(doc, facts, found)
        _roles(doc, facts, role_refs, found)
        _units(doc, facts, found)
    return found.problems


def _document(doc: Routine, found: _Found) -> None:
    if doc.valid_to is None:
        found.add(
            ("valid_from",) if doc.valid_from else (),
            _(
                "rutinen saknar slutdatum (”Gäller t.o.m.”); skriv ”valid_to: ÅÅÅÅ-MM-DD” så "
                "att ägaren påminns innan den går ut"
            ),
        )
    for i, document in enumerate(doc.documents):
        if not document.url:
            found.add(
                ("documents", i),
                _(
                    "länken till ”%(title)s” saknar adress; skriv ”url: https://…” så att "
                    "dokumentet går att öppna"
                )
                % {"title": document.title},
            )


def _choices(doc: Routine) -> Iterable[tuple[Path, ContactChoice, bool]]:
    """Every contact choice, and whether its step says to call it."""
    for i, scenario in enumerate(doc.scenarios):
        for j, step in enumerate(scenario.steps):
            if isinstance(step, CallContactPointStep):
                for k, choice in enumerate(step.contact_points):
                    yield ("scenarios", i, "steps", j, "contact_points", k), choice, True
    for i, backup in enumerate(doc.backup_routines):
        for j, step in enumerate(backup.steps):
            if isinstance(step, CallContactPointStep):
                for k, choice in enumerate(step.contact_points):
                    yield ("backup_routines", i, "steps", j, "contact_points", k), choice, True
    if doc.reporting:
        for k, choice in enumerate(doc.reporting.contact_points):
            yield ("reporting", "contact_points", k), choice, False


def _split(ref: str, own: str) -> tuple[str, str]:
    org, _colon, key = ref.rpartition(":")
    return org or own, key


def _contacts(doc: Routine, facts: RegistryFacts, found: _Found) -> None:
    cache: dict[str, dict[str, ContactFacts]] = {}

    def point(ref: str) -> ContactFacts | None:
        org, key = _split(ref, doc.organisation)
        if org not in cache:
            cache[org] = facts.contact_facts(org)
        return cache[org].get(key)

    for path, choice, calls in _choices(doc):
        if choice.via == "fax":
            if not choice.fax:
                found.add(
                    path,
                    _(
                        "steget säger att faxa till ”%(key)s” men inget faxnummer står; skriv "
                        "”fax: 040-123 45” under kontaktvägen"
                    )
                    % {"key": choice.key},
                )
            continue
        reach = point(choice.key)
        if reach is None:
            continue  # an unknown key is already an error from validation
        params = {"key": choice.key}
        if choice.via == "email" and not reach.email:
            found.add(path, _("kontaktvägen ”%(key)s” har ingen e-postadress i registret") % params)
        elif choice.via == "web" and not reach.url:
            found.add(path, _("kontaktvägen ”%(key)s” har ingen webbadress i registret") % params)
        elif (choice.via == "phone" or (calls and choice.via is None)) and not reach.phone:
            if choice.via is None and (reach.url or reach.email):
                continue  # a portal or a mailbox: nothing says it must be called
            found.add(
                path,
                _(
                    "steget säger att ringa ”%(key)s”, men kontaktvägen har inget "
                    "telefonnummer i registret; lägg till numret i registret"
                )
                % params,
            )
    for path, step in _steps(doc):
        if isinstance(step, ContactSupplierStep) and step.contact_point:
            reach = point(step.contact_point)
            if reach is not None and not (reach.phone or reach.email or reach.url):
                found.add(
                    (*path, "contact_point"),
                    _(
                        "kontaktvägen ”%(key)s” har varken telefonnummer, e-post eller "
                        "webbadress i registret"
                    )
                    % {"key": step.contact_point},
                )


def _steps(doc: Routine) -> Iterable[tuple[Path, object]]:
    for i, scenario in enumerate(doc.scenarios):
        for j, step in enumerate(scenario.steps):
            yield ("scenarios", i, "steps", j), step
    for i, backup in enumerate(doc.backup_routines):
        for j, step in enumerate(backup.steps):
            yield ("backup_routines", i, "steps", j), step


def _roles(
    doc: Routine, facts: RegistryFacts, role_refs: Iterable[tuple[Path, str]], found: _Found
) -> None:
    held: dict[str, set[str]] = {}
    reported: set[tuple[str, str]] = set()
    for path, ref in role_refs:
        org, key = _split(ref, doc.organisation)
        if org not in held:
            held[org] = facts.held_roles(org)
        if key in held[org] or (org, key) in reported or key not in facts.roles(org):
            continue
        reported.add((org, key))
        found.add(
            path,
            _(
                "ingen har rollen ”%(ref)s” i registret; ge rollen till någon så att den "
                "kan nås vid en störning"
            )
            % {"ref": ref},
        )


def _units(doc: Routine, facts: RegistryFacts, found: _Found) -> None:
    named: list[tuple[Path, str]] = []
    for path, step in _steps(doc):
        if isinstance(step, NotifyStep):
            named.extend(
                ((*path, "notify_unit_staff", k), key)
                for k, key in enumerate(step.notify_unit_staff)
            )
    for i, item in enumerate(doc.preparedness):
        if isinstance(item.units, list):
            named.extend((("preparedness", i, "units", k), key) for k, key in enumerate(item.units))
    if not named:
        return
    units = facts.units(doc.organisation)
    managed = facts.managed_units(doc.organisation)
    reported: set[str] = set()
    for path, key in named:
        if key in reported:
            continue
        reported.add(key)
        if key not in units:
            found.add(
                path,
                _("enheten ”%(key)s” finns inte i registret för %(org)s")
                % {"key": key, "org": doc.organisation},
            )
        elif key not in managed:
            found.add(
                path,
                _(
                    "enheten ”%(key)s” har ingen enhetschef i registret; den som ska svara för "
                    "enhetens beredskap saknas"
                )
                % {"key": key},
            )
