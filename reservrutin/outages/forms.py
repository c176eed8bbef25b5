"""Forms for outage pages: shape and required fields only; rules live in ``actions``."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts.models import Organisation
from reservrutin.lib import clock, params
from reservrutin.outages.models import Report
from reservrutin.outages.queries import reportable_systems
from reservrutin.registry.models import SystemPart

#: The error for a part that is not one of the offered ones (a stale page, a typed value).
UNKNOWN_PART = _("Okänd systemdel. Välj en del av ett av systemen, eller lämna fältet tomt.")

SELF_CHECK_CHOICES = [("ja", _("Ja")), ("nej", _("Nej")), ("vet-inte", _("Vet inte"))]


class ReportForm(forms.Form):
    """A fault report (TES-08): who, which unit, which systems, what kind of fault and how
    widespread, after the routine's self-check questions (SOD-11)."""

    systems = params.ModelMultipleChoiceField(
        label=_("Vilka system gäller det?"),
        queryset=None,  # set per organisation
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Välj minst ett system."),
            "invalid_choice": _("Okänt system."),
        },
    )
    fault_type = forms.ChoiceField(label=_("Typ av fel"), choices=Report.FaultType.choices)
    extent = forms.ChoiceField(
        label=_("Omfattning – vilka har problem?"), choices=Report.Extent.choices
    )
    part = forms.ModelChoiceField(
        label=_("Vilken del av systemet? (om du vet)"),
        queryset=None,  # set per organisation
        required=False,
        empty_label=_("Hela systemet / vet inte"),
        error_messages={"invalid_choice": UNKNOWN_PART},
    )
    unit = forms.ModelChoiceField(label=_("Vilken verksamhet har upptäckt felet?"), queryset=None)
    description = forms.CharField(
        label=_("Beskriv felet"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    reporter_name = forms.CharField(label=_("Ditt namn"), max_length=200)
    reporter_phone = forms.CharField(
        label=_("Telefon där vi når dig"), max_length=40, required=False
    )
    on_behalf_of_caller = forms.BooleanField(
        label=_("Jag anmäler för någon som har ringt in (till exempel en förskrivare)"),
        required=False,
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        self_check: list[str],
        signed_in: bool,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = reportable_systems(organisation)
        self.fields["part"].queryset = (
            SystemPart.objects.filter(system__in=reportable_systems(organisation))
            .select_related("system")
            .order_by("system__name", "name")
        )
        units = organisation.units.order_by("name")
        self.fields["unit"].queryset = units
        self.fields["unit"].required = units.exists()
        if signed_in:
            self.fields["reporter_name"].required = False
            self.fields["reporter_name"].help_text = _("Tomt: ditt namn från inloggningen.")
        else:
            self.fields["reporter_phone"].required = True
            del self.fields["on_behalf_of_caller"]
        self.self_check_names: list[tuple[str, str]] = []
        for index, question in enumerate(self_check):
            name = f"check_{index}"
            self.fields[name] = forms.ChoiceField(
                label=question, choices=SELF_CHECK_CHOICES, widget=forms.RadioSelect
            )
            self.self_check_names.append((name, question))

    def self_check_fields(self) -> list[forms.BoundField]:
        return [self[name] for name, _q in self.self_check_names]

    def report_fields(self) -> list[forms.BoundField]:
        checks = {name for name, _q in self.self_check_names}
        return [f for f in self.visible_fields() if f.name not in checks]

    def self_check_answers(self) -> list[dict[str, str]]:
        return [
            {"question": question, "answer": self.cleaned_data.get(name, "")}
            for name, question in self.self_check_names
        ]


class ReportAdditionForm(forms.Form):
    """Something a reporter adds to their report later ("nu hela enheten")."""

    extent = forms.ChoiceField(
        label=_("Vilka har problem nu?"),
        choices=[("", _("Som förut")), *Report.Extent.choices],
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=None, required=False, empty_label=_("Som förut")
    )
    part = forms.ModelChoiceField(
        label=_("Del av systemet"),
        queryset=None,
        required=False,
        empty_label=_("Som förut"),
        error_messages={"invalid_choice": UNKNOWN_PART},
    )
    text = forms.CharField(
        label=_("Vad har hänt sedan du anmälde?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args: Any, report: Report, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = report.organisation.units.order_by("name")
        self.fields["part"].queryset = (
            SystemPart.objects.filter(system__in=report.systems.all())
            .select_related("system")
            .order_by("system__name", "name")
        )


class ConfirmForm(forms.Form):
    scenario = forms.ChoiceField(label=_("Scenario"), required=False)

    def __init__(self, *args: Any, scenarios: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [("", _("Inget scenario ännu")), *scenarios]


class ScenarioForm(forms.Form):
    scenario = forms.ChoiceField(label=_("Byt scenario"))

    def __init__(self, *args: Any, scenarios: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = scenarios


class PrognosisForm(forms.Form):
    prognosis_at = forms.DateTimeField(
        label=_("Åter i drift (prognos)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Tomt tar bort prognosen."),
    )


class TicketForm(forms.Form):
    ticket_ref = forms.CharField(
        label=_("Ärendenummer hos servicedesk"), max_length=100, required=False
    )


class ActivateForm(forms.Form):
    backup = forms.ChoiceField(label=_("Reservrutin"))
    reason = forms.CharField(label=_("Anledning"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, backups: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["backup"].choices = backups


class ResolveForm(forms.Form):
    resolved_at = forms.DateTimeField(
        label=_("Åter i drift sedan"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför ställs avbrottet in?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Anteckning"), widget=forms.Textarea(attrs={"rows": 2}))


class PerformedAtField(forms.DateTimeField):
    """When work was really done: a date and time (``2026-11-24T10:10``) or, typed on a
    phone, just a time (``10:10``) meaning today (local time). Empty: now."""

    def to_python(self, value: Any) -> dt.datetime | None:
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and TIME_ONLY.match(text):
            hour, minute = (int(x) for x in text.replace(".", ":").split(":"))
            if hour > 23 or minute > 59:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            return clock.at_local(clock.local(clock.now()).date(), dt.time(hour, minute))
        return super().to_python(value)


TIME_ONLY = re.compile(r"^\d{1,2}[:.]\d{2}$")


class TaskDoneForm(forms.Form):
    """Tick a task; ``performed_at`` when it was done earlier (on paper, signed afterwards).
    The entry time is always now and is not a field."""

    performed_at = PerformedAtField(
        label=_("Utfört (om det gjordes tidigare)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Tomt: nu. Till exempel 10:10 för i dag."),
        error_messages={"invalid": _("Skriv tiden som 10:10, eller datum och tid.")},
    )


#: The longest reason kept for a takeover or a hand-over (it goes on the timeline).
REASON_MAX_LENGTH = 500
