"""Forms validate shape only; the actions decide what is allowed."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reservrutin.readiness.models import ReadinessItem


class TickForm(forms.Form):
    note = forms.CharField(label=_("Anteckning"), required=False, max_length=2000)
    found_missing = forms.BooleanField(label=_("Saknades"), required=False)


class LocalItemForm(forms.Form):
    text = forms.CharField(
        label=_("Punkt"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    recurrence = forms.ChoiceField(label=_("Hur ofta"), choices=ReadinessItem.Recurrence.choices)
    responsible = forms.CharField(label=_("Ansvarig roll (nyckel)"), required=False, max_length=161)


class ExerciseForm(forms.Form):
    routine = forms.ChoiceField(label=_("Rutin och scenario"))
    unit = forms.ChoiceField(label=_("Enhet"), required=False)
    speed = forms.FloatField(label=_("Tidsfaktor"), min_value=1, max_value=3600, initial=60)
    participants = forms.MultipleChoiceField(
        label=_("Deltagare"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: object,
        scenarios: list[tuple[str, str]],
        units: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["routine"].choices = scenarios
        self.fields["unit"].choices = [("", _("Hela organisationen")), *units]
        self.fields["participants"].choices = people
