from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts.models import Organisation
from reservrutin.lib import params
from reservrutin.registry.models import System
from reservrutin.statuspage.models import Notice


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Vad har hänt, vad ska man göra, när kommer nästa besked. Inga personuppgifter."
        ),
    )
    severity = forms.ChoiceField(label=_("Allvarlighet"), choices=Notice.Severity.choices)
    systems = params.ModelMultipleChoiceField(
        label=_("System"), queryset=System.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    backup_routine = forms.CharField(
        label=_("Reservrutin som gäller"), max_length=300, required=False
    )

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = System.objects.filter(organisation=organisation).order_by(
            "name"
        )


class NoticeEditForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    severity = forms.ChoiceField(label=_("Allvarlighet"), choices=Notice.Severity.choices)


class FinalUpdateForm(forms.Form):
    final_update = forms.CharField(
        label=_("Slutbesked"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Visas när störningen är åtgärdad, efter ”Åtgärdat” och klockslaget. Skriv gärna "
            "vad man ska göra nu, t.ex. efterregistrera."
        ),
    )
