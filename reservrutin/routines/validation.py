"""Validate a routine file: YAML → shape (pydantic) → meaning (references, ids, cycles).

``validate_document`` never raises for bad input: every problem comes back as a
:class:`~reservrutin.routines.loader.Problem` naming file, line, column, field path and what was
expected, so the command line and the upload page can list them all at once.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ValidationError

from reservrutin.routines import loader
from reservrutin.routines.loader import Loaded, LoadError, Path, Problem, format_path
from reservrutin.routines.schema import (
    DURATION_PATTERN,
    KEY_PATTERN,
    REF_PATTERN,
    SCHEMA_ID,
    TIME_PATTERN,
    BackRegistration,
    CallContactPointStep,
    ContactSupplierStep,
    InformCallersStep,
    NotifyStep,
    PhoneQueueBroadcastStep,
    PublishNoticeStep,
    Routine,
    Task,
    WaitForInstructionsStep,
)

RefKind = Literal["system", "role", "contact_point"]


class RegistryKeys(Protocol):
    """The registry keys a routine may reference, per organisation key."""

    def organisations(self) -> set[str]: ...

    def partners(self, organisation: str) -> set[str]: ...

    def systems(self, organisation: str) -> set[str]: ...

    def roles(self, organisation: str) -> set[str]: ...

    def contact_points(self, organisation: str) -> set[str]: ...


@dataclass
class StaticRegistry:
    """A :class:`RegistryKeys` from plain sets, for tests and offline validation."""

    orgs: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    partner_map: dict[str, set[str]] = field(default_factory=dict)

    def organisations(self) -> set[str]:
        return set(self.orgs)

    def partners(self, organisation: str) -> set[str]:
        return set(self.partner_map.get(organisation, set()))

    def systems(self, organisation: str) -> set[str]:
        return set(self.orgs.get(organisation, {}).get("systems", set()))

    def roles(self, organisation: str) -> set[str]:
        return set(self.orgs.get(organisation, {}).get("roles", set()))

    def contact_points(self, organisation: str) -> set[str]:
        return set(self.orgs.get(organisation, {}).get("contact_points", set()))


class DatabaseRegistry:
    """A :class:`RegistryKeys` reading the registry tables (a few queries, cached)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], set[str]] = {}

    def _keys(self, model: str, organisation: str) -> set[str]:
        from reservrutin.registry import models as registry

        cache_key = (model, organisation)
        if cache_key not in self._cache:
            manager = getattr(registry, model).objects
            self._cache[cache_key] = set(
                manager.filter(organisation__key=organisation).values_list("key", flat=True)
            )
        return self._cache[cache_key]

    def organisations(self) -> set[str]:
        from reservrutin.accounts.models import Organisation

        if ("org", "") not in self._cache:
            self._cache[("org", "")] = set(Organisation.objects.values_list("key", flat=True))
        return self._cache[("org", "")]

    def partners(self, organisation: str) -> set[str]:
        from reservrutin.accounts.models import Organisation

        if ("partners", organisation) not in self._cache:
            self._cache[("partners", organisation)] = set(
                Organisation.objects.filter(partners__key=organisation).values_list(
                    "key", flat=True
                )
            )
        return self._cache[("partners", organisation)]

    def systems(self, organisation: str) -> set[str]:
        return self._keys("System", organisation)

    def roles(self, organisation: str) -> set[str]:
        return self._keys("Role", organisation)

    def contact_points(self, organisation: str) -> set[str]:
        return self._keys("ContactPoint", organisation)


@dataclass
class Result:
    """What validation found. ``document`` is set when the shape is valid (even if reference
    errors remain), so callers can still show what they can."""

    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
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
        result.errors = [Problem(filename, 1, 1, "", "the document is nested too deeply")]
        return result
    result.loaded = loaded
    data = loaded.data
    if not isinstance(data, dict):
        result.errors = [
            Problem(
                filename,
                1,
                1,
                "",
                f"expected a mapping with 'schema: {SCHEMA_ID}' at the top, got {_kind(data)}",
            )
        ]
        return result
    if data.get("schema") != SCHEMA_ID:
        mark = loaded.mark_for(("schema",))
        got = f"'{data['schema']}'" if "schema" in data else "nothing"
        result.errors = [
            Problem(
                filename, mark.line, mark.column, "schema", f"expected '{SCHEMA_ID}', got {got}"
            )
        ]
        return result
    try:
        document = Routine.model_validate(data)
    except ValidationError as exc:
        result.errors = _map_errors(exc, loaded, filename)
        return result
    except RecursionError:
        result.errors = [Problem(filename, 1, 1, "", "the document is nested too deeply")]
        return result
    result.document = document
    checker = _Checker(document, loaded, filename, registry)
    checker.run()
    result.errors = checker.errors
    result.warnings = checker.warnings
    return result


# --- Mapping pydantic errors back to the file -------------------------------------------------

_FIELD_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

#: Regular expressions say little to the people who write routines; say what is expected.
_PATTERN_MEANING = {
    KEY_PATTERN: "expected a key of lower-case letters, digits and dashes, e.g. sesam-lmn",
    REF_PATTERN: "expected a registry key, e.g. kundservice, or org:key for a partner organisation",
    DURATION_PATTERN: "expected a duration such as 30min, 4h, 10h or 1h30min",
    TIME_PATTERN: "expected a time of day as HH:MM, e.g. 10:00",
    r"^FREQ=": "expected an iCalendar RRULE starting with FREQ=, e.g. FREQ=MONTHLY;BYDAY=+2WE",
    r"^https?://\S+$": "expected a web address starting with https://",
}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


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


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class whose field set applies at ``loc`` (to list the allowed fields)."""
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
            break
        candidates = nxt
    return candidates[0] if len(candidates) == 1 else None


def _tag(model: Any) -> str | None:
    info = model.model_fields.get("kind")
    if info is None:
        return None
    args = typing.get_args(info.annotation)
    return args[0] if len(args) == 1 else None


def _fields_of(model: type[BaseModel]) -> str:
    return ", ".join(info.alias or name for name, info in model.model_fields.items())


def _map_errors(exc: ValidationError, loaded: Loaded, filename: str) -> list[Problem]:
    merged: dict[tuple[Path, str], list[str]] = {}
    order: list[tuple[Path, str]] = []
    marks: dict[tuple[Path, str], loader.Mark] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path, _absent = _data_path(loc, loaded.data)
        kind = err["type"]
        value = err.get("input")
        if kind == "missing":
            message = (
                f"the field '{path[-1]}' is required" if path else "a required field is missing"
            )
            mark = loaded.mark_for(path[:-1])
        elif kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = f"; expected one of: {_fields_of(model)}" if model else ""
            message = f"unknown field '{loc[-1]}'{allowed}"
            mark = loaded.mark_for(path, key=True)
        elif kind == "union_tag_not_found":
            message = f"{err['msg']}; every step needs 'kind:'"
            mark = loaded.mark_for(path)
        else:
            message = err["msg"]
            pattern = (err.get("ctx") or {}).get("pattern")
            if kind == "string_pattern_mismatch" and pattern in _PATTERN_MEANING:
                message = _PATTERN_MEANING[pattern]
            if kind == "string_type" and isinstance(value, int | float | bool | dt.date):
                message += f", got {_kind(value)} ({value}); put quotes around it"
            elif not isinstance(value, dict | list) and kind not in (
                "value_error",
                "assertion_error",
            ):
                message += f", got {value!r}" if isinstance(value, str) else f", got {_kind(value)}"
            elif isinstance(value, dict | list):
                message += f", got {_kind(value)}"
            if kind == "value_error":
                message = message.removeprefix("Value error, ")
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
        messages = merged[where]
        text = messages[0] if len(messages) == 1 else "; or ".join(messages)
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
        self.check_warnings()
        if self.registry is not None:
            self.check_registry(self.registry)

    # Unique ids ------------------------------------------------------------------------------
    def check_unique_ids(self) -> None:
        d = self.doc
        groups: dict[str, list[tuple[Path, str]]] = {
            "scenario key": [(("scenarios", i, "key"), s.key) for i, s in enumerate(d.scenarios)],
            "timer key": [
                (("scenarios", i, "timers", j, "key"), t.key)
                for i, s in enumerate(d.scenarios)
                for j, t in enumerate(s.timers)
            ],
            "backup routine key": [
                (("backup_routines", i, "key"), b.key) for i, b in enumerate(d.backup_routines)
            ],
            "template key": [(("templates", i, "key"), t.key) for i, t in enumerate(d.templates)],
            "preparedness key": [
                (("preparedness", i, "key"), p.key) for i, p in enumerate(d.preparedness)
            ],
            "role key": [(("roles", i, "key"), r.key) for i, r in enumerate(d.roles)],
        }
        # Step ids are unique within their scenario or backup routine.
        for path, step in self.steps():
            if step.id:
                groups.setdefault(f"step id in {format_path(path[:2])}", []).append(
                    ((*path, "id"), step.id)
                )
        if d.planned_outages:
            groups["service window key"] = [
                (("planned_outages", "service_windows", i, "key"), w.key)
                for i, w in enumerate(d.planned_outages.service_windows)
            ]
        if d.reporting:
            groups["required field key"] = [
                (("reporting", "required_fields", i, "key"), f.key)
                for i, f in enumerate(d.reporting.required_fields)
            ]
        for label, items in groups.items():
            first: dict[str, Path] = {}
            for path, key in items:
                if key in first:
                    line = self.loaded.mark_for(first[key]).line
                    noun = label.split(" in ")[0]
                    self.problem(
                        path,
                        f"duplicate {noun} '{key}' (already used on line {line}); expected a unique {noun}",
                    )
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

        def need(path: Path, key: str | None, known: set[str], what: str) -> None:
            if key is not None and key not in known:
                listed = ", ".join(sorted(known)) or "none are defined"
                self.problem(path, f"unknown {what} '{key}'; expected one of: {listed}")

        for path, action in self.timer_actions():
            need(
                (*path, "activate_backup_routine"),
                action.activate_backup_routine,
                backups,
                "backup routine",
            )
            need((*path, "publish_notice"), action.publish_notice, templates, "template")
        for path, step in self.steps():
            if isinstance(step, PublishNoticeStep):
                need((*path, "template"), step.template, templates, "template")
            if isinstance(step, InformCallersStep | PhoneQueueBroadcastStep):
                need((*path, "template"), step.template, templates, "template")
        for i, b in enumerate(self.doc.backup_routines):
            need(
                ("backup_routines", i, "then_activate"), b.then_activate, backups, "backup routine"
            )
            need(
                ("backup_routines", i, "notice_template"), b.notice_template, templates, "template"
            )

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
                            f"backup routines activate each other in a cycle ({shown}); expected a chain that ends",
                        )
                    break
                chain.append(node)
                node = following.get(node)

    def check_steps(self) -> None:
        for path, step in self.steps():
            if isinstance(step, InformCallersStep) and not (step.script or step.template):
                self.problem(path, "inform_callers needs 'script' or 'template'")
            if isinstance(step, PhoneQueueBroadcastStep) and not (step.text or step.template):
                self.problem(path, "phone_queue_broadcast needs 'text' or 'template'")

    def check_warnings(self) -> None:
        for i, s in enumerate(self.doc.scenarios):
            if not s.steps and not s.wait_for_instructions:
                self.problem(("scenarios", i), f"scenario '{s.key}' has no steps", warning=True)
            if s.wait_for_instructions and s.timers:
                self.problem(
                    ("scenarios", i, "timers"),
                    "timers never fire in a scenario that waits for instructions (LMN-06)",
                    warning=True,
                )
            for j, t in enumerate(s.timers):
                if not t.actions:
                    self.problem(
                        ("scenarios", i, "timers", j),
                        f"timer '{t.key}' has no actions; it will fire and do nothing",
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
            self.problem(
                ("organisation",), f"unknown organisation '{own}'; expected a key from the registry"
            )
            return
        partners = registry.partners(own)
        labels = {"system": "system", "role": "role", "contact_point": "contact point"}
        for path, kind, ref in self.refs():
            if kind == "organisation":
                if ref not in organisations:
                    self.problem(
                        path, f"unknown organisation '{ref}'; expected a key from the registry"
                    )
                continue
            org, _, key = ref.rpartition(":")
            org = org or own
            if org != own and org not in partners:
                if org not in organisations:
                    self.problem(path, f"unknown organisation '{org}' in '{ref}'")
                else:
                    self.problem(
                        path,
                        f"'{org}' is not a partner organisation of '{own}'; expected a key of "
                        f"{own} or of one of its partners ({', '.join(sorted(partners)) or 'none'})",
                    )
                continue
            known = getattr(registry, f"{kind}s")(org)
            if key not in known:
                self.problem(
                    path,
                    f"unknown {labels[kind]} '{key}' in {org}; expected one of: {', '.join(sorted(known)) or 'none'}",
                )
