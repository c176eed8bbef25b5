"""Validate a routine file: YAML → shape (pydantic) → meaning (references, ids, cycles).

``validate_document`` never raises for bad input: every problem comes back as a
:class:`~reservrutin.routines.loader.Problem` naming file, line, column, field path and what was
expected, so the command line and the upload page can list them all at once. Messages are
plain Swedish msgids translated when validation runs (see messages.py), so they come out in the
language active then.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from reservrutin.registry.refs import Ref
from reservrutin.routines import completeness, loader, messages
from reservrutin.routines.loader import Loaded, LoadError, Path, Problem, format_path
from reservrutin.routines.registry_keys import (
    DatabaseRegistry,
    RegistryFacts,
    RegistryKeys,
    StaticRegistry,
)
from reservrutin.routines.schema import (
    SCHEMA_ID,
    SCHEMA_IDS,
    BackRegistration,
    CallContactPointStep,
    ContactSupplierStep,
    InformCallersStep,
    NotifyStep,
    PhoneQueueBroadcastStep,
    PublishNoticeStep,
    Routine,
    Task,
    TaskStep,
    WaitForInstructionsStep,
)

RefKind = Literal["system", "role", "contact_point"]

__all__ = ["DatabaseRegistry", "RegistryKeys", "Result", "StaticRegistry", "validate_document"]


@dataclass
class Result:
    """What validation found. ``document`` is set when the shape is valid (even if reference
    errors remain), so callers can still show what they can."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: What the routine lacks to be followed during an outage ("Saknas i rutinen"): a
    #: missing end date, a link without an address and, checked against the registry, a
    #: contact point without the number a step needs, a role nobody holds, a unit without a
    #: manager. Warnings too: they never block an import.
    missing: list[Problem] = field(default_factory=list)
    document: Routine | None = None
    loaded: Loaded | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_document(
    text: str | bytes, *, filename: str, registry: RegistryKeys | None = None
) -> Result:
    """Check a routine file. With ``registry``, unknown keys are errors too."""
    result = Result()
    try:
        loaded = loader.load(text, filename=filename)
    except LoadError as exc:
        result.errors = exc.problems
        return result
    except RecursionError:
        # Thousands of nested brackets: refuse instead of crashing (found by fuzzing).
        result.errors = [Problem(filename, 1, 1, "", _too_deep())]
        return result
    result.loaded = loaded
    data = loaded.data
    if not isinstance(data, dict):
        message = _(
            "filen ska börja med ”schema: %(schema)s” följt av rutinens fält, men innehåller "
            "%(got)s"
        ) % {"schema": SCHEMA_ID, "got": messages.value_text(data)}
        result.errors = [Problem(filename, 1, 1, "", message)]
        return result
    if data.get("schema") not in SCHEMA_IDS:
        mark = loaded.mark_for(("schema",))
        if "schema" in data:
            message = _("ska vara ”%(expected)s”, men är %(got)s") % {
                "expected": SCHEMA_ID,
                "got": messages.value_text(data["schema"]),
            }
        else:
            message = _("fältet ”schema” saknas; skriv ”schema: %(schema)s” överst i filen") % {
                "schema": SCHEMA_ID
            }
        result.errors = [Problem(filename, mark.line, mark.column, "schema", message)]
        return result
    try:
        document = Routine.model_validate(data)
    except ValidationError as exc:
        result.errors = _map_errors(exc, loaded, filename)
        return result
    except RecursionError:
        result.errors = [Problem(filename, 1, 1, "", _too_deep())]
        return result
    result.document = document
    checker = _Checker(document, loaded, filename, registry)
    checker.run()
    result.errors = checker.errors
    result.warnings = checker.warnings
    result.missing = completeness.check(
        document,
        loaded,
        filename,
        registry if isinstance(registry, RegistryFacts) else None,
        role_refs=[(path, ref) for path, kind, ref in checker.refs() if kind == "role"],
    )
    return result


# --- Mapping pydantic errors back to the file -------------------------------------------------

_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def _too_deep() -> str:
    return _("texten har för många nivåer av listor och fält inuti varandra")


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Path, bool]:
    """The path into the YAML values for a pydantic ``loc`` (which also holds union tags
    and member names), and whether the last part is a key that is absent."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if (isinstance(node, dict) and isinstance(part, str) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif last and isinstance(part, str) and _FIELD_NAME.match(part):
            path.append(part)
            return tuple(path), True
        # Otherwise a union tag ('notify') or member name ('list[str]'): not in the file.
    return tuple(path), False


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes an annotation can hold (through Optional, list, Annotated, unions)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        found: list[Any] = []
        for arg in typing.get_args(annotation):
            found.extend(_unwrap(arg))
        return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _models_at(loc: tuple[Any, ...]) -> list[type[BaseModel]]:
    """The model classes that can apply at ``loc``: one for a plain field, the members of a
    tagged union (the step kinds) until the tag picks one."""
    candidates: list[Any] = [Routine]
    for part in loc:
        if isinstance(part, int):
            continue
        if len(candidates) > 1:
            tagged = [c for c in candidates if _tag(c) == part]
            if tagged:
                candidates = tagged
                continue
        nxt: list[Any] = []
        for model in candidates:
            for name, info in model.model_fields.items():
                if part in (name, info.alias):
                    nxt.extend(_unwrap(info.annotation))
        if not nxt:
            return []
        candidates = nxt
    return candidates


def _tag(model: Any) -> str | None:
    info = model.model_fields.get("kind")
    if info is None:
        return None
    args = typing.get_args(info.annotation)
    return args[0] if len(args) == 1 else None


def _fields_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _map_errors(exc: ValidationError, loaded: Loaded, filename: str) -> list[Problem]:
    merged: dict[tuple[Path, str], list[str]] = {}
    order: list[tuple[Path, str]] = []
    marks: dict[tuple[Path, str], loader.Mark] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path, _absent = _data_path(loc, loaded.data)
        kind = err["type"]
        fields: list[str] | None = None
        tags: list[str] = []
        if kind == "extra_forbidden":
            models = _models_at(loc[:-1])
            fields = _fields_of(models[0]) if len(models) == 1 else None
        elif kind.startswith("union_tag_"):
            tags = [t for t in (_tag(m) for m in _models_at(loc)) if t]
        message = messages.pydantic_error(err, fields=fields, tags=tags)
        if kind == "missing":
            mark = loaded.mark_for(path[:-1])
        elif kind == "extra_forbidden":
            mark = loaded.mark_for(path, key=True)
        elif kind == "union_tag_invalid":
            # Point at the unknown value of ``kind:``, not at the start of the step.
            discriminator = str((err.get("ctx") or {}).get("discriminator", "kind")).strip("'")
            path = (*path, discriminator)
            mark = loaded.mark_for(path)
        else:
            mark = loaded.mark_for(path)
        where = (path, "key" if kind == "extra_forbidden" else "value")
        if where not in merged:
            merged[where] = []
            order.append(where)
            marks[where] = mark
        if message not in merged[where]:
            merged[where].append(message)
    problems = []
    for where in order:
        mark = marks[where]
        text = messages.alternatives(merged[where])
        problems.append(Problem(filename, mark.line, mark.column, format_path(where[0]), text))
    return problems


# --- Meaning: references, ids, cycles, warnings -------------------------------------------------


class _Checker:
    def __init__(
        self, doc: Routine, loaded: Loaded, filename: str, registry: RegistryKeys | None
    ) -> None:
        self.doc = doc
        self.loaded = loaded
        self.filename = filename
        self.registry = registry
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, path: Path, message: str, *, warning: bool = False) -> None:
        mark = self.loaded.mark_for(path)
        item = Problem(self.filename, mark.line, mark.column, format_path(path), message)
        (self.warnings if warning else self.errors).append(item)

    def run(self) -> None:
        self.check_unique_ids()
        self.check_internal_references()
        self.check_backup_cycles()
        self.check_steps()
        self.check_self_check_answers()
        self.check_warnings()
        if self.registry is not None:
            self.check_registry(self.registry)

    # Unique ids ------------------------------------------------------------------------------
    def check_unique_ids(self) -> None:
        d = self.doc
        groups: dict[str, list[tuple[Path, str]]] = {
            "scenario": [(("scenarios", i, "key"), s.key) for i, s in enumerate(d.scenarios)],
            "timer": [
                (("scenarios", i, "timers", j, "key"), t.key)
                for i, s in enumerate(d.scenarios)
                for j, t in enumerate(s.timers)
            ],
            "backup_routine": [
                (("backup_routines", i, "key"), b.key) for i, b in enumerate(d.backup_routines)
            ],
            "template": [(("templates", i, "key"), t.key) for i, t in enumerate(d.templates)],
            "preparedness": [
                (("preparedness", i, "key"), p.key) for i, p in enumerate(d.preparedness)
            ],
            "role": [(("roles", i, "key"), r.key) for i, r in enumerate(d.roles)],
            "document": [
                (("documents", i, "key"), doc.key) for i, doc in enumerate(d.documents) if doc.key
            ],
        }
        # Step ids are unique within their scenario or backup routine.
        for path, step in self.steps():
            if step.id:
                groups.setdefault(f"step {format_path(path[:2])}", []).append(
                    ((*path, "id"), step.id)
                )
        if d.planned_outages:
            groups["service_window"] = [
                (("planned_outages", "service_windows", i, "key"), w.key)
                for i, w in enumerate(d.planned_outages.service_windows)
            ]
        if d.reporting:
            groups["required_field"] = [
                (("reporting", "required_fields", i, "key"), f.key)
                for i, f in enumerate(d.reporting.required_fields)
            ]
        for label, items in groups.items():
            first: dict[str, Path] = {}
            for path, key in items:
                if key in first:
                    line = self.loaded.mark_for(first[key]).line
                    self.problem(path, messages.duplicate_key(label.split(" ")[0], key, line))
                else:
                    first[key] = path

    def steps(self) -> Iterator[tuple[Path, Any]]:
        for i, s in enumerate(self.doc.scenarios):
            for j, step in enumerate(s.steps):
                yield ("scenarios", i, "steps", j), step
        for i, b in enumerate(self.doc.backup_routines):
            for j, step in enumerate(b.steps):
                yield ("backup_routines", i, "steps", j), step

    def timer_actions(self) -> Iterator[tuple[Path, Any]]:
        for i, s in enumerate(self.doc.scenarios):
            for j, t in enumerate(s.timers):
                for k, action in enumerate(t.actions):
                    yield ("scenarios", i, "timers", j, "actions", k), action

    # References inside the document --------------------------------------------------------
    def check_internal_references(self) -> None:
        backups = {b.key for b in self.doc.backup_routines}
        templates = {t.key for t in self.doc.templates}

        def backup(path: Path, key: str | None) -> None:
            if key is None or key in backups:
                return
            params = {"key": key, "known": messages.listing(sorted(backups))}
            if backups:
                message = _("okänd reservrutin ”%(key)s”; rutinens reservrutiner: %(known)s")
            else:
                message = _(
                    "okänd reservrutin ”%(key)s”; rutinen har inga reservrutiner (backup_routines)"
                )
            self.problem(path, message % params)

        def template(path: Path, key: str | None) -> None:
            if key is None or key in templates:
                return
            params = {"key": key, "known": messages.listing(sorted(templates))}
            if templates:
                message = _("okänd mall ”%(key)s”; rutinens mallar: %(known)s")
            else:
                message = _("okänd mall ”%(key)s”; rutinen har inga mallar (templates)")
            self.problem(path, message % params)

        for path, action in self.timer_actions():
            backup((*path, "activate_backup_routine"), action.activate_backup_routine)
            template((*path, "publish_notice"), action.publish_notice)
        documents = {doc.key for doc in self.doc.documents if doc.key}
        for path, step in self.steps():
            if isinstance(step, PublishNoticeStep | InformCallersStep | PhoneQueueBroadcastStep):
                template((*path, "template"), step.template)
            for k, key in enumerate(step.documents):
                if key not in documents:
                    message = _(
                        "okänt dokument ”%(key)s”; ge dokumentet ”key: %(key)s” under ”documents”"
                    )
                    self.problem((*path, "documents", k), message % {"key": key})
        for i, b in enumerate(self.doc.backup_routines):
            backup(("backup_routines", i, "then_activate"), b.then_activate)
            template(("backup_routines", i, "notice_template"), b.notice_template)

    def check_backup_cycles(self) -> None:
        following = {b.key: b.then_activate for b in self.doc.backup_routines}
        index = {b.key: i for i, b in enumerate(self.doc.backup_routines)}
        reported: set[frozenset[str]] = set()
        for start in following:
            chain = [start]
            node = following.get(start)
            while node is not None and node in following:
                if node in chain:
                    cycle = chain[chain.index(node) :]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        shown = " → ".join([*cycle, node])
                        self.problem(
                            ("backup_routines", index[cycle[-1]], "then_activate"),
                            _(
                                "reservrutinerna startar varandra i en cirkel (%(cycle)s); "
                                "en kedja av then_activate måste ta slut"
                            )
                            % {"cycle": shown},
                        )
                    break
                chain.append(node)
                node = following.get(node)

    def check_steps(self) -> None:
        for path, step in self.steps():
            if isinstance(step, InformCallersStep) and not (step.script or step.template):
                self.problem(path, _("steget inform_callers behöver ”script” eller ”template”"))
            if isinstance(step, PhoneQueueBroadcastStep) and not (step.text or step.template):
                self.problem(
                    path, _("steget phone_queue_broadcast behöver ”text” eller ”template”")
                )

    def check_self_check_answers(self) -> None:
        """Answers in ``reporting.device`` and ``suggest_when`` name self-check questions by
        number; the number must be one of ``reporting.self_check``."""
        questions = len(self.doc.reporting.self_check) if self.doc.reporting else 0
        found: list[tuple[Path, int]] = []
        device = self.doc.reporting.device if self.doc.reporting else None
        for j, answer in enumerate(device.self_check if device else []):
            found.append((("reporting", "device", "self_check", j, "question"), answer.question))
        for i, s in enumerate(self.doc.scenarios):
            rule = s.suggest_when
            for j, answer in enumerate(rule.self_check if rule else []):
                found.append(
                    (("scenarios", i, "suggest_when", "self_check", j, "question"), answer.question)
                )
        for path, number in found:
            if number > questions:
                self.problem(
                    path,
                    _(
                        "fråga %(number)s finns inte; ”reporting.self_check” har %(count)s "
                        "frågor (räknat från 1)"
                    )
                    % {"number": number, "count": questions},
                )

    def check_warnings(self) -> None:
        for i, s in enumerate(self.doc.scenarios):
            if not s.steps and not s.wait_for_instructions:
                self.problem(
                    ("scenarios", i),
                    _("scenariot ”%(key)s” har inga steg") % {"key": s.key},
                    warning=True,
                )
            if s.wait_for_instructions and s.timers:
                self.problem(
                    ("scenarios", i, "timers"),
                    _(
                        "tidsgränser löser aldrig ut i ett scenario som väntar på instruktioner "
                        "(LMN-06)"
                    ),
                    warning=True,
                )
            if s.public.show == "publisher_writes" and (s.public.title or s.public.text):
                self.problem(
                    ("scenarios", i, "public"),
                    _(
                        "”title” och ”text” visas bara när ”show” är holding_line; med "
                        "publisher_writes skriver en publicerare driftinfo själv"
                    ),
                    warning=True,
                )
            for j, t in enumerate(s.timers):
                if not t.actions:
                    self.problem(
                        ("scenarios", i, "timers", j),
                        _(
                            "tidsgränsen ”%(key)s” har inga åtgärder; den löser ut utan att något händer"
                        )
                        % {"key": t.key},
                        warning=True,
                    )

    # References to the registry ------------------------------------------------------------
    def refs(self) -> Iterator[tuple[Path, RefKind | Literal["organisation"], str]]:
        d = self.doc
        yield ("organisation",), "organisation", d.organisation
        for i, o in enumerate(d.organisations):
            yield ("organisations", i), "organisation", o
        for i, key in enumerate(d.systems):
            yield ("systems", i), "system", key
        if d.owner_role:
            yield ("owner_role",), "role", d.owner_role
        for i, p in enumerate(d.parties):
            if p.organisation:
                yield ("parties", i, "organisation"), "organisation", p.organisation
            if p.role:
                yield ("parties", i, "role"), "role", p.role
        for i, r in enumerate(d.roles):
            yield ("roles", i, "key"), "role", r.key
        if d.reporting:
            for i, c in enumerate(d.reporting.contact_points):
                yield ("reporting", "contact_points", i, "key"), "contact_point", c.key
        for i, s in enumerate(d.scenarios):
            for j, key in enumerate(s.systems):
                yield ("scenarios", i, "systems", j), "system", key
            for j, instruction in enumerate(s.staff_instructions):
                yield ("scenarios", i, "staff_instructions", j, "role"), "role", instruction.role
            if s.public.publisher_role:
                yield ("scenarios", i, "public", "publisher_role"), "role", s.public.publisher_role
        for path, step in self.steps():
            if step.who:
                yield (*path, "who"), "role", step.who
            if isinstance(step, NotifyStep):
                for k, role in enumerate(step.notify_roles):
                    yield (*path, "notify_roles", k), "role", role
                if step.if_off_duty:
                    for k, role in enumerate(step.if_off_duty.notify_roles):
                        yield (*path, "if_off_duty", "notify_roles", k), "role", role
                    if step.if_off_duty.ticket_contact_point:
                        yield (
                            (*path, "if_off_duty", "ticket_contact_point"),
                            "contact_point",
                            step.if_off_duty.ticket_contact_point,
                        )
            elif isinstance(step, ContactSupplierStep):
                yield (*path, "supplier"), "organisation", step.supplier
                if step.contact_point:
                    yield (*path, "contact_point"), "contact_point", step.contact_point
            elif isinstance(step, CallContactPointStep):
                for k, c in enumerate(step.contact_points):
                    yield (*path, "contact_points", k, "key"), "contact_point", c.key
            elif isinstance(step, WaitForInstructionsStep) and step.from_role:
                yield (*path, "from_role"), "role", step.from_role
            elif isinstance(step, TaskStep) and step.fallback:
                yield (*path, "fallback", "who"), "role", step.fallback.who
        for path, action in self.timer_actions():
            for k, role in enumerate(action.notify or []):
                yield (*path, "notify", k), "role", role
            for k, task in enumerate(action.create_tasks or []):
                yield from self._task_refs((*path, "create_tasks", k), task)
        for i, rule in enumerate(d.resolution):
            for k, task in enumerate(rule.tasks):
                yield from self._task_refs(("resolution", i, "tasks", k), task)
        for i, b in enumerate(d.backup_routines):
            for j, key in enumerate(b.systems):
                yield ("backup_routines", i, "systems", j), "system", key
            if b.entered_afterwards:
                yield from self._back_refs(
                    ("backup_routines", i, "entered_afterwards"), b.entered_afterwards
                )
        for i, instruction in enumerate(d.staff_instructions):
            yield ("staff_instructions", i, "role"), "role", instruction.role
        for i, r in enumerate(d.record_types):
            if r.target_system:
                yield ("record_types", i, "target_system"), "system", r.target_system
            if r.entered_afterwards:
                yield from self._back_refs(
                    ("record_types", i, "entered_afterwards"), r.entered_afterwards
                )
        for i, item in enumerate(d.preparedness):
            if item.responsible:
                yield ("preparedness", i, "responsible"), "role", item.responsible
        if d.planned_outages:
            for i, n in enumerate(d.planned_outages.notices):
                if n.responsible:
                    yield ("planned_outages", "notices", i, "responsible"), "role", n.responsible
            for i, w in enumerate(d.planned_outages.service_windows):
                for j, key in enumerate(w.systems):
                    yield ("planned_outages", "service_windows", i, "systems", j), "system", key

    def _task_refs(
        self, path: Path, task: Task
    ) -> Iterator[tuple[Path, RefKind | Literal["organisation"], str]]:
        if task.who:
            yield (*path, "who"), "role", task.who
        if task.fallback:
            yield (*path, "fallback", "who"), "role", task.fallback.who

    def _back_refs(
        self, path: Path, back: BackRegistration
    ) -> Iterator[tuple[Path, RefKind | Literal["organisation"], str]]:
        if back.by_role:
            yield (*path, "by_role"), "role", back.by_role
        if back.by_organisation:
            yield (*path, "by_organisation"), "organisation", back.by_organisation

    def check_registry(self, registry: RegistryKeys) -> None:
        own = self.doc.organisation
        organisations = registry.organisations()
        if own not in organisations:
            self.problem(("organisation",), messages.unknown_organisation(own))
            return
        partners = registry.partners(own)
        for path, kind, ref in self.refs():
            if kind == "organisation":
                if ref not in organisations:
                    self.problem(path, messages.unknown_organisation(ref))
                continue
            parsed = Ref.parse(ref)
            org, key = parsed.organisation_key or own, parsed.key
            if org != own and org not in partners:
                self.problem(path, self._not_a_partner(org, own, ref, organisations, partners))
                continue
            known = getattr(registry, f"{kind}s")(org)
            if key not in known:
                self.problem(path, messages.unknown_in_registry(kind, key, org, known))

    def _not_a_partner(
        self, org: str, own: str, ref: str, organisations: set[str], partners: set[str]
    ) -> str:
        params = {
            "org": org,
            "own": own,
            "ref": ref,
            "partners": messages.listing(sorted(partners)),
        }
        if org not in organisations:
            return _("okänd organisation ”%(org)s” i ”%(ref)s”") % params
        if partners:
            return (
                _(
                    "”%(org)s” är ingen samverkande organisation till ”%(own)s”; använd en nyckel "
                    "från %(own)s eller från en samverkande organisation (%(partners)s)"
                )
                % params
            )
        return (
            _(
                "”%(org)s” är ingen samverkande organisation till ”%(own)s”; använd en nyckel från "
                "%(own)s (registret har inga samverkande organisationer för %(own)s)"
            )
            % params
        )
