"""The roster upload form."""

from __future__ import annotations

from django import forms
from django.conf import settings

from rapport.people.models import ImportRun


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Roster file",
        max_length=255,  # ImportRun.file_name
        help_text="A OneRoster zip (1.1 or 1.2) or a plain CSV (name, email, school, role).",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.csv"}),
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("", "Detect from the file"), *ImportRun.Format.choices],
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.RAPPORT_ROSTER_MAX_BYTES
        if not upload.name.lower().endswith((".zip", ".csv")):
            raise forms.ValidationError("Choose a .zip (OneRoster) or a .csv file.")
        if upload.size > limit:
            raise forms.ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
        return upload
