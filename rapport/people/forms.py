from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from rapport.people.models import ImportRun, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class FirstPasswordResetForm(PasswordResetForm):
    """The reset email, also for people who have never had a password.

    Imported and administrator-made accounts start with an unusable password
    and choose their first one through this email. Django's form leaves such
    accounts out (it expects them to sign in elsewhere); Rapport has no
    elsewhere. Inactive accounts still get nothing.
    """

    def get_users(self, email: str):
        return User.objects.filter(email=email.strip().lower(), is_active=True)


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
