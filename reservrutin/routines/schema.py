"""The routine format, ``schema: reservrutin/routine/v2`` (issues 3 and 13, docs/routines.md).

v2 adds to v1 without renaming anything: the document header (``document_type``,
``created_by``), sections of linked documents, steps that link to documents, contact
choices that say how to reach the point (``via``), and staff on duty at a unit as a
notification target. A v1 document still loads (``schema: reservrutin/routine/v1``) as long as
it uses none of these; ``routine upgrade`` writes the v2 form.

One YAML document describes one routine of one organisation. It names registry objects by
stable key (``kundservice``, ``sesam-lmn``, ``servicedesk``); a key of a partner
organisation is qualified as ``org:key`` (SP-01). Keys are checked against the registry in
``validation.py``; this module checks shape only.

Types are strict: a string field does not accept a number (write ``version: "1.0"``) and a
boolean only accepts ``true``/``false``. Durations are written ``30min``, ``4h``, ``10h``,
``1d12h``.

The validators' messages are plain Swedish msgids, translated when a document is validated
(``validation.py`` shows them as they are).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Annotated, Any, Literal, Self

from django.utils.translation import gettext as _
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from reservrutin.lib import recurrence

SCHEMA_ID = "reservrutin/routine/v2"
SCHEMA_V1 = "reservrutin/routine/v1"
#: Every schema a document may name, newest first.
SCHEMA_IDS = (SCHEMA_ID, SCHEMA_V1)

KEY_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
REF_PATTERN = r"^(?:[a-z0-9][a-z0-9-]*:)?[a-z0-9][a-z0-9-]*$"
DURATION_PATTERN = r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)min)?$"
TIME_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
_DURATION_RE = re.compile(DURATION_PATTERN)

#: A local key: lower-case letters, digits and dashes.
Key = Annotated[str, Field(pattern=KEY_PATTERN, min_length=1, max_length=80)]
#: A registry key, optionally qualified with a partner organisation: ``lulea-kommun:kommun``.
Ref = Annotated[str, Field(pattern=REF_PATTERN, min_length=1, max_length=161)]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]


def parse_duration(text: str) -> dt.timedelta:
    """``"4h"`` → 4 hours; ``"1d12h"``, ``"30min"``. Raises ValueError otherwise."""
    match = _DURATION_RE.match(text)
    if not match or not text:
        raise ValueError(
            _("”%(text)s” är ingen tidslängd; skriv t.ex. 30min, 4h, 10h eller 1d") % {"text": text}
        )
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return dt.timedelta(days=days, hours=hours, minutes=minutes)


def _check_duration(text: str) -> str:
    if parse_duration(text) <= dt.timedelta(0):
        raise ValueError(_("en tidslängd måste vara längre än noll"))
    return text


#: Written ``30min``, ``4h``, ``10h``, ``1d`` or combined ``1h30min``.
Duration = Annotated[
    str,
    Field(pattern=DURATION_PATTERN, min_length=2, examples=["30min", "4h", "1h30min"]),
    AfterValidator(_check_duration),
]


def _check_rrule(text: str, info: ValidationInfo) -> str:
    # The one check every rule passes before anything expands it (lib.recurrence): a rule
    # such as INTERVAL=0 would otherwise hang the routine page and its PDFs (issue 14).
    # A version already stored was accepted by an older check; it must still load (the
    # timer worker reads it), and whatever expands its rules checks them again.
    if info.context and info.context.get("stored"):
        return text
    try:
        recurrence.parse(text, dt.datetime(2024, 1, 1))
    except recurrence.RecurrenceError as exc:
        if exc.code == "syntax":
            raise ValueError(
                _(
                    "”%(text)s” är ingen giltig upprepningsregel (%(detail)s); skriv t.ex. "
                    "FREQ=MONTHLY;BYDAY=+2WE"
                )
                % {"text": text, "detail": exc.detail}
            ) from None
        raise ValueError(
            _("”%(text)s” går inte att använda som upprepningsregel: %(detail)s")
            % {"text": text, "detail": exc.message}
        ) from None
    return text


RRule = Annotated[
    str,
    Field(pattern=r"^FREQ=", examples=["FREQ=MONTHLY;BYDAY=+2WE"]),
    AfterValidator(_check_rrule),
]
LocalTime = Annotated[str, Field(pattern=TIME_PATTERN, examples=["10:00"])]

Scope = Literal[
    "region_wide_it_collapse",
    "system_unreachable_for_all",
    "local_loss_of_contact",
    "telephony_disrupted",
    "power_short",
    "power_long",
    "wifi_down",
    "mobile_network_down",
    "login_service_down",
    "planned",
    "other",
]
RecordType = Literal[
    "journal_note",
    "deviation",
    "signing_list",
    "time_registration",
    "paper_referral",
    "acute_prescription",
    "discharge_phone_report",
]
Recurrence = Literal[
    "daily",
    "before_weekends_and_holidays",
    "weekly",
    "monthly",
    "on_change",
    "on_new_routine_version",
]
When = Literal["office_hours", "after_hours", "always"]
Due = Literal["immediately", "when_back", "same_day", "next_day", "announced"]
#: Who gets a task of their own: every person holding the role, or those on duty when the
#: task is created (TES-10: "every employee back-registers their own times").
Each = Literal["person", "person_on_duty"]


class Strict(BaseModel):
    """Base of every node: unknown fields are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


Url = Annotated[str, Field(pattern=r"^https?://\S+$")]


class Document(Strict):
    """A related document (LMN-12): a title and, when known, where to find it. v2: a ``key``
    that steps link to, and a ``section`` (an anchor or heading) or ``page`` of it."""

    key: Key | None = None
    title: ShortText
    url: Url | None = None
    section: ShortText | None = None
    page: Annotated[int, Field(ge=1, le=100_000)] | None = None
    note: Text | None = None


class RoleDecl(Strict):
    """A role the routine uses, with its title as the document writes it and its duties."""

    key: Ref
    title: ShortText | None = None
    duties: list[Text] = []


class Party(Strict):
    """Someone with a duty in the routine (S2-03): a supplier organisation, a role or a
    named group (``Förskrivare och beställande enheter``)."""

    name: ShortText | None = None
    organisation: Key | None = None
    role: Ref | None = None
    kind: Literal[
        "it_supplier", "system_supplier", "business", "ordering_units", "system_owner", "other"
    ]
    sla: ShortText | None = None
    duties: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _named(self) -> Party:
        if not (self.name or self.organisation or self.role):
            raise ValueError(_("en part behöver ”name”, ”organisation” eller ”role”"))
        return self


Via = Literal["phone", "fax", "email", "web"]
#: A phone or fax number as written in a routine: digits, spaces, +, - and parentheses.
Number = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 ()-]{1,38}$")]


class ContactChoice(Strict):
    """A contact point to use at a time of day (TES-07, SOD-12, SOD-13). v2: ``via`` says how
    (call, fax, e-mail, web); a fax instruction carries its ``fax`` number, which the registry
    does not hold."""

    key: Ref
    when: When = "always"
    via: Via | None = None
    fax: Number | None = None
    note: Text | None = None


class OffDuty(Strict):
    """What to do when nobody holding the notified role is on duty (LMN-07)."""

    notify_roles: list[Ref] = []
    ticket_contact_point: Ref | None = None


class _StepBase(Strict):
    id: Key | None = None
    who: Ref | None = None
    what: Text
    #: v2: keys of ``documents`` this step links to.
    documents: list[Key] = []


class NotifyStep(_StepBase):
    """Tell a role at once; if nobody is on duty, its fallback (LMN-07)."""

    kind: Literal["notify"]
    notify_roles: list[Ref] = Field(min_length=1)
    #: v2: also the staff on duty at these units (unit keys in the registry).
    notify_unit_staff: list[Key] = []
    if_off_duty: OffDuty | None = None


class ContactSupplierStep(_StepBase):
    """Contact the supplier (an organisation key), optionally through a contact point."""

    kind: Literal["contact_supplier"]
    supplier: Key
    contact_point: Ref | None = None


class CallContactPointStep(_StepBase):
    """Call or write to a contact point chosen by time of day (TES-07, SOD-12, SOD-13)."""

    kind: Literal["call_contact_point"]
    contact_points: list[ContactChoice] = Field(min_length=1)


class PublishNoticeStep(_StepBase):
    """Publish driftinfo from a template (LMN-02, LMN-09)."""

    kind: Literal["publish_notice"]
    template: Key


class InformCallersStep(_StepBase):
    """What to tell people who call in (LMN-08)."""

    kind: Literal["inform_callers"]
    script: Text | None = None
    template: Key | None = None


class PhoneQueueBroadcastStep(_StepBase):
    """Put a broadcast message (lavinmeddelande) on the phone queue (LMN-10, LMN-11)."""

    kind: Literal["phone_queue_broadcast"]
    text: Text | None = None
    template: Key | None = None


class WaitForInstructionsStep(_StepBase):
    """Wait for instructions from someone else and take no planned action (LMN-06)."""

    kind: Literal["wait_for_instructions"]
    from_role: Ref | None = None


class Fallback(Strict):
    """Who does a personal task for a person who cannot (TES-10: one with a day off tells an
    administrator, who then registers for them). ``what`` says what the fallback role does;
    the task names the person."""

    who: Ref
    what: Text | None = None


class _PerPerson(Strict):
    """Checks ``each`` (one task per person holding ``who``, each ticked by its owner) and
    ``fallback`` (where a person's task goes when they cannot do it). The fields are declared
    on each task type, last, so the allowed fields read in the document's order."""

    @model_validator(mode="after")
    def _each_needs_role(self) -> Self:
        if getattr(self, "each", None) and not getattr(self, "who", None):
            raise ValueError(
                _("”each” behöver ”who”: skriv vilken roll som får en uppgift per person")
            )
        if getattr(self, "fallback", None) and not getattr(self, "each", None):
            raise ValueError(
                _(
                    "”fallback” gäller bara uppgifter per person; lägg till ”each: person” "
                    "eller ta bort ”fallback”"
                )
            )
        return self


class TaskStep(_StepBase, _PerPerson):
    """Anything else to do."""

    kind: Literal["task"]
    due: Due | None = None
    each: Each | None = None
    fallback: Fallback | None = None


Step = Annotated[
    NotifyStep
    | ContactSupplierStep
    | CallContactPointStep
    | PublishNoticeStep
    | InformCallersStep
    | PhoneQueueBroadcastStep
    | WaitForInstructionsStep
    | TaskStep,
    Field(discriminator="kind"),
]


class Task(_PerPerson):
    """A task to create for a role (after a timer fires, or when resolving an outage)."""

    who: Ref | None = None
    what: Text
    due: Due | None = None
    each: Each | None = None
    fallback: Fallback | None = None


class TimerAction(Strict):
    """Exactly one thing a timer does when it fires."""

    activate_backup_routine: Key | None = None
    publish_notice: Key | None = None
    notify: Annotated[list[Ref], Field(min_length=1)] | None = None
    create_tasks: Annotated[list[Task], Field(min_length=1)] | None = None
    #: Remind this publisher role that nobody has published driftinfo (a task and an
    #: escalation). The engine sets it on the publish reminder a confirmation starts
    #: (``Scenario.public``, ``outages.actions.notices``); "" when the routine names no
    #: publisher role (the timeline says nobody could be reminded).
    remind_publisher: Ref | Literal[""] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> TimerAction:
        given = [name for name, value in self if value is not None]
        if not given:
            raise ValueError(
                _(
                    "en åtgärd ska ha ett av fälten activate_backup_routine, publish_notice, "
                    "notify eller create_tasks, men har inget"
                )
            )
        if len(given) > 1:
            raise ValueError(
                _(
                    "en åtgärd ska ha ett av fälten activate_backup_routine, publish_notice, "
                    "notify eller create_tasks, men har %(given)s; skriv en åtgärd per listrad"
                )
                % {"given": ", ".join(given)}
            )
        return self


class Timer(Strict):
    """Fires ``after`` the outage started (LMN-09, S2-06, SP-03). ``without_prognosis`` only
    fires if no prognosis is known then; ``rearm`` waits that long again when a prognosis
    passes without recovery."""

    key: Key
    after: Duration
    condition: Literal["without_prognosis", "always"] = "always"
    rearm: Duration | None = None
    description: Text | None = None
    actions: list[TimerAction] = []


class PublicOnConfirm(Strict):
    """What the public status page shows when an outage in the scenario is confirmed
    (LMN-02: only publishers publish, docs/statuspage.md "The page follows the outage").

    ``publisher_writes`` (the default): nothing until a publisher writes driftinfo; if nobody
    has within ``publish_within`` of the confirmation, a "publicera driftinfo" task and an
    escalation go to ``publisher_role`` on duty (the routine's ``owner_role`` if not given).
    ``holding_line``: an automatic line (``title``, ``text``; by default "Vi undersöker en
    störning i <system>.") with the systems in ``state``, which a publisher may replace."""

    show: Literal["publisher_writes", "holding_line"] = "publisher_writes"
    title: ShortText | None = None
    text: Text | None = None
    state: Literal["disturbance", "outage"] = "disturbance"
    publisher_role: Ref | None = None
    publish_within: Duration = "15min"


#: What a reporter answers to a self-check question (``reporting.self_check``, SOD-11).
SelfCheckReply = Literal["ja", "nej", "vet-inte"]
#: How widespread a reporter says the problem is (``outages.models.Report.Extent``).
Extent = Literal["only_me", "my_unit", "my_site", "several_units", "everyone", "unknown"]


class SelfCheckAnswer(Strict):
    """One answer to one self-check question: ``question`` is its number in
    ``reporting.self_check``, counted from 1."""

    question: Annotated[int, Field(ge=1, le=50)]
    answer: SelfCheckReply


class SuggestWhen(Strict):
    """When a report's answers suggest this scenario to the coordinator: every list that is
    given must match (a part named in ``parts``, an extent in ``extent``, and every answer
    in ``self_check``). The first scenario that matches is suggested."""

    parts: list[Key] = []
    extent: list[Extent] = []
    self_check: list[SelfCheckAnswer] = []

    @model_validator(mode="after")
    def _something(self) -> SuggestWhen:
        if not (self.parts or self.extent or self.self_check):
            raise ValueError(
                _("”suggest_when” behöver minst ett av ”parts”, ”extent” eller ”self_check”")
            )
        return self


class StaffInstruction(Strict):
    """What people holding ``role`` do (TES-09, SOD-04, SOD-09)."""

    role: Ref
    instructions: list[Text] = Field(min_length=1)


class Scenario(Strict):
    """One situation the routine describes, with its steps and timers."""

    key: Key
    title: ShortText
    scope: Scope
    recognise: Text | None = None
    systems: list[Ref] = []
    suggest_when: SuggestWhen | None = None
    wait_for_instructions: bool = False
    steps: list[Step] = []
    timers: list[Timer] = []
    staff_instructions: list[StaffInstruction] = []
    notes: list[Text] = []
    public: PublicOnConfirm = PublicOnConfirm()


class ResolutionRule(Strict):
    """What to do afterwards, by how long the outage lasted (TES-10)."""

    title: ShortText | None = None
    min_duration: Duration | None = None
    max_duration: Duration | None = None
    tasks: list[Task] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> ResolutionRule:
        if (
            self.min_duration
            and self.max_duration
            and parse_duration(self.min_duration) >= parse_duration(self.max_duration)
        ):
            raise ValueError(_("”min_duration” måste vara kortare än ”max_duration”"))
        return self


class BackRegistration(Strict):
    """Who enters the downtime records afterwards, and by when (S2-07, TES-05, SP-11)."""

    by_role: Ref | None = None
    by_organisation: Key | None = None
    due: Due = "when_back"
    text: Text | None = None


class BackupRoutine(Strict):
    """A backup routine (reservrutin) put into force by a timer or a person (S2-07)."""

    key: Key
    title: ShortText
    description: Text | None = None
    systems: list[Ref] = []
    steps: list[Step] = []
    record_types: list[RecordType] = []
    entered_afterwards: BackRegistration | None = None
    notice_template: Key | None = None
    then_activate: Key | None = None


class RecordTypeUse(Strict):
    """A kind of downtime record used while the system is down, and where it goes after."""

    type: RecordType
    target_system: Ref | None = None
    description: Text | None = None
    entered_afterwards: BackRegistration | None = None


class PreparednessItem(Strict):
    """Something units must have ready before an outage (TES-04, SOD-14..SOD-19)."""

    key: Key
    text: Text
    units: Literal["all"] | list[Key] = "all"
    responsible: Ref | None = None
    recurrence: Recurrence


class RequiredField(Strict):
    """A field a report must carry (TES-08)."""

    key: Key
    label: ShortText


class DeviceReports(Strict):
    """Reports about the reporter's own computer, phone or tablet (SOD-11): they open no
    outage. A report is one when its fault type is "device" and its extent "only me" or "do
    not know", or when its extent is "only me" and one of ``self_check`` is among its
    answers. ``advice`` is what to try; ``contact_points`` where to turn (default: the
    routine's ``reporting.contact_points``, then the organisation's user support)."""

    self_check: list[SelfCheckAnswer] = []
    advice: Text | None = None
    contact_points: list[ContactChoice] = []


class Reporting(Strict):
    """How to report a fault: checks first (SOD-11), where (TES-07, SOD-12) and what (TES-08)."""

    text: Text | None = None
    self_check: list[Text] = []
    contact_points: list[ContactChoice] = []
    required_fields: list[RequiredField] = []
    device: DeviceReports | None = None


class NoticeRule(Strict):
    """How far ahead and where a planned outage is announced (TES-01, SOD-03)."""

    days_before: Annotated[int, Field(ge=0, le=365)]
    days_before_max: Annotated[int, Field(ge=0, le=365)] | None = None
    channels: list[
        Literal["in_system", "intranet", "notice_board", "email", "sms", "status_page", "managers"]
    ] = Field(min_length=1)
    audience: Text | None = None
    responsible: Ref | None = None

    @model_validator(mode="after")
    def _range(self) -> NoticeRule:
        if self.days_before_max is not None and self.days_before_max < self.days_before:
            raise ValueError(_("”days_before_max” får inte vara mindre än ”days_before”"))
        return self


class ServiceWindow(Strict):
    """A recurring service window (SOD-05), as an iCalendar RRULE in Swedish local time."""

    key: Key
    title: ShortText
    rrule: RRule
    starts: LocalTime
    ends: LocalTime
    expected_duration: Duration | None = None
    systems: list[Ref] = []
    advice: Text | None = None

    @model_validator(mode="after")
    def _order(self) -> ServiceWindow:
        if self.ends <= self.starts:
            raise ValueError(_("”ends” måste vara senare än ”starts”"))
        return self


class PlannedOutages(Strict):
    """Rules for planned outages: notice and recurring windows."""

    text: Text | None = None
    notices: list[NoticeRule] = []
    service_windows: list[ServiceWindow] = []


class Template(Strict):
    """A text to publish or say: driftinfo notice, caller script, phone-queue broadcast."""

    key: Key
    kind: Literal["notice", "caller_script", "broadcast", "email", "sms"]
    title: ShortText | None = None
    text: Text


class Routine(Strict):
    """One routine document of one organisation (``schema: reservrutin/routine/v2``, or v1).

    The header follows seed 000's: type (``document_type``), process, register number
    (``document_number``), version, created by, approved by and when, target group
    (``applies_to``, "Gäller för") and validity (``valid_from``/``valid_to``)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        title="Reservrutin routine",
        json_schema_extra={"$id": "https://reservrutin.se/schema/routine/v2.json"},
    )

    schema_: Literal["reservrutin/routine/v2", "reservrutin/routine/v1"] = Field(alias="schema")
    key: Key
    title: ShortText
    organisation: Key
    document_type: ShortText | None = None
    created_by: ShortText | None = None
    owner: ShortText | None = None
    owner_role: Ref | None = None
    version: ShortText
    approved_by: ShortText | None = None
    approved_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    revised_on: list[dt.date] = []
    document_number: ShortText | None = None
    process: ShortText | None = None
    applies_to: Text | None = None
    purpose: Text | None = None
    organisations: list[Key] = []
    documents: list[Document] = []
    systems: list[Ref] = Field(min_length=1)
    affected_parts: list[Text] = []
    parties: list[Party] = []
    roles: list[RoleDecl] = []
    outage_types: list[Text] = []
    reporting: Reporting | None = None
    scenarios: list[Scenario] = []
    backup_routines: list[BackupRoutine] = []
    resolution: list[ResolutionRule] = []
    staff_instructions: list[StaffInstruction] = []
    record_types: list[RecordTypeUse] = []
    preparedness: list[PreparednessItem] = []
    planned_outages: PlannedOutages | None = None
    templates: list[Template] = []
    notes: list[Text] = []

    @model_validator(mode="after")
    def _dates(self) -> Routine:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(_("”valid_to” får inte vara före ”valid_from”"))
        if self.schema_ == SCHEMA_V1:
            used = sorted(v2_fields_used(self))
            if used:
                raise ValueError(
                    _(
                        "fälten %(fields)s finns i %(v2)s men inte i %(v1)s; skriv ”schema: "
                        "%(v2)s” (eller kör ”routine upgrade”)"
                    )
                    % {"fields": ", ".join(used), "v2": SCHEMA_ID, "v1": SCHEMA_V1}
                )
        return self

    def to_data(self) -> dict[str, Any]:
        """The document as plain values without defaults, dates kept as dates (what export
        writes as YAML)."""
        data = _keys_first(self.model_dump(mode="python", by_alias=True, exclude_defaults=True))
        return {"schema": data.pop("schema"), **data}

    def to_json(self) -> dict[str, Any]:
        """The document as JSON values (what a version stores); read back with
        :func:`routine_from_json`."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)


#: Fields that v2 added, by the model that holds them.
V2_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def v2_fields_used(node: Any) -> set[str]:
    """The names of v2-only fields set anywhere in ``node`` (a v1 document may not use them)."""
    found: set[str] = set()
    if isinstance(node, BaseModel):
        for model, names in V2_FIELDS.items():
            if isinstance(node, model):
                found.update(n for n in names if n in node.model_fields_set)
        for name in type(node).model_fields:
            found |= v2_fields_used(getattr(node, name))
    elif isinstance(node, list):
        for item in node:
            found |= v2_fields_used(item)
    return found


def _keys_first(value: Any) -> Any:
    """Put ``key`` and ``kind`` first in every mapping, as people write them."""
    if isinstance(value, list):
        return [_keys_first(v) for v in value]
    if isinstance(value, dict):
        first = {k: _keys_first(value[k]) for k in ("key", "kind") if k in value}
        return first | {k: _keys_first(v) for k, v in value.items() if k not in first}
    return value


def routine_from_json(data: dict[str, Any]) -> Routine:
    """A routine from stored JSON (dates are ISO strings there, which strict mode accepts only
    from JSON input)."""
    return Routine.model_validate_json(json.dumps(data), context={"stored": True})


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the format (written to docs/routine-schema.json)."""
    return Routine.model_json_schema(by_alias=True)


V2_FIELDS.update(
    {
        Routine: ("document_type", "created_by"),
        Document: ("key", "section", "page"),
        ContactChoice: ("via", "fax"),
        _StepBase: ("documents",),
        NotifyStep: ("notify_unit_staff",),
    }
)
