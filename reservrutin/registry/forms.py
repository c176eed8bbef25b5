from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reservrutin.accounts.models import Unit
from reservrutin.lib import params
from reservrutin.registry.models import System


class UnitSystemsForm(forms.Form):
    systems = params.ModelMultipleChoiceField(
        label=_("System som enheten använder"),
        queryset=System.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Prenumerationer för enheten får driftinfo om de här systemen och om det de är "
            "beroende av."
        ),
    )

    def __init__(self, *args: object, unit: Unit, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["systems"]
        field.queryset = System.objects.filter(organisation=unit.organisation).order_by("name")
        if not self.is_bound:
            field.initial = list(unit.system_links.values_list("system_id", flat=True))
