"""Forms check the shape of input; the rules (times, SP-08, permissions) are in actions.

No form has a field for ``entered_at`` or ``done_at``: those are the server's time, and a
posted value for them is simply ignored (SP-11).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts.models import Organisation, Unit, User
from reservrutin.lib import clock
from reservrutin.lib.identity import PatientIdentifierField
from reservrutin.outages.models import Outage
from reservrutin.records.models import DischargeReport, RecordType
from reservrutin.registry.models import System


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read and shown as Swedish wall-clock time (TIME_ZONE is UTC)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(clock.STOCKHOLM):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(clock.STOCKHOLM):
            return super().prepare_value(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def new_key() -> str:
    return uuid.uuid4().hex


class _KeyedForm(forms.Form):
    #: A nonce per rendered form: submitting it twice creates one record.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def add_action_errors(self, error: ValidationError) -> None:
        """Attach an action's errors to the fields they name (or to the form)."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


def _outages(organisation: Organisation) -> Any:
    return Outage.objects.filter(organisation=organisation).order_by("-started_at")


def _systems(organisation: Organisation) -> Any:
    return System.objects.filter(organisation=organisation).order_by("name")


class _RecordPlace(_KeyedForm):
    outage = forms.ModelChoiceField(queryset=Outage.objects.none(), label=_("Driftstörning"))
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Enhet"))

    def __init__(self, *args: Any, organisation: Organisation, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outage"].queryset = _outages(organisation)
        self.fields["unit"].queryset = units
        self.fields["target_system"].queryset = _systems(organisation)


class CaptureForm(_RecordPlace):
    record_type = forms.ChoiceField(choices=RecordType.choices, label=_("Typ"))
    number = forms.CharField(
        label=_("Nummer på blanketten"),
        required=False,
        max_length=20,
        help_text=_("RR-ÅÅÅÅ-NNNNNN från blanketten. Lämna tomt om blanketten saknar nummer."),
    )
    event_at = LocalDateTimeField(
        label=_("Händelsetid"), help_text=_("Tiden som står på papperet: när det hände.")
    )
    written_by_name = forms.CharField(label=_("Skrivet på papper av"), max_length=200)
    subject_name = forms.CharField(
        label=_("Patientens eller brukarens namn"), max_length=200, required=False
    )
    identifier = PatientIdentifierField(required=False)
    content = forms.CharField(label=_("Innehåll"), widget=forms.Textarea(attrs={"rows": 6}))
    target_system = forms.ModelChoiceField(
        queryset=System.objects.none(), required=False, label=_("System att föra in i")
    )


class CorrectionForm(_KeyedForm):
    event_at = LocalDateTimeField(label=_("Händelsetid"))
    written_by_name = forms.CharField(label=_("Skrivet på papper av"), max_length=200)
    content = forms.CharField(
        label=_("Rättad text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skriv vad som rättas och varför. Originalet finns kvar."),
    )


class ReassignForm(forms.Form):
    to = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Ny ansvarig"))
    reason = forms.CharField(label=_("Skäl"), max_length=500)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = (
            User.objects.filter(memberships__organisation=organisation, is_active=True)
            .distinct()
            .order_by("full_name")
        )


class DoneForm(forms.Form):
    external_ref = forms.CharField(
        label=_("Referens i systemet"),
        max_length=200,
        required=False,
        help_text=_("Till exempel anteckningens id. Ingen tid: tiden sätts av servern."),
    )
    target_system = forms.ModelChoiceField(
        queryset=System.objects.none(), required=False, label=_("Införd i system")
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_system"].queryset = _systems(organisation)


class CannotForm(forms.Form):
    reason = forms.CharField(label=_("Varför kan den inte efterregistreras?"), max_length=500)


class DischargeForm(_RecordPlace):
    kind = forms.ChoiceField(choices=DischargeReport.Kind.choices, label=_("Samtalet gällde"))
    call_at = LocalDateTimeField(
        label=_("Tid för samtalet"),
        help_text=_("Gäller som inskrivningstid respektive tid för utskrivningsklar."),
    )
    patient_name = forms.CharField(label=_("Patientens namn"), max_length=200)
    identifier = PatientIdentifierField()
    ward = forms.CharField(label=_("Avdelning"), max_length=200)
    ward_phone = forms.CharField(label=_("Avdelningens telefon"), max_length=40)
    caller_name = forms.CharField(label=_("Vem ringde"), max_length=200)
    caller_organisation = forms.CharField(
        label=_("Organisation för den som ringde"), max_length=200
    )
    receiver_name = forms.CharField(label=_("Till/från vem"), max_length=200)
    receiver_organisation = forms.CharField(label=_("Mottagarens organisation"), max_length=200)
    estimated_discharge_date = forms.DateField(
        label=_("Beräknat utskrivningsdatum"), required=False, widget=DateInput()
    )
    assessing_doctor = forms.CharField(
        label=_("Bedömande läkare"),
        max_length=200,
        required=False,
        help_text=_("Krävs vid ändring av utskrivningsklar eller beräknat datum."),
    )
    care_contact = forms.CharField(label=_("Fast vårdkontakt"), max_length=200, required=False)
    sip_meeting_date = forms.DateField(
        label=_("Datum för SIP-möte"), required=False, widget=DateInput()
    )
    summary = forms.CharField(
        label=_("Sammanfattning av överrapporteringen"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    written_by_name = forms.CharField(label=_("Dokumenterat av"), max_length=200)
    target_system = forms.ModelChoiceField(
        queryset=System.objects.none(), required=False, label=_("System att föra in i")
    )
