"""Forms validate shape only; ``actions.import_routine`` decides whether a routine is valid."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reservrutin.routines.loader import MAX_BYTES


class UploadForm(forms.Form):
    """A routine file, or its text pasted; the text is kept when validation fails."""

    file = forms.FileField(label=_("YAML-fil"), required=False)
    text = forms.CharField(
        label=_("eller klistra in texten"),
        required=False,
        max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )
    approve = forms.BooleanField(label=_("Sätt den nya versionen i kraft direkt"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError(_("Filen är större än 1 MB."))
            data["content"] = upload.read()
            data["filename"] = upload.name
        elif data.get("text"):
            data["content"] = data["text"].replace("\r\n", "\n")
            data["filename"] = "inklistrad.yaml"
        else:
            raise forms.ValidationError(_("Välj en fil eller klistra in texten."))
        return data
